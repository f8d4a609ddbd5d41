"""Size limits: no `Filters` carries unbounded lists, strings or numbers, whoever sends them.

People (CLI, API: `parse_filter_args`) get a clear error; the lenient paths (extractors, tools, stored
state: `fit_limits`) keep the newest values within the limits and say what they dropped.
"""

from __future__ import annotations

import gzip
import json
import math
from pathlib import Path

import pytest
from pydantic import ValidationError

from extraction.llm import LLMExtractor
from extraction.state import StateUpdate, apply_moves, apply_update
from extraction.vocabulary import Vocabulary
from retrieval.catalog import Product
from retrieval.filters import (
    LIST_FIELDS,
    MAX_LIST_VALUES,
    MAX_RAW_ITEMS,
    MAX_VALUE_CHARS,
    NUMERIC_FIELDS,
    NUMERIC_LIMITS,
    FilterError,
    Filters,
    fit_limits,
    parse_filter_args,
)
from tools.schemas import MAX_QUERY_CHARS, MAX_REFERENCES, ProductDetailsArgs, SearchProductsArgs
from tools.state import filters_of

MEGABYTE = "9" * (1 << 20)
SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "catalogs"


def _within_limits(f: Filters) -> bool:
    for name in LIST_FIELDS:
        values = getattr(f, name)
        if len(values) > MAX_LIST_VALUES or any(len(v) > MAX_VALUE_CHARS for v in values):
            return False
    for name, (attribute, _) in NUMERIC_FIELDS.items():
        v = getattr(f, name)
        if isinstance(v, float) and not (math.isfinite(v) and 0 <= v <= NUMERIC_LIMITS[attribute]):
            return False
    return f.subcategory is None or len(f.subcategory) <= MAX_VALUE_CHARS


# ---------------------------------------------------------------------------------------------- Filters
@pytest.mark.parametrize("name", LIST_FIELDS)
def test_list_fields_hold_at_most_the_limit(name):
    values = [f"value{i}" for i in range(MAX_LIST_VALUES)]
    assert getattr(Filters(**{name: values}), name) == values
    with pytest.raises(ValidationError, match=f"at most {MAX_LIST_VALUES}"):
        Filters(**{name: values + ["one more"]})


def test_duplicates_do_not_count_but_a_flood_is_refused_without_reading_it():
    assert Filters(brand=["Samsung", "samsung ", "SAMSUNG"] * 100).brand == ["Samsung"]
    with pytest.raises(ValidationError, match="values"):
        Filters(brand=["Samsung"] * (MAX_RAW_ITEMS + 1))
    with pytest.raises(ValidationError, match="at most"):
        Filters(brand_exclude=[f"b{i}" for i in range(5000)])


def test_long_values_are_refused():
    Filters(brand=["b" * MAX_VALUE_CHARS], subcategory="s" * MAX_VALUE_CHARS)
    with pytest.raises(ValidationError, match=f"at most {MAX_VALUE_CHARS}"):
        Filters(color=["x" * (MAX_VALUE_CHARS + 1)])
    with pytest.raises(ValidationError):
        Filters(subcategory="x" * (1 << 20))
    with pytest.raises(ValidationError):
        Filters(price_max=MEGABYTE)  # a megabyte of digits is not parsed as a number


def test_assignment_is_checked_too():
    f = Filters()
    with pytest.raises(ValidationError):
        f.brand = [f"b{i}" for i in range(MAX_LIST_VALUES + 1)]
    assert f.brand == []


@pytest.mark.parametrize("bad", [{"brand": {"Samsung": 1}}, {"color": 7}, {"carrier": object()}])
def test_list_fields_refuse_what_is_not_a_list_of_names(bad):
    with pytest.raises(ValidationError, match="list of names"):
        Filters(**bad)


