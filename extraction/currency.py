"""A price said in another currency than the catalog's is converted, and the answer says so.

Prices are filtered in the catalog's own currency (`Vocabulary.currency`, the currency most of its prices are
in). A shopper who writes a currency ("under $150" on a shop in rupees, "below 2000 rupees" on a shop in
dollars) means that currency, so the bound is converted at the reference rates of `lexicon/data/numbers.toml`
and a note tells the shopper what it became. A bare number ("under 300") is in the catalog's currency; a
message that names two different currencies is left as written, with a note.

    >>> update = StateUpdate(set={"price_max": 150.0})
    >>> to_catalog_currency("a phone under $150", update, "INR"), update.set["price_max"]
    (['prices here are in INR: $150 is about 12,500 INR'], 12500.0)
"""

from __future__ import annotations

from lexicon.numbers import convert, currency_code, format_money, quantities

from .state import StateUpdate

_PRICE_FIELDS = ("price_min", "price_max")


def to_catalog_currency(text: str, update: StateUpdate, currency: str) -> list[str]:
    """Convert the update's numeric price bounds in place when `text` names one other currency; notes."""
    if not currency or not any(isinstance(update.set.get(f), int | float) for f in _PRICE_FIELDS):
        return []
    named = [(q, code) for q in quantities(text.lower()) if q.kind == "price" and (code := currency_code(q))]
    codes = {code for _, code in named}
    if not codes or codes == {currency}:
        return []
    if len(codes) > 1:
        return [f"prices here are in {currency}; the amounts were read as {currency} (more than one currency named)"]
    (code,) = codes
    notes = []
    for name in _PRICE_FIELDS:
        value = update.set.get(name)
        if not isinstance(value, int | float) or isinstance(value, bool):
            continue  # a level ("cheap") or nothing
        converted = convert(float(value), code, currency)
        if converted is None:
            return [f"prices here are in {currency}; no rate for {code}, so the amount was read as {currency}"]
        update.set[name] = converted
        notes.append(f"{format_money(float(value), code)} is about {converted:,.0f} {currency}")
    return [f"prices here are in {currency}: " + "; ".join(notes)] if notes else []
