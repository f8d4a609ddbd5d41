"""Model names rank their listings first, and ruled-out words leave titles out (retrieval/model_match.py,
retrieval/query_terms.py, SearchEngine.search_batch, tools/results.shape_page)."""

from __future__ import annotations

import numpy as np
import pytest

from retrieval.attributes import AttributeTable
from retrieval.catalog import Product
from retrieval.filters import Filters
from retrieval.index import VectorIndex
from retrieval.model_match import model_phrases, model_rows, title_pattern
from retrieval.query_terms import adds_feature, excluded_rows, join_query, merge_topic, split_query
from retrieval.search import SearchEngine
from tests.fakes import HashingEmbedder
from tools.results import shape_page

TITLES = [
    "Redmi Note 12 5G (Matte Black, 6GB RAM, 128GB Storage)",
    "Redmi Note 10 Pro (Glacial Blue, 6GB RAM, 128GB Storage)",
    "Redmi Note 11T 5G (Aquamarine Blue, 6GB RAM, 128GB Storage)",
    "Redmi Note 11 (Horizon Blue, 6GB RAM, 64GB Storage)",
    "Redmi Note 11 Pro+ 5G (Phantom White, 8GB RAM, 128GB Storage)",
    "Samsung Galaxy S23 Ultra 5G (Green, 12GB, 256GB Storage)",
    "Samsung Galaxy S230 Feature Phone",
    "Samsung Galaxy S22 5G (Phantom Black, 8GB, 128GB Storage)",
    "OnePlus Nord CE 2 Lite 5G (Black Dusk, 6GB RAM, 128GB Storage)",
    "OnePlus Nord CE 2 5G (Bahama Blue, 8GB RAM, 128GB Storage)",
    "boAt Rockerz 450 Wired Earphones with Mic",
    "boAt Airdopes 141 Truly Wireless Earbuds",
    "Noise Buds VS104 Truly Wireless Earbuds",
    "JBL Wired In-Ear Headphones",
    "Sony WF-C500 Truly Wireless Earbuds",
    "Realme Buds Air Earbuds with Charging Case",
]


@pytest.fixture(scope="module")
def engine() -> SearchEngine:
    products = [Product(id=f"p{i}", title=t, brand=t.split()[0], price=1000.0 + i, average_rating=4.0,
                        rating_number=10 * (i + 1)) for i, t in enumerate(TITLES)]
    emb = HashingEmbedder()
    index = VectorIndex.build(emb.encode_products(products, show_progress=False))
    return SearchEngine(products, AttributeTable.from_products(products), index, emb)


@pytest.mark.parametrize("query, phrases", [
    ("redmi note 11", [("note", "11")]),
    ("galaxy s23", [("s23",)]),
    ("oneplus nord ce 2 lite", [("ce", "2")]),
    ("iphone 15 pro", [("iphone", "15")]),
    ("redmi note11", [("note11",)]),
    ("iphone 13 or 14", [("iphone", "13"), ("iphone", "14")]), ("galaxy s22 or s23", [("s22",), ("s23",)]),
    # quantities, prices and counts are no models
    ("laptop 15.6 inch", []), ("phones under 20000", []), ("2 in 1 laptop", []), ("4k tv", []),
    ("a 128gb phone", []), ("top 5 earbuds", []), ("5g phone", []),
])
def test_model_phrases(query, phrases):
    assert [p.words for p in model_phrases(query)] == phrases


@pytest.mark.parametrize("words, title, hit", [
    (("s23",), "samsung galaxy s23 ultra 5g", True),      # a variant of the line carries the model
    (("s23",), "samsung galaxy s230", False),            # another model
    (("note", "11"), "redmi note 11 pro+ 5g", True),
    (("note", "11"), "redmi note 11t 5g", False),        # "11T" is another model
    (("note", "11"), "redmi note11 (blue)", True),       # spacing varies in titles
    (("ce", "2"), "oneplus nord ce-2 lite", True),
])
def test_title_pattern_is_word_boundary_aware(words, title, hit):
    assert bool(title_pattern(words).search(title)) is hit


def test_phrase_grows_with_the_next_words_a_title_carries(engine):
    rows = np.arange(engine.size, dtype=np.int64)
    lite = model_rows("oneplus nord ce 2 lite", engine.titles, rows)
    assert [engine.products[r].title for r in lite] == [TITLES[8]]  # "ce 2 lite", not the CE 2
    phones = model_rows("redmi note 11 phones", engine.titles, rows)  # no title says "note 11 phones"
    assert {engine.products[r].title for r in phones} == {TITLES[3], TITLES[4]}
    assert model_rows("redmi note 99", engine.titles, rows) is None  # not sold here: no boost