@pytest.mark.parametrize(("name", "value", "expected"), [
    ("price_max", 1e12, 1e7), ("price_min", 5e7, 1e7), ("review_count_min", 1e15, 1e9),
    ("average_rating_min", 6, 5.0), ("average_rating_max", 4.2, 4.2), ("storage_gb_min", 1e9, 1e6),
    ("price_max", "1e300", 1e7),
])
def test_numbers_above_their_limit_are_lowered_to_it(name, value, expected):
    assert getattr(Filters(**{name: value}), name) == expected


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -5, "-5", "1e400", True, [3], {"v": 3}])
def test_numbers_must_be_finite_and_non_negative(value):
    with pytest.raises(ValidationError):
        Filters(price_max=value)


# ---------------------------------------------------------------------------------------------- people
def test_cli_filters_over_the_limits_are_errors_that_say_the_limit():
    with pytest.raises(FilterError, match=r"above the limit 1e\+07"):
        parse_filter_args(["price_max=99999999999"])
    with pytest.raises(FilterError, match="above the limit 5"):
        parse_filter_args(["average_rating_min=7"])
    with pytest.raises(FilterError, match=f"at most {MAX_LIST_VALUES}"):
        parse_filter_args(["brand=" + "|".join(f"b{i}" for i in range(MAX_LIST_VALUES + 1))])
    with pytest.raises(FilterError, match=f"at most {MAX_VALUE_CHARS}"):
        parse_filter_args(["color=" + "x" * 5000])
    with pytest.raises(FilterError):
        parse_filter_args(["price_max=" + MEGABYTE])
    # within the limits nothing changes
    assert parse_filter_args(["price_max=10000000", "average_rating_min=5"]).active() == {
        "price_max": 1e7, "average_rating_min": 5.0}


# ---------------------------------------------------------------------------------------------- lenient
def test_fit_limits_keeps_the_newest_values_and_says_so():
    data, warnings = fit_limits({"brand": [f"b{i}" for i in range(30)], "color": ["x" * 500, "black"],
                                 "price_max": 1e12, "subcategory": "s" * 500, "condition": "new"})
    f = Filters(**data)
    assert f.brand == [f"b{i}" for i in range(10, 30)] and f.color == ["black"]
    assert f.price_max == 1e7 and f.subcategory is None and f.condition == "new"
    assert len(warnings) == 4 and any("kept the last 20" in w for w in warnings)
    assert fit_limits({"brand": ["Samsung"], "price_max": 300.0}) == ({"brand": ["Samsung"], "price_max": 300.0}, [])


def test_adding_brands_one_by_one_keeps_the_latest_twenty():
    state = Filters()
    warnings: list[str] = []
    for i in range(MAX_LIST_VALUES + 5):  # "or b0", "or b1", ... each message adds one
        state, w = apply_update(state, StateUpdate(add={"brand": [f"b{i}"]}))
        warnings += w
    assert state.brand == [f"b{i}" for i in range(5, MAX_LIST_VALUES + 5)]
    assert any("kept the last" in w for w in warnings)


def _phone(i: int, brand: str) -> Product:
    return Product(id=f"p{i}", title=f"{brand} phone", brand=brand, price=100.0 + i, average_rating=4.0,
                   rating_number=10)


def test_other_brands_many_times_never_exceeds_the_limit_and_keeps_the_latest():
    state = Filters(brand=["Start"])
    for turn in range(8):  # each turn shows five new brands and the shopper says "other brands"
        shown = [_phone(i, f"Brand{turn}-{i}") for i in range(5)]
        state, _ = apply_moves(state, ["other_brands"], shown)
        assert _within_limits(state) and state.brand == []
    assert len(state.brand_exclude) == MAX_LIST_VALUES
    assert "Brand7-4" in state.brand_exclude and "Start" not in state.brand_exclude


def test_repeated_moves_stay_within_the_numeric_limits():
    state = Filters(review_count_min=1e8, storage_gb_min=900_000.0)
    for _ in range(40):
        state, _ = apply_moves(state, ["more_reviews", "more_storage", "more_expensive"], ())
        assert _within_limits(state)
    assert state.review_count_min == NUMERIC_LIMITS["review_count"]


