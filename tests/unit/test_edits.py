"""Edit targets (extraction/edits.py): what a turn changes, written and applied back exactly."""

import random

from extraction.edits import apply_edits, format_edits
from extraction.entities import relexicalise_entities, tag_entities
from extraction.vocabulary import Vocabulary
from retrieval.filters import Filters
from training.synth import SynthConfig, demo_products, generate_examples, load_vocab


def test_every_synthetic_turn_round_trips_through_its_edits():
    examples = generate_examples(SynthConfig(n_single=300, n_multi=900, seed=5), load_vocab(products=demo_products()))
    assert any(not e.input_state.is_empty() for e in examples)
    for e in examples:
        text = format_edits(e.input_state, e.target_state, e.moves, e.reset)
        data, moves, reset, warnings = apply_edits(e.input_state, text)
        assert Filters(**data) == e.target_state and moves == list(e.moves) and reset == e.reset, (e, text)
        assert not warnings


def test_edits_name_only_the_change():
    before = Filters(brand=["Samsung"], color=["black"], price_max=300)
    assert format_edits(before, before) == "none"
    assert format_edits(before, Filters(brand=["Samsung", "Google"], color=["black"], price_max=300)) == "brand+=Google"
    assert format_edits(before, Filters(brand=["Google"], color=["black"], price_max=300)) == "brand=Google"
    assert format_edits(before, Filters(brand=["Samsung"], color=["black"])) == "clear=price"
    assert format_edits(before, Filters(color=["red"]), reset=True) == "reset=yes ; color=red"
    assert format_edits(before, Filters(brand=["Google"])) == "clear=price ; brand=Google ; clear=color"


def test_a_whole_range_is_cleared_by_its_name_and_one_bound_by_the_field():
    both = Filters(price_min=200, price_max=300, brand=["Samsung"])
    assert format_edits(both, Filters(brand=["Samsung"])) == "clear=price"  # one target, whichever bounds were set
    assert apply_edits(both, "clear=price")[0] == {"brand": ["Samsung"]}
    assert format_edits(both, Filters(price_max=300, brand=["Samsung"])) == "clear=price_min"
    assert apply_edits(both, "clear=price_min")[0] == {"price_max": 300, "brand": ["Samsung"]}


def test_a_turn_that_changes_nothing_keeps_the_state():
    before = Filters(brand=["Samsung"], average_rating_min=4.0)
    assert apply_edits(before, "none")[0] == before.active()
    assert apply_edits(before, "")[0] == before.active()


def test_garbage_edits_are_dropped_with_warnings_and_the_rest_applies():
    before = Filters(brand=["Samsung"], price_max=300)
    data, moves, reset, warnings = apply_edits(before, "clear=wingspan ; price_max+=n0 ; color=red ; bogus ; move=fly")
    assert data == {"brand": ["Samsung"], "price_max": 300, "color": ["red"]}
    assert moves == [] and not reset and len(warnings) == 4
    assert apply_edits(before, None)[0] == before.active()  # type: ignore[arg-type]


def test_added_entities_are_put_back_from_their_placeholders():
    vocab = Vocabulary(["Samsung", "Nokia"], ["black"], [], [], [])
    before = Filters(brand=["Samsung"])
    _, entities = tag_entities("nokia would be ok too", vocab, before)
    text, warnings = relexicalise_entities(format_edits(before, Filters(brand=["Samsung", "Nokia"]), entities=entities),
                                           entities)
    assert not warnings and Filters(**apply_edits(before, text)[0]) == Filters(brand=["Samsung", "Nokia"])


def test_random_state_pairs_round_trip():
    rng = random.Random(3)
    values = {"brand": ["Samsung", "Apple", "Nokia"], "color": ["black", "red"], "price_max": [100, 250.5],
              "average_rating_min": [3.5, "high"], "subcategory": ["Cell Phones"]}

    def draw():
        return Filters(**{k: (rng.sample(v, rng.randint(1, len(v))) if isinstance(v[0], str) and k in ("brand", "color")
                              else rng.choice(v)) for k, v in values.items() if rng.random() < 0.5})

    for _ in range(300):
        a, b = draw(), draw()
        assert Filters(**apply_edits(a, format_edits(a, b))[0]) == b
