"""Questions about a shown product answered from its listing: sentences, verdicts, the meaning reader."""

from __future__ import annotations

import re
import zlib

import numpy as np
import pytest

from agent.assistant import Assistant
from agent.intents import classify
from agent.verdict_answers import ranking_answer, unfiltered_line, verdict_line
from evals.conversation_eval import open_demo_engine, rule_extractor
from retrieval.catalog import Product
from tools.compare import megapixels, rank, unfiltered_aspect
from tools.listing import ListingReader, is_semantic, pieces
from tools.questions import answer
from tools.verdicts import measures, verdict

SPLASH = Product(id="s", title="Acme Phone X | 6.5 inch | 5000mAh",
                 features=["Water-repellent design protects against light splashes. 2-day battery.",
                           "No headphone jack; USB-C audio adapter sold separately",
                           "Rear Camera: 48MP, 8MP, 2MP, Front Camera: 16MP, Dual SIM"],
                 details={"Item Weight": "190 g", "Wireless Carrier": "Unlocked"})


def test_a_listing_splits_into_title_parts_sentences_fields_and_spec_items():
    texts = [p.text for p in pieces(SPLASH)]
    assert texts[:3] == ["Acme Phone X", "6.5 inch", "5000mAh"]
    assert "Water-repellent design protects against light splashes" in texts and "2-day battery" in texts
    assert "Item Weight: 190 g" in texts
    item = next(p for p in pieces(SPLASH) if p.text == "Dual SIM")
    assert item.quote.startswith("Rear Camera: 48MP")  # a list item quotes the sentence it came from
    # a decimal point is not a sentence end
    assert [p.text for p in pieces(Product(id="d", title="Tx", features=["6. 3 inch display. Fast"]))][1:] == \
        ["6. 3 inch display", "Fast"]


@pytest.mark.parametrize("question,evidence,want", [
    ("is the second one waterproof?", "Water-repellent design protects against light splashes", "partly"),
    ("is it waterproof", "Galaxy S7 has an IP68 rating meaning it repels against dust", "yes"),
    ("ok in the rain?", "IPX4 water resistance for a carefree listening time", "partly"),
    ("is it water resistant?", "water resistant design has a soft feel", "yes"),
    ("is it waterproof", "not waterproof, keep away from water", "no"),
    ("is there a headphone jack?", "No headphone jack; USB-C audio", "no"),
    ("does it come with a sim card", "Sim card not included", "no"),
    ("will it work on t-mobile", "Compatible with AT&T and T-Mobile. Will NOT work with Verizon or Sprint", "yes"),
    ("will it work on verizon", "Compatible with AT&T and T-Mobile. Will NOT work with Verizon or Sprint", "no"),
    ("is it wireless", "Wired USB Mouse, 3-Button", "no"),
    ("can you take the battery out", "Non-removable Li-Ion 2700 mAh battery", "no"),
    ("does it have an automatic cut off", "Thermal Cut Off : No", "no"),
    ("does it have at least 5000 mah", "5020 mAh battery", "yes"),
    ("is it enough for a 300 sq ft room", "Room Size: Upto 150 sq ft", "no"),
    ("will a 3.5 inch drive fit", "Compatible with all 2.5\u201d / 6.35 cm drives", "no"),
    ("how much does it weigh", "Item Weight: 190 g", "stated"),
])
def test_a_verdict_reads_negations_partial_claims_ip_ratings_and_numbers(question, evidence, want):
    terms = [w for w in ("verizon", "t-mobile", "jack", "sim", "battery", "cut") if w in question]
    assert verdict(question, evidence, terms) == want


def test_measures_convert_units():
    assert measures("6.35 cm and 2.5 inches") == {"inch": [pytest.approx(2.5, abs=0.01), 2.5]}
    assert measures("does it support 5g") == {}  # a network generation is not a weight


def test_keyword_fallback_answers_with_a_verdict_and_quotes_the_sentence():
    a = answer(SPLASH, "is the second one waterproof?")
    assert a["verdict"] == "partly" and "splashes" in a["evidence"]
    assert answer(SPLASH, "does it have a headphone jack")["verdict"] == "no"
    a = answer(SPLASH, "does it support wireless charging?")
    assert a["verdict"] == "not stated" and a["evidence"] is None
    line = verdict_line("#2 Acme Phone X", a)
    assert "doesn't mention" in line and '"wireless"' in line


