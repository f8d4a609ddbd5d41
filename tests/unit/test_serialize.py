"""Flat target format: round trip, strict parsing, T5-safe characters."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from extraction.serialize import format_input, format_state, parse_target, to_filters
from retrieval.filters import ACCESSORIES, PHONES, Filters

_num = st.one_of(st.sampled_from(["low", "medium", "high"]),
                 st.integers(0, 5000).map(float), st.sampled_from([4.5, 3.8, 199.99, 0.5]))
_brands = st.lists(st.sampled_from(["Samsung", "Apple", "Google", "OnePlus", "Amazon Basics", "Motorola"]),
                   max_size=3, unique=True)
_colors = st.lists(st.sampled_from(["black", "white", "blue", "gray", "rose gold"]), max_size=2, unique=True)
_carriers = st.lists(st.sampled_from(["Unlocked", "AT&T", "T-Mobile", "Verizon", "Metro by T-Mobile",
                                      "Straight Talk"]), max_size=3, unique=True)


@st.composite
def filters(draw) -> Filters:
    data = {}
    for name in ("price_min", "price_max", "review_count_min", "review_count_max", "average_rating_min",
                 "average_rating_max", "storage_gb_min", "storage_gb_max"):
        if draw(st.booleans()):
            data[name] = draw(_num)
    if draw(st.booleans()):
        data["subcategory"] = draw(st.sampled_from([PHONES, ACCESSORIES]))
    data["brand"] = draw(_brands)
    data["brand_exclude"] = draw(_brands)
    data["color"] = draw(_colors)
    data["carrier"] = draw(_carriers)
    if draw(st.booleans()):
        data["condition"] = draw(st.sampled_from(["new", "renewed"]))
    return Filters(**data)


@settings(max_examples=200, deadline=None)
@given(filters(), st.lists(st.sampled_from(["cheaper", "better_rated", "other_brands"]), max_size=2, unique=True),
       st.booleans())
def test_round_trip(f: Filters, moves: list[str], reset: bool) -> None:
    text = format_state(f, moves, reset)
    # Only characters T5's sentencepiece vocabulary can certainly write.
    assert not set(text) & set("{}<>|&\n")
    data, got_moves, got_reset, warnings = parse_target(text)
    back, more = to_filters(data)
    assert warnings == [] and more == []
    assert back == f
    assert got_moves == moves and got_reset == reset


def test_empty_state_is_none_and_carriers_round_trip() -> None:
    assert format_state(Filters()) == "none"
    assert parse_target("none") == ({}, [], False, [])
    text = format_state(Filters(carrier=["AT&T", "T-Mobile"]))
    assert text == "carrier=AT and T , T-Mobile"
    assert parse_target(text)[0] == {"carrier": ["AT&T", "T-Mobile"]}


def test_format_input_carries_state_and_text() -> None:
    s = format_input("  only   black ones ", Filters(brand=["Samsung"], price_max="low"))
    assert s == "state: price_max=low ; brand=Samsung query: only black ones"


def test_strict_parsing_drops_malformed_items_with_warnings() -> None:
    data, moves, reset, warnings = parse_target(
        "brand== ;; price_max=banana ; colour=red ; price_min=100 ; price_min=200 ; condition=mint ; "
        "move=sideways ; move=cheaper ; reset=maybe ; brand=Samsung , ; storage_gb_min=1.2k ; zzz")
    assert data == {"price_min": 100.0, "brand": ["Samsung"], "storage_gb_min": 1200.0}
    assert moves == ["cheaper"] and reset is False
    joined = " ".join(warnings)
    for bad in ("brand==", "banana", "colour", "repeated", "mint", "sideways", "maybe", "zzz"):
        assert bad in joined


def test_parse_never_raises_on_junk() -> None:
    for junk in [None, 5, "", "=", ";;;", "====", "price_max=-3", "price_max=1e999", "\x00;=\x00", "a" * 5000]:
        data, moves, reset, warnings = parse_target(junk)  # type: ignore[arg-type]
        to_filters(data)
        assert isinstance(warnings, list)


def test_runaway_numbers_are_dropped() -> None:
    data, _, _, warnings = parse_target("review_count_min=2000000000000000000000000 ; price_max=200")
    assert data == {"price_max": 200.0} and "review_count_min" in warnings[0]


def test_numbers_with_separators() -> None:
    assert parse_target("price_max=$1,200")[0] == {"price_max": 1200.0}
    assert parse_target("average_rating_min=4.5")[0] == {"average_rating_min": 4.5}


# ------------------------------------------------------------------------------ number placeholders
def test_numbers_in_state_and_utterance_become_placeholders_in_order() -> None:
    from extraction.serialize import encode_input

    state = Filters(price_min=100.0, review_count_min=500.0, brand=["Samsung"])
    text, nums = encode_input("under $1,200 with 4.5 stars and 500 reviews, 1tb", state)
    # state numbers first (in field order), then new utterance numbers; a repeated value shares one placeholder
    assert nums.values == [100.0, 500.0, 1200.0, 4.5, 1024.0]
    assert text == "state: price_min=n0 ; review_count_min=n1 ; brand=Samsung query: under $n2 with n3 stars and n1 reviews, n4 gb"
    assert not any(ch.isdigit() for ch in text.replace("n0", "").replace("n1", "").replace("n2", "")
                   .replace("n3", "").replace("n4", ""))


def test_number_words_and_shorthands_are_normalised_before_placeholders() -> None:
    from extraction.numbers import delexicalise

    for utterance, value in [("two hundred bucks max", 200.0), ("at least 1.2k reviews", 1200.0),
                             ("under $1,200.00", 1200.0), ("4 and a half stars", 4.5), ("four stars", 4.0), ("a grand tops", 1000.0)]:
        text, nums = delexicalise(utterance)
        assert nums.values == [value], utterance
        assert "n0" in text and not any(ch.isdigit() for ch in text.replace("n0", "")), text


def test_target_uses_placeholders_and_round_trips() -> None:
    from extraction.numbers import relexicalise
    from extraction.serialize import encode_input

    state = Filters(price_max=649.99, brand=["Google"])
    target = Filters(price_max=649.99, review_count_min=2000.0, average_rating_min="high", brand=["Google", "Nokia"])
    _, nums = encode_input("and nokia with 2k reviews", state)
    text = format_state(target, numbers=nums)
    assert text == "price_max=n0 ; review_count_min=n1 ; average_rating_min=high ; brand=Google , Nokia"
    back, warnings = relexicalise(text, nums)
    assert not warnings
    data, _, _, _ = parse_target(back)
    assert to_filters(data)[0] == target


def test_unknown_placeholder_is_dropped_with_a_warning() -> None:
    from extraction.numbers import delexicalise, relexicalise

    _, nums = delexicalise("under 300")
    text, warnings = relexicalise("price_max=n0 ; price_min=n7 ; brand=Apple", nums)
    data, _, _, _ = parse_target(text)
    assert data == {"price_max": 300.0, "brand": ["Apple"]}
    assert len(warnings) == 1 and "n7" in warnings[0]


def test_a_value_not_in_the_input_stays_as_digits() -> None:
    from extraction.numbers import delexicalise

    _, nums = delexicalise("something cheaper")
    assert format_state(Filters(price_max=250.0), numbers=nums) == "price_max=250"


def test_number_hints_write_each_value_after_its_placeholder_and_the_target_still_names_the_placeholder() -> None:
    from extraction.numbers import relexicalise
    from extraction.serialize import encode_typed
    from extraction.vocabulary import Vocabulary

    vocab = Vocabulary(["Samsung"], ["black"], [], [], [])
    state = Filters(price_max=400.0)
    plain, _, _ = encode_typed("with a rating above 4.2 and 1tb", state, vocab)
    hinted, nums, _ = encode_typed("with a rating above 4.2 and 1tb", state, vocab, number_hints=True)
    assert plain == "state: price_max=n0 query: with a rating above n1 and n2 gb"
    # the state's number has its field beside it; only the utterance's numbers get their value written out
    assert hinted == "state: price_max=n0 query: with a rating above n1 4.2 and n2 1024 gb"
    back, warnings = relexicalise("average_rating_min=n1 ; storage_min_gb=n2", nums)
    assert back == "average_rating_min=4.2 ; storage_min_gb=1024" and not warnings
