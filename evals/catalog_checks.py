"""Score shown products against the shopper's own constraints, read from the catalog row itself.

The scripted conversations of `conversation_eval` compare Sift's filter state with an expected state,
so they can only say whether Sift understood the message the way Sift's own filters express it. The
checks here never read Sift's filters: each turn carries what the shopper really asked for, written
against the raw catalog row (the Amazon-2023 JSONL fields), and every shown product is tested on it.

A check is one line of a small language (one constraint; a turn's checks are all required):

    title ~ "(?i)\\b(earbuds?|tws)\\b"        regex search in a text field
    not title ~ "(?i)case|cover"             negation of any check
    price <= 2000                            numbers: price (in the file's currency), rating, reviews
    detail[RAM] >= 8                         the first number of a `details` value
    detail[Color] ~ "(?i)black"              a `details` value as text
    brand in [boat, noise]                   case-insensitive membership (`not brand in [...]`)

Fields: `title`, `text` (title + features + description + details values), `brand` (store, else
details Brand), `category` (the category path joined by " > "), `price`, `rating`, `reviews`,
`detail[KEY]`. A missing value fails a positive check (so `not rating < 3` passes an unrated product).

Per turn: top-5 constraint precision = the share of the shown top five (or fewer when fewer are shown)
that satisfy every check; the turn passes at 0.8 or more. Other turn kinds (`expect_empty`,
`expect_state_unchanged`, `expect_no_products`, `answer_matches`, `answer_not_matches`) are in
`score_turn`.

    >>> c = parse_check('not title ~ "(?i)case"')
    >>> c.holds({"title": "Phone case for Redmi 10"}, "USD")
    False
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

TOP_K = 5
PASS_PRECISION = 0.8
# INR prices are in details; other catalogs carry their own currency in `price`.
_PRICE_DETAIL = {"INR": "Price (INR)"}
_TEXT_FIELDS = ("title", "text", "brand", "category")
_NUM_FIELDS = ("price", "rating", "reviews")
_CHECK = re.compile(r"^\s*(?P<neg>not\s+)?(?P<field>[a-z]+(?:\[[^\]]+\])?)\s*"
                    r"(?P<op>~|<=|>=|<|>|=|\bin\b)\s*(?P<arg>.+?)\s*$", re.IGNORECASE)
_NUMBER = re.compile(r"-?\d+(?:[.,]\d+)?")
# An answer that says nothing matched: what `expect_empty` requires of the text.
EMPTY_ANSWER = re.compile(r"(?i)\b(no|none|nothing|couldn'?t|could not|didn'?t|did not|0)\b")


@dataclass(frozen=True)
class Check:
    """One parsed constraint. `source` is the line as written, shown in failure reports."""

    source: str
    field: str
    op: str
    arg: Any
    negated: bool = False

    def holds(self, row: Mapping[str, Any], currency: str = "USD") -> bool:
        return self._positive(row, currency) != self.negated

    def _positive(self, row: Mapping[str, Any], currency: str) -> bool:
        value = field_value(row, self.field, currency)
        if value is None:
            return False
        if self.op == "~":
            return bool(self.arg.search(str(value)))
        if self.op == "in":
            return str(value).strip().lower() in self.arg
        number = value if isinstance(value, int | float) else _first_number(str(value))
        if number is None:
            return False
        return {"<": number < self.arg, "<=": number <= self.arg, ">": number > self.arg,
                ">=": number >= self.arg, "=": abs(number - self.arg) < 1e-9}[self.op]


def _first_number(text: str) -> float | None:
    m = _NUMBER.search(text.replace(",", ""))
    return float(m.group()) if m else None


def parse_check(source: str) -> Check:
    """Parse one check line; a ValueError says what is wrong and what is allowed."""
    m = _CHECK.match(source)
    if not m:
        raise ValueError(f"check {source!r}: write FIELD ~ \"REGEX\", FIELD <op> NUMBER or FIELD in [a, b], "
                         f"optionally prefixed with 'not'")
    name, op, arg = m["field"], m["op"].lower(), m["arg"]
    base = name.split("[", 1)[0].lower()
    if base not in _TEXT_FIELDS + _NUM_FIELDS + ("detail",) or (base == "detail") != ("[" in name):
        raise ValueError(f"check {source!r}: unknown field {name!r}; use one of "
                         f"{', '.join(_TEXT_FIELDS + _NUM_FIELDS)} or detail[KEY]")
    name = name if base == "detail" else base
    if op == "~":
        if len(arg) < 2 or arg[0] != '"' or arg[-1] != '"':
            raise ValueError(f"check {source!r}: put the regex in double quotes")
        try:
            parsed: Any = re.compile(arg[1:-1])
        except re.error as exc:
            raise ValueError(f"check {source!r}: bad regex ({exc})") from None
    elif op == "in":
        if not (arg.startswith("[") and arg.endswith("]")):
            raise ValueError(f"check {source!r}: write the values as [a, b]")
        parsed = frozenset(v.strip().strip('"').lower() for v in arg[1:-1].split(",") if v.strip())
    else:
        if base in ("title", "text", "brand", "category"):
            raise ValueError(f"check {source!r}: {base} is text; compare it with ~ or in")
        try:
            parsed = float(arg)
        except ValueError:
            raise ValueError(f"check {source!r}: {arg!r} is not a number") from None
    return Check(source.strip(), name, op, parsed, bool(m["neg"]))


def field_value(row: Mapping[str, Any], name: str, currency: str = "USD") -> Any:
    """The value a check reads from a raw catalog row (None when the row does not have it)."""
    details = row.get("details") or {}
    if name.startswith("detail["):
        return details.get(name[7:-1])
    if name == "title":
        return row.get("title")
    if name == "brand":
        return row.get("store") or details.get("Brand")
    if name == "category":
        return " > ".join(row.get("categories") or [])
    if name == "text":
        parts = [row.get("title") or "", *(row.get("features") or []), *(row.get("description") or []),
                 *(f"{k}: {v}" for k, v in details.items())]
        return "\n".join(str(p) for p in parts)
    if name == "price":
        key = _PRICE_DETAIL.get(currency.upper())
        return details.get(key) if key else row.get("price")
    if name == "rating":
        return row.get("average_rating")
    if name == "reviews":
        return row.get("rating_number")
    raise KeyError(name)


def parse_checks(lines: Iterable[str]) -> list[Check]:
    return [parse_check(s) for s in lines]


def failing(checks: Sequence[Check], row: Mapping[str, Any] | None, currency: str) -> list[str]:
    """The checks a row breaks (all of them when the product is not in the catalog)."""
    if row is None:
        return ["not in the catalog"]
    return [c.source for c in checks if not c.holds(row, currency)]


def load_rows(catalog: str | Path, ids: Iterable[str] | None = None) -> dict[str, dict[str, Any]]:
    """Raw catalog rows by `parent_asin` (only `ids` when given), read straight from the JSONL[.gz] file."""
    want = set(ids) if ids is not None else None
    path = Path(catalog)
    opener = gzip.open if path.suffix == ".gz" else open
    rows: dict[str, dict[str, Any]] = {}
    with opener(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            row = json.loads(line)
            pid = str(row.get("parent_asin") or "")
            if want is None or pid in want:
                rows[pid] = row
    return rows


# ---------------------------------------------------------------------------------------------- turns
@dataclass
class TurnOutcome:
    """The score of one turn: `precision` is None for turns that show no products by design."""

    passed: bool
    precision: float | None = None
    failures: list[str] = field(default_factory=list)
    bad_products: dict[str, list[str]] = field(default_factory=dict)


def top_precision(checks: Sequence[Check], shown: Sequence[str], rows: Mapping[str, dict[str, Any]],
                  currency: str, k: int = TOP_K) -> tuple[float, dict[str, list[str]]]:
    """Share of the first `k` shown products that satisfy every check (0.0 when none is shown)."""
    top = list(shown)[:k]
    bad = {pid: f for pid in top if (f := failing(checks, rows.get(pid), currency))}
    misses = sum(pid in bad for pid in top)  # per position: a product shown twice counts twice
    return (1 - misses / len(top) if top else 0.0), bad


def score_turn(turn: Mapping[str, Any], *, shown: Sequence[str], matched: int, answer: str,
               state_before: Mapping[str, Any], state_after: Mapping[str, Any],
               rows: Mapping[str, dict[str, Any]], currency: str) -> TurnOutcome:
    """Score one turn from what the shopper saw (products, answer) and, for questions, the state change."""
    out = TurnOutcome(passed=True)
    if turn.get("expect_empty"):
        if matched != 0 or shown:
            out.failures.append(f"expected no match, matched={matched}, shown={len(shown)}")
        if not EMPTY_ANSWER.search(answer):
            out.failures.append("answer does not say nothing matched")
    elif turn.get("checks"):
        out.precision, out.bad_products = top_precision(parse_checks(turn["checks"]), shown, rows, currency)
        if out.precision < PASS_PRECISION:
            out.failures.append(f"top-{TOP_K} precision {out.precision:.2f} < {PASS_PRECISION}"
                                + ("" if shown else " (nothing shown)"))
    if turn.get("expect_no_products") and shown:
        out.failures.append(f"{len(shown)} products shown, expected none")
    if turn.get("expect_state_unchanged") and dict(state_before) != dict(state_after):
        out.failures.append(f"state changed: {dict(state_before)} -> {dict(state_after)}")
    for pattern in _as_list(turn.get("answer_matches")):
        if not re.search(pattern, answer):
            out.failures.append(f"answer does not match {pattern!r}")
    for pattern in _as_list(turn.get("answer_not_matches")):
        if re.search(pattern, answer):
            out.failures.append(f"answer matches {pattern!r}")
    out.passed = not out.failures
    return out


def _as_list(value: Any) -> list[str]:
    return [] if value is None else [value] if isinstance(value, str) else list(value)


def validate_turn(turn: Mapping[str, Any]) -> None:
    """Raise ValueError for a turn that scores nothing or has a malformed check or regex."""
    kinds = ("checks", "expect_empty", "expect_state_unchanged", "expect_no_products", "answer_matches",
             "answer_not_matches")
    if not turn.get("user") or not any(turn.get(k) for k in kinds):
        raise ValueError(f"turn {turn.get('user')!r}: needs a 'user' message and one of {', '.join(kinds)}")
    parse_checks(turn.get("checks") or [])
    for key in ("answer_matches", "answer_not_matches"):
        for pattern in _as_list(turn.get(key)):
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"turn {turn['user']!r}: bad {key} regex {pattern!r} ({exc})") from None
