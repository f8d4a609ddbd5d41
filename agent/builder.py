"""`build_agent`: the LangChain agent graph (model + three tools + conversation state + checkpointer).

    >>> graph = build_agent(engine, extractor, checkpointer_path=".sift/conversations.sqlite")  # doctest: +SKIP
    >>> graph.invoke({"messages": [("user", "a cheap samsung phone")]},
    ...              {"configurable": {"thread_id": "c1"}})                                  # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from langchain.agents import create_agent
from langchain.agents.middleware import AgentMiddleware
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import HumanMessage, RemoveMessage

from extraction.base import Extractor
from prompts import load_prompt
from retrieval.search import SearchEngine
from tools.catalog_tools import make_tools

from .checkpoint import open_checkpointer  # also importable from here, as before
from .llm import make_chat_model
from .state import SiftState

KEEP_TURNS = 6


class TrimHistory(AgentMiddleware):
    """Keep the last `keep_turns` shopper turns in the message history.

    The structured state (filters, topic, shown products) carries what matters across turns, so old
    messages only cost: every checkpoint serialises the whole list, and an LLM pays for every token.
    Cuts fall on shopper messages, so tool calls and their results are never separated.
    """

    state_schema = SiftState

    def __init__(self, keep_turns: int = KEEP_TURNS) -> None:
        super().__init__()
        self.keep_turns = keep_turns

    def before_agent(self, state: SiftState, runtime: Any) -> dict[str, Any] | None:
        messages = state["messages"]
        starts = [i for i, m in enumerate(messages) if isinstance(m, HumanMessage)]
        if len(starts) <= self.keep_turns:
            return None
        cut = starts[-self.keep_turns]
        return {"messages": [RemoveMessage(id=m.id) for m in messages[:cut] if m.id]}


def build_agent(engine: SearchEngine, extractor: Extractor, chat_model: BaseChatModel | str | None = None,
                checkpointer_path: str | Path | None = None, checkpointer: Any = None,
                base_url: str | None = None, keep_turns: int = KEEP_TURNS, page_size: int = 5):
    """The compiled agent graph. `chat_model`: a model, a `provider:model` string, or None (offline policy).

    State is keyed by `thread_id` (the conversation id) in the checkpointer: `checkpointer_path` is a
    SQLite file or a `postgresql://` URL (see `agent.checkpoint.open_checkpointer`), which survives
    restarts; with neither path nor checkpointer it lives in memory.
    """
    model = make_chat_model(chat_model, base_url=base_url)
    if hasattr(model, "page_size"):
        model.page_size = page_size
    saver = checkpointer if checkpointer is not None else open_checkpointer(checkpointer_path)
    return create_agent(
        model,
        tools=make_tools(engine, extractor, page_size=page_size),
        system_prompt=load_prompt("agent_system"),
        middleware=[TrimHistory(keep_turns)],
        state_schema=SiftState,
        checkpointer=saver,
        name="sift",
    )
