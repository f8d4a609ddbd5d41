"""The lexicon layer: data files validated on load, the one tokenizer, the one number reader."""

from __future__ import annotations

import pytest

from lexicon import load as lexicon_load
from lexicon.load import LexiconError, clear_caches, files, load
from lexicon.numbers import parse_number, parse_price, quantities, spell_out, storage_sizes, words_to_number
from lexicon.tokens import MAX_CHARS, Doc, normalise
from lexicon.words import carriers, moves, phone_lines, product_lines, repair_keywords


def test_every_data_file_loads_and_every_record_says_why():
    for name in files():
        lex = load(name)
        assert lex.rx or lex.words or lex.maps or lex.rules, name
    assert {"comparators", "levels", "moves", "removals", "fillers", "product_lines", "colors", "carriers",
            "conditions", "subcategories", "numbers"} <= set(files())


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setattr(lexicon_load, "DATA", tmp_path)
    clear_caches()
    yield tmp_path
    clear_caches()


@pytest.mark.parametrize("body, message", [
    ('[pattern.x]\nwhy = "a reason"\nregex = "(unclosed"\n', "pattern.x is not a valid regex"),
    ('[pattern.x]\nwhy = "a reason"\nregex = "a"\ncolour = "red"\n', "colour"),
    ('[words.x]\nwhy = "a reason"\nwords = []\n', "words.x"),
    ('[pattern.x]\nregex = "a"\n', "why"),
    ('[pattern.x]\nwhy = "a reason"\nregex = "<<nowhere>>"\n', "<<nowhere>>"),
    ('[[rule]]\nname = "r"\nwhy = "a reason"\nregex = "a"\nkind = "sideways"\n', "kind"),
    ('repair = ["dollars"]\n[pattern.x]\nwhy = "a reason"\nregex = "cheap"\n', "repair word 'dollars'"),
    ('[pattern.x\n', "bad.toml"),
])
def test_a_malformed_file_is_an_error_naming_the_file_and_the_record(data_dir, body, message):
    (data_dir / "bad.toml").write_text(body)
    with pytest.raises(LexiconError) as err:
        load("bad")
    assert "bad.toml" in str(err.value) and message in str(err.value)


def test_a_missing_file_names_the_files_there_are(data_dir):
    (data_dir / "levels.toml").write_text('[words.x]\nwhy = "a reason"\nwords = ["a"]\n')
    with pytest.raises(LexiconError, match="the files are: levels"):
        load("nope")


def test_long_regexes_are_pieces_joined_and_fragments_filled(data_dir):
    (data_dir / "t.toml").write_text('[fragment.n]\nwhy = "digits"\nregex = \'\\d+\'\n'
                                     '[pattern.x]\nwhy = "a reason"\nregex = ["under ", \'<<n>>\']\n')
    assert load("t").text["x"] == r"under \d+"
    assert load("t").rx["x"].search("phones under 300").group(0) == "under 300"


def test_one_list_of_product_lines_for_the_tree():
    from extraction.serialize import KNOWN_MOVES
    from retrieval import facets
    from training import synth

    assert facets.PRODUCT_LINE_BRANDS is product_lines() and facets.CARRIERS is carriers()
    assert synth.MOVES == moves() == KNOWN_MOVES


@pytest.mark.parametrize("module", ["lexicon.load", "lexicon.numbers", "lexicon.tokens", "lexicon.words",
                                    "extraction.grammar.registry"])
def test_docstring_examples(module):
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(module))
    assert result.attempted and not result.failed


@pytest.mark.parametrize("text, expected", [
    ("$1,299.99", [(1299.99, "$", None, False, "", "price")]),
    ("1.2k", [(1200.0, None, "k", False, "", None)]),
    ("4.5+", [(4.5, None, None, True, "", None)]),
    ("12,000 reviews", [(12000.0, None, None, False, "reviews", "reviews")]),
    ("1tb", [(1.0, None, None, False, "tb", "storage")]),
    ("2 grand", [(2000.0, None, "grand", False, "", None)]),
    ("4 out of 5 stars", [(4.0, None, None, False, "out of 5 stars", "rating")]),
    ("500 customer ratings", [(500.0, None, None, False, "ratings", "reviews")]),
    ("4.5 rating", [(4.5, None, None, False, "rating", "rating")]),
    ("a 128gb phone", [(128.0, None, None, False, "gb", "storage")]),
])
def test_quantities_are_typed_spans(text, expected):
    got = [(q.value, q.currency, q.multiplier, q.plus, q.unit, q.kind) for q in quantities(text)]
    assert got == expected
    q = next(quantities(text))
    assert text[q.start:q.end].strip().startswith(("$", q.num))