def test_the_answer_line_says_the_verdict_and_quotes_the_listing():
    line = verdict_line("#2 Acme", answer(SPLASH, "is it waterproof?"))
    assert line.startswith("#2 Acme: partly.") and "Water-repellent" in line


class CountingEncoder:
    """A stand-in sentence encoder: bag of words, counting what it embeds."""

    name = "counting-test-encoder"

    def __init__(self) -> None:
        self.texts: list[str] = []

    def encode_queries(self, queries):
        self.texts += list(queries)
        out = np.zeros((len(queries), 512), dtype=np.float32)
        for i, q in enumerate(queries):
            for w in re.findall(r"[a-z0-9]+", q.lower()):
                out[i, zlib.crc32(w.encode()) % 512] += 1.0
            out[i, 0] += 1e-3
        return out / np.linalg.norm(out, axis=1, keepdims=True)


def test_the_reader_embeds_a_listing_once_and_then_only_the_question():
    enc = CountingEncoder()
    reader = ListingReader(enc, cache_size=2)
    reader.nearest(SPLASH, "dual sim?")
    first = len(enc.texts)
    assert first == len(pieces(SPLASH)) + 1
    hits = reader.nearest(SPLASH, "dual sim?")
    assert len(enc.texts) == first + 1 and hits[0].piece.text == "Dual SIM"
    for i in range(3):  # the least recently used listing is dropped beyond cache_size
        reader.nearest(Product(id=str(i), title=f"Thing {i}"), "x")
    assert SPLASH.id not in reader._cache  # noqa: SLF001


def test_only_a_meaning_encoder_turns_on_the_reader(hashing_embedder):
    assert not is_semantic(None) and not is_semantic(hashing_embedder)
    assert is_semantic(CountingEncoder())


@pytest.fixture(scope="module")
def minilm_reader():
    from retrieval.embedder import Embedder  # lazy: torch loads only for the slow test

    return ListingReader(Embedder.load(dtype="float32"))


@pytest.mark.slow
def test_meaning_finds_the_sentence_that_answers(minilm_reader):
    a = answer(SPLASH, "is the second one waterproof?", reader=minilm_reader)
    assert a["verdict"] == "partly" and "splashes" in a["evidence"]
    assert answer(SPLASH, "is there a headphone jack", reader=minilm_reader)["verdict"] == "no"
    assert answer(SPLASH, "how heavy is it", reader=minilm_reader)["evidence"] == "Item Weight: 190 g"
    assert answer(SPLASH, "does it come with a leather strap?", reader=minilm_reader)["verdict"] == "not stated"


# ------------------------------------------------------------------------------ comparisons of shown products
@pytest.mark.parametrize("text,aspect", [
    ("which has the biggest battery?", "battery"), ("which of these has the most storage", "storage"),
    ("which one is the lightest?", "light"), ("ok which has the best camera", "camera"),
    ("which has the smallest screen", "screen-"), ("which of them has the largest display?", "screen"),
    ("which one has the most power?", "power"), ("which of these is the most powerful", "power"),
    ("which is the loudest?", "power"), ("which one is the sharpest", "resolution"),
])
def test_a_superlative_about_the_shown_products_ranks_them(text, aspect):
    intent = classify(text)
    assert intent.kind == "details" and intent.compare_on == aspect


@pytest.mark.parametrize("text", ["which phone has the best camera", "which one would you recommend?",
                                  "phones with the biggest battery"])
def test_other_superlatives_are_not_rankings_of_the_shown(text):
    assert classify(text).compare_on is None


def test_the_ranking_names_the_winner_with_its_figure_and_lists_every_figure():
    a = Product(id="a", title="Alpha 5G", features=["Rear Camera: 48MP + 8MP, Front Camera: 64MP", "5000 mAh battery"])
    b = Product(id="b", title="Beta, 6000mAh Battery", features=["108MP main camera"], details={"Item Weight": "210 g"})
    c = Product(id="c", title="Gamma", details={"Item Weight": "180 g"})
    assert megapixels(a) == 48  # the front camera's figure is not the main camera
    r = rank([a, b, c], "camera")
    assert r["winner"] == "b" and [v["label"] for v in r["values"]] == ["108 MP", "48 MP"] and r["missing"] == ["c"]
    assert rank([a, b, c], "battery")["winner"] == "b"
    light = rank([a, b, c], "light")
    assert light["winner"] == "c" and light["values"][0]["label"] == "180 g"
    text = ranking_answer(
        r, {"a": "#1 Alpha 5G", "b": "#2 Beta", "c": "#3 Gamma"})
    assert text.startswith("Best camera: #2 Beta (108 MP)") and "#1 Alpha 5G: 48 MP" in text and "#3 Gamma" in text


