"""Money in shop feeds: an amount and its currency, never one without the other.

Merchant Center writes "12.99 USD" (ISO 4217 code after the number); other feeds write "$12.99",
"USD 12.99", "€12,99" or a bare number in the shop's currency. The number itself is read by
`retrieval.catalog.parse_price` (the one price reader); this module only finds the currency and turns a
decimal comma ("12,99 EUR", "1.299,00 EUR") into a decimal point first, so it is never read as 1299.

    >>> parse_money("12.99 USD")
    (12.99, 'USD')
    >>> parse_money("1.299,00 EUR")
    (1299.0, 'EUR')
    >>> parse_money("$1,299.99")
    (1299.99, 'USD')
    >>> parse_money("15", default_currency="CAD")
    (15.0, 'CAD')
"""

from __future__ import annotations

import re
from typing import Any

from ..catalog import parse_price

DEFAULT_CURRENCY = "USD"
# Symbols that name one currency without doubt. "$" alone is the US dollar, as Amazon US and most
# feeds without a code mean it; a Canadian shop says "CAD" (or passes --currency CAD).
_SYMBOLS = {"$": "USD", "US$": "USD", "€": "EUR", "£": "GBP", "₹": "INR", "RS": "INR", "RS.": "INR",
            "¥": "JPY", "₩": "KRW", "C$": "CAD", "CA$": "CAD", "A$": "AUD", "AU$": "AUD"}
# ISO 4217 codes in use (2025), so "$12 AND UP" is not read as a price in "AND".
ISO_CURRENCIES = frozenset("""
AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN BZD CAD CDF
CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD
HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD
MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN
PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SLL SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP
TRY TTD TWD TZS UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG ZWL
""".split())
_CODE = re.compile(r"(?<![A-Za-z])([A-Z]{3})(?![A-Za-z])")
_SYMBOL = re.compile(r"US\$|C\$|CA\$|A\$|AU\$|Rs\.?|[$€£₹¥₩]", re.IGNORECASE)
# "1.299,00" or "12,99": a comma followed by exactly two digits at the end, dots (if any) as thousands.
_DECIMAL_COMMA = re.compile(r"^\d{1,3}(?:\.\d{3})*,\d{1,2}$|^\d+,\d{1,2}$")


def currency_of(text: str) -> str | None:
    """The ISO code a price string names ("12.99 usd" -> "USD"), or None when it names none."""
    for code in _CODE.findall(text.upper()):
        if code in ISO_CURRENCIES:
            return code
    symbol = _SYMBOL.search(text)
    return _SYMBOLS[symbol.group(0).upper()] if symbol else None


def parse_money(value: Any, default_currency: str = DEFAULT_CURRENCY) -> tuple[float | None, str]:
    """(amount, ISO currency) of a feed price; the amount is None when no number is there.

    A value without a currency takes `default_currency` (the shop's currency: `--currency`, default USD).
    """
    if value is None or isinstance(value, bool):
        return None, default_currency
    if isinstance(value, int | float):
        return parse_price(value), default_currency
    text = str(value).strip()
    currency = currency_of(text) or default_currency
    number = _CODE.sub(lambda m: " " if m.group(1) in ISO_CURRENCIES else m.group(0), text.upper())
    number = _SYMBOL.sub(" ", number).strip()
    if _DECIMAL_COMMA.match(number):
        number = number.replace(".", "").replace(",", ".")
    return parse_price(number), currency
