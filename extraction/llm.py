"""Filter extraction with a chat model (LangChain 1.x) and structured output.

The model reads the prompt `prompts/extract_filters.md` (catalog vocabulary filled in), the current
state as JSON and the utterance, and returns a `FilterUpdate`: the changes this message asks for. The
changes go through the same `apply_update` and `Vocabulary.snap` as the other extractors, so a model
that invents a brand, a rating of 7 or an unknown field loses only that value, with a warning. Any
exception from the model, or output that is not a `FilterUpdate`, leaves the state unchanged.

    >>> from langchain_openai import ChatOpenAI                                     # doctest: +SKIP
    >>> ex = LLMExtractor(ChatOpenAI(model="gpt-4o-mini"), Vocabulary.from_table(table))  # doctest: +SKIP
    >>> ex.extract("what about Pixel instead?", Filters(brand=["Samsung"])).filters.brand  # doctest: +SKIP
    ['Google']
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from langchain_core.messages import HumanMessage, SystemMessage
from pydantic import BaseModel, ConfigDict, Field, create_model

from prompts import load_prompt
from retrieval.catalog import Product
from retrieval.filters import EXCLUSION_OF, FIELD_GROUPS, LIST_FIELDS, FieldGroup, Filters

from .base import ExtractionResult, Extractor
from .state import MOVES, Move, StateUpdate, apply_update
from .vocabulary import Vocabulary

USER_MARKER = "<!-- user -->"
MAX_PROMPT_BRANDS = 200  # a big catalog has thousands; snapping catches the rest
MAX_UTTERANCE_CHARS = 2000


# ---------------------------------------------------------------------------------------------- output schema
# Generated from `Filters`, so a field added there reaches the model's schema with its description. Only the
# types are kept (no size limits or validators): a value the model gets wrong is dropped on its own by
# `to_update` and `Vocabulary.snap`, instead of failing the whole structured output.
ADDABLE_FIELDS: tuple[str, ...] = tuple(n for n in LIST_FIELDS if n not in EXCLUSION_OF.values())


def _change_field(name: str) -> tuple[Any, Any]:
    info = Filters.model_fields[name]
    description = info.description or name
    if name in LIST_FIELDS:
        more = f" Replaces the current list; add_{name} adds to it." if name in ADDABLE_FIELDS else ""
        return list[str] | None, Field(None, description=description + more)
    return info.annotation, Field(None, description=description)  # already `X | None`


FilterChanges = create_model(
    "FilterChanges", __config__=ConfigDict(extra="forbid"),
    __doc__="Fields to add or replace. Leave a field out (null) when the message does not mention it.",
    **{name: _change_field(name) for name in Filters.model_fields},
)

FilterUpdate = create_model(
    "FilterUpdate", __config__=ConfigDict(extra="forbid"),
    __doc__="The changes one shopper message asks for (the current state is kept for everything else).",
    set=(FilterChanges, Field(default_factory=FilterChanges, description="Fields to add or replace.")),
    **{f"add_{name}": (list[str], Field(default_factory=list, description=(
        f"Values to add to the current {name} list when the wording is additive (\"or ...\", \"... too\")."
    ))) for name in ADDABLE_FIELDS},
    remove=(list[FieldGroup], Field(default_factory=list, description=(
        'Fields or groups to clear ("any brand" -> "brand", "forget the color" -> "color", "no price limit" -> '
        '"price").'))),
    moves=(list[Move], Field(default_factory=list, description=(
        "Relative changes against the products shown last: " + ", ".join(MOVES) + "."))),
    reset=(bool, Field(False, description='True when the shopper starts over ("new search").')),
    topic=(str | None, Field(None, description="What the shopper is looking for without constraint words.")),
)


class LLMExtractor(Extractor):
    """A chat model with structured output, validated and snapped like every other extractor."""

    name = "llm"

    def __init__(self, chat_model: Any, vocab: Vocabulary | None = None, prompt_name: str = "extract_filters"):
        self.chat_model = chat_model
        self.vocab = vocab or Vocabulary.default()
        self.prompt_name = prompt_name
        self._template: str | None = None
        self._structured: Any = None

    # ------------------------------------------------------------------------------------------ prompt
    def _prompt_parts(self) -> tuple[str, str]:
        if self._template is None:
            v = self.vocab
            brands = v.brands[:MAX_PROMPT_BRANDS]
            more = f" (and {len(v.brands) - len(brands)} more)" if len(v.brands) > len(brands) else ""
            text = load_prompt(self.prompt_name)
            for key, value in {
                "brands": ", ".join(brands) + more or "any",
                "colors": ", ".join(v.colors) or "any",
                "carriers": ", ".join(v.carriers) or "any",
                "subcategories": ", ".join(f'"{s}"' for s in v.subcategories) or "any",
                "storage": ", ".join(f"{s:g}" for s in v.storage_gb) or "any",
            }.items():
                text = text.replace("{{" + key + "}}", value)
            self._template = text
        system, _, user = self._template.partition(USER_MARKER)
        if not user.strip():
            user = "Current filter state (JSON): {{state}}\n\nShopper's message: {{utterance}}"
        return system.strip(), user.strip()

    def messages(self, utterance: str, state: Filters | None) -> list[Any]:
        """The chat messages sent for one utterance (public so a prompt can be inspected)."""
        system, user = self._prompt_parts()
        state_json = json.dumps((state or Filters()).active(), ensure_ascii=False)
        text = str(utterance if utterance is not None else "")[:MAX_UTTERANCE_CHARS]
        user = user.replace("{{state}}", state_json).replace("{{utterance}}", text)
        return [SystemMessage(content=system), HumanMessage(content=user)]

    def _model(self) -> Any:
        if self._structured is None:
            self._structured = self.chat_model.with_structured_output(FilterUpdate)
        return self._structured

    # ------------------------------------------------------------------------------------------ extract
    def extract(self, utterance: str, state: Filters | None = None,
                shown: Sequence[Product] = ()) -> ExtractionResult:
        before = state if isinstance(state, Filters) else Filters()
        try:
            output = self._model().invoke(self.messages(utterance, before))
        except Exception as exc:  # noqa: BLE001 - a model failure must not end the conversation
            return _unchanged(before, f"the language model failed ({type(exc).__name__}: {_short(exc)}); "
                                      f"filters unchanged")
        return self._result(output, before, shown)

    def extract_batch(self, utterances: Sequence[str], states: Sequence[Filters | None] | None = None,
                      shown: Sequence[Sequence[Product]] | None = None) -> list[ExtractionResult]:
        """One `batch` call (the model client runs requests concurrently); failures stay per utterance."""
        states = list(states or [None] * len(utterances))
        shown = list(shown or [()] * len(utterances))
        befores = [s if isinstance(s, Filters) else Filters() for s in states]
        try:
            model = self._model()
            inputs = [self.messages(u, b) for u, b in zip(utterances, befores, strict=True)]
            outputs = model.batch(inputs, return_exceptions=True)
        except Exception as exc:  # noqa: BLE001
            return [_unchanged(b, f"the language model failed ({type(exc).__name__}: {_short(exc)}); "
                                  f"filters unchanged") for b in befores]
        results = []
        for out, b, sh in zip(outputs, befores, shown, strict=True):
            if isinstance(out, Exception):
                results.append(_unchanged(b, f"the language model failed ({type(out).__name__}: {_short(out)}); "
                                             f"filters unchanged"))
            else:
                results.append(self._result(out, b, sh))
        return results

    def _result(self, output: Any, before: Filters, shown: Sequence[Product]) -> ExtractionResult:
        try:
            update, topic, warnings = self.to_update(output)
        except Exception as exc:  # noqa: BLE001
            return _unchanged(before, f"could not read the model output ({type(exc).__name__}); filters unchanged")
        if update is None:
            return _unchanged(before, *warnings)
        new, w_update = apply_update(before, update, shown)
        snapped, w_snap = self.vocab.snap(new)
        changed = [f for f in Filters.model_fields if getattr(snapped, f) != getattr(before, f)]
        return ExtractionResult(filters=snapped, spans={f: "" for f in changed},
                                warnings=warnings + w_update + w_snap, reset=update.reset, topic=topic)

    def to_update(self, output: Any) -> tuple[StateUpdate | None, str | None, list[str]]:
        """Model output (a `FilterUpdate`, a dict, or anything) -> a validated `StateUpdate`, topic, warnings.

        Lenient: each value is checked on its own, so one bad value does not cost the rest.
        """
        warnings: list[str] = []
        if isinstance(output, BaseModel):
            data: Any = output.model_dump()
        elif isinstance(output, dict):
            data = output
        elif isinstance(output, str):
            try:
                data = json.loads(output)
            except ValueError:
                data = None
        else:
            data = None
        if not isinstance(data, dict):
            return None, None, [f"the model returned {type(output).__name__}, not filter changes; filters unchanged"]

        unexpected = sorted(str(k) for k in data if k not in FilterUpdate.model_fields)
        if unexpected:
            warnings.append(f"ignored unexpected keys in the model output: {_short(', '.join(unexpected))}")
        raw_set = data.get("set")
        if raw_set is None:
            raw_set = {}
        if isinstance(raw_set, BaseModel):
            raw_set = raw_set.model_dump()
        if not isinstance(raw_set, dict):
            warnings.append("the model's 'set' is not a mapping; ignored")
            raw_set = {}
        raw_set = {k: v for k, v in raw_set.items() if v not in (None, [], "")}
        snapped, w = self.vocab.snap(raw_set)
        warnings.extend(w)
        active = snapped.active()
        sets = {k: active[k] for k in raw_set if k in active}

        adds: dict[str, list[str]] = {}
        for name in LIST_FIELDS:
            values = data.get(f"add_{name}")
            if not values:
                continue
            got, w = self.vocab.snap({name: values})
            warnings.extend(w)
            if getattr(got, name):
                adds[name] = list(getattr(got, name))

        remove: list[str] = []
        for name in _as_list(data.get("remove")):
            key = str(name).strip().lower()
            if key in FIELD_GROUPS or key in Filters.model_fields:
                remove.append(key)
            else:
                warnings.append(f"cannot remove unknown field {_short(name)}; ignored")
        moves: list[str] = []
        for move in _as_list(data.get("moves")):
            key = str(move).strip().lower().replace(" ", "_").replace("-", "_")
            if key in MOVES:
                moves.append(key)
            else:
                warnings.append(f"unknown move {_short(move)} ignored")
        reset = data.get("reset") is True or str(data.get("reset")).lower() == "true"
        topic = data.get("topic")
        topic = topic.strip()[:300] or None if isinstance(topic, str) else None
        return StateUpdate(set=sets, add=adds, remove=remove, moves=moves, reset=reset), topic, warnings


def _as_list(value: Any, limit: int = 20) -> list[Any]:
    """At most `limit` distinct items: a model told to send 5,000 moves gets no more than 20 read."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return list(dict.fromkeys(str(v) for v in value))[:limit]
    return []


def _unchanged(state: Filters, *warnings: str) -> ExtractionResult:
    return ExtractionResult(filters=state, warnings=list(warnings))


def _short(value: Any) -> str:
    s = str(value)
    return s if len(s) <= 120 else s[:117] + "..."


__all__ = ["LLMExtractor", "FilterUpdate", "FilterChanges"]
