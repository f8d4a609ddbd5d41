"""The window a shop would ship: anonymous shoppers, answers as lead sentences + numbered cards, clickable
relaxations, details in place, Sift's own branding, and the staff review page. Saves the screenshots that
docs/ui.md shows (docs/img/)."""

from __future__ import annotations

import re
import urllib.request

import pytest

from .conftest import REPO, STAFF_PASSWORD, STAFF_USER
from .test_chat_window import ASSISTANT, USER, card_ids, login, send, staff_login, wait_answers

pytestmark = pytest.mark.e2e
DOCS_IMG = REPO / "docs" / "img"


def whoami(page) -> str:
    return page.evaluate("fetch('/user', {credentials: 'include'}).then(r => r.json()).then(u => u.identifier)")


def test_anonymous_shopper_conversation_with_cards_and_buttons(server, page, browser, shots):
    login(page, server["url"])  # no login form: straight to the chat
    assert page.locator("#email").count() == 0
    me = whoami(page)
    assert me.startswith("shopper:anon-")
    body = page.locator("body").inner_text()
    assert "LLMs can make mistakes" not in body and "Chainlit" not in body
    with urllib.request.urlopen(server["url"] + "/public/theme.json") as r:
        assert r.status == 200
    with urllib.request.urlopen(server["url"] + "/logo?theme=light") as r:
        assert b"Sift" in r.read()

    m1 = send(page, "a samsung phone under $300")
    text = m1.locator("[role=article]").first.inner_text()  # the answer's text, without its elements
    titles = m1.locator("[data-testid=card-title]").all_inner_texts()
    numbers = [int(re.match(r"(\d+)\. ", t).group(1)) for t in titles]
    assert numbers == list(range(1, len(titles) + 1))
    assert "products match" in text or "product matches" in text
    for title in titles:  # the list is on the cards only, never again in the text
        assert title.split(". ", 1)[1][:30] not in text
    # Details open in place, inside the card: no new message.
    n = page.locator(ASSISTANT).count()
    m1.locator("[data-testid=card-details]").nth(1).click()
    panel = m1.locator("[data-testid=card-details-panel]")
    panel.first.wait_for()
    assert "price:" in panel.first.inner_text() and page.locator(ASSISTANT).count() == n
    assert m1.locator("[data-testid=card-details]").nth(1).inner_text() == "hide details"
    shots(page, "shopper-conversation")
    DOCS_IMG.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(DOCS_IMG / "shopper-conversation.png"))

    # "the second one" is the card numbered 2.
    second = card_ids(m1)[1]
    d = send(page, "tell me about the second one")
    assert card_ids(d) == [second]
    assert d.locator("[data-testid=card-title]").first.inner_text().startswith("2. ")

    # Another browser is another anonymous shopper, with threads of its own.
    other = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    try:
        login(other, server["url"])
        assert whoami(other).startswith("shopper:anon-") and whoami(other) != me
        assert other.locator(USER).count() == 0
    finally:
        other.context.close()
    assert not page.errors, page.errors


def test_relaxation_offers_and_show_more_are_buttons_that_type_for_you(server, page, shots):
    login(page, server["url"])
    empty = send(page, "a samsung phone under $5", expect_cards=False)
    assert "No products match" in empty.inner_text()
    offers = page.get_by_role("button", name=re.compile(r"\(\d[\d,]*\)$"))
    offers.first.wait_for()
    label = offers.first.inner_text().strip()
    said = re.sub(r"\s*\(\d[\d,]*\)$", "", label)
    shots(page, "offers")
    n = page.locator(ASSISTANT).count()
    offers.first.click()
    after = wait_answers(page, n + 1)
    assert page.locator(USER).last.inner_text().strip() == said
    after.locator("[data-testid=product-card]").first.wait_for()
    shots(page, "offer-clicked")
    more = page.get_by_role("button", name="Show more")
    if more.count():
        first_ids = card_ids(after)
        n = page.locator(ASSISTANT).count()
        more.last.click()
        page2 = wait_answers(page, n + 1)
        assert page.locator(USER).last.inner_text().strip() == "show more"
        page2.locator("[data-testid=product-card]").first.wait_for()
        assert set(card_ids(page2)).isdisjoint(first_ids)
        undo = send(page, "undo")  # show more changed no constraint: undo goes back to page 1
        assert card_ids(undo) == first_ids
    assert not page.errors, page.errors


def test_staff_review_page_and_staff_login(server, page, shots):
    login(page, server["url"])
    send(page, "a black case for a pixel 8")
    page.goto(server["url"] + "/staff")
    page.wait_for_selector("#username")
    assert page.locator("label[for=username]").inner_text() == "Username"
    page.fill("#username", STAFF_USER)
    page.fill("#password", STAFF_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("[data-testid=review-row]")
    assert "a black case for a pixel 8" in page.locator("body").inner_text()
    DOCS_IMG.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(DOCS_IMG / "staff-review.png"), full_page=True)
    shots(page, "staff-review")
    page.fill("input[name=q]", "pixel 8")
    page.click("form button[type=submit]")
    page.wait_for_selector("[data-testid=review-row]")
    rows = page.locator("[data-testid=review-row]")
    assert all("pixel 8" in r.inner_text() for r in rows.all())
    rows.first.locator("a").first.click()
    page.wait_for_selector(".turn")
    assert "a black case for a pixel 8" in page.locator("body").inner_text()

    # Staff can also log in to the chat window itself: the form says "Username".
    page.goto(server["url"] + "/staff/chat")
    page.wait_for_selector("#email")
    assert "Username" in page.locator("body").inner_text() and "Email" not in page.locator("body").inner_text()
    staff_login(page, server["url"])
    assert whoami(page) == STAFF_USER
    assert not page.errors, page.errors
