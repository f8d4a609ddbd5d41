"""The confidence below which the grammar serves instead of the model (`extraction.shadow`), chosen on dev only.

The model and the rules each read the synthetic *dev* families (never the held-out test families) and the
real-phrasing dev set once; the model's confidence comes with each reading. For every threshold t the pair
is scored as served: the model's reading where the two agree or the model's confidence is >= t, the
grammar's otherwise. The threshold with the most dev items right (both sets summed; ties go to the lower,
which keeps the model in charge more often) is the one `sift eval extraction` then reports on the test
sets and writes to the report, where serving reads it (`sift.extractor_choice`).

    >>> sweep(model, rules, dev_examples, shown, golds, dev_items, vocab)["min_confidence"]   # doctest: +SKIP
    0.9
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from evals import real_phrasing
from retrieval.catalog import Product
from retrieval.filters import Filters

THRESHOLDS = (0.0, 0.3, 0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 0.98)


def _outcomes(model: Any, rules: Any, utterances: list[str], states: list[Any], shown: list[Any] | None,
              right: Any) -> list[tuple[bool, bool, bool, float | None]]:
    """(model right, rules right, same reading, model confidence) per item."""
    m = model.extract_batch(utterances, states, shown)
    r = rules.extract_batch(utterances, states, shown)
    return [(right(i, a.filters), right(i, b.filters), a.filters == b.filters, a.confidence)
            for i, (a, b) in enumerate(zip(m, r, strict=True))]


def _served_right(rows: Sequence[tuple[bool, bool, bool, float | None]], t: float) -> int:
    return sum(m if same or conf is None or conf >= t else r for m, r, same, conf in rows)


def sweep(model: Any, rules: Any, dev_examples: Sequence[Any], shown: Sequence[Sequence[Product]],
          golds: Sequence[Filters], dev_items: Sequence[real_phrasing.Item], vocab: Any,
          thresholds: Sequence[float] = THRESHOLDS) -> dict[str, Any]:
    """Dev exact match of the served pair per threshold, and the chosen threshold (see the module doc).

    `shown` and `golds` go with `dev_examples` (the products a move is judged against, the gold states)."""
    synth = _outcomes(model, rules, [e.utterance for e in dev_examples], [e.input_state for e in dev_examples],
                      list(shown), lambda i, f: f == golds[i])
    real_gold = [real_phrasing.project(vocab.snap(i.gold)[0]) for i in dev_items]
    real = _outcomes(model, rules, [i.text for i in dev_items], [i.state for i in dev_items], None,
                     lambda i, f: real_phrasing.project(f) == real_gold[i])
    table = []
    for t in thresholds:
        s, r = _served_right(synth, t), _served_right(real, t)
        table.append({"min_confidence": t, "synthetic_dev": s / max(len(synth), 1), "real_dev": r / max(len(real), 1),
                      "right": s + r})
    best = max(table, key=lambda row: (row["right"], -row["min_confidence"]))
    return {"min_confidence": best["min_confidence"], "n_synthetic_dev": len(synth), "n_real_dev": len(real),
            "model_alone": {"synthetic_dev": sum(x[0] for x in synth) / max(len(synth), 1),
                            "real_dev": sum(x[0] for x in real) / max(len(real), 1)},
            "rules_alone": {"synthetic_dev": sum(x[1] for x in synth) / max(len(synth), 1),
                            "real_dev": sum(x[1] for x in real) / max(len(real), 1)},
            "table": table}