# ------------------------------------------------------------------------------ a question with a fact
@pytest.mark.parametrize("text,fact,position", [
    ("does it need to be unlocked? she's on verizon", "she's on verizon", []),
    ("he's on t-mobile, will it work?", "he's on t-mobile", []),
    ("is the second one unlocked? she only uses iphones", "she only uses iphones", [2]),
])
def test_a_question_with_a_fact_about_the_shopper_keeps_both(text, fact, position):
    intent = classify(text)
    assert intent.kind == "details" and intent.fact == fact and intent.question == text
    assert intent.positions == position


@pytest.mark.parametrize("text", ["i'm on verizon", "phones under 300, i'm on verizon", "is it unlocked?"])
def test_a_fact_alone_or_with_a_search_is_not_a_question(text):
    assert classify(text).fact is None


def test_the_fact_is_applied_as_a_constraint_and_the_question_answered(tmp_path):
    engine = open_demo_engine(tmp_path)
    assistant = Assistant(engine, rule_extractor(engine))
    first = assistant.turn("f", "unlocked phones under 400")
    assert first.filters.carrier == ["Unlocked"]
    r = assistant.turn("f", "does the second one need to be unlocked? she's on verizon")
    assert r.filters.carrier == ["Verizon"] and r.filters.price_max == 400
    assert r.answer.startswith("#2 ") and "listing" in r.answer and "Noted: Verizon" in r.answer


# ------------------------------------------------------------------------------ attributes that cannot be filtered
def test_a_comparative_left_in_the_search_words_is_said_to_rank_not_filter():
    assert unfiltered_aspect("longer battery", []) == "battery"
    assert unfiltered_aspect("lighter", {}) == "weight"
    assert unfiltered_aspect("longer battery", ["battery_mah_min"]) is None  # it became a constraint
    assert unfiltered_aspect("battery case", []) is None  # no comparative: a product, not a move
    line = unfiltered_line({"topic": "a bigger screen", "changed": {}}, {"query": "a bigger screen"})
    assert line.startswith("I can't filter on screen") and "ranked by it" in line


def test_the_search_answer_says_it_ranked_by_an_unfilterable_comparative(tmp_path):
    engine = open_demo_engine(tmp_path)
    assistant = Assistant(engine, rule_extractor(engine))
    first = assistant.turn("u", "samsung phones")
    r = assistant.turn("u", "a longer battery")
    moved = any(f.startswith("battery_mah") for f in r.filters.active())
    assert moved or "I can't filter on battery" in r.answer
    assert r.filters.brand == first.filters.brand


def test_power_ranks_by_the_wattage_in_the_title():
    a = Product(id="a", title="Soundbar 2.1 Channel, 100W RMS, Bluetooth")
    b = Product(id="b", title="Party Speaker 160W with Subwoofer")
    c = Product(id="c", title="Compact speaker")
    r = rank([a, b, c], "power")
    assert r["winner"] == "b" and r["missing"] == ["c"]


def test_earbuds_rank_on_hours_of_playback_when_no_battery_is_in_mah():
    """ "which one has the longest battery?" over earbuds: they state hours of playback, never mAh; standby
    hours and charging time are not battery life."""
    a = Product(id="a", title="Neckband Earphones", features=["Up to 25 Hours Playback", "Standby time 200 hours"])
    b = Product(id="b", title="TWS Earbuds, 16 Hrs Playtime with Quick Charge")
    c = Product(id="c", title="Wired earphones", features=["Fully charges in 2 hours"])
    r = rank([a, b, c], "battery")
    assert r["aspect"] == "playtime" and r["winner"] == "a" and r["missing"] == ["c"]
    assert [v["label"] for v in r["values"]] == ["25 hours", "16 hours"]
    phones = [Product(id="p", title="Phone, 6000mAh"), Product(id="q", title="Phone, 5000 mAh, 30 hours of talk time")]
    assert rank(phones, "battery")["aspect"] == "battery"  # mAh first wherever a product states it


@pytest.mark.parametrize("text, aspect", [("which one charges fastest?", "power"), ("which one lasts longest?", "battery"),
                                          ("which charges the fastest", "power")])
def test_how_shoppers_ask_for_charging_speed_and_battery_life(text, aspect):
    from agent.intents import classify

    intent = classify(text)
    assert intent.kind == "details" and intent.compare_on == aspect
