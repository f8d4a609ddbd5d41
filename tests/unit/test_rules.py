"""RuleExtractor: comparators, ranges, units, levels, gazetteers, topic, robustness, real shopper text."""

from __future__ import annotations

import gzip
import random
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extraction.base import ExtractionResult
from extraction.rules import MAX_CHARS, RuleExtractor, parse_update
from extraction.state import StateUpdate
from extraction.vocabulary import Vocabulary
from retrieval.catalog import Product
from retrieval.filters import ACCESSORIES, PHONES, Filters

WEBSHOP = Path(__file__).resolve().parents[3] / "shared" / "data" / "queries" / "webshop_human_instructions.txt.gz"


def _active(ex: RuleExtractor, text: str, state: Filters | None = None) -> dict:
    return ex.extract(text, state).filters.active()


# ------------------------------------------------------------------------------------------ comparators
MAX_PRICE = ["under", "below", "less than", "less then", "lower than", "cheaper than", "at most", "up to",
             "no more than", "not more than", "max", "maximum", "not exceeding", "within", "a budget of",
             "my budget is", "price lower than", "priced under", "no higher than", "doesn't exceed"]
MIN_PRICE = ["over", "above", "more than", "at least", "minimum", "starting at", "no less than", "greater than",
             "more expensive than", "not less than"]


@pytest.mark.parametrize("comparator", MAX_PRICE)
def test_price_max_comparators(ex, comparator):
    assert _active(ex, f"phones {comparator} 300") == {"price_max": 300.0, "subcategory": PHONES}


@pytest.mark.parametrize("comparator", MIN_PRICE)
def test_price_min_comparators(ex, comparator):
    assert _active(ex, f"phones {comparator} 300") == {"price_min": 300.0, "subcategory": PHONES}


@pytest.mark.parametrize("text,expected", [
    ("price lower than 130.00 dollars", {"price_max": 130.0}),
    ("headphones less then 40 dollars", {"price_max": 40.0, "subcategory": ACCESSORIES}),
    ("under $1,200", {"price_max": 1200.0}),
    ("under 1.2k", {"price_max": 1200.0}),
    ("1200 dollars max", {"price_max": 1200.0}),
    ("200 bucks or less", {"price_max": 200.0}),
    ("USD 300 tops", {"price_max": 300.0}),
    ("under two hundred", {"price_max": 200.0}),
    ("under 2 hundred", {"price_max": 200.0}),
    ("no more than fifteen hundred dollars", {"price_max": 1500.0}),
    ("$500+", {"price_min": 500.0}),
    ("500 dollars and up", {"price_min": 500.0}),
    ("a $200 phone", {"price_max": 200.0, "subcategory": PHONES}),
    ("my budget is 300", {"price_max": 300.0}),
    ("i can spend 400", {"price_max": 400.0}),
    ("around $300", {"price_min": 255.0, "price_max": 345.0}),
    ("about 300 dollars", {"price_min": 255.0, "price_max": 345.0}),
    ("300 or so", {"price_min": 255.0, "price_max": 345.0}),
    ("under 150 then", {"price_max": 150.0}),
])
def test_price_phrasings(ex, text, expected):
    assert _active(ex, text) == expected


@pytest.mark.parametrize("text,expected", [
    ("between $200 and $400", {"price_min": 200.0, "price_max": 400.0}),
    ("between 200 and 400 dollars", {"price_min": 200.0, "price_max": 400.0}),
    ("200 to 400 dollars", {"price_min": 200.0, "price_max": 400.0}),
    ("$200-$400", {"price_min": 200.0, "price_max": 400.0}),
    ("200-400", {"price_min": 200.0, "price_max": 400.0}),
    ("from 100 to 200", {"price_min": 100.0, "price_max": 200.0}),
    ("priced 400 - 200", {"price_min": 200.0, "price_max": 400.0}),
    ("1k-1.5k", {"price_min": 1000.0, "price_max": 1500.0}),
    ("4 to 4.5 stars", {"average_rating_min": 4.0, "average_rating_max": 4.5}),
    ("between 100 and 200 reviews", {"review_count_min": 100.0, "review_count_max": 200.0}),
    ("128-256gb", {"storage_gb_min": 128.0, "storage_gb_max": 256.0}),
])
def test_ranges(ex, text, expected):
    assert _active(ex, text) == expected


