"""Vocabulary: snapping extracted values to catalog values; validation never raises."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extraction.vocabulary import Vocabulary, parse_number, words_to_number
from retrieval.attributes import AttributeTable
from retrieval.catalog import Product
from retrieval.filters import ACCESSORIES, PHONES, Filters


def _products() -> list[Product]:
    return [
        Product(id="1", title="Galaxy A14", brand="Samsung Electronics", price=180, subcategory=PHONES,
                colors=["black"], storage_gb=64, carriers=["Unlocked"]),
        Product(id="2", title="Galaxy S23", brand="Samsung", price=800, subcategory=PHONES, colors=["green"],
                storage_gb=256, carriers=["Verizon"]),
        Product(id="3", title="Pixel 7a", brand="Google", price=450, subcategory=PHONES, colors=["blue"],
                storage_gb=128, carriers=["Unlocked"]),
        Product(id="4", title="Moto G", brand="Motorola", price=150, subcategory=PHONES, colors=["blue"],
                storage_gb=128),
        Product(id="5", title="Spigen case for iPhone 14", brand="Spigen", price=15, subcategory=ACCESSORIES,
                colors=["clear"]),
        Product(id="6", title="Samsung 25W charger", brand="SAMSUNG", price=20, subcategory=ACCESSORIES,
                colors=["white"]),
    ]


@pytest.fixture(scope="module")
def vocab() -> Vocabulary:
    return Vocabulary.from_products(_products())


def test_from_products_and_from_table_agree(vocab):
    table_vocab = Vocabulary.from_table(AttributeTable.from_products(_products()))
    assert {b.lower() for b in vocab.brands} == {"samsung", "google", "motorola", "spigen"}
    assert {brand_k.lower() for brand_k in table_vocab.brands} >= {"google", "motorola", "spigen"}
    assert vocab.storage_gb == [64.0, 128.0, 256.0] == table_vocab.storage_gb
    assert set(vocab.subcategories) == {PHONES, ACCESSORIES} == set(table_vocab.subcategories)
    assert "Verizon" in vocab.carriers and "Verizon" in table_vocab.carriers


@pytest.mark.parametrize("raw,brand", [("samsng", "Samsung"), ("SAMSUNG", "Samsung"),
                                       ("Samsung Electronics", "Samsung"), ("pixel", "Google"),
                                       ("Galaxy", "Samsung"), ("motorla", "Motorola"), ("moto", "Motorola"),
                                       ("spigen", "Spigen")])
def test_brand_snapping(vocab, raw, brand):
    f, warnings = vocab.snap({"brand": [raw]})
    assert f.brand == [brand], warnings


@pytest.mark.parametrize("word", ["phone", "charger", "cheap", "the", "black", "sony", "apple", "xyzzy"])
def test_words_and_absent_brands_are_dropped_in_a_strict_vocabulary(vocab, word):
    f, warnings = vocab.snap({"brand": [word]})
    assert f.brand == []
    assert any("not in the catalog" in w for w in warnings)


def test_default_vocabulary_keeps_unknown_name_like_brands_but_not_words():
    v = Vocabulary.default()
    f, _ = v.snap({"brand": ["Fairphone", "Acme Mobile", "phone", "cheap", "$$$"]})
    assert f.brand == ["Fairphone", "Acme Mobile"]


@pytest.mark.parametrize("raw,subcat", [("phone", PHONES), ("smartphone", PHONES), ("Cell Phones", PHONES),
                                        ("case", ACCESSORIES), ("charger", ACCESSORIES),
                                        ("accessories", ACCESSORIES)])
def test_subcategory_snapping(vocab, raw, subcat):
    assert vocab.snap({"subcategory": raw})[0].subcategory == subcat


def test_subcategory_not_in_catalog_dropped(vocab):
    f, warnings = vocab.snap({"subcategory": "laptops"})
    assert f.subcategory is None and warnings


@pytest.mark.parametrize("raw,gb", [("256 gigs", 256.0), ("256gb", 256.0), ("1tb", 1024.0), (128, 128.0),
                                    ("250", 256.0), ("130 GB", 128.0), ("100", 100.0)])
def test_storage_snapping(vocab, raw, gb):
    assert vocab.snap({"storage_gb_min": raw})[0].storage_gb_min == gb


@pytest.mark.parametrize("raw,value", [("$1,200", 1200.0), ("1.2k", 1200.0), ("1200 dollars", 1200.0),
                                       ("200 bucks", 200.0), ("USD 300", 300.0), ("two hundred", 200.0),
                                       ("2 hundred", 200.0), (99.5, 99.5), ("low", "low"), (" High ", "high")])
def test_price_values(vocab, raw, value):
    assert vocab.snap({"price_max": raw})[0].price_max == value


@pytest.mark.parametrize("field,raw", [("price_max", "cheapish"), ("price_max", -5), ("average_rating_min", 7),
                                       ("average_rating_max", "ten"), ("review_count_min", [1]),
                                       ("price_min", True), ("price_min", float("nan")), ("condition", "mint"),
                                       ("color", "sparkly"), ("carrier", "prepaid"), ("brand", 42)])
def test_invalid_values_dropped_with_a_warning(vocab, field, raw):
    f, warnings = vocab.snap({field: raw, "price_max": 300} if field != "price_max" else {field: raw})
    assert getattr(f, field) in (None, [])
    assert warnings, f"no warning for {field}={raw!r}"


def test_unknown_field_dropped_and_rest_kept(vocab):
    f, warnings = vocab.snap({"bogus": 1, "color": "navy", "carrier": "verizon", "condition": "refurbished"})
    assert f.active() == {"color": ["blue"], "carrier": ["Verizon"], "condition": "renewed"}
    assert warnings == ["unknown filter field 'bogus' dropped"]


def test_min_above_max_swapped_when_both_numbers(vocab):
    f, warnings = vocab.snap({"price_min": 500, "price_max": 200})
    assert (f.price_min, f.price_max) == (200.0, 500.0)
    assert any("swapped" in w for w in warnings)


def test_contradicting_levels_dropped(vocab):
    f, warnings = vocab.snap({"price_min": "high", "price_max": "low"})
    assert f.price_min is None and f.price_max is None and warnings
    f, warnings = vocab.snap({"price_min": "high", "price_max": 150.0, "subcategory": PHONES})
    assert f.price_min is None and f.price_max == 150.0 and warnings
    f, _ = vocab.snap({"price_min": "medium", "price_max": "medium"})
    assert (f.price_min, f.price_max) == ("medium", "medium")


def test_brand_both_wanted_and_excluded_keeps_exclusion(vocab):
    f, warnings = vocab.snap({"brand": ["Samsung", "Google"], "brand_exclude": ["samsung"]})
    assert f.brand == ["Google"] and f.brand_exclude == ["Samsung"] and warnings


def test_color_absent_from_catalog_kept_with_warning(vocab):
    f, warnings = vocab.snap({"color": ["purple"]})
    assert f.color == ["purple"] and any("kept as asked" in w for w in warnings)


def test_snap_accepts_filters(vocab):
    f, warnings = vocab.snap(Filters(brand=["samsng"], price_max=300))
    assert f.active() == {"price_max": 300.0, "brand": ["Samsung"]} and warnings == []


@pytest.mark.parametrize("bad", [None, 42, "text", ["a", "b"], object()])
def test_snap_non_mapping(vocab, bad):
    f, warnings = vocab.snap(bad)
    assert f == Filters() and warnings


def test_number_helpers():
    assert words_to_number("fifteen hundred") == 1500
    assert words_to_number("one thousand two hundred and fifty") == 1250
    assert words_to_number("a thousand") == 1000
    assert words_to_number("many") is None
    assert parse_number("not a number") is None


_values = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_nan=True, allow_subnormal=False),
                    st.text(max_size=30), st.lists(st.text(max_size=12), max_size=4),
                    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2))
_keys = st.one_of(st.sampled_from(sorted(Filters.model_fields)), st.text(max_size=12))


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(_keys, _values, max_size=8))
def test_snap_never_raises_and_returns_valid_filters(data):
    for vocab in (Vocabulary.from_products(_products()), Vocabulary.default()):
        f, warnings = vocab.snap(data)
        assert isinstance(f, Filters)
        assert isinstance(warnings, list)
        Filters.model_validate(f.model_dump())  # round-trips: every value is valid


def test_weak_brands_from_catalog_statistics():
    # A catalog that takes a title's first word as the brand: "Pack" is the brand of one product and an
    # ordinary word in many titles; "Samsung" is a real brand even though cases mention it.
    products = [Product(id="w", title="Pack of 2 cables", brand="Pack")]
    products += [Product(id=f"c{i}", title=f"Spigen case pack of {i} for Samsung Galaxy", brand="Spigen")
                 for i in range(6)]
    products += [Product(id=f"s{i}", title=f"Samsung Galaxy A{i}", brand="Samsung") for i in range(6)]
    v = Vocabulary.from_products(products)
    assert v.weak_brands == ["Pack"]
    assert v.snap({"brand": ["pack"]})[0].brand == ["Pack"]  # snapping still accepts it when a model says so


def test_a_department_the_shop_does_not_carry_is_named_in_the_warnings():
    from extraction.snapping import not_carried

    phones_only = Vocabulary(brands=["Samsung"], colors=["black"], carriers=[], subcategories=["Cell Phones"],
                             storage_gb=[128.0])
    filters, warnings = phones_only.snap({"subcategory": "Cell Phone Accessories", "brand": ["samsung"]})
    assert filters.subcategory is None and filters.brand == ["Samsung"]
    assert not_carried(warnings) == "cell phone accessories"
    assert not_carried(Vocabulary.default().snap({"subcategory": "Cell Phone Accessories"})[1]) is None
