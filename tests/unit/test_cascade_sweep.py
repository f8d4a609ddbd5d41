"""The cascade's threshold is chosen on dev from the outcomes of both readers (`evals.cascade_sweep`)."""

from __future__ import annotations

from collections.abc import Sequence

from evals import cascade_sweep
from evals.real_phrasing import Item
from extraction.base import ExtractionResult, Extractor
from extraction.vocabulary import Vocabulary
from retrieval.catalog import Product
from retrieval.filters import Filters

RED, BLUE = Filters(color=["red"]), Filters(color=["blue"])


class Table(Extractor):
    """Reads each text as the table says, with the confidence the table gives."""

    def __init__(self, readings: dict[str, tuple[Filters, float | None]]) -> None:
        self.readings = readings

    def extract(self, utterance: str, state: Filters | None = None,
                shown: Sequence[Product] = ()) -> ExtractionResult:
        filters, confidence = self.readings[utterance]
        return ExtractionResult(filters=filters, confidence=confidence)


def test_the_threshold_that_serves_the_most_dev_items_right_is_chosen() -> None:
    # gold is red everywhere. The model is right when sure (0.95, 0.99), wrong when unsure (0.6, 0.7), and the
    # grammar is right on the unsure ones: any threshold in (0.7, 0.95] serves all four right; 0.75 is the lowest.
    model = Table({"a": (RED, 0.95), "b": (RED, 0.99), "c": (BLUE, 0.6), "d": (BLUE, 0.7)})
    rules = Table({"a": (BLUE, None), "b": (RED, None), "c": (RED, None), "d": (RED, None)})
    items = [Item(t, "followup", t, Filters(), RED) for t in "abcd"]
    out = cascade_sweep.sweep(model, rules, [], [], [], items, Vocabulary.default(), thresholds=(0.0, 0.65, 0.75, 0.9, 0.98))
    rows = {r["min_confidence"]: r["real_dev"] for r in out["table"]}
    assert rows == {0.0: 0.5, 0.65: 0.75, 0.75: 1.0, 0.9: 1.0, 0.98: 0.75}
    assert out["min_confidence"] == 0.75
    assert out["model_alone"]["real_dev"] == 0.5 and out["rules_alone"]["real_dev"] == 0.75