@pytest.mark.parametrize("text,expected", [
    ("rating not exceeding 4.4", {"average_rating_max": 4.4}),  # the paper's failure case: a MAXIMUM
    ("a rating no higher than 3.5", {"average_rating_max": 3.5}),
    ("rated 4.5 or higher", {"average_rating_min": 4.5}),
    ("at least 4 star rating", {"average_rating_min": 4.0}),
    ("4+ stars", {"average_rating_min": 4.0}),
    ("4.5 stars", {"average_rating_min": 4.5}),
    ("rating above 4", {"average_rating_min": 4.0}),
    ("rating below 3", {"average_rating_max": 3.0}),
    ("rated 4 out of 5", {"average_rating_min": 4.0}),
    ("four stars or more", {"average_rating_min": 4.0}),
    ("4 and a half stars", {"average_rating_min": 4.5}),
    ("150+ reviews", {"review_count_min": 150.0}),
    ("12,000 reviews or higher", {"review_count_min": 12000.0}),
    ("fewer than 100 reviews", {"review_count_max": 100.0}),
    ("at least 500 ratings", {"review_count_min": 500.0}),
    ("more than 1000 reviews", {"review_count_min": 1000.0}),
    ("reviews above 500", {"review_count_min": 500.0}),
    ("at least 128gb", {"storage_gb_min": 128.0}),
    ("256 gigs", {"storage_gb_min": 256.0, "storage_gb_max": 256.0}),
    ("1tb", {"storage_gb_min": 1024.0, "storage_gb_max": 1024.0}),
    ("more than 64gb storage", {"storage_gb_min": 64.0}),
    ("up to 128 gb", {"storage_gb_max": 128.0}),
    ("at least 128gb of space", {"storage_gb_min": 128.0}),
])
def test_rating_review_storage(ex, text, expected):
    assert _active(ex, text) == expected


@pytest.mark.parametrize("text", [
    "8gb ram phone", "phone with 6 gb ram", "more than 2 cameras", "up to 10 hours battery", "up to 20w charging",
    "within 2 days", "3 pack of cables", "iphone 14", "galaxy s23", "pixel 7 pro", "6.5 inch screen",
    "at least 50 by 60 inches", "size 8.5-9", "5g phone", "1080p camera", "kids aged 6-12", "models from 2006 - 2012",
    "pack of 2", "a 3 year warranty", "over 20% off", "4000 mah battery",
])
def test_numbers_that_are_not_constraints(ex, text):
    got = _active(ex, text)
    assert not (set(got) - {"subcategory", "brand"}), got


@pytest.mark.parametrize("text,expected", [
    ("i can't spend over $950", {"price_max": 950.0}),
    ("i don't want to pay more than 400", {"price_max": 400.0}),
    ("nothing above 300 dollars", {"price_max": 300.0}),
    ("preferably white, nothing else, with a price cap of $375", {"price_max": 375.0, "color": ["white"]}),
    ("not under 200", {"price_min": 200.0}),
])
def test_negated_comparators_flip(ex, text, expected):
    assert _active(ex, text) == expected


@pytest.mark.parametrize("text,gb", [("mi 8 6-64gb", 64.0), ("redmi 7 32gb+3gb", 32.0), ("4gb+64gb", 64.0),
                                     ("galaxy s10 128gb+8gb", 128.0), ("8/128gb", 128.0)])
def test_ram_and_storage_written_together(ex, text, gb):
    got = _active(ex, text)
    assert (got["storage_gb_min"], got["storage_gb_max"]) == (gb, gb)


def test_gb_is_storage_never_price(ex):
    got = _active(ex, "under 256gb")
    assert "price_max" not in got and got["storage_gb_max"] == 256.0