@pytest.mark.parametrize("text, value", [
    ("two hundred", 200), ("fifteen hundred", 1500), ("2 hundred", 200), ("a thousand", 1000),
    ("one thousand two hundred and fifty", 1250), ("twenty five", 25), ("many", None), ("", None),
])
def test_number_words(text, value):
    assert words_to_number(text) == value


@pytest.mark.parametrize("text, expected", [
    ("under two hundred", "under 200"), ("4 and a half stars", "4.5 stars"), ("one with a good camera",
     "one with a good camera"), ("one star or more", "1 star or more"), ("fifteen hundred dollars", "1500 dollars"),
])
def test_number_words_are_spelled_out_in_running_text(text, expected):
    low, cased = spell_out(text, text.upper())
    assert low == expected and cased.lower() == expected


@pytest.mark.parametrize("text, expected", [
    ("phones from 2 to 3 hundred dollars", "phones from 200 to 300 dollars"),
    ("between five and six hundred", "between 500 and 600"), ("two to three thousand", "2000 to 3000"),
    ("1.5 to 2k", "1500 to 2k"), ("between 100 and 2 hundred", "between 100 and 200"),
])
def test_a_scale_said_once_applies_to_both_ends_of_a_range(text, expected):
    low, cased = spell_out(text, text.upper())
    assert low == expected and cased.lower() == expected


@pytest.mark.parametrize("value, number", [
    ("$1,200", 1200.0), ("1.2k", 1200.0), ("USD 300", 300.0), ("200 bucks", 200.0), ("two hundred", 200.0),
    (7, 7.0), (-1, None), (True, None), ("not a number", None),
])
def test_parse_number(value, number):
    assert parse_number(value) == number


def test_catalog_prices_and_storage_sizes():
    assert parse_price("$1,299.99") == 1299.99
    assert parse_price("$10.99 - $15.99") == 10.99
    assert parse_price("free") is None
    assert storage_sizes("Redmi 10 (8GB RAM, 128GB Storage), 1TB") == [128.0, 1024.0]


def test_normalise_and_doc_offsets():
    low, cased, warnings = normalise("x" * (MAX_CHARS + 5))
    assert len(low) == MAX_CHARS and warnings
    assert normalise(None) == ("", "", [])
    assert normalise(b"Caf\xc3\xa9 <i>case</i>\x00")[:2] == ("café case", "Café case")
    doc = Doc("at&t or t-mobile", "AT&T or T-Mobile")
    assert [(t.text, t.start, t.end) for t in doc.tokens] == [("at&t", 0, 4), ("or", 5, 7), ("t-mobile", 8, 16)]
    assert {"t", "mobile", "at"} <= doc.words


def test_shared_word_lists():
    assert product_lines()["xperia"] == "Sony" and "ipad" not in phone_lines() and "pixel" in phone_lines()
    assert "Metro by T-Mobile" in carriers() and moves()[0] == "cheaper"
    keywords = repair_keywords()
    assert len(keywords) == len(set(keywords)) and {"dollars", "brand", "storage", "nevermind"} <= set(keywords)


def test_every_filter_field_has_the_words_an_answer_names_it_by():
    """One table (lexicon/data/fields.toml) names every constraint in answers; a new Filters field must join it."""
    from lexicon.words import attribute_name, field_words
    from retrieval.filters import NUMERIC_FIELDS, Filters

    fields = set(Filters.model_fields) - {"include_out_of_stock"}
    named = set(load("fields").maps["field_words"])
    assert fields <= named, sorted(fields - named)
    assert field_words("price_max") == "the price limit" and field_words("brand_exclude") == "the excluded brands"
    assert attribute_name("ram_gb") == "RAM" and attribute_name(NUMERIC_FIELDS["screen_in_min"][0]) == "screen size"