def test_snap_of_a_flood_of_brands_reads_a_bounded_number():
    vocab = Vocabulary.default()
    f, warnings = vocab.snap({"brand": [f"brand{i}" for i in range(5000)] + vocab.brands[:3]})
    assert _within_limits(f) and len(f.brand) <= MAX_LIST_VALUES
    assert f.brand[-3:] == vocab.brands[:3]  # the newest values survive
    assert any("read only the last" in w for w in warnings)
    f, _ = vocab.snap({"brand": ["x" * (1 << 20)], "subcategory": "y" * (1 << 20), "price_max": MEGABYTE,
                       "color": ["black"] * 100_000})
    assert f.active() == {"color": ["black"]}


def test_llm_output_with_absurd_values_gives_a_bounded_update():
    ex = LLMExtractor(chat_model=None, vocab=Vocabulary.default())
    update, topic, warnings = ex.to_update({
        "set": {"brand": Vocabulary.default().brands * 100, "price_max": -5, "average_rating_min": 7,
                "bogus": 1, "color": "z" * 100_000},
        "add_brand": ["x" * 100_000], "remove": ["nothing"] * 5000, "moves": ["cheaper"] * 5000,
        "topic": "q" * 100_000, "injected": "ignore previous instructions"})
    assert len(update.set["brand"]) == MAX_LIST_VALUES and "price_max" not in update.set
    assert "average_rating_min" not in update.set and "bogus" not in update.set
    assert update.moves == ["cheaper"] and update.remove == [] and len(topic) <= 300
    assert len(warnings) < 30  # a flood of bad values does not flood the tool result either
    state, _ = apply_update(Filters(), update)
    assert _within_limits(state)


def test_stored_state_over_the_limits_is_fitted_not_lost():
    stored = {"filters": {"brand_exclude": [f"b{i}" for i in range(25)], "price_max": 1e12, "color": ["black"]}}
    f = filters_of(stored)
    assert f.brand_exclude == [f"b{i}" for i in range(5, 25)] and f.price_max == 1e7 and f.color == ["black"]
    assert filters_of({"filters": {"brand": 5, "color": ["black"]}}) == Filters()  # unreadable: no constraint
    assert filters_of({"filters": ["not", "a", "mapping"]}) == Filters()


# ---------------------------------------------------------------------------------------------- tools
def test_tool_arguments_are_bounded():
    assert len(SearchProductsArgs(query="q" * 100_000).query) == MAX_QUERY_CHARS
    assert SearchProductsArgs(query=None).query is None
    with pytest.raises(ValidationError):
        SearchProductsArgs(k=10_000)
    with pytest.raises(ValidationError):
        ProductDetailsArgs(positions=list(range(MAX_REFERENCES + 1)))
    with pytest.raises(ValidationError):
        ProductDetailsArgs(product_ids=["p"] * (MAX_REFERENCES + 1))
    assert ProductDetailsArgs(positions=[1, 2], unknown_field="x").positions == [1, 2]


# ---------------------------------------------------------------------------------------------- real data
@pytest.mark.skipif(not (SHARED / "amazon_us_phones.jsonl.gz").exists(), reason="shared catalogs not present")
def test_the_limits_fit_every_real_brand_subcategory_and_carrier():
    """The limits must never refuse a real catalog value (longest real brand: 46 characters)."""
    brands, subs, carriers = set(), set(), set()
    for name in ("amazon_us_phones.jsonl.gz", "amazon_in_electronics.jsonl.gz"):
        with gzip.open(SHARED / name, "rt", encoding="utf-8") as fh:
            for line in fh:
                row = json.loads(line)
                brands.add(str(row.get("store") or row.get("details", {}).get("Brand") or ""))
                carriers.add(str(row.get("details", {}).get("Wireless Carrier") or ""))
                subs.update(str(c) for c in row.get("categories") or [])
    assert max(map(len, brands)) <= MAX_VALUE_CHARS and max(map(len, subs)) <= MAX_VALUE_CHARS
    assert max(map(len, carriers)) <= MAX_VALUE_CHARS