# ------------------------------------------------------------------------------------------ levels
@pytest.mark.parametrize("text,expected", [
    ("a cheap phone", {"price_max": "low"}),
    ("budget phones", {"price_max": "low"}),
    ("something affordable", {"price_max": "low"}),
    ("inexpensive", {"price_max": "low"}),
    ("low-cost phone", {"price_max": "low"}),
    ("mid-range phone", {"price_min": "medium", "price_max": "medium"}),
    ("moderately priced", {"price_min": "medium", "price_max": "medium"}),
    ("premium phones", {"price_min": "high"}),
    ("a high-end phone", {"price_min": "high"}),
    ("flagship", {"price_min": "high"}),
    ("expensive ones", {"price_min": "high"}),
    ("highly rated", {"average_rating_min": "high"}),
    ("top rated", {"average_rating_min": "high"}),
    ("well reviewed", {"average_rating_min": "high"}),
    ("great reviews", {"average_rating_min": "high"}),
    ("good rating", {"average_rating_min": "high"}),  # the annotation guide, rule 5
    ("decent reviews", {"average_rating_min": "medium"}),
    ("poorly rated", {"average_rating_max": "low"}),
    ("lots of reviews", {"review_count_min": "high"}),
    ("popular", {"review_count_min": "high"}),
    ("many ratings", {"review_count_min": "high"}),
    ("best seller", {"review_count_min": "high"}),
    ("some reviews", {"review_count_min": "medium"}),
    ("few reviews", {"review_count_max": "low"}),
    ("a lesser known brand", {"review_count_max": "low"}),
    ("not too cheap", {"price_min": "medium"}),
    ("nothing too expensive", {"price_max": "medium"}),
])
def test_levels(ex, text, expected):
    got = {k: v for k, v in _active(ex, text).items() if k not in ("subcategory",)}
    assert got == expected


@pytest.mark.parametrize("text", ["cheap looking case", "it looks cheap", "cheaply made", "premium quality leather",
                                  "a luxury candle", "a new phone", "not highly rated"])
def test_level_words_that_are_not_levels(ex, text):
    got = _active(ex, text)
    assert not {"price_max", "price_min", "average_rating_min", "review_count_max"} & set(got), got


# ------------------------------------------------------------------------------------------ gazetteers
@pytest.mark.parametrize("text,expected", [
    ("a cheap samsung phone with lots of reviews",
     {"price_max": "low", "review_count_min": "high", "subcategory": PHONES, "brand": ["Samsung"]}),
    ("samsung or apple phones", {"subcategory": PHONES, "brand": ["Samsung", "Apple"]}),
    ("pixel 7 unlocked", {"subcategory": PHONES, "brand": ["Google"], "carrier": ["Unlocked"]}),
    ("iphone in black", {"subcategory": PHONES, "brand": ["Apple"], "color": ["black"]}),
    ("OnePlus phones", {"subcategory": PHONES, "brand": ["OnePlus"]}),
    ("i want an apple phone", {"subcategory": PHONES, "brand": ["Apple"]}),
    ("Noise smartwatch", {"subcategory": ACCESSORIES, "brand": ["Noise"]}),
    ("samsung charger", {"subcategory": ACCESSORIES, "brand": ["Samsung"]}),
    ("a case for iphone 14", {"subcategory": ACCESSORIES}),
    ("charger for my samsung", {"subcategory": ACCESSORIES}),
    ("samsung galaxy s23 case", {"subcategory": ACCESSORIES}),
    ("apple compatible case", {"subcategory": ACCESSORIES}),
    ("band for my apple watch", {"subcategory": ACCESSORIES}),  # a smartwatch band (guide rule 1); no brand
    ("a strap compatible with samsung galaxy watch 4", {"subcategory": ACCESSORIES}),
    # a colour before "noise cancelling" is one; "white noise" is not ("white noise machine" below)
    ("blue noise cancelling headphones", {"subcategory": ACCESSORIES, "color": ["blue"]}),
    ("a black noise-canceling headset", {"subcategory": ACCESSORIES, "color": ["black"]}),
    ("a 38 mm gold apple watch band", {"subcategory": ACCESSORIES, "color": ["gold"]}),
    ("black and golden earbuds", {"subcategory": ACCESSORIES, "color": ["black", "gold"]}),
    ("a cell phone signal booster for 4g lte", {"subcategory": ACCESSORIES}),
    ("blue or green case", {"subcategory": ACCESSORIES, "color": ["blue", "green"]}),
    ("navy blue ones", {"color": ["blue"]}),
    ("black ones", {"color": ["black"]}),
    ("verizon or t-mobile", {"carrier": ["Verizon", "T-Mobile"]}),
    ("at&t phone", {"subcategory": PHONES, "carrier": ["AT&T"]}),
    ("factory unlocked", {"carrier": ["Unlocked"]}),
    ("prepaid phone", {"subcategory": PHONES}),
    ("cricket phone", {"subcategory": PHONES, "carrier": ["Cricket"]}),
    ("refurbished iphone", {"subcategory": PHONES, "brand": ["Apple"], "condition": "renewed"}),
    ("used phones", {"subcategory": PHONES, "condition": "renewed"}),
    ("brand new phone", {"subcategory": PHONES, "condition": "new"}),
    ("not refurbished", {"condition": "new"}),
    ("a smartphone", {"subcategory": PHONES}),
    ("screen protector", {"subcategory": ACCESSORIES}),
    ("power bank", {"subcategory": ACCESSORIES}),
    ("show me accessories instead", {"subcategory": ACCESSORIES}),
    ("got anything in cases for the pixel 4a", {"subcategory": ACCESSORIES}),
    ("my iphone 14 needs a new case", {"subcategory": ACCESSORIES}),
    ("my honor band 5 needs a new charger", {"subcategory": ACCESSORIES}),
    ("a redmi note 12", {"subcategory": PHONES, "brand": ["Xiaomi"]}),  # the parent brand matches Redmi too
    ("a moto g7", {"subcategory": PHONES, "brand": ["Motorola"]}),
    ("locked to sprint is fine", {"carrier": ["Sprint"]}),
    ("a case made by popio", {"subcategory": ACCESSORIES, "brand": ["Popio"]}),  # default vocabulary is open
    ("pikkme brand only", {"brand": ["Pikkme"]}),
    ("in clear with a price cap of $35", {"price_max": 35.0, "color": ["clear"]}),
])
def test_gazetteers(ex, text, expected):
    assert _active(ex, text) == expected


