"""The offline policy model: a deterministic `BaseChatModel` that drives the agent graph with no LLM.

It plays the part an LLM would play, through the same tools and the same graph, so the rest of Sift
cannot tell the difference. Per shopper message:

    greeting / help / thanks        -> answer directly (templates)
    "show more"                     -> search_products(more=True)            -> next page
    "the second one", "compare the first two", "the cheaper of those two"
                                    -> product_details(positions|use_focus, pick) -> details / comparison
    anything else                   -> extract_filters(utterance) -> search_products() -> answer:
                                       what was understood, how many match, the top results with price,
                                       rating and why they fit, what to say next; a clarifying question
                                       for a vague first request; the blocking constraint and the smallest
                                       relaxations (with counts) when nothing matches.

    >>> model = OfflinePolicy()
    >>> msg = model.invoke([HumanMessage("a cheap samsung phone")])           # doctest: +SKIP
    >>> msg.tool_calls[0]["name"]                                             # doctest: +SKIP
    'extract_filters'
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Sequence
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from langchain_core.tools import BaseTool

from extraction.grammar.offtopic import chatter_only
from tools.catalog_tools import DETAILS, EXTRACT, SEARCH

from . import answers
from .intents import carried_question, classify
from .verdict_answers import fact_line, unfiltered_line


class OfflinePolicy(BaseChatModel):
    """Deterministic tool-calling policy. `response_metadata["sift_clarifying"]` marks clarifying questions."""

    page_size: int = 5

    @property
    def _llm_type(self) -> str:
        return "sift-offline-policy"

    def bind_tools(self, tools: Sequence[dict[str, Any] | type | Callable | BaseTool], *,
                   tool_choice: str | None = None, **kwargs: Any) -> OfflinePolicy:
        """The policy knows its three tools by name; binding is a no-op (called on every model step)."""
        names = {getattr(t, "name", None) for t in tools}
        missing = {EXTRACT, SEARCH, DETAILS} - names
        if missing:
            raise ValueError(f"the offline policy needs the tools {sorted(missing)}; pass tools.make_tools(...)")
        return self

    def _generate(self, messages: list[BaseMessage], stop: list[str] | None = None,
                  run_manager: CallbackManagerForLLMRun | None = None, **kwargs: Any) -> ChatResult:
        return ChatResult(generations=[ChatGeneration(message=self.step(messages))])

    async def _agenerate(self, messages: list[BaseMessage], stop: list[str] | None = None,
                         run_manager: Any = None, **kwargs: Any) -> ChatResult:
        # Native async (no executor hop): the policy is pure computation of microseconds.
        return ChatResult(generations=[ChatGeneration(message=self.step(messages))])

    # ------------------------------------------------------------------------------------------ policy
    def step(self, messages: Sequence[BaseMessage]) -> AIMessage:
        """The next message of the turn that the last `HumanMessage` started."""
        start = max((i for i, m in enumerate(messages) if isinstance(m, HumanMessage)), default=-1)
        if start < 0:
            return _say(answers.t("greeting"))
        text = _text(messages[start])
        tool_msgs = [m for m in messages[start + 1:] if isinstance(m, ToolMessage)]
        failed = [m for m in tool_msgs if m.status == "error"]
        if failed:  # a tool error is reported, not papered over with an answer about nothing
            return _say(answers.t("tool_error", detail=_text(failed[-1])[:200]))
        results = {m.name: _json(m) for m in tool_msgs}
        intent = classify(text)
        if not results:
            if intent.kind in ("greeting", "help", "thanks"):
                return _say(answers.t(intent.kind))
            if intent.kind == "more":
                return _call(SEARCH, {"more": True, "k": self.page_size})
            if intent.kind == "sort":  # "sort by price": same constraints, new order; nothing to extract
                return _call(SEARCH, {"k": self.page_size, "sort": intent.sort})
            if intent.kind == "accessory_for":  # "a case for the first one": accessories fitting a shown product
                return _call(EXTRACT, {"utterance": text, "accessory_for": intent.ref})
            if intent.kind == "details" and chatter_only(text):  # "is it going to rain tomorrow?": no product
                return _call(EXTRACT, {"utterance": text})         # question; extraction answers off-topic
            if intent.kind == "details":
                intent.question = intent.question or carried_question(text, messages[:start])
                args: dict[str, Any] = {"positions": intent.positions, "use_focus": intent.use_focus}
                if intent.pick:
                    args["pick"] = intent.pick
                if intent.question:
                    args["question"] = intent.question
                if intent.describe:
                    args["describe"] = intent.describe
                if intent.compare_on:
                    args["compare_on"] = intent.compare_on
                if intent.all_shown:  # "do any of these have a mic?": a verdict for every product shown
                    args["all_shown"] = True
                return _call(DETAILS, args)
            return _call(EXTRACT, {"utterance": text})
        if DETAILS in results:
            if intent.fact and EXTRACT not in results:  # "... she's on verizon": the fact becomes a constraint
                return _call(EXTRACT, {"utterance": intent.fact})
            text = answers.render_details(results[DETAILS], compare=intent.compare)
            if intent.buy:  # "i'll take the second one": how to buy it, then its details
                text = "\n".join(filter(None, [answers.buy_line(results[DETAILS]), text]))
            instead = (results.get(EXTRACT) or {}).get("instead")
            if instead:  # "is there a backlit keyboard?" read as about the laptops: how to shop for keyboards
                text = f"{text}\n{answers.t('shop_instead', say=instead)}"
            noted = fact_line(results[EXTRACT]) if intent.fact else ""
            return _say(f"{text}\n{noted}" if noted else text)
        if SEARCH in results:
            return _answer_search(results[SEARCH], results.get(EXTRACT), more=intent.kind == "more")
        extraction = results.get(EXTRACT) or {}
        if extraction.get("ask_shown"):  # "is there a headphone jack?": about the products on screen
            about: dict[str, Any] = {"positions": [], "use_focus": True, "question": text}
            if extraction["ask_shown"] == "all":
                about["all_shown"] = True
            return _call(DETAILS, about)
        if extraction.get("off_topic"):  # no shopping content: nothing changed, nothing searched
            return _say(answers.t(f"off_topic_{extraction['off_topic']}"))
        if extraction.get("reset") and not extraction.get("filters") and not extraction.get("topic"):
            return _say(answers.t("reset"))
        if "nothing to undo yet" in (extraction.get("warnings") or []):
            return _say(answers.t("nothing_to_undo_turn"))
        args = {"k": self.page_size}
        if intent.sort:
            args["sort"] = intent.sort
        return _call(SEARCH, args)


def _answer_search(search: dict[str, Any], extraction: dict[str, Any] | None, more: bool) -> AIMessage:
    """The search answer, with a line on the phone the accessories fit and on the preferences, when any."""
    fit = search.get("fits") or {}
    answer, clarifying = answers.render_search(search, extraction, more=more)
    missing = (extraction or {}).get("missing_reference")
    absent = (extraction or {}).get("not_carried")
    notes = [answers.t("not_carried", what=absent) if absent else "",
             answers.t("fits_missing", which=missing) if missing else "",
             _fit_line(fit, (extraction or {}).get("fits")) if fit else "", _soft_line(search.get("soft")),
             unfiltered_line(extraction, search) if not more else ""]
    notes = [n for n in notes if n]
    message = _say("\n".join([*notes, answer]) if notes else answer, clarifying=clarifying)
    # The chat window shows the products as cards: it takes the lead sentences only (never the list twice).
    message.response_metadata["sift_summary"] = "\n".join([*notes, answers.render_search_summary(
        search, extraction, more=more)])
    return message


def _fit_line(fit: dict[str, Any], new: dict[str, Any] | None) -> str:
    """ "Cases for #1 Samsung Galaxy S21 (dropped: Verizon, under $300: they were about the phone)." """
    kind = str(fit.get("type") or "accessory").replace("_", " ")
    plural = kind[:-1] + "ies" if kind.endswith("y") else kind + ("es" if kind.endswith("s") else "s")
    which = f"#{fit['pos']} " if fit.get("pos") else ""
    model = str(fit.get("name") or fit.get("model") or "")
    if fit.get("match") in ("none", "unmatched"):
        return answers.t(f"fits_{fit['match']}", kind=kind, kinds=plural, count=fit.get("count", 0),
                         model=fit.get("name") or fit.get("model", ""))
    head = ""
    if new:
        dropped = answers.t("fits_dropped", labels=", ".join(new["dropped"])) if new.get("dropped") else ""
        head = answers.t("fits_for", kinds=plural.capitalize(), which=which, model=model, dropped=dropped)
    close = answers.t("fits_close", kinds=plural, model=fit.get("model", "")) if fit.get("match") == "close" else ""
    return " ".join(x for x in (head, close) if x)


def _soft_line(note: dict[str, Any] | None) -> str:
    if not note:
        return ""
    if note.get("applied"):
        return answers.t("soft_applied", labels=" and ".join(note["applied"]), matched=note["matched"],
                         without=note["without"])
    return answers.t("soft_relaxed", labels=" and ".join(note["relaxed"]), without=note["without"])


def _text(m: BaseMessage) -> str:
    c = m.content
    if isinstance(c, str):
        return c
    return " ".join(part.get("text", "") if isinstance(part, dict) else str(part) for part in c)


def _json(m: ToolMessage) -> dict[str, Any]:
    try:
        out = json.loads(_text(m))
    except ValueError:
        return {}
    return out if isinstance(out, dict) else {}


def _say(text: str, clarifying: bool = False) -> AIMessage:
    return AIMessage(content=text, response_metadata={"sift_clarifying": clarifying})


def _call(name: str, args: dict[str, Any]) -> AIMessage:
    return AIMessage(content="", tool_calls=[{"name": name, "args": args, "id": f"call_{uuid.uuid4().hex[:16]}",
                                              "type": "tool_call"}])
