"""Questions about a product answered from its listing: verdict accuracy, keywords against meaning.

Reads evals/devsets/listing_questions.csv (real listings referenced by id, each question labelled by
hand: yes / no / partly / stated / not stated) and the catalogs it names under ../shared/data/catalogs.
Three readers, side by side on dev and test:

- `keyword` (the old behaviour): a listing that mentions a question word answers "yes" (or quotes it for
  an open question), one that does not, "not stated";
- `keyword+verdict`: the same sentence, read by tools/verdicts.py (negations, partial claims, numbers);
- `meaning`: the sentence nearest in meaning (MiniLM), read by tools/verdicts.py.

    python -m evals.listing_eval [--json] [--failures] [--sweep]

Tune on dev (`--sweep` prints dev accuracy per "not stated" threshold), report test.
"""

from __future__ import annotations

import argparse
import csv
import json
import statistics
import time
from collections import Counter
from pathlib import Path
from typing import Any

from retrieval.catalog import Product, load_catalog
from tools.listing import ListingReader
from tools.questions import MIN_SCORE, answer, keyword_answer
from tools.verdicts import is_open

ROOT = Path(__file__).resolve().parents[1]
DEVSET = ROOT / "evals" / "devsets" / "listing_questions.csv"
CATALOGS = {"us": "amazon_us_phones.jsonl.gz", "in": "amazon_in_electronics.jsonl.gz"}


def data_dir() -> Path:
    for base in (ROOT.parent / "shared" / "data", Path("/work/shared/data")):
        if (base / "catalogs").is_dir():
            return base / "catalogs"
    raise FileNotFoundError("no shared data: put the catalogs under ../shared/data/catalogs (see its README)")


def load_rows(path: Path = DEVSET) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def load_products(rows: list[dict[str, str]]) -> dict[str, Product]:
    want = {r["product_id"] for r in rows}
    out: dict[str, Product] = {}
    for key in sorted({r["catalog"] for r in rows}):
        out.update({p.id: p for p in load_catalog(data_dir() / CATALOGS[key]) if p.id in want})
    missing = want - set(out)
    if missing:
        raise ValueError(f"products not in the catalogs: {sorted(missing)[:5]}; check {DEVSET}")
    return out


def baseline(p: Product, question: str) -> str:
    a = keyword_answer(p, question)
    if not a["found"]:
        return "not stated"
    return "stated" if is_open(question) else "yes"


def run(rows: list[dict[str, str]], products: dict[str, Product], reader: ListingReader | None,
        min_score: float = MIN_SCORE) -> list[dict[str, Any]]:
    out = []
    for r in rows:
        p = products[r["product_id"]]
        kw = answer(p, r["question"])
        rec = {**r, "keyword": baseline(p, r["question"]), "keyword+verdict": kw["verdict"]}
        if reader is not None:
            a = answer(p, r["question"], reader=reader, min_score=min_score)
            rec.update({"meaning": a["verdict"], "evidence": a["evidence"], "score": a["score"]})
        out.append(rec)
    return out


def accuracy(recs: list[dict[str, Any]], method: str, split: str) -> float:
    sel = [r for r in recs if r["split"] == split and method in r]
    return round(sum(r[method] == r["label"] for r in sel) / len(sel), 3) if sel else float("nan")


def latency(reader: ListingReader, products: dict[str, Product], rows: list[dict[str, str]], repeats: int = 5) -> dict[str, float]:
    """Milliseconds to answer one question: first question about a product (its sentences embedded) and a
    later one (cached), median over the set, median of `repeats` runs."""
    cold, warm = [], []
    for _ in range(repeats):
        reader._cache.clear()  # noqa: SLF001 - the eval measures the cold path on purpose
        for r in rows:
            p = products[r["product_id"]]
            for bucket in (warm,) if reader.cached(p.id) else (cold, warm):
                t0 = time.perf_counter()
                answer(p, r["question"], reader=reader)
                bucket.append((time.perf_counter() - t0) * 1000)
    return {"cold_p50_ms": round(statistics.median(cold), 1), "warm_p50_ms": round(statistics.median(warm), 1)}


def main(argv: list[str] | None = None) -> dict[str, Any]:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--failures", action="store_true", help="print the dev questions the meaning reader gets wrong")
    ap.add_argument("--sweep", action="store_true", help="dev accuracy per 'not stated' threshold")
    ap.add_argument("--no-model", action="store_true", help="keywords only (no MiniLM)")
    ap.add_argument("--latency", action="store_true", help="time the meaning reader per question")
    args = ap.parse_args(argv)
    rows = load_rows()
    products = load_products(rows)
    reader = None
    if not args.no_model:
        from retrieval.embedder import Embedder  # lazy: torch loads only when the model is used

        reader = ListingReader(Embedder.load(), cache_size=256)
    recs = run(rows, products, reader)
    methods = ["keyword", "keyword+verdict"] + (["meaning"] if reader else [])
    report: dict[str, Any] = {"questions": dict(Counter(r["split"] for r in rows)),
                              "labels": dict(Counter(r["label"] for r in rows)),
                              "accuracy": {m: {s: accuracy(recs, m, s) for s in ("dev", "test")} for m in methods}}
    if args.sweep and reader:
        report["sweep_dev"] = {str(t): accuracy(run(rows, products, reader, t), "meaning", "dev")
                               for t in (0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6)}
    if args.latency and reader:
        report["latency"] = latency(reader, products, rows)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(f"{'method':<18}{'dev':>8}{'test':>8}")
        for m in methods:
            print(f"{m:<18}{report['accuracy'][m]['dev']:>8}{report['accuracy'][m]['test']:>8}")
        for k in ("sweep_dev", "latency"):
            if k in report:
                print(k, report[k])
    if args.failures:
        for r in recs:
            if r["split"] == "dev" and r.get("meaning", r["keyword+verdict"]) != r["label"]:
                print(f"- {r['product_id']} {r['question']!r}: want {r['label']}, got {r.get('meaning')} "
                      f"(kw {r['keyword+verdict']}) score {r.get('score')} <- {str(r.get('evidence'))[:110]!r}")
    return report


if __name__ == "__main__":
    main()
