"""`Assistant`: a small synchronous facade over the agent graph, one call per shopper message.

    >>> assistant = Assistant(engine, extractor, checkpointer_path=".sift/conversations.sqlite")  # doctest: +SKIP
    >>> r = assistant.turn("c1", "a cheap samsung phone with lots of reviews")       # doctest: +SKIP
    >>> r.filters.active()                                                           # doctest: +SKIP
    {'price_max': 'low', 'review_count_min': 'high', 'subcategory': 'Cell Phones', 'brand': ['Samsung']}

The state after the turn (filters, shown products, matched count) is read from the checkpointed graph
state, so it is the same whether the offline policy or an LLM drove the turn.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, HumanMessage, ToolMessage

from extraction.base import Extractor
from retrieval.filters import Filters
from retrieval.search import SearchEngine
from tools.catalog_tools import SEARCH
from tools.describe import constraint_labels, product_record, why_it_fits
from tools.state import filters_of

from .builder import KEEP_TURNS, build_agent
from .state import PER_TURN_RESET

log = logging.getLogger(__name__)
# Upper bound on graph steps per turn (model and tool nodes); the policy needs 6, an LLM a few more.
RECURSION_LIMIT = 24
FAILED_TURN = ("Sorry, I could not answer that ({error}). Your filters are unchanged. If an LLM is configured "
               "(SIFT_LLM), check that it is reachable, or unset SIFT_LLM to use the offline assistant.")


@dataclass
class TurnResult:
    filters: Filters  # the full state after the turn
    matched: int
    shown: list[str]  # product ids whose cards this turn displays
    answer: str
    cards: list[dict[str, Any]] = field(default_factory=list)
    chips: list[str] = field(default_factory=list)
    latency_ms: float = 0.0
    clarifying: bool = False
    relaxations: list[dict[str, Any]] = field(default_factory=list)
    # The answer without the product list, for windows that show `cards` (empty: show `answer`).
    summary: str = ""
    topic: str = ""  # the product need in words that no filter holds ("waterproof case"): ranked by meaning only

    def to_json(self) -> dict[str, Any]:
        return {"filters": self.filters.active(), "matched": self.matched, "shown": self.shown,
                "answer": self.answer, "summary": self.summary, "cards": self.cards, "chips": self.chips,
                "latency_ms": round(self.latency_ms, 2), "clarifying": self.clarifying,
                "relaxations": self.relaxations}


class Assistant:
    """One agent graph, many conversations (each a `thread_id` in the checkpointer)."""

    def __init__(self, engine: SearchEngine, extractor: Extractor, chat_model: BaseChatModel | str | None = None,
                 checkpointer_path: str | Path | None = None, checkpointer: Any = None,
                 base_url: str | None = None, keep_turns: int = KEEP_TURNS, page_size: int = 5) -> None:
        self.engine = engine
        self.extractor = extractor
        self.graph = build_agent(engine, extractor, chat_model, checkpointer_path=checkpointer_path,
                                 checkpointer=checkpointer, base_url=base_url, keep_turns=keep_turns,
                                 page_size=page_size)

    def _config(self, conversation_id: str) -> dict[str, Any]:
        return {"configurable": {"thread_id": str(conversation_id)}, "recursion_limit": RECURSION_LIMIT}

    def turn(self, conversation_id: str, text: str) -> TurnResult:
        """Run one shopper message through the agent and return the state after it."""
        t0 = time.perf_counter()
        try:
            # durability="exit": one checkpoint write per turn instead of one per graph step. A turn that
            # fails keeps the filters and shown products as they were before the message.
            state = self.graph.invoke({"messages": [HumanMessage(str(text))], **PER_TURN_RESET},
                                      self._config(conversation_id), durability="exit")
        except Exception as exc:  # an LLM outage or a tool-calling loop must not take the chat down
            log.warning("turn failed in conversation %s: %s", conversation_id, exc, exc_info=True)
            state = dict(self.state(conversation_id), **PER_TURN_RESET)
            failed = TurnResult(filters=filters_of(state), matched=int(state.get("matched") or 0), shown=[],
                                answer=FAILED_TURN.format(error=f"{type(exc).__name__}: {str(exc)[:200]}"),
                                chips=constraint_labels(filters_of(state), self.engine.table.levels),
                                latency_ms=(time.perf_counter() - t0) * 1e3)
            return failed
        return self._result(state, (time.perf_counter() - t0) * 1e3)

    async def aturn(self, conversation_id: str, text: str) -> TurnResult:
        """`turn` for async callers (the Chainlit UI): the blocking work runs in a worker thread."""
        return await asyncio.to_thread(self.turn, conversation_id, text)

    def state(self, conversation_id: str) -> dict[str, Any]:
        """The stored state of a conversation ({} when it has none)."""
        snap = self.graph.get_state(self._config(conversation_id))
        return dict(snap.values or {})

    def filters(self, conversation_id: str) -> Filters:
        return filters_of(self.state(conversation_id))

    def _result(self, state: dict[str, Any], latency_ms: float) -> TurnResult:
        filters = filters_of(state)
        messages = state.get("messages") or []
        start = max((i for i, m in enumerate(messages) if isinstance(m, HumanMessage)), default=0)
        turn_msgs = messages[start:]
        final = next((m for m in reversed(turn_msgs) if isinstance(m, AIMessage) and not m.tool_calls), None)
        answer = final.content if final is not None and isinstance(final.content, str) else ""
        clarifying = bool(final is not None and final.response_metadata.get("sift_clarifying"))
        if final is not None and "sift_clarifying" not in final.response_metadata:
            clarifying = self._llm_clarifying(turn_msgs, answer)
        ids = list(state.get("turn_cards") or [])
        cards = []
        shown, offset = list(state.get("shown") or []), int(state.get("offset") or 0)
        for i, pid in enumerate(ids):
            p = self.engine.product(pid)
            if p is not None:
                # The number on the card is the one "the second one" and "number 7" refer to: its rank in
                # the list on screen (also for a product shown again after a question about it).
                pos = offset + shown.index(pid) + 1 if pid in shown else i + 1
                cards.append(dict(product_record(p, pos), title=p.title,
                                  why=why_it_fits(p, filters, state.get("topic") or "")))
        summary = final.response_metadata.get("sift_summary", "") if final is not None else ""
        return TurnResult(filters=filters, matched=int(state.get("matched") or 0), shown=ids, answer=answer,
                          cards=cards, chips=constraint_labels(filters, self.engine.table.levels),
                          latency_ms=latency_ms, clarifying=clarifying,
                          relaxations=list(state.get("relaxations") or []), summary=str(summary or ""),
                          topic=str(state.get("topic") or ""))

    @staticmethod
    def _llm_clarifying(turn_msgs: list[Any], answer: str) -> bool:
        """With an LLM: a question in answer to a search the tool flagged as broad."""
        for m in turn_msgs:
            if isinstance(m, ToolMessage) and m.name == SEARCH:
                try:
                    if json.loads(m.content).get("broad"):
                        return "?" in answer
                except (ValueError, AttributeError):
                    pass
        return False
