"""The chat window's answer layout: lead sentences then cards (never the list twice), card numbers that
references use, buttons that send what typing would, chips for HTTP clients."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from agent.answers import short_title
from agent.assistant import Assistant
from evals.conversation_eval import open_demo_engine, rule_extractor
from retrieval.filters import Filters
from sift import ui
from sift.present import answer_actions, api_card, api_chips, card_details, format_money


@pytest.fixture(scope="module")
def assistant(tmp_path_factory):
    engine = open_demo_engine(tmp_path_factory.mktemp("window"))
    return Assistant(engine, rule_extractor(engine))


def test_summary_says_what_was_understood_and_how_many_without_listing_the_products(assistant):
    r = assistant.turn("s1", "a samsung phone under $300")
    assert r.cards and r.summary
    assert "Samsung" in r.summary and f"{r.matched} products match" in r.summary
    assert len(r.summary.splitlines()) <= 3
    for card in r.cards:  # the titles are on the cards only
        assert card["title"][:25] not in r.summary
    # The plain-text answer (sift chat, HTTP) still lists them, numbered like the cards.
    for card in r.cards:
        assert f"{card['pos']}. " in r.answer


def test_card_numbers_are_the_numbers_references_use_also_after_show_more_and_a_question(assistant):
    first = assistant.turn("s2", "a phone")
    assert [c["pos"] for c in first.cards] == list(range(1, len(first.cards) + 1))
    more = assistant.turn("s2", "show more")
    n = len(first.cards)
    assert [c["pos"] for c in more.cards] == list(range(n + 1, n + 1 + len(more.cards)))
    detail = assistant.turn("s2", f"tell me about number {n + 2}")
    assert [c["pos"] for c in detail.cards] == [n + 2]
    assert detail.cards[0]["id"] == more.cards[1]["id"]


def test_titles_in_plain_text_are_cut_at_a_word_never_mid_word():
    title = "Samsung Galaxy A03s Unlocked Android Smartphone with Wide Angle Lens and 13MP Camera Blue 64 GB"
    cut = short_title(title, 40)
    assert cut.endswith("\u2026") and len(cut) <= 41
    assert title.startswith(cut[:-1]) and title[len(cut) - 1] == " "
    assert short_title("short title", 40) == "short title"


def test_buttons_send_what_typing_would():
    empty = SimpleNamespace(relaxations=[{"label": "under $400", "count": 12}, {"label": "any color", "count": 3}],
                            shown=[], matched=0, filters=Filters(price_max=300, color=["purple"]))
    acts = answer_actions(empty)
    assert [a["say"] for a in acts] == ["under $400", "any color", "start over"]
    assert acts[0]["label"] == "under $400 (12)"
    page = SimpleNamespace(relaxations=[], shown=["a", "b"], matched=9, filters=Filters(brand=["Samsung"]))
    assert [a["say"] for a in answer_actions(page)] == ["show more", "start over"]
    fresh = SimpleNamespace(relaxations=[], shown=[], matched=0, filters=Filters())
    assert answer_actions(fresh) == []


def test_cards_carry_their_details_to_open_in_place(assistant):
    r = assistant.turn("s3", "a samsung phone")
    product = assistant.engine.product(r.cards[0]["id"])
    props = ui.card_props(r.cards[0], r.cards[0]["pos"], product)
    facts = dict(map(tuple, props["details"]["facts"]))
    assert facts["brand"] == product.brand and "stars" in facts["rating"]
    assert props["details"]["features"] == [f[:200] for f in product.features if f][:5]
    assert card_details(product) == props["details"]
    assert ui.card_props(r.cards[0], 1)["details"] is None


def test_api_cards_and_chips():
    card = {"id": "p1", "pos": 2, "title": "Phone", "brand": "Acme", "price": 199.0, "rating": 4.5,
            "reviews": 120, "image_url": "https://x/y.jpg", "url": "https://x/p1", "why": ["Acme"],
            "variants_label": "3 colors"}
    out = api_card(card)
    assert out == {"id": "p1", "position": 2, "title": "Phone", "brand": "Acme", "price": 199.0, "currency": "USD",
                   "rating": 4.5, "review_count": 120, "image_url": "https://x/y.jpg", "product_url": "https://x/p1",
                   "why": ["Acme"], "variants_label": "3 colors"}
    assert "variants_label" not in api_card(dict(card, variants_label=None))
    chips = api_chips(Filters(price_max=300, brand=["Samsung"], color=["black"]))
    assert {"group": "price", "label": "under $300", "remove": "any price"} in chips
    assert [c["remove"] for c in chips] == ["any price", "any brand", "any color"]
    assert format_money(19.99, "USD") == "$19.99" and format_money(1299, "INR") == "1,299.00 INR"
