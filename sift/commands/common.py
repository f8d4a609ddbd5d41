"""Helpers shared by the `sift` sub-command modules."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any


def subcommands(subparsers: Any, name: str, help_text: str) -> Any:
    """The nested sub-command action of group `name` (`train`, `eval`, `bench`), created if no module made it yet.

    Several modules add to one group (`sift train extractor`, `sift train embedder`), in any order.
    """
    parser = subparsers.choices.get(name) if hasattr(subparsers, "choices") else None
    if parser is None:
        parser = subparsers.add_parser(name, help=help_text)
    for action in parser._actions:  # noqa: SLF001 - argparse keeps nested sub-commands only here
        if isinstance(action, argparse._SubParsersAction):  # noqa: SLF001
            return action
    sub = parser.add_subparsers(dest=f"{name}_cmd")
    sub.required = True
    return sub


def print_json(obj: object) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
    sys.stdout.flush()
