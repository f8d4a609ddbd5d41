"""Prompt texts as data files, loaded by name.

    >>> load_prompt("agent_system")[:12]
    'You are Sift'
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

_HERE = Path(__file__).resolve().parent
_SUFFIXES = (".md", ".txt", ".toml")


@lru_cache(maxsize=64)
def load_prompt(name: str) -> str:
    """The text of `<name>.md`, `<name>.txt` or `<name>.toml` next to this module (first found).

    Raises `FileNotFoundError` listing the prompts that exist, so a typo says what to use instead.
    """
    for suffix in _SUFFIXES:
        path = _HERE / f"{name}{suffix}"
        if path.is_file():
            return path.read_text(encoding="utf-8")
    known = sorted({p.stem for p in _HERE.iterdir() if p.suffix in _SUFFIXES})
    raise FileNotFoundError(f"no prompt named {name!r} in {_HERE}; available: {', '.join(known) or 'none'}")
