"""The gold path of a multi-turn evaluation keeps what a move did (`evals.extraction_eval.turn_gold`)."""

from __future__ import annotations

from evals.extraction_eval import turn_gold
from extraction.vocabulary import Vocabulary
from retrieval.catalog import Product
from retrieval.filters import PHONES, Filters
from training.synth import Example

VOCAB = Vocabulary.default()
SHOWN = [Product(id=str(i), title=f"Phone {i}", brand="Samsung", price=p, subcategory=PHONES)
         for i, p in enumerate([200.0, 300.0, 400.0])]
GEN = Filters(subcategory=PHONES, brand=["Samsung"])  # the generator's state: it never holds a move's result


def test_a_move_stays_on_the_gold_path_through_a_turn_that_does_not_touch_it():
    cheaper = turn_gold(VOCAB, Example(GEN, "cheaper", GEN, ["cheaper"]), GEN, SHOWN)
    assert isinstance(cheaper.price_max, float) and cheaper.price_max < 300
    black = Filters(subcategory=PHONES, brand=["Samsung"], color=["black"])
    after = turn_gold(VOCAB, Example(GEN, "only black ones", black, family="add_constraint/1"), cheaper, SHOWN)
    assert after.price_max == cheaper.price_max and after.color == ["black"]  # the generator's target forgot it
    thanks = turn_gold(VOCAB, Example(black, "thanks", black, family="none/1"), after, SHOWN)
    assert thanks == after


def test_a_removal_clears_a_field_the_generator_never_had():
    cheaper = turn_gold(VOCAB, Example(GEN, "cheaper", GEN, ["cheaper"]), GEN, SHOWN)
    any_price = turn_gold(VOCAB, Example(GEN, "any price", GEN, family="remove_price/0"), cheaper, SHOWN)
    assert any_price.price_max is None and any_price.brand == ["Samsung"]
    also = turn_gold(VOCAB, Example(GEN, "any price, just black", GEN.merged(color=["black"]),
                                    family="remove_add_price/2"), cheaper, SHOWN)
    assert also.price_max is None and also.color == ["black"]


def test_a_changed_field_and_a_reset_follow_the_turn():
    cheaper = turn_gold(VOCAB, Example(GEN, "cheaper", GEN, ["cheaper"]), GEN, SHOWN)
    under = turn_gold(VOCAB, Example(GEN, "under 150", GEN.merged(price_max=150.0), family="add_constraint/2"),
                      cheaper, SHOWN)
    assert under.price_max == 150.0
    fresh = Filters(subcategory=PHONES, brand=["Google"])
    assert turn_gold(VOCAB, Example(GEN, "start over, a pixel", fresh, reset=True), cheaper, SHOWN) == fresh
