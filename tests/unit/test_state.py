"""Multi-turn state rules: every row of the table in docs/state_rules.md, plus apply_update/apply_moves directly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extraction.rules import RuleExtractor
from extraction.state import MOVES, StateUpdate, apply_moves, apply_update
from extraction.vocabulary import Vocabulary
from retrieval.catalog import Product
from retrieval.filters import ACCESSORIES, PHONES, Filters

DOC = Path(__file__).resolve().parents[2] / "docs" / "state_rules.md"

# The products "shown last turn" in the rule table's *shown* rows (the same three as in the document).
SHOWN = [
    Product(id="A", title="Galaxy A14", brand="Samsung", price=100, average_rating=4.0, rating_number=10,
            storage_gb=64),
    Product(id="B", title="Galaxy A54", brand="Samsung", price=200, average_rating=4.2, rating_number=500,
            storage_gb=128),
    Product(id="C", title="Pixel 7a", brand="Google", price=300, average_rating=4.6, rating_number=2000,
            storage_gb=128),
]


def _rule_rows() -> list[tuple[str, str, str, dict, dict]]:
    text = DOC.read_text(encoding="utf-8")
    table = text.split("<!-- rule-table -->")[1].split("<!-- /rule-table -->")[0]
    rows = []
    for line in table.strip().splitlines()[2:]:
        number, operation, utterance, before, after = (c.strip() for c in line.strip().strip("|").split("|"))
        rows.append((number, operation, utterance, json.loads(before.strip("`")), json.loads(after.strip("`"))))
    return rows


ROWS = _rule_rows()


@pytest.fixture(scope="module")
def extractor() -> RuleExtractor:
    return RuleExtractor(Vocabulary.default())


def test_rule_table_is_complete():
    assert len(ROWS) >= 40
    operations = " ".join(op for _, op, _, _, _ in ROWS)
    for move in ("cheaper", "more expensive", "better rated", "more reviews", "more storage", "other brands"):
        assert move in operations
    for word in ("reset", "remove", "replaces", "adds", "excludes", "accessories"):
        assert word in operations


@pytest.mark.parametrize("number,operation,utterance,before,after", ROWS, ids=[f"row{r[0]}" for r in ROWS])
def test_rule_table_row(extractor, number, operation, utterance, before, after):
    shown = SHOWN if "*shown*" in operation else ()
    result = extractor.extract(utterance, Filters(**before), shown)
    assert result.filters == Filters(**after), (
        f"row {number} ({operation}): {utterance!r} gave {result.filters.active()} ({result.warnings})")
    if "warning" in operation:
        assert result.warnings, f"row {number} should warn"
    if "reset" in operation:
        assert result.reset


# ------------------------------------------------------------------------------------------ apply_update
def test_update_order_reset_then_set():
    state = Filters(brand=["Samsung"], color=["red"])
    new, _ = apply_update(state, StateUpdate(reset=True, set={"price_max": 100}))
    assert new.active() == {"price_max": 100.0}


def test_add_appends_without_duplicates():
    new, _ = apply_update(Filters(color=["blue"]), StateUpdate(add={"color": ["green", "Blue"]}))
    assert new.color == ["blue", "green"]


def test_remove_groups_and_fields():
    state = Filters(price_min=10, price_max=20, average_rating_min=4, brand=["A"], brand_exclude=["B"])
    new, warnings = apply_update(state, StateUpdate(remove=["price", "brand", "average_rating_min", "bogus"]))
    assert new.is_empty()
    assert any("bogus" in w for w in warnings)


def test_set_exclusion_removes_brand_and_set_brand_lifts_exclusion():
    new, _ = apply_update(Filters(brand=["Samsung", "Apple"]), StateUpdate(set={"brand_exclude": ["samsung"]}))
    assert new.brand == ["Apple"]
    new, _ = apply_update(Filters(brand_exclude=["Samsung"]), StateUpdate(set={"brand": ["Samsung"]}))
    assert new.brand == ["Samsung"] and new.brand_exclude == []


def test_switch_keeps_rating_and_price_levels_only():
    state = Filters(subcategory=PHONES, price_max="low", price_min=50, average_rating_min=4.5,
                    review_count_min="high", brand=["Samsung"], storage_gb_min=128, carrier=["Verizon"],
                    condition="renewed", color=["black"])
    new, warnings = apply_update(state, StateUpdate(set={"subcategory": ACCESSORIES, "color": ["black"]}))
    assert new.active() == {"price_max": "low", "review_count_min": "high", "average_rating_min": 4.5,
                            "subcategory": ACCESSORIES, "color": ["black"]}
    assert warnings and "cleared" in warnings[0]


def test_invalid_values_in_update_dropped_not_raised():
    new, warnings = apply_update(Filters(brand=["A"]), StateUpdate(set={"price_max": "lots", "nope": 1,
                                                                        "average_rating_min": 4.0}))
    assert new.active() == {"average_rating_min": 4.0, "brand": ["A"]}
    assert len(warnings) == 2


def test_apply_update_tolerates_garbage():
    new, warnings = apply_update(None, "not an update")  # type: ignore[arg-type]
    assert new == Filters() and warnings
    new, warnings = apply_update(Filters(price_max=5), StateUpdate(add={"price_max": ["x"]}))
    assert new.price_max == 5.0 and warnings


# ------------------------------------------------------------------------------------------ apply_moves
@pytest.mark.parametrize("move,expected", [
    ("cheaper", {"price_max": 199.99}),
    ("more_expensive", {"price_min": 200.01}),
    ("better_rated", {"average_rating_min": 4.3}),
    ("more_reviews", {"review_count_min": 501.0}),
    ("more_storage", {"storage_gb_min": 256.0}),
    ("other_brands", {"brand_exclude": ["Samsung", "Google"]}),
])
def test_moves_anchor_to_the_median_of_shown(move, expected):
    new, warnings = apply_moves(Filters(), [move], SHOWN)
    assert new.active() == expected
    assert warnings == []


def test_cheaper_never_loosens_a_tighter_bound():
    new, _ = apply_moves(Filters(price_max=150), ["cheaper"], SHOWN)
    assert new.price_max == 150.0


def test_moves_repeat_keep_moving():
    state = Filters()
    shown = SHOWN
    for _ in range(3):
        state, _ = apply_moves(state, ["cheaper"], shown)
        shown = [p for p in shown if p.price is not None and p.price <= state.price_max] or shown[:1]
    assert state.price_max < 100


@pytest.mark.parametrize("state,move,expected", [
    (Filters(price_max=300), "cheaper", {"price_max": 240.0}),
    (Filters(price_max="high"), "cheaper", {"price_max": "medium"}),
    (Filters(price_min="high"), "cheaper", {"price_min": "medium"}),
    (Filters(), "more_expensive", {"price_min": "medium"}),
    (Filters(price_min=100), "more_expensive", {"price_min": 120.0}),
    (Filters(average_rating_min=4.0), "better_rated", {"average_rating_min": 4.3}),
    (Filters(review_count_min="medium"), "more_reviews", {"review_count_min": "high"}),
    (Filters(storage_gb_min=128), "more_storage", {"storage_gb_min": 256.0}),
    (Filters(brand=["Samsung"]), "other_brands", {"brand_exclude": ["Samsung"]}),
])
def test_moves_with_nothing_shown_shift_and_warn(state, move, expected):
    new, warnings = apply_moves(state, [move], [])
    assert new.active() == expected
    if move != "other_brands":
        assert warnings and "no shown" in warnings[0]


def test_unknown_move_warns():
    new, warnings = apply_moves(Filters(price_max=10), ["teleport"], SHOWN)
    assert new.price_max == 10.0 and "unknown move" in warnings[0]


def test_moves_with_products_lacking_values_fall_back():
    bare = [Product(id="x", title="x")]
    new, warnings = apply_moves(Filters(), ["cheaper", "better_rated", "other_brands"], bare)
    assert new.price_max == "low" and new.average_rating_min == "high"
    assert len(warnings) == 3


# ------------------------------------------------------------------------------------------ properties
_numbers = st.one_of(st.none(), st.floats(0, 5000, allow_subnormal=False), st.sampled_from(["low", "medium", "high"]))
_states = st.builds(
    Filters, price_min=_numbers, price_max=_numbers, average_rating_min=st.one_of(st.none(), st.floats(0, 5, allow_subnormal=False)),
    brand=st.lists(st.sampled_from(["Samsung", "Google", "Apple"]), max_size=2),
    subcategory=st.sampled_from([None, PHONES, ACCESSORIES]), storage_gb_min=st.one_of(st.none(), st.floats(1, 2048, allow_subnormal=False)))
_updates = st.builds(
    StateUpdate,
    set=st.dictionaries(st.sampled_from(["price_max", "subcategory", "brand", "color", "bogus", "storage_gb_min"]),
                        st.one_of(st.none(), st.integers(-5, 500), st.text(max_size=8),
                                  st.lists(st.text(max_size=6), max_size=2)), max_size=3),
    add=st.dictionaries(st.sampled_from(["brand", "color", "price_max"]), st.lists(st.text(max_size=6), max_size=2),
                        max_size=2),
    remove=st.lists(st.text(max_size=10), max_size=2),
    moves=st.lists(st.sampled_from(list(MOVES) + ["bogus"]), max_size=3),
    reset=st.booleans())
_products = st.lists(st.builds(Product, id=st.just("p"), title=st.just("t"),
                               brand=st.one_of(st.none(), st.sampled_from(["Samsung", "Google"])),
                               price=st.one_of(st.none(), st.floats(0, 2000, allow_subnormal=False)),
                               average_rating=st.one_of(st.none(), st.floats(0, 5, allow_subnormal=False)),
                               rating_number=st.one_of(st.none(), st.integers(0, 10**6)),
                               storage_gb=st.one_of(st.none(), st.floats(1, 2048, allow_subnormal=False))), max_size=4)


@settings(max_examples=200, deadline=None)
@given(_states, _updates, _products)
def test_apply_update_never_raises(state, update, shown):
    new, warnings = apply_update(state, update, shown)
    assert isinstance(new, Filters) and isinstance(warnings, list)
    Filters.model_validate(new.model_dump())


def test_brand_said_with_stray_whitespace_still_leaves_the_exclusions() -> None:
    # Found by the heavy state machine: Filters strips values, so the comparison must too.
    state, _ = apply_update(Filters(brand_exclude=["Acme"]), StateUpdate(add={"brand": ["acme  "]}))
    assert state.brand == ["acme"] and state.brand_exclude == []
    state, _ = apply_update(Filters(brand=["Acme"]), StateUpdate(add={"brand_exclude": [" ACME"]}))
    assert state.brand == [] and state.brand_exclude == ["ACME"]


def test_other_brands_keeps_the_brand_named_in_the_same_utterance():
    # "other brands, like google": the move clears and excludes the brand list; the named brand must survive
    new, _ = apply_update(Filters(brand=["Samsung"]), StateUpdate(set={"brand": ["Google"]}, moves=["other_brands"]),
                          SHOWN)
    assert new.brand == ["Google"]
    assert "Google" not in new.brand_exclude and "Samsung" in new.brand_exclude


def test_other_brands_without_a_named_brand_still_clears_the_brand():
    new, _ = apply_update(Filters(brand=["Samsung"]), StateUpdate(moves=["other_brands"]), ())
    assert new.brand == [] and new.brand_exclude == ["Samsung"]
