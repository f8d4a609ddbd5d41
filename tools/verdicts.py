"""A verdict on a shopper's question from one sentence of the listing: yes, no, partly, or stated.

The sentence was chosen because it is about what was asked (tools/questions.py finds it); this module
reads what it says: a negation in the clause that names the asked thing ("Sim card not included",
"Will NOT work with CDMA carriers such as Verizon") is a no; an opposite ("wired" for "wireless?") is a
no; a quality claimed only in part ("water-repellent", "IPX4" for "waterproof?") is partly; a number
compared with the asked one ("up to 150 sq ft" for "a 300 sq ft room?") decides; an open question
("how much does it weigh?") is answered by quoting, so it is "stated". Words are data (verdicts.toml).

    >>> verdict("is the second one waterproof?", "Water-repellent design protects against light splashes")
    'partly'
    >>> verdict("is it waterproof", "IP68 dust and water resistance"), verdict("ok in the rain?", "IPX4 rated")
    ('yes', 'partly')
    >>> verdict("is there a headphone jack?", "No headphone jack; USB-C audio")
    'no'
    >>> verdict("is it enough for a 300 sq ft room", "Room Size: Upto 150 sq ft")
    'no'
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).with_name("verdicts.toml")
VERDICTS = ("yes", "no", "partly", "stated", "not stated")
_OPEN = re.compile(r"^(?:(?:and|so|but|ok(?:ay)?|hmm+|also|wait|oh|then)[,\s]+)*"
                   r"(?:how(?! about)\b|what|what's|whats|which|when|where|who)\b")
_CLAUSE = re.compile(r"(?<=\D)[.!?]\s+|[.!?]\s+(?=\D)|;|\bbut\b|\bhowever\b|\bwhile\b")
_NUMBER = r"(\d+(?:[.,]\d+)?)"


def _pattern(words: list[str]) -> re.Pattern[str]:
    """One regex for a word list: whole words, "stem*" for any ending, longest first."""
    alts = []
    for w in sorted(words, key=len, reverse=True):
        body = re.escape(w.rstrip("*")).replace(r"\ ", r"[\s-]+")
        alts.append(body + (r"[\w-]*" if w.endswith("*") else r"(?![\w])"))
    return re.compile(r"(?<![\w])(?:" + "|".join(alts) + ")", re.IGNORECASE)


@dataclass(frozen=True)
class Quality:
    name: str
    asked: re.Pattern[str]
    full: re.Pattern[str]
    partial: re.Pattern[str]
    partial_ok: re.Pattern[str]
    ip_full: int | None
    ip_partial: int | None


@dataclass(frozen=True)
class Rules:
    negation_before: re.Pattern[str]
    negation_after: re.Pattern[str]
    not_negation: re.Pattern[str]
    opposites: list[tuple[re.Pattern[str], re.Pattern[str]]]
    qualities: list[Quality]
    units: dict[str, dict[str, float]]
    unit_pattern: re.Pattern[str]
    at_least: re.Pattern[str]
    at_most: re.Pattern[str]


@cache
def rules() -> Rules:
    """verdicts.toml, compiled once; a malformed file says which entry to fix."""
    data: dict[str, Any] = tomllib.loads(DATA.read_text(encoding="utf-8"))
    try:
        neg = data["negation"]
        qualities = [Quality(q["name"], _pattern(q["asked"]), _pattern(q["full"]), _pattern(q["partial"]),
                             _pattern(q.get("partial_ok", [])) if q.get("partial_ok") else re.compile(r"(?!)"),
                             q.get("ip_full"), q.get("ip_partial")) for q in data["quality"]]
        units = {name: {k.lower(): float(v) for k, v in spellings.items()} for name, spellings in data["units"].items()}
        spellings = sorted({s for sp in units.values() for s in sp}, key=len, reverse=True)
        unit_pattern = re.compile(_NUMBER + r"\s*(" + "|".join(re.escape(s) for s in spellings) + r")(?![a-z])",
                                  re.IGNORECASE)
        return Rules(_pattern(neg["before"]), _pattern(neg["after"]), _pattern(neg["not_negation"]),
                     [(_pattern(o["asked"]), _pattern(o["said"])) for o in data["opposite"]], qualities, units,
                     unit_pattern, _pattern(data["compare"]["at_least"]), _pattern(data["compare"]["at_most"]))
    except (KeyError, TypeError, ValueError) as e:
        raise ValueError(f"{DATA}: malformed entry ({e!r}); see the comments in the file for the expected shape") from e


def is_open(question: str) -> bool:
    """ "how much does it weigh?", "what's the front camera like": answered by quoting, not yes or no."""
    return bool(_OPEN.match(question.strip().lower()))


def measures(text: str) -> dict[str, list[float]]:
    """Numbers with units in `text`, by unit, in base units: "6.35 cm" -> {"inch": [2.5]}."""
    r = rules()
    out: dict[str, list[float]] = {}
    for m in r.unit_pattern.finditer(text):
        spelled = m.group(2).lower()
        for name, spellings in r.units.items():
            if spelled in spellings:
                out.setdefault(name, []).append(float(m.group(1).replace(",", "")) * spellings[spelled])
                break
    return out


def _compare(question: str, evidence: str) -> str | None:
    asked, said = measures(question), measures(evidence)
    for unit, values in asked.items():
        if unit not in said:
            continue
        want = values[0]
        if rules().at_most.search(question):
            return "yes" if min(said[unit]) <= want * 1.02 else "no"
        if rules().at_least.search(question):
            return "yes" if max(said[unit]) >= want * 0.98 else "no"
        return "yes" if any(abs(v - want) <= 0.03 * want for v in said[unit]) else "no"
    return None


def _ip_water(evidence: str) -> int | None:
    """The best water digit of the IP ratings in `evidence` ("IP68" -> 8, "IPX4" -> 4), None when none."""
    digits = [int(m.group(1)) for m in re.finditer(r"\bip[x\d]([0-9])\b", evidence, re.IGNORECASE)]
    return max(digits) if digits else None


def _quality(question: str, evidence: str) -> str | None:
    for q in rules().qualities:
        if not q.asked.search(question):
            continue
        ip = _ip_water(evidence) if q.ip_full is not None else None
        if ip is not None:
            full = ip >= q.ip_full
        elif q.full.search(evidence):
            full = True
        elif q.partial.search(evidence):
            full = False
        else:
            continue
        if _negated(evidence, [q.full, q.partial]):
            return "no"
        return "yes" if full or q.partial_ok.search(question) else "partly"
    return None


def _negated(evidence: str, terms: list[re.Pattern[str]]) -> bool:
    """True when a clause of `evidence` that names one of `terms` (or any clause, with no term named)
    negates it: a negation word before it or a "not included" phrase after it."""
    r = rules()
    text = r.not_negation.sub(" ", evidence)
    clauses = [c for c in _CLAUSE.split(text) if c and c.strip()]
    named = [(c, m) for c in clauses for t in terms for m in [t.search(c)] if m]
    if not named:
        return any(r.negation_before.search(c) or r.negation_after.search(c) or re.search(r":\s*no\b", c, re.I)
                   for c in clauses)
    for clause, m in named:
        if r.negation_before.search(clause[:m.start()]) or r.negation_after.search(clause[m.end():]):
            return True
        if re.search(r":\s*no\b", clause[m.end():], re.IGNORECASE):  # "Thermal Cut Off : No"
            return True
    return False


def _opposite(question: str, evidence: str) -> bool:
    for asked, said in rules().opposites:
        if asked.search(question) and not said.search(question) and said.search(evidence):
            return True
    return False


def verdict(question: str, evidence: str, terms: list[str] | None = None) -> str:
    """yes | no | partly | stated, for `evidence` (a sentence of the listing) answering `question`.

    `terms`: the question's content words ("verizon", "charger"); a negation counts only in a clause that
    names one of them, so "works on AT&T. Will NOT work with Verizon" answers "T-Mobile?" with the first."""
    q = question.lower()
    if is_open(q):
        return "stated"
    number = _compare(q, evidence)
    if number:
        return number
    quality = _quality(q, evidence)
    if quality:
        return quality
    if _opposite(q, evidence):
        return "no"
    patterns = [_pattern([t + "*"]) for t in terms or [] if len(t) >= 2]
    return "no" if _negated(evidence, patterns) else "yes"
