"""Load and validate the lexicon data files (lexicon/data/<name>.toml), once per process.

A data file holds words and phrases of one dimension as named records, each with a `why`:

    repair = ["dollars", ...]                  # words typo repair snaps misspellings to (extraction/typos.py)
    [fragment.number]  regex = '...'           # a regex piece other patterns of the file use as <<number>>
    [pattern.half]     regex = '...'           # a named regex (a list of strings is joined: long patterns)
    [words.free_after] words = ["and", ...]    # a named word list
    [map.unit_kind]    [map.unit_kind.entries] # a named mapping
    [[rule]]           name, regex, why, and what the rule produces (kind, attribute, sets, negated, move...)

Regex texts are kept verbatim from the hand-written grammar they came from, so moving them into data
changed no behaviour. Loading checks every record (unknown keys, empty lists, regexes that do not
compile, unknown <<fragments>>) and names the file and the record in the error.

    >>> lex = load("numbers")
    >>> lex.rx["half"].sub("4.5", "4 and a half stars")
    '4.5 stars'
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

DATA = Path(__file__).resolve().parent / "data"
_FRAGMENT = re.compile(r"<<(?:([a-z_]+)\.)?([a-z_]+)>>")  # <<name>> or <<file.name>>
_FLAGS = {"IGNORECASE": re.IGNORECASE}


class LexiconError(ValueError):
    """A data file is missing or malformed; the message names the file and the record to fix."""


def _joined(v: Any) -> Any:
    return "".join(v) if isinstance(v, list) else v


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid")
    why: str = Field(min_length=3)


class _Pattern(_Record):
    regex: str = Field(min_length=1)
    flags: list[Literal["IGNORECASE"]] = []

    _join = field_validator("regex", mode="before")(_joined)


class _Words(_Record):
    words: list[str] | list[float] = Field(min_length=1)


class _Map(_Record):
    entries: dict[str, str | float | list[str]] = Field(min_length=1)


class Rule(_Record):
    """One grammar rule: a named phrase pattern and what it produces."""

    name: str = Field(min_length=1)
    regex: str = Field(min_length=1)
    kind: Literal["max", "min", "bare"] | None = None  # comparators: the direction of the bound
    attribute: Literal["price", "rating", "reviews", "storage"] | None = None  # comparators
    sets: list[tuple[str, Literal["low", "medium", "high"]]] | None = None  # levels: (field, level) pairs
    negated: list[tuple[str, Literal["low", "medium", "high"]]] | None = None  # levels; None: skip when negated
    move: str | None = None  # moves
    field: str | None = None  # moves: the field whose span the move explains

    _join = field_validator("regex", mode="before")(_joined)


class _File(BaseModel):
    model_config = ConfigDict(extra="forbid")
    repair: list[str] = []
    fragment: dict[str, _Pattern] = {}
    pattern: dict[str, _Pattern] = {}
    words: dict[str, _Words] = {}
    map: dict[str, _Map] = {}
    rule: list[Rule] = []


@dataclass(frozen=True)
class Lexicon:
    """One data file, validated: regex texts with fragments filled in, compiled patterns, lists, maps."""

    name: str
    text: dict[str, str]  # pattern name -> regex text (fragments substituted)
    rx: dict[str, re.Pattern[str]]
    words: dict[str, tuple[Any, ...]]  # in file order (alternations, tie-breaks)
    sets: dict[str, frozenset[Any]]  # the same lists, for membership tests
    maps: dict[str, dict[str, Any]]
    rules: tuple[Rule, ...]
    repair: tuple[str, ...]


@functools.cache
def load(name: str) -> Lexicon:
    """The validated lexicon of `lexicon/data/<name>.toml` (read and compiled once)."""
    path = DATA / f"{name}.toml"
    raw = _read(name)
    fragments = {k: v.regex for k, v in raw.fragment.items()}
    text = {k: _fill(path.name, f"pattern.{k}", p.regex, fragments) for k, p in raw.pattern.items()}
    rx = {k: _compile(path.name, f"pattern.{k}", text[k], raw.pattern[k].flags) for k in text}
    rules = tuple(r.model_copy(update={"regex": _fill(path.name, f"rule {r.name}", r.regex, fragments)})
                  for r in raw.rule)
    compiled = list(rx.values()) + [_compile(path.name, f"rule {r.name}", r.regex, []) for r in rules]
    _check_repair_words(path.name, raw, compiled)
    return Lexicon(name=name, text=text, rx=rx, words={k: tuple(w.words) for k, w in raw.words.items()},
                   sets={k: frozenset(w.words) for k, w in raw.words.items()},
                   maps={k: dict(m.entries) for k, m in raw.map.items()}, rules=rules, repair=tuple(raw.repair))


@functools.cache
def _read(name: str) -> _File:
    path = DATA / f"{name}.toml"
    if not path.is_file():
        raise LexiconError(f"no lexicon file {path}; the files are: {', '.join(files())}")
    try:
        return _File.model_validate(tomllib.loads(path.read_text(encoding="utf-8")))
    except (tomllib.TOMLDecodeError, ValidationError) as exc:
        raise LexiconError(f"{path.name}: {exc}") from None


def clear_caches() -> None:
    """Forget every file read so far (for tests that point `DATA` elsewhere)."""
    load.cache_clear()
    _read.cache_clear()


def files() -> list[str]:
    """Names of all lexicon data files."""
    return sorted(p.stem for p in DATA.glob("*.toml"))


def _check_repair_words(file: str, raw: _File, patterns: list[re.Pattern[str]]) -> None:
    """A typo-repair word must be one this file's grammar reads (in a list, a map, written in a pattern, or
    matched whole by one), so typo repair never snaps to a word no parser keys on."""
    words = {str(w) for w in raw.words.values() for w in w.words}
    words |= {str(x) for m in raw.map.values() for k, v in m.entries.items()
              for x in (k, *(v if isinstance(v, list) else [v]))}
    for w in raw.repair:
        written = any(re.search(rf"(?<![a-z]){re.escape(w)}(?![a-z])", p.pattern) for p in patterns)
        read = any(_reads(p, w) and not _reads(p, "zqxjv") for p in patterns)  # not a pattern of any word
        if w not in words and not written and not read:
            raise LexiconError(f"{file}: repair word {w!r} is not a word of this file's grammar; "
                               "list it in the file whose patterns use it")


def _reads(p: re.Pattern[str], word: str) -> bool:
    m = p.search(word + ",")
    return bool(m) and m.start() == 0 and m.end() >= len(word)


def _fill(file: str, where: str, regex: str, fragments: dict[str, str]) -> str:
    def sub(m: re.Match[str]) -> str:
        other, name = m.groups()
        known = fragments if other is None else _fragments(other)
        if name not in known:
            raise LexiconError(f"{file}: {where} uses {m.group(0)}, which {other or file} does not define "
                               f"(add a [fragment.{name}] record there)")
        return known[name]
    return _FRAGMENT.sub(sub, regex)


def _fragments(name: str) -> dict[str, str]:
    """Fragments of another data file, for <<file.name>> (fragments themselves use no fragments)."""
    return {k: v.regex for k, v in _read(name).fragment.items()}


def _compile(file: str, where: str, regex: str, flags: list[str]) -> re.Pattern[str]:
    try:
        return re.compile(regex, functools.reduce(lambda a, f: a | _FLAGS[f], flags, 0))
    except re.error as exc:
        raise LexiconError(f"{file}: {where} is not a valid regex ({exc}); fix its text") from None
