"""The shop chat window in a real browser: login, refinement, chips, reload, feedback, bad input, copilot."""

from __future__ import annotations

import argparse
import functools
import html
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from .conftest import REPO, STAFF_PASSWORD, STAFF_USER, free_port

pytestmark = pytest.mark.e2e

ASSISTANT = '[data-step-type="assistant_message"]'
USER = '[data-step-type="user_message"]'
ANSWER_TIMEOUT_MS = 180_000  # first answers on a busy 2-core CPU can take a while (model warm-up)


def login(page, url: str) -> None:
    """Open the chat window: shoppers need no login (an anonymous session of their own)."""
    page.goto(url)
    page.wait_for_selector("#chat-input")


def staff_login(page, url: str) -> None:
    """A staff member logs in to the chat window itself (through /staff/chat, then the login form)."""
    page.goto(url + "/staff/chat")
    page.wait_for_selector("#email")
    page.fill("#email", STAFF_USER)
    page.fill("#password", STAFF_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("#chat-input")


def wait_answers(page, n: int, timeout: int = ANSWER_TIMEOUT_MS):
    """Wait until at least `n` assistant messages exist and the run is over; return the last one."""
    # Locators, not document.querySelectorAll: they also see inside the copilot widget's shadow root.
    page.locator(ASSISTANT).nth(n - 1).wait_for(timeout=timeout)
    page.wait_for_selector("#stop-button", state="detached", timeout=timeout)
    # A fixed index, not `.last`: locators are lazy and `.last` would move on with the next answer.
    return page.locator(ASSISTANT).nth(page.locator(ASSISTANT).count() - 1)


def submit(page, text: str, timeout_s: float = ANSWER_TIMEOUT_MS / 1000) -> None:
    """Type `text` and send it, once the composer takes it.

    Right after the page opens, Chainlit may still be connecting its socket: it then re-renders the composer
    (emptying what was typed) and keeps the send button disabled. So type again until the button is enabled.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout  # lazy: e2e-only dependency

    deadline = time.monotonic() + timeout_s
    while True:
        page.fill("#chat-input", text)
        try:
            page.click("#chat-submit", timeout=5_000)
            return
        except PlaywrightTimeout:
            if time.monotonic() > deadline:
                raise


def send(page, text: str, expect_cards: bool = True):
    n = page.locator(ASSISTANT).count()
    submit(page, text)
    last = wait_answers(page, n + 1)
    if expect_cards:
        last.locator("[data-testid=product-card]").first.wait_for()
    return last


def chips(message) -> list[str]:
    if message.locator("[data-testid=filter-chips]").count() == 0:
        return []
    message.locator("[data-testid=filter-chips]").wait_for()
    return message.locator("[data-testid=chip-label]").all_inner_texts()


def card_ids(message) -> list[str]:
    return [c.get_attribute("data-product-id") for c in message.locator("[data-testid=product-card]").all()]


def card_brands(message) -> list[str]:
    return message.locator("[data-testid=card-brand]").all_inner_texts()


def poll(fn, timeout_s: float = 20.0, every_s: float = 0.5):
    deadline = time.monotonic() + timeout_s
    value = fn()
    while not value and time.monotonic() < deadline:
        time.sleep(every_s)
        value = fn()
    return value


def test_refinement_conversation_chips_reload_feedback_export(server, page, shots, artifacts):
    from sift.commands.transcripts import register
    from transcripts.store import TranscriptStore

    login(page, server["url"])
    shots(page, "logged-in")

    # Three-turn refinement: each turn adds a constraint, shown as a chip, with product cards.
    m1 = send(page, "a samsung phone under $300")
    assert {"brand: Samsung", "price <= $300", "category: phones"} <= set(chips(m1))
    assert card_ids(m1) and set(card_brands(m1)) == {"Samsung"}
    shots(page, "turn1-samsung-under-300")
    thread_id = page.url.rstrip("/").rsplit("/", 1)[-1]
    assert "/thread/" in page.url, page.url

    m2 = send(page, "only black ones")
    assert {"brand: Samsung", "color: black"} <= set(chips(m2))
    shots(page, "turn2-black")

    m3 = send(page, "rated at least 4 stars")
    before = chips(m3)
    assert {"brand: Samsung", "color: black", "rating >= 4", "price <= $300"} <= set(before)
    ids_before = card_ids(m3)
    shots(page, "turn3-rating")

    # Removing the brand chip sends "any brand" as the shopper's message and re-runs the search.
    n = page.locator(ASSISTANT).count()
    m3.locator('[data-testid=chip][data-group=brand] [data-testid=chip-remove]').click()
    m4 = wait_answers(page, n + 1)
    m4.locator("[data-testid=product-card]").first.wait_for()
    after = chips(m4)
    assert not any(c.startswith("brand") for c in after)
    assert {"color: black", "rating >= 4", "price <= $300"} <= set(after)
    assert page.locator(USER).last.inner_text().strip() == "any brand"
    ids_m4 = card_ids(m4)
    assert ids_m4 != ids_before
    assert any(b != "Samsung" for b in card_brands(m4)), card_brands(m4)
    shots(page, "chip-removed")

    # Reload: the conversation comes back (messages, cards, chips) and so does the agent's filter state.
    page.reload()
    wait_answers(page, 4, timeout=60_000)
    restored = page.locator(ASSISTANT).last
    restored.locator("[data-testid=product-card]").first.wait_for()
    assert set(chips(restored)) == set(after)
    assert card_ids(restored) == ids_m4  # the same cards, in result order
    assert page.locator(USER).count() >= 4
    shots(page, "reloaded")
    m5 = send(page, "under $200")
    assert {"color: black", "rating >= 4", "price <= $200"} <= set(chips(m5))
    shots(page, "after-reload-turn")

    # Thumbs up (with a comment) on the last search answer is stored with that turn.
    m5.hover()
    m5.locator(".positive-feedback-off").click()
    page.wait_for_selector("#submit-feedback")
    page.get_by_placeholder("Your feedback").fill("found a good one")
    page.click("#submit-feedback")
    store = TranscriptStore(server["db_url"])

    def stored_feedback() -> list[int | None]:
        conv = store.conversation(thread_id)
        return [t.feedback for t in conv.turns] if conv else []

    poll(lambda: stored_feedback()[-1:] == [1])
    assert stored_feedback() == [None, None, None, None, 1]
    assert store.conversation(thread_id).turns[-1].feedback_comment == "found a good one"
    shots(page, "feedback")

    # Card buttons: details (open in place, no agent turn) and more like this (a search around that product).
    n = page.locator(ASSISTANT).count()
    m5.locator("[data-testid=card-details]").first.click()
    panel = m5.locator("[data-testid=card-details-panel]").first
    panel.wait_for()
    assert "price:" in panel.inner_text()
    assert page.locator(ASSISTANT).count() == n
    shots(page, "details")
    m5.locator("[data-testid=card-more-like]").first.click()
    similar = wait_answers(page, n + 1)
    assert "Products like" in similar.inner_text() or "nothing else like" in similar.inner_text()
    shots(page, "more-like-this")

    # The review export holds every turn with its filters and shown products.
    conv = store.conversation(thread_id)
    assert [t.user_text for t in conv.turns][:5] == ["a samsung phone under $300", "only black ones",
                                                     "rated at least 4 stars", "any brand", "under $200"]
    assert conv.turns[5].source == "more_like_this"
    assert all(t.shown for t in conv.turns[:5]), [t.shown for t in conv.turns]
    assert conv.turns[3].source == "message" and "brand" not in conv.turns[3].filters
    out = artifacts / "transcript.html"
    parser = argparse.ArgumentParser()
    register(parser.add_subparsers())
    args = parser.parse_args(["transcripts", "export", "--format", "html", "--out", str(out), "--db",
                              server["db_url"], "--no-titles", thread_id])
    assert args.func(args) == 0
    page_html = out.read_text()
    for t in conv.turns:
        assert html.escape(t.user_text) in page_html
        for key in t.filters:
            assert f"<code>{key}</code>" in page_html
        for pid in t.shown:
            assert pid in page_html
    assert "thumbs up" in page_html
    assert not page.errors, page.errors


def test_bad_input_gets_polite_answers(server, page, shots):
    login(page, server["url"])

    # Empty: the composer will not send whitespace (or, if it does, the answer is polite).
    page.fill("#chat-input", "   ")
    if page.locator("#chat-submit").is_enabled():
        page.click("#chat-submit")
        assert "what you're shopping for" in wait_answers(page, 1).inner_text()
    assert page.locator(ASSISTANT).count() <= 1
    shots(page, "empty")

    # Markup and script tags are shown as text and never run.
    attack = ('<script>window.__sift_xss = 1</script><img src=x onerror="window.__sift_xss = 2">'
              '<b>bold</b> samsung phone')
    send(page, attack, expect_cards=False)
    assert page.evaluate("window.__sift_xss") is None
    assert "<script>" in page.locator(USER).last.inner_text()
    assert page.locator(f"{USER} img[src=x]").count() == 0
    shots(page, "script-tags")

    # A 20,000-character message is cut and the shopper is told.
    long_answer = send(page, ("cheap phone with good reviews " * 700)[:20_000], expect_cards=False)
    assert "long message" in long_answer.inner_text()
    shots(page, "long-message")

    # A file upload gets a polite answer.
    n = page.locator(ASSISTANT).count()
    page.set_input_files("#upload-button-input", files=[
        {"name": "wishlist.txt", "mimeType": "text/plain", "buffer": b"a phone please"}])
    page.wait_for_function("!document.querySelector('#chat-submit').disabled", timeout=30_000)
    time.sleep(1.0)  # let the upload finish before sending
    page.click("#chat-submit")
    upload_answer = wait_answers(page, n + 1)
    assert "can't look at files" in upload_answer.inner_text()
    shots(page, "file-upload")

    body = page.locator("body").inner_text()
    assert "Traceback" not in body and "Exception" not in body
    assert not page.errors, page.errors


@pytest.fixture
def shop_site():
    """examples/shop_site served on its own loopback port (a different origin from the app)."""
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(REPO / "examples" / "shop_site"))
    httpd = ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
    t = threading.Thread(target=httpd.serve_forever, daemon=True)
    t.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_copilot_widget_on_shop_page(server, page, shots, shop_site, monkeypatch):
    from urllib.parse import urlencode

    from sift.ui import UISettings, mint_shopper_token

    # The shop's backend signs the visitor's token with the app's secret.
    monkeypatch.setenv("CHAINLIT_AUTH_SECRET", (Path(server["home"]) / "auth_secret").read_text().strip())
    token = mint_shopper_token("e2e-visitor", UISettings(home=Path(server["home"])))
    page.goto(f"{shop_site}/index.html?" + urlencode({"server": server["url"], "token": token}))
    page.wait_for_selector("#chat-status[data-ready='1']")
    page.wait_for_selector("#chainlit-copilot-button")
    shots(page, "shop-page")
    page.click("#chainlit-copilot-button")
    page.wait_for_selector("#chat-input")  # inside the widget's (open) shadow root
    m = send(page, "a phone under $300")
    assert "price <= $300" in chips(m)
    assert card_ids(m)
    shots(page, "copilot-answer")
    assert not page.errors, page.errors
