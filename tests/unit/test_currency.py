"""Prices print in the catalog's currency (tools/describe.money), SIFT_CURRENCY overriding it."""

from __future__ import annotations

import pytest

from retrieval.catalog import Product, price_currency
from sift.settings import Settings
from tools.describe import display_currency, money, set_currency


@pytest.fixture(autouse=True)
def _restore():
    before = display_currency()
    yield
    set_currency(before)


def test_default_is_dollars():
    set_currency(None)
    assert money(1299.0) == "$1,299" and money(19.99) == "$19.99" and money(None) == "no price"


def test_rupees_and_codes():
    set_currency("inr")
    assert money(18999.0) == "\u20b918,999"
    assert money(1299.99, exact=True) == "\u20b91,299.99"
    assert money(12.5, "CHF") == "12.50 CHF"
    assert money(10.0, "EUR") == "\u20ac10"


def test_catalog_main_currency_and_setting(monkeypatch):
    products = [Product(id=str(i), title="t", price=10.0, currency="INR") for i in range(3)]
    products.append(Product(id="x", title="t", price=5.0, currency="USD"))
    assert price_currency(products) == "INR"
    monkeypatch.setenv("SIFT_CURRENCY", "EUR")
    assert Settings().currency == "EUR"
    monkeypatch.delenv("SIFT_CURRENCY")
    assert Settings().currency == ""


def test_questions_answer_in_the_catalog_currency():
    from tools.questions import answer

    set_currency("INR")
    p = Product(id="1", title="Redmi 10 Power", price=10999.0)
    assert "\u20b910,999" in str(answer(p, "how much is it?"))


def test_type_labels_are_plural_english():
    from lexicon.words import plural
    from tools.describe import type_label

    assert [plural(w) for w in ("smartwatch", "mouse", "power bank", "battery", "stylus", "headphones")] == [
        "smartwatches", "mice", "power banks", "batteries", "styluses", "headphones"]
    assert type_label("smartwatch") == "smartwatches only" and type_label("tv") == "TVs only"
