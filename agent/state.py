"""Per-conversation state carried in the LangGraph state (and so in the SQLite checkpoint).

Everything here is plain JSON (dicts, lists, strings, numbers) so a checkpoint written by one
version of Sift reads back in another, and no class has to be allow-listed for deserialisation.

    filters      the full active constraint set, `Filters.active()` form
    topic        the product need in words ("phone case"), kept across turns until replaced or reset
    shown        product ids of the last result list, in order ("the second one" resolves here)
    page         0-based page of that list ("show more" asks for page + 1)
    offset       rank of the list's first product minus one (page 2 of 5 shows #6-#10)
    focus        product ids discussed last in details ("the cheaper of those two" resolves here)
    matched      how many products satisfy `filters`
    searches     how many searches this conversation has run (the first vague request gets a question)
    turn_cards   product ids whose cards this turn displays (reset at the start of every turn)
    relaxations  relaxation offers of this turn's empty search (reset every turn)
    sort         the order the shopper asked for (`retrieval.search.SORTS`), kept until changed or reset
    undo         a stack of earlier filter states (tools/history.py): each change pushes the one before it,
                 "show more" pushes the current one; "undo" / "go back" pops one
    soft         fields of `filters` said as preferences ("ideally black"): a filter while products meet them,
                 a ranking otherwise (tools/soft.py)
    fits         the phone accessories are limited to ("a case for the first one"): its model, the product,
                 the accessory type (tools/fits.py); ends when phones are asked for again or on a reset

`tools.state.filters_of(state)` reads `filters` back as a `Filters` (the tools and the agent both need it).
"""

from __future__ import annotations

from typing import Any, NotRequired

from langchain.agents import AgentState

PER_TURN_RESET: dict[str, Any] = {"turn_cards": [], "relaxations": []}


class SiftState(AgentState):
    filters: NotRequired[dict[str, Any]]
    topic: NotRequired[str]
    shown: NotRequired[list[str]]
    page: NotRequired[int]
    offset: NotRequired[int]
    focus: NotRequired[list[str]]
    matched: NotRequired[int]
    searches: NotRequired[int]
    turn_cards: NotRequired[list[str]]
    relaxations: NotRequired[list[dict[str, Any]]]
    sort: NotRequired[str]
    undo: NotRequired[list[dict[str, Any]] | dict[str, Any]]
    soft: NotRequired[list[str]]
    fits: NotRequired[dict[str, Any] | None]

