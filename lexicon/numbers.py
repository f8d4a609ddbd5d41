"""The one number reader: number text -> values and typed quantity spans.

Every place that reads a number goes through here: the rule grammar (quantities with currency,
multiplier, "+" and unit), the seq2seq placeholders, filter values being snapped, numbers a model
wrote, catalog prices and storage sizes. They share one number grammar (`numbers.toml`: the digits
fragment, currencies, multipliers, number words, units) and one conversion; what differs between them
is only the context a number is read in (a whole field value, a catalog string, a running sentence).

    >>> [(q.value, q.kind, q.plus) for q in quantities("under $1,299.99 with 4.5+ stars and 128gb")]
    [(1299.99, 'price', False), (4.5, 'rating', True), (128.0, 'storage', False)]
    >>> spell_out("under two hundred and 4 and a half stars", "under two hundred and 4 and a half stars")[0]
    'under 200 and 4.5 stars'
    >>> words_to_number("fifteen hundred"), parse_number("1.2k"), parse_price("$10.99 - $15.99")
    (1500.0, 1200.0, 10.99)

Catalog price strings are read by the `price-parser` library (it knows every store's format); number words
by our own reader, not `text2num`, which reads neither "2 hundred" nor "a thousand" nor "4 and a half".
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from typing import Any, NamedTuple

from .load import load

MULTIPLIERS = {"k": 1000.0, "grand": 1000.0, "lakh": 1e5, "lakhs": 1e5, "lac": 1e5, "lacs": 1e5}
TERABYTE_GB = 1024.0


class Quantity(NamedTuple):
    """A number in running text with what is around it: "$1.2k+", "4.5 stars", "128gb"."""

    start: int
    end: int
    num: str  # the digits as written ("1,299.99")
    value: float | None  # multiplier applied ("1.2k" -> 1200.0)
    currency: str | None  # "$", "usd "...
    multiplier: str | None  # "k", "grand"
    plus: bool  # "4.5+", "100 +"
    unit: str  # plain unit ("stars", "reviews", "gb"; "" for none): "customer reviews" -> "reviews"
    kind: str | None  # what the unit measures: price, rating, reviews, storage (None: unitless)


def to_float(num: str, multiplier: str | None = None) -> float | None:
    """ "1,299.99" -> 1299.99; with "k" / "grand", thousands. None if not a number."""
    try:
        x = float(num.replace(",", ""))
    except ValueError:
        return None
    return x * MULTIPLIERS[multiplier] if multiplier in MULTIPLIERS else x


def plain_unit(unit: str | None) -> str:
    """ "customer reviews", "user ratings" -> "reviews", "ratings": who wrote them does not change the unit."""
    return re.sub(r"^(?:customer|user|buyer|verified|owner|people)s?'?\s", "", (unit or "").strip())


def unit_kind(unit: str) -> str | None:
    """The attribute a (plain) unit measures: "bucks" -> price, "stars" -> rating, "tb" -> storage."""
    return load("numbers").maps["unit_kind"].get(unit)


def quantities(text: str) -> Iterator[Quantity]:
    """Every quantity in lower-case `text`, left to right."""
    rx = load("numbers").rx["quantity"]
    for m in rx.finditer(text):
        yield _quantity(m)


def quantity_at(text: str, pos: int) -> Quantity | None:
    """The quantity starting exactly at `pos` (a range's second bound), if any."""
    m = load("numbers").rx["quantity"].match(text, pos)
    return _quantity(m) if m else None


def _quantity(m: re.Match[str]) -> Quantity:
    value = to_float(m.group("num"), m.group("mult"))
    unit = plain_unit(m.group("unit"))
    kind: str | None = None
    if unit.startswith("out of") or unit.startswith("/"):
        kind = "rating"
    elif unit:
        kind = unit_kind(unit)
        if unit == "rating":  # "4.5 rating" is stars, "500 rating" a count
            kind = "rating" if value is not None and value <= 5 else "reviews"
    if m.group("cur"):
        kind = "price"
    return Quantity(start=m.start(), end=m.end(), num=m.group("num"), value=value, currency=m.group("cur"),
                    multiplier=m.group("mult"), plus=bool(m.group("plus") or m.group("plus2")), unit=unit,
                    kind=kind)


def currency_code(q: Quantity) -> str | None:
    """The ISO code a price quantity names by sign, code or word ("$", "rs", "rupees"), else None."""
    lex = load("numbers").maps["currency_code"]
    for mark in (q.currency, q.unit):
        code = lex.get((mark or "").strip()) if mark else None
        if code:
            return str(code)
    return None


def convert(amount: float, source: str, target: str) -> float | None:
    """`amount` in `source` currency in `target` currency at the reference rates (numbers.toml), rounded as
    a shopper would say it (to hundreds from 1,000, whole units from 20); None when a rate is unknown.
    Approximate by nature: callers say "about"."""
    rates = load("numbers").maps["per_usd"]
    if source not in rates or target not in rates:
        return None
    x = amount / float(rates[source]) * float(rates[target])
    return float(round(x, -2 if x >= 1000 else 0 if x >= 20 else 2))


def format_money(amount: float, currency: str, exact: bool = False) -> str:
    """A price as a shopper reads it: "$1,299", "₹1,299", "$19.99", "12.50 CHF"; `exact` keeps the cents
    of large prices ("$1,299.99")."""
    code = currency.upper()
    if exact:
        number = f"{amount:,.2f}".replace(".00", "")
    else:
        number = f"{amount:,.0f}" if amount >= 100 or float(amount).is_integer() else f"{amount:,.2f}"
    symbol = load("numbers").maps["currency_sign"].get(code)
    return f"{symbol}{number}" if symbol else f"{number} {code}"


def g_storage_sizes() -> frozenset[float]:
    """Sizes that "64g" may mean in GB ("5g", "4g" are networks)."""
    return frozenset(load("numbers").words["g_sizes"])


def words_to_number(text: str) -> float | None:
    """ "two hundred" -> 200, "fifteen hundred" -> 1500, "2 hundred" -> 200, "two fifty" -> 250; None if not a
    number phrase."""
    lex = load("numbers")
    words, teens = lex.maps["word_numbers"], lex.maps["teens"]
    tokens = [t for t in re.split(r"[\s-]+", text.lower().strip()) if t and t != "and"]
    total = current = 0.0
    seen = False
    for i, tok in enumerate(tokens):
        if tok == "a" and i == 0:
            current = 1.0
            continue
        if tok == "couple":  # "a couple hundred", "couple of thousand": two of the scale after it
            current = 2.0
            continue
        if tok == "of" and i > 0 and tokens[i - 1] == "couple":
            continue
        if re.fullmatch(r"\d+(?:\.\d+)?", tok):
            current += float(tok)
        elif tok in teens:
            current += teens[tok]
        elif tok in ("hundred", "hundo", "hundos", "bills"):  # "2 hundo", "3 bills": chat slang
            current = (current or 1.0) * 100
        elif tok in ("thousand", "grand", "k"):
            total += (current or 1.0) * 1000
            current = 0.0
        elif tok in words:
            if 0 < current < 10 and words[tok] >= 20 and words[tok] % 10 == 0:
                current = current * 100 + words[tok]  # "two fifty" is 250, "one twenty five" 125, as said aloud
            else:
                current += words[tok]
        else:
            return None
        seen = True
    return total + current if seen else None


def spell_out(low: str, cased: str) -> tuple[str, str]:
    """Digits for number words ("two hundred" -> "200", "4 and a half" -> "4.5"); same edits on both strings."""
    lex = load("numbers")
    low, cased = _shared_scale(lex, low, cased)
    small = set(lex.words["small_words"]) | {"ten"}
    edits: list[tuple[int, int, str]] = []
    for m in lex.rx["number_word_run"].finditer(low):
        words = re.split(r"[\s-]+", m.group(0))
        # "one" and friends are ordinary words ("one with a good camera"): only a number before a unit.
        if len(words) == 1 and words[0] in small and not lex.rx["unit_after_small"].match(low, m.end()):
            continue
        value = words_to_number(m.group(0))
        if value is not None:
            edits.append((m.start(), m.end(), f"{value:g}"))
    low, cased = _apply(low, cased, edits)
    if "half" in low:
        low, cased = _apply(low, cased, [(m.start(), m.end(), f"{float(m.group(1)) + 0.5:g}")
                                         for m in lex.rx["half"].finditer(low)])
    return low, cased


def _shared_scale(lex: Any, low: str, cased: str) -> tuple[str, str]:
    """"2 to 3 hundred" -> "200 to 3 hundred" (spelled out further on): the scale said once applies to both
    ends when the first is the smaller, as people mean it ("from 2 to 3 hundred dollars" is 200-300, not 2-300)."""
    edits = []
    for m in lex.rx["shared_scale"].finditer(low):
        a, b = words_to_number(m.group("a")), words_to_number(m.group("b"))
        if a is not None and b is not None and a < b:
            # digits, not "five hundred": a spelled-out "and" would join both ends into one number run
            edits.append((m.start("a"), m.end("a"), f"{a * (100 if m.group('scale') == 'hundred' else 1000):g}"))
    return _apply(low, cased, edits)


def _apply(low: str, cased: str, edits: list[tuple[int, int, str]]) -> tuple[str, str]:
    if not edits:
        return low, cased
    out_l: list[str] = []
    out_c: list[str] = []
    last = 0
    for start, end, rep in edits:
        out_l += [low[last:start], rep]
        out_c += [cased[last:start], rep]
        last = end
    return "".join(out_l + [low[last:]]), "".join(out_c + [cased[last:]])


def parse_number(value: Any) -> float | None:
    """A non-negative number from 1200, "1200", "$1,200", "1.2k", "USD 300", "200 bucks", "two hundred"."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        x = float(value)
        return x if math.isfinite(x) and x >= 0 else None
    s = str(value).strip().lower()
    if not s or len(s) > 60:
        return None
    m = load("numbers").rx["number_value"].match(s)
    if m:
        x = float(m.group(1).replace(",", ""))
        mult = m.group(2)
        if mult in ("k", "thousand", "grand"):
            x *= 1000
        elif mult == "hundred":
            x *= 100
        elif mult in MULTIPLIERS:  # "1.5 lakh"
            x *= MULTIPLIERS[mult]
        return x if math.isfinite(x) else None
    return words_to_number(s)


def parse_model_number(raw: str) -> float | None:
    """A number a model wrote: "1,200" (thousands), "4,5" (a decimal comma), "1.2k"; None if not one."""
    m = load("numbers").rx["model_number"].match(raw)
    if not m:
        return None
    digits = m.group(1)
    if re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d+)?", digits):
        digits = digits.replace(",", "")
    else:
        digits = digits.replace(",", ".")
    try:
        v = float(digits)
    except ValueError:
        return None
    return v * 1000 if m.group(2) else v


def parse_storage(text: str) -> float | None:
    """GB from one storage value: "256", "256 gigs", "256gb", "1tb", "512mb"; None if not one."""
    m = load("numbers").rx["storage_value"].match(text.replace(",", ""))
    if not m:
        return None
    unit = (m.group(2) or "gb")[:1]
    return float(m.group(1)) * (TERABYTE_GB if unit == "t" else (1 / 1024 if unit == "m" else 1.0))


def storage_sizes(text: str) -> list[float]:
    """Storage sizes in GB named in a catalog text ("8GB RAM, 128GB Storage" -> [128.0]; RAM skipped)."""
    per = {"tb": TERABYTE_GB, "gb": 1.0, "mb": 1 / 1024}
    return [float(num) * per[unit.lower()] for num, unit in load("numbers").rx["storage_size"].findall(text)]


def parse_price(text: str) -> float | None:
    """The price in a catalog price string: "$1,299.99" -> 1299.99, "$10.99 - $15.99" -> 10.99 (the lower
    end), "1.299,99 €" -> 1299.99; None when it has no digits ("free", "N/A").

    Catalog strings come in every store's format (currency before or after, decimal commas, ranges), so
    they are read by the `price-parser` library, which knows them; it agreed with our own reading on every
    price of the three shared catalogs written four ways (121,676 strings).
    """
    if not any(ch.isdigit() for ch in text):
        return None  # price-parser reads "free" as 0.0; a price string without digits names no price
    from price_parser import Price  # lazy: catalogs with numeric prices never need it

    amount = Price.fromstring(text).amount_float
    return amount if amount is not None and math.isfinite(amount) else None


def placeholder_numbers(text: str) -> Iterator[tuple[re.Match[str], float | None, re.Match[str] | None]]:
    """Numbers for seq2seq placeholders: (match, value, the "tb" after it or None); case-insensitive."""
    lex = load("numbers")
    for m in lex.rx["seq2seq_number"].finditer(text):
        value = to_float(m.group("num"), "k" if m.group("mult") else None)
        yield m, value, lex.rx["terabytes"].match(text, m.end())
