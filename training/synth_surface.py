"""How the synthetic queries spell things: numbers in words ("two hundred"), prices ("$1.2k", "200 bucks"),
ratings, counts and storage sizes in many forms, and shopper noise (typos from neighbouring keys, casing,
spacing). Drawn from the caller's `random.Random`, so a seed gives the same text.
"""

from __future__ import annotations

import random
import re

# ================================================================================================ text helpers
_ONES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
         "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def number_words(n: int) -> str | None:
    """English words for whole numbers people say aloud (<= 9,999); None when awkward."""
    if n < 20:
        return _ONES[n]
    if n < 100:
        return _TENS[n // 10] + ("" if n % 10 == 0 else "-" + _ONES[n % 10])
    if n < 1000:
        rest = n % 100
        head = _ONES[n // 100] + " hundred"
        return head if rest == 0 else f"{head} {number_words(rest)}"
    if n < 10000 and n % 100 == 0:
        if n % 1000 == 0:
            return _ONES[n // 1000] + " thousand"
        if n < 2000 or n % 1000:
            return f"{number_words(n // 100)} hundred"
    return None


def _k(n: float) -> str:
    s = f"{n / 1000:.1f}".rstrip("0").rstrip(".")
    return s + "k"


def fmt_price(rng: random.Random, p: float) -> str:
    """A price as shoppers type it. `p` is the labelled value."""
    n = int(p)
    cents = abs(p - n) > 1e-9
    opts = [f"${n}", f"{n}", f"{n} dollars", f"${n}", f"{n}$", f"{n} usd", f"{n} bucks", f"$ {n}", f"{n} dollar"]
    if cents:
        return rng.choice([f"${p:.2f}", f"{p:.2f}", f"{p:.2f} dollars"])
    if n >= 1000:
        opts += [f"${n:,}", f"{n:,}", f"${n:,}.00"]
        if n % 100 == 0:
            opts += [_k(n), f"${_k(n)}", _k(n).upper()]
    if n % 50 == 0 and (w := number_words(n)):
        opts += [w, f"{w} dollars", f"{w} bucks"]
    if n == 1000:
        opts += ["a grand", "one grand", "1 grand"]
    if rng.random() < 0.08:
        opts += [f"${n}.00"]
    return rng.choice(opts)


def fmt_rating(rng: random.Random, r: float) -> str:
    s = f"{r:g}"
    opts = [f"{s} stars", f"{s} stars", f"{s} star", f"{s}/5", f"{s} out of 5", f"{s} out of 5 stars",
            f"{s}-star", f"{s} star rating"]
    if r.is_integer():
        opts += [f"{_ONES[int(r)]} stars", f"{int(r)}.0 stars"]
    return rng.choice(opts)


def fmt_count(rng: random.Random, n: int, noun: str) -> str:
    opts = [f"{n} {noun}", f"{n} {noun}"]
    if n >= 1000:
        opts += [f"{n:,} {noun}"]
        if n % 100 == 0:
            opts += [f"{_k(n)} {noun}"]
    if n % 100 == 0 and (w := number_words(n)) and n <= 5000:
        opts += [f"{w} {noun}"]
    return rng.choice(opts)


def fmt_storage(rng: random.Random, gb: float) -> str:
    n = int(gb)
    if n >= 1024 and n % 1024 == 0:
        t = n // 1024
        return rng.choice([f"{t}tb", f"{t} tb", f"{t}TB", f"{t} TB", f"{t} terabyte"])
    return rng.choice([f"{n}gb", f"{n} gb", f"{n}GB", f"{n} GB", f"{n}g", f"{n} gigs", f"{n}gb"])


_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_KEYBOARD_NEAR = {row[i]: row[i + 1] if i + 1 < len(row) else row[i - 1] for row in _ROWS for i in range(len(row))}


def typo(rng: random.Random, word: str) -> str:
    """One character swap, drop, double or neighbour-key slip (words with digits are left alone)."""
    if len(word) < 4 or any(ch.isdigit() for ch in word) or not word.isalpha():
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.random()
    if kind < 0.35:
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    if kind < 0.65:
        return word[:i] + word[i + 1:]
    if kind < 0.8:
        return word[:i] + word[i] + word[i:]
    ch = word[i].lower()
    return word[:i] + _KEYBOARD_NEAR.get(ch, ch) + word[i + 1:]


def noise(rng: random.Random, text: str, typo_rate: float = 0.12) -> str:
    """Case, punctuation and typo noise the way people type on phones."""
    if rng.random() < typo_rate:
        words = text.split(" ")
        k = 1 if rng.random() < 0.8 else 2
        for _ in range(k):
            j = rng.randrange(len(words))
            words[j] = typo(rng, words[j])
        text = " ".join(words)
    r = rng.random()
    if r < 0.65:
        text = text.lower()
    elif r < 0.72:
        text = text.upper() if len(text) < 40 else text
    elif r < 0.85:
        text = text[:1].upper() + text[1:]
    text = text.replace(" i ", " I ") if rng.random() < 0.2 else text
    end = rng.random()
    text = text.rstrip(" .?!")
    if end < 0.15:
        text += "?"
    elif end < 0.25:
        text += "."
    elif end < 0.28:
        text += "!!"
    elif end < 0.31:
        text += " pls"
    elif end < 0.33:
        text += " thx"
    if rng.random() < 0.1:
        text = text.replace(",", "")
    if rng.random() < 0.05:
        text = "  " + text.replace(" ", "  ", 1)
    return re.sub(r" +([,?.!])", r"\1", text) if rng.random() < 0.9 else text