@pytest.mark.parametrize("query, expect", [
    ("redmi note 11", {3, 4}), ("galaxy s23", {5}), ("oneplus nord ce 2 lite", {8}),
])
def test_named_model_ranks_first_and_the_page_stops_there(engine, query, expect):
    result = engine.search(query, Filters(), k=10)
    first = [h.row for h in result.hits[:len(expect)]]
    assert set(first) == expect and all(h.model_match for h in result.hits[:len(expect)])
    assert not any(h.model_match for h in result.hits[len(expect):])
    page = shape_page(engine, result.hits, Filters(), 0, 5, close_only=True)
    assert {h.row for h in page.hits} == expect and page.close_matches == len(expect)
    more = shape_page(engine, result.hits, Filters(), 0, 5, close_only=False)  # "show more" goes on
    assert len(more.hits) == 5


def test_split_and_join_minus_terms():
    assert split_query('wireless mouse -"mouse pad" -wired') == ("wireless mouse", ["mouse pad", "wired"])
    assert split_query("usb-c cable") == ("usb-c cable", [])  # a hyphen inside a word is no minus term
    assert join_query("laptop", ["bag", "mouse pad"]) == 'laptop -bag -"mouse pad"'
    assert merge_topic("earphones", "-wired") == "earphones -wired"
    assert merge_topic("earphones -wired", "-neckband") == "earphones -wired -neckband"
    assert merge_topic("earphones -wired", "laptops") == "laptops"  # a new topic starts afresh


@pytest.mark.parametrize("utterance, adds", [
    ("with an nvidia rtx card", True), ("and with a mic", True), ("ones that have a backlit keyboard", True),
    ("without a cable", False), ("wireless ones", False), ("show me something with a mic", False),
])
def test_a_feature_said_alone_refines_the_topic(utterance, adds):
    assert adds_feature(utterance) is adds
    merged = merge_topic("gaming laptop -bag", "rtx card", adds=adds_feature(utterance))
    assert merged == ("gaming laptop with rtx card -bag" if adds else "rtx card")


def test_ruled_out_words_leave_their_titles_out(engine):
    result = engine.search("earphones -wired", Filters(), k=15)
    titles = [h.product.title for h in result.hits]
    assert titles and not any("Wired" in t for t in titles)
    assert result.matched == engine.size - 2
    plural = engine.search("earbuds -earphones", Filters(), k=15)  # plural or not
    assert not any("Earphones" in h.product.title for h in plural.hits)


def test_an_exclusion_that_empties_the_list_is_not_applied(engine):
    rows = np.array([10, 13], dtype=np.int64)  # both wired
    assert excluded_rows(engine.titles, rows, ["wired"]).tolist() == [10, 13]


def test_titles_that_say_what_the_query_says_rank_higher(engine):
    from dataclasses import replace

    engine.ranking = replace(engine.ranking, lexical_weight=0.0)
    plain = [h.row for h in engine.search("truly wireless earbuds sony", Filters(), k=15).hits]
    engine.ranking = replace(engine.ranking, lexical_weight=0.5)
    try:
        lexical = [h.row for h in engine.search("truly wireless earbuds sony", Filters(), k=15).hits]
    finally:
        engine.ranking = replace(engine.ranking, lexical_weight=0.05)
    assert lexical[0] == 14 and lexical.index(14) <= plain.index(14)  # "Sony ... Truly Wireless Earbuds"


def test_a_ruled_out_type_is_left_to_the_type_filter(engine):
    # "earbuds, not a case": the type filter keeps cases out; earbuds "with charging case" stay
    typed = engine.search("earbuds -case", Filters(product_type="headphones"), k=20)
    assert 15 in {h.row for h in typed.hits}
    untyped = engine.search("earbuds -case", Filters(), k=20)  # no type to lean on: titles decide
    assert 15 not in {h.row for h in untyped.hits}
    wired = engine.search("earbuds -wired", Filters(product_type="headphones"), k=20)  # an attribute word
    assert not any("Wired" in h.product.title for h in wired.hits)


def test_the_answer_says_what_is_ruled_out():
    from agent.answers import what

    assert what({"query": 'earphones -wired -"neck band"', "chips": ["under ₹1,000"]}) == \
        '"earphones, not wired or neck band", under ₹1,000'