@pytest.mark.parametrize("text", ["apple juice", "noise cancelling headphones", "nothing fancy", "a simple case",
                                  "visible light", "cricket bat", "boost my signal", "black tea", "orange juice",
                                  "green tea", "clear skin", "boat shoes", "maid of honor", "blu ray player",
                                  "in case it breaks", "easy to be used", "galaxy projector", "white noise machine",
                                  "green apple candy"])
def test_ordinary_words_are_not_brands_colors_or_carriers(ex, text):
    got = _active(ex, text)
    assert not {"brand", "brand_exclude", "carrier", "color", "condition"} & set(got), got


def test_catalog_vocabulary_limits_brands():
    vocab = Vocabulary(brands=["Samsung", "Spigen", "Simple"], colors=["black"], carriers=["Unlocked"],
                       subcategories=[PHONES, ACCESSORIES], storage_gb=[64, 128])
    ex = RuleExtractor(vocab)
    assert ex.extract("spigen case").filters.brand == ["Spigen"]
    assert ex.extract("a simple case").filters.brand == []
    assert ex.extract("cases by Simple").filters.brand == ["Simple"]
    assert ex.extract("a motorola phone").filters.brand == []  # not in this catalog


@pytest.mark.parametrize("text,expected", [
    ("not apple", {"brand_exclude": ["Apple"]}),
    ("apple please", {"brand": ["Apple"]}),
    ("what about apple", {"brand": ["Apple"]}),
    ("or nothing", {"brand": ["Samsung", "Nothing"]}),
    ("i like apple juice", {}),
    ("nothing over 800", {"price_max": 800.0}),  # a negated bound, not the brand Nothing
])
def test_ambiguous_brands_while_phones_are_discussed(ex, text, expected):
    state = Filters(subcategory=PHONES, brand=["Samsung"])
    got = ex.extract(text, state).filters.active()
    want = {"subcategory": PHONES, "brand": ["Samsung"], **expected}
    if "brand_exclude" in expected:
        want["brand"] = ["Samsung"]
    assert got == want


@pytest.mark.parametrize("text,expected,warned", [
    ("samsng phone", {"subcategory": PHONES, "brand": ["Samsung"]}, "samsng"),
    ("motorla phones", {"subcategory": PHONES, "brand": ["Motorola"]}, "motorla"),
    ("blak ones", {"color": ["black"]}, "blak"),
    ("phone cases", {"subcategory": ACCESSORIES}, None),
    ("these ones", {}, None),
])
def test_misspellings_in_a_brand_or_color_slot(ex, text, expected, warned):
    r = ex.extract(text)
    assert r.filters.active() == expected
    assert (warned is None) == (not r.warnings) and (warned is None or warned in r.warnings[0])


