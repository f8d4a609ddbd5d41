import math

import pytest

from retrieval.filters import (
    ACCESSORIES,
    DEFAULT_LEVELS,
    PHONES,
    FilterError,
    Filters,
    LevelTable,
    parse_filter_args,
)


@pytest.mark.parametrize(
    "field,level,sub,expected",
    [
        # The paper's Table 2: a _min field takes the lower bound, a _max field the upper bound.
        ("price_max", "low", PHONES, 100.0),
        ("price_min", "medium", PHONES, 100.0),
        ("price_max", "medium", PHONES, 300.0),
        ("price_min", "high", PHONES, 300.0),
        ("price_max", "high", PHONES, math.inf),
        ("price_max", "low", ACCESSORIES, 15.0),
        ("price_min", "medium", ACCESSORIES, 15.0),
        ("price_max", "medium", ACCESSORIES, 40.0),
        ("price_min", "high", ACCESSORIES, 40.0),
        ("average_rating_max", "low", None, 4.0),
        ("average_rating_min", "medium", None, 4.0),
        ("average_rating_min", "high", None, 4.5),
        ("review_count_max", "low", None, 100.0),
        ("review_count_min", "medium", None, 100.0),
        ("review_count_min", "high", None, 1000.0),
    ],
)
def test_levels_resolve_per_paper_table(field, level, sub, expected):
    assert DEFAULT_LEVELS.bound(field, level, sub) == expected


def test_unknown_subcategory_price_levels_use_default_and_quantiles():
    assert DEFAULT_LEVELS.bound("price_max", "low", "Laptop") == 100.0
    table = LevelTable.from_quantiles({"Laptop": [300, 400, 500, 600, 900, 1200]})
    low_max = table.bound("price_max", "low", "Laptop")
    high_min = table.bound("price_min", "high", "Laptop")
    assert 400 <= low_max <= 500 and 600 <= high_min <= 900
    assert table.bound("price_max", "low", PHONES) == 100.0  # paper table kept for known subcategories


def test_filters_validation_and_active_order():
    f = Filters(price_max="$1,200", brand="Samsung", average_rating_min=" HIGH ", subcategory=PHONES)
    assert f.price_max == 1200.0 and f.brand == ["Samsung"] and f.average_rating_min == "high"
    assert list(f.active()) == ["price_max", "average_rating_min", "subcategory", "brand"]
    assert Filters().is_empty()
    with pytest.raises(ValueError):
        Filters(price_max=-3)
    with pytest.raises(ValueError):
        Filters(price_max="banana")
    with pytest.raises(ValueError):
        Filters(colour=["black"])  # extra="forbid"
    assert Filters(brand=["Samsung", "samsung", " "]).brand == ["Samsung"]


def test_without_and_merged():
    f = Filters(brand=["Samsung"], price_max=300, color=["black"])
    assert f.without("brand", "price_max").active() == {"color": ["black"]}
    assert f.merged(price_max=200).price_max == 200.0


def test_parse_filter_args_ok_and_errors():
    f = parse_filter_args(["price_max=300", "brand=Samsung|Google", "brand=Apple", "average_rating_min=4"])
    assert f.price_max == 300 and f.brand == ["Samsung", "Google", "Apple"] and f.average_rating_min == 4
    with pytest.raises(FilterError, match="valid fields: .*price_max"):
        parse_filter_args(["prize_max=3"])
    with pytest.raises(FilterError, match="invalid filter value"):
        parse_filter_args(["price_max=cheap-ish"])
    with pytest.raises(FilterError, match="key=value"):
        parse_filter_args(["price_max"])
