"""Choose the subcategory judge's threshold on the dev sets only, with the grammar's readings.

A veto matters only where a reading newly sets "Cell Phone Accessories" or "Cell Phones"
(`extraction.subcategory_judge`).
For every such dev turn (the synthetic dev template families, held out from the extractor's training, and
the real-phrasing dev split) the gold says whether that subcategory is right; a threshold t
vetoes the turns whose P(neither) >= t. The chosen t maximises the gain in exact match it brings to each
set, (right - wrong vetoes) / turns in that set, summed over both sets (ties: the higher t, fewer vetoes).
Rates, not counts: 3,000 synthetic turns would otherwise outvote the 131 real ones 23 to 1, and real
phrasing is what the judge is for. The test splits are never read.

    python -m evals.judge_sweep models/subcategory_judge            # prints the table, writes sweep.json there
    python -m evals.judge_sweep models/subcategory_judge --write    # and the chosen threshold into config.json
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from evals import real_phrasing
from evals.extraction_eval import ExtractionEvalConfig, demo_products, load_splits, synthetic_dev
from extraction.rules import RuleExtractor
from extraction.subcategory_judge import CONFIG, SubcategoryJudge, judge_topic, newly_judged
from extraction.vocabulary import Vocabulary

THRESHOLDS = (0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95)


def candidates(judge: SubcategoryJudge, max_synthetic: int = 3000,
               seed: int = 13) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """Dev turns the grammar reads as newly asking for phones or accessories: the judge's P(neither), and whether
    a veto would be right (the gold has not that subcategory); and how many dev turns each set has."""
    products = demo_products()
    vocab = Vocabulary.from_products(products)
    rules = RuleExtractor(vocab)
    turns = []
    config = ExtractionEvalConfig(model=None, seed=seed, max_examples=max_synthetic)
    dev, _, golds = synthetic_dev(load_splits(config, products)[1], config, products, vocab)
    turns += [("synthetic", e.utterance, e.input_state, g.subcategory) for e, g in zip(dev, golds, strict=True)]
    for item in real_phrasing.load("dev"):
        turns.append(("real_dev", item.text, item.state, vocab.snap(item.gold)[0].subcategory))
    out = []
    sizes = {"synthetic": sum(t[0] == "synthetic" for t in turns), "real_dev": sum(t[0] == "real_dev" for t in turns)}
    for source, text, before, gold in turns:
        reading = rules.extract(text, before)
        if not newly_judged(before, reading.filters):
            continue
        topic = judge_topic(reading, before)  # as `Judged` reads it, from the same grammar reading
        if topic:
            was = before.subcategory if before is not None else None
            # right: the veto restores the gold; wrong: it undoes a right reading (else wrong either way)
            out.append({"source": source, "text": text, "topic": topic, "veto_right": gold == was,
                        "veto_wrong": gold == reading.filters.subcategory,
                        "p_neither": judge.neither([topic])[0]})
    return out, sizes


def sweep(rows: list[dict[str, Any]], sizes: dict[str, int]) -> dict[str, Any]:
    """The table of vetoes per threshold and the chosen threshold; `sizes`: turns per set (the rates' base)."""
    table = []
    for t in THRESHOLDS:
        row: dict[str, Any] = {"threshold": t}
        for source in ("synthetic", "real_dev"):
            vetoed = [r for r in rows if r["source"] == source and r["p_neither"] >= t]
            row[source] = {"right": sum(r["veto_right"] for r in vetoed), "wrong": sum(r["veto_wrong"] for r in vetoed)}
        row["net"] = sum(row[s]["right"] - row[s]["wrong"] for s in ("synthetic", "real_dev"))
        row["em_gain"] = round(sum((row[s]["right"] - row[s]["wrong"]) / max(sizes.get(s, 0), 1)
                                   for s in ("synthetic", "real_dev")), 5)
        table.append(row)
    best = max(table, key=lambda r: (r["em_gain"], r["threshold"]))
    return {"threshold": best["threshold"], "table": table, "n_candidates": len(rows), "turns": sizes,
            "wrong_vetoes_at_choice": [r["text"] for r in rows if r["p_neither"] >= best["threshold"]
                                       and r["veto_wrong"]][:20]}


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder")
    parser.add_argument("--write", action="store_true", help="write the chosen threshold into the judge's config")
    args = parser.parse_args(argv)
    folder = Path(args.folder)
    result = sweep(*candidates(SubcategoryJudge.load(folder)))
    (folder / "sweep.json").write_text(json.dumps(result, indent=1) + "\n")
    if args.write:
        cfg = json.loads((folder / CONFIG).read_text())
        cfg["threshold"] = result["threshold"]
        cfg["threshold_from"] = "python -m evals.judge_sweep (dev sets only)"
        (folder / CONFIG).write_text(json.dumps(cfg, indent=1) + "\n")
    print(json.dumps({k: v for k, v in result.items()}, indent=1))
    return result


if __name__ == "__main__":
    main()
