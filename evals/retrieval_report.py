"""The retrieval evaluation's Table 5 in markdown and its P@k / R@k plot; apart from retrieval_eval.py, which computes the numbers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from evals.metrics import KS

TABLE_COLUMNS = [f"P@{k}" for k in KS] + [f"R@{k}" for k in KS] + ["MRR@10", "nDCG@10", "CP@10"]


def markdown(result: dict[str, Any]) -> str:
    """One table per dataset in the paper's Table 5 layout (precision and recall at 1, 2, 3, 5, 10)."""
    head = (f"**{result['name']}**: {result['queries']} queries over {result['products']:,} products, "
            f"filters from {result['filters_source']}"
            + (f" (exact match with the qrels filters: {result['filters_exact_match']:.0%})"
               if result.get("filters_exact_match") is not None else "")
            + (f"; {len(result['skipped_rows'])} bad qrels rows skipped" if result["skipped_rows"] else ""))
    lines = [head, "", "| configuration | " + " | ".join(TABLE_COLUMNS) + " | ms/query |",
             "|---|" + "---:|" * (len(TABLE_COLUMNS) + 1)]
    best = {c: max(r["metrics"].get(c, 0) for r in result["rows"]) for c in TABLE_COLUMNS}
    for r in result["rows"]:
        cells = []
        for c in TABLE_COLUMNS:
            v = r["metrics"].get(c)
            s = "" if v is None else f"{v:.3f}"
            cells.append(f"**{s}**" if v is not None and v == best[c] and v > 0 else s)
        lines.append(f"| {r['config']} | " + " | ".join(cells) + f" | {r['ms_per_query']:.1f} |")
    return "\n".join(lines)


def plot(result: dict[str, Any], path: str | Path) -> Path:
    """Precision@k and recall@k per configuration, two panels."""
    import matplotlib  # lazy: an optional dev extra, only for the plot (the table and JSON do not need it)

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # lazy: after choosing the Agg backend above

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.5))
    colors = plt.get_cmap("tab20").colors
    for i, r in enumerate(result["rows"]):
        style = "--" if "gold" in r["config"] else "-"  # upper-bound rows dashed
        for ax, metric in zip(axes, ("P", "R"), strict=True):
            ax.plot(KS, [r["metrics"][f"{metric}@{k}"] for k in KS], style, marker="o", markersize=4,
                    color=colors[(2 * i) % 20 if i < 10 else (2 * i + 1) % 20], label=r["config"])
    for ax, title in zip(axes, ("Precision@k", "Recall@k"), strict=True):
        ax.set_xlabel("k")
        ax.set_xticks(KS)
        ax.set_title(f"{title}: {result['name']}")
        ax.grid(alpha=0.3)
    axes[1].legend(fontsize=7, loc="lower right")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