@pytest.mark.parametrize("text,expected", [
    ("google pixel under 600", {"price_max": 600.0, "subcategory": PHONES, "brand": ["Google"]}),
    ("pixel with 128gb in black", {"subcategory": PHONES, "brand": ["Google"], "color": ["black"],
                                   "storage_gb_min": 128.0, "storage_gb_max": 128.0}),
    ("unlocked phone with 256gb", {"subcategory": PHONES, "carrier": ["Unlocked"], "storage_gb_min": 256.0,
                                   "storage_gb_max": 256.0}),
    ("galaxy projector for the bedroom", {}),
    ("pixel art kit", {}),
])
def test_product_lines(ex, text, expected):
    assert _active(ex, text) == expected


def test_weak_catalog_brands_need_an_explicit_cue():
    vocab = Vocabulary(brands=["Pack", "Samsung", "Intel"], colors=[], carriers=[], subcategories=[PHONES],
                       storage_gb=[], weak_brands=["Pack"])
    ex = RuleExtractor(vocab)
    assert ex.extract("usb cable pack of 2").filters.brand == []
    assert ex.extract("pack charger").filters.brand == []
    assert ex.extract("cables made by pack").filters.brand == ["Pack"]
    assert ex.extract("pack brand cables").filters.brand == ["Pack"]
    assert ex.extract("samsung phone").filters.brand == ["Samsung"]
    assert ex.extract("a laptop with an intel core i5").filters.brand == []  # a component, not the brand


def test_catalog_without_storage_or_carriers_gets_none():
    vocab = Vocabulary(brands=["Dell"], colors=[], carriers=[], subcategories=["Laptop"], storage_gb=[])
    got = RuleExtractor(vocab).extract("dell laptops with 512gb unlocked in black under 900").filters.active()
    assert got == {"price_max": 900.0, "subcategory": "Laptop", "brand": ["Dell"]}


# ------------------------------------------------------------------------------------------ output shape
def test_spans_are_changed_fields_only(ex):
    r = ex.extract("only black ones under 200", Filters(brand=["Samsung"], price_max=300))
    assert r.spans == {"price_max": "under 200", "color": "black ones"}
    assert r.filters.brand == ["Samsung"]


@pytest.mark.parametrize("text,topic", [
    ("a cheap samsung phone with lots of reviews", "phone"),
    ("a phone with a long lasting battery under $200", "phone with a long lasting battery"),
    ("i am looking for a waterproof case for iphone 14 in blue", "waterproof case for iphone 14"),
    ("show me phones with a great camera", "phones with a great camera"),
    ("only black ones", None),
    ("what about Pixel instead?", "pixel"),
    ("8gb ram phone", "8gb ram phone"),
])
def test_topic(ex, text, topic):
    assert ex.extract(text).topic == topic


def test_parse_update_public_function():
    update, spans = parse_update("not samsung, under 300, or blue too", Vocabulary.default(),
                                 Filters(color=["red"]))
    assert isinstance(update, StateUpdate)
    assert update.set == {"price_max": 300.0, "brand_exclude": ["Samsung"]}
    assert update.add == {"color": ["blue"]}
    assert spans["price_max"] == "under 300"


def test_moves_parsed(ex):
    for text, move in [("cheaper", "cheaper"), ("cheaper ones", "cheaper"), ("something less expensive", "cheaper"),
                       ("more expensive", "more_expensive"), ("better rated", "better_rated"),
                       ("with more storage", "more_storage"), ("other brands", "other_brands"),
                       ("different brand", "other_brands"), ("ones with more reviews", "more_reviews")]:
        assert parse_update(text, ex.vocab)[0].moves == [move], text
    assert parse_update("cheaper than 300", ex.vocab)[0].moves == []


def test_long_input_is_capped_with_a_warning(ex):
    r = ex.extract("samsung phone " + "x" * 20000 + " under 100")
    assert r.filters.brand == ["Samsung"] and r.filters.price_max is None
    assert any(str(MAX_CHARS) in w for w in r.warnings)


@pytest.mark.parametrize("junk", ["", " ", "\x00\x01\x02", "🙂📱💸" * 50, "<script>alert(1)</script> under 300",
                                  "$$$$ $ $", "under under under", "9" * 500, "1e999 dollars", "-5 stars",
                                  ".5 stars", "between and", "İstanbul phone ǅ", "\ud800", "ﬁve hundred",
                                  "1,2,3,4,5,6", "$.", "k k k 1k", "()" * 400])
def test_junk_never_raises(ex, junk):
    r = ex.extract(junk, Filters(brand=["Samsung"]))
    assert isinstance(r, ExtractionResult) and isinstance(r.filters, Filters)


