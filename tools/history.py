"""Undo history: a stack of earlier constraint states in the conversation state (`state["undo"]`).

Every change of constraints pushes the state before it; "show more" pushes the current state too, so an
"undo" right after it goes back to the first page of the same constraints (never to other filters). "undo"
pops one entry; said again, it goes one step further back.

    >>> stack = push(None, {"brand": ["Samsung"]})
    >>> pop(push(stack, {}))
    ({}, [{'brand': ['Samsung']}])
"""

from __future__ import annotations

from typing import Any

MAX_STEPS = 20  # bounded so a long conversation's checkpoint stays small


def entries(stored: Any) -> list[dict[str, Any]]:
    """The stack as stored; a single dict (checkpoints written before the stack existed) is a stack of one."""
    if isinstance(stored, dict):
        return [stored]
    return [dict(e) for e in stored or [] if isinstance(e, dict)]


def push(stored: Any, filters: dict[str, Any]) -> list[dict[str, Any]]:
    return (entries(stored) + [dict(filters)])[-MAX_STEPS:]


def pop(stored: Any) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    """(the constraints to go back to, the stack after), or (None, []) when there is nothing to undo."""
    stack = entries(stored)
    if not stack:
        return None, []
    return stack[-1], stack[:-1]