def test_bytes_and_non_strings_never_raise(ex):
    for value in (b"\xff\xfe samsung", None, 12345, ["a"], object()):
        r = ex.extract(value)  # type: ignore[arg-type]
        assert isinstance(r.filters, Filters)


_shown = st.lists(st.builds(Product, id=st.just("p"), title=st.text(max_size=5),
                            brand=st.one_of(st.none(), st.text(max_size=6)),
                            price=st.one_of(st.none(), st.floats(0, 5000, allow_subnormal=False)),
                            average_rating=st.one_of(st.none(), st.floats(0, 5, allow_subnormal=False))),
                  max_size=3)
_states = st.builds(Filters, price_max=st.one_of(st.none(), st.floats(0, 5000, allow_subnormal=False),
                                                 st.sampled_from(["low", "high"])),
                    brand=st.lists(st.sampled_from(["Samsung", "Google"]), max_size=2),
                    color=st.lists(st.sampled_from(["black", "blue"]), max_size=2),
                    subcategory=st.sampled_from([None, PHONES, ACCESSORIES]))
_words = st.sampled_from(["under", "over", "$", "300", "1.2k", "stars", "4.5", "reviews", "gb", "samsung", "pixel",
                          "not", "or", "too", "cheap", "cheaper", "any", "brand", "start over", "black", "case",
                          "for", "iphone", "between", "and", "-", "+", "to", "rated", "unlocked", "instead", ","])


_SHARED = RuleExtractor(Vocabulary.default())


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=200), st.lists(_words, max_size=15).map(" ".join)), _states, _shown)
def test_random_text_and_states_never_raise(text, state, shown):
    r = _SHARED.extract(text, state, shown)
    assert isinstance(r.filters, Filters)
    Filters.model_validate(r.filters.model_dump())
    assert set(r.spans) <= set(Filters.model_fields)


# ------------------------------------------------------------------------------------------ real shoppers
_PHONE_WORDS = re.compile(r"\b(phone|phones|smartphone|cellphone|iphone|samsung|galaxy|pixel|android|motorola|"
                          r"cell|mobile|apple|google|sony|lg|nokia|oneplus|xiaomi|huawei|fitbit|anker|asus|"
                          r"alcatel|amazon basics|blu|jbl|bose|beats|garmin|belkin|otterbox|spigen|verizon|"
                          r"at&t|t-mobile|unlocked)\b")
# Hand-written lines in the WebShop style, used when the shared data is not on this machine.
_FALLBACK_LINES = [
    "i am looking for a blu ray player with remote", "i need boat shoes in brown size 9",
    "gift for the maid of honor in rose gold", "noise cancelling over ear headphones", "apple cider vinegar gummies",
    "a simple black dress", "visible light therapy lamp", "cricket bat for kids", "nothing artificial in it",
    "i want a total gym", "metro shelving unit", "sprint spikes for running", "boost protein drink",
]


def _webshop_lines(n: int, seed: int = 13) -> list[str]:
    if WEBSHOP.is_file():
        with gzip.open(WEBSHOP, "rt", encoding="utf-8") as fh:
            lines = [line.strip() for line in fh if line.strip()]
        lines = [line for line in lines if not _PHONE_WORDS.search(line)]
        return random.Random(seed).sample(lines, min(n, len(lines)))
    return list(_FALLBACK_LINES)


def test_non_phone_shopper_lines_get_no_spurious_brand_or_carrier(ex):
    lines = _webshop_lines(1500)
    brand_hits = [(line, r.filters.brand + r.filters.brand_exclude) for line in lines
                  if (r := ex.extract(line)).filters.brand or r.filters.brand_exclude]
    carrier_hits = [line for line in lines if ex.extract(line).filters.carrier]
    # Measured on all 11,296 non-phone WebShop lines: 0.1% brand, 0.03% carrier (see the issue note).
    assert len(brand_hits) / len(lines) <= 0.01, brand_hits[:10]
    assert len(carrier_hits) / len(lines) <= 0.005, carrier_hits[:10]


@pytest.mark.slow
def test_all_webshop_lines_never_raise(ex):
    if not WEBSHOP.is_file():
        pytest.skip(f"{WEBSHOP} not present")
    with gzip.open(WEBSHOP, "rt", encoding="utf-8") as fh:
        for line in fh:
            assert isinstance(ex.extract(line).filters, Filters)
