"""LLMExtractor with scripted fake chat models: good output, garbage, exceptions; never raises."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from langchain_core.runnables import RunnableLambda

from extraction.llm import FilterChanges, FilterUpdate, LLMExtractor
from extraction.vocabulary import Vocabulary
from retrieval.catalog import Product
from retrieval.filters import ACCESSORIES, PHONES, Filters


class ScriptedChatModel(BaseChatModel):
    """Answers `with_structured_output` calls from a script: each item is an output, or an exception to raise,
    or a function of the messages. Records the messages it was sent."""

    script: list[Any] = []
    seen: list[list[BaseMessage]] = []
    schemas: list[Any] = []

    @property
    def _llm_type(self) -> str:
        return "scripted"

    def _generate(self, messages: list[BaseMessage], stop: Any = None, run_manager: Any = None,
                  **kwargs: Any) -> ChatResult:
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content="unused"))])

    def with_structured_output(self, schema: Any, **kwargs: Any) -> RunnableLambda:  # type: ignore[override]
        self.schemas.append(schema)

        def answer(messages: list[BaseMessage]) -> Any:
            self.seen.append(messages)
            item = self.script.pop(0)
            if isinstance(item, BaseException):
                raise item
            if isinstance(item, Callable) and not isinstance(item, type):
                return item(messages)
            return item

        return RunnableLambda(answer)


def _model(*items: Any) -> ScriptedChatModel:
    return ScriptedChatModel(script=list(items), seen=[], schemas=[])


@pytest.fixture()
def vocab() -> Vocabulary:
    return Vocabulary(brands=["Samsung", "Google", "Apple", "Motorola", "Spigen"],
                      colors=["black", "blue", "green"], carriers=["Unlocked", "Verizon"],
                      subcategories=[PHONES, ACCESSORIES], storage_gb=[64, 128, 256])


SHOWN = [Product(id="a", title="a", brand="Samsung", price=100), Product(id="b", title="b", brand="Google",
                                                                           price=300)]


def test_structured_output_is_applied_and_snapped(vocab):
    model = _model(FilterUpdate(set=FilterChanges(brand=["pixel"]), topic="phone"))
    ex = LLMExtractor(model, vocab)
    r = ex.extract("what about Pixel instead?", Filters(brand=["Samsung"], price_max="low"))
    assert r.filters.active() == {"price_max": "low", "brand": ["Google"]}
    assert r.topic == "phone" and r.warnings == [] and set(r.spans) == {"brand"}
    assert model.schemas == [FilterUpdate]


def test_prompt_carries_state_utterance_and_vocabulary(vocab):
    model = _model(FilterUpdate())
    LLMExtractor(model, vocab).extract("only black ones", Filters(brand=["Samsung"]))
    system, user = model.seen[0]
    assert "Spigen" in system.content and "Unlocked" in system.content and '"Cell Phones"' in system.content
    assert "{{" not in system.content + user.content
    assert '{"brand": ["Samsung"]}' in user.content and "only black ones" in user.content
    assert "not exceeding 4.4" in system.content  # the max/min rule the paper's model got wrong


def test_additive_removal_moves_and_reset(vocab):
    ex = LLMExtractor(_model(
        {"add_brand": ["apple"]},
        {"remove": ["color", "price"]},
        {"moves": ["cheaper"]},
        {"reset": True, "set": {"subcategory": "phone"}},
    ), vocab)
    state = Filters(brand=["Samsung"], color=["black"], price_max=500)
    state = ex.extract("or Apple", state).filters
    assert state.brand == ["Samsung", "Apple"]
    state = ex.extract("any color, any price", state).filters
    assert state.active() == {"brand": ["Samsung", "Apple"]}
    state = ex.extract("cheaper", state, SHOWN).filters
    assert state.price_max == 199.99
    r = ex.extract("start over with phones", state)
    assert r.reset and r.filters.active() == {"subcategory": PHONES}


def test_bad_values_dropped_rest_kept(vocab):
    ex = LLMExtractor(_model({
        "set": {"brand": ["Acme"], "average_rating_min": 7, "price_max": "$300", "bogus": 1, "color": "navy"},
        "moves": ["more_reviews", "teleport"], "remove": ["nonsense"], "topic": 42}), vocab)
    r = ex.extract("whatever", Filters(carrier=["Verizon"]))
    assert r.filters.active() == {"price_max": 300.0, "review_count_min": "high", "color": ["blue"],
                                  "carrier": ["Verizon"]}
    text = " ".join(r.warnings)
    for word in ("Acme", "average_rating_min", "bogus", "teleport", "nonsense", "more_reviews: no shown"):
        assert word in text
    assert r.topic is None


def test_min_max_swapped_output_repaired(vocab):
    r = LLMExtractor(_model({"set": {"price_min": 500, "price_max": 200}}), vocab).extract("x")
    assert (r.filters.price_min, r.filters.price_max) == (200.0, 500.0) and r.warnings


@pytest.mark.parametrize("garbage", [None, 42, "lol not json", ["a"], {"set": "everything"}, '{"set": []}',
                                     FilterChanges(brand=["Samsung"])])
def test_garbage_output_leaves_state_unchanged(vocab, garbage):
    state = Filters(brand=["Samsung"], price_max=300)
    r = LLMExtractor(_model(garbage), vocab).extract("hm", state)
    assert r.filters == state
    assert r.warnings


def test_json_string_output_is_read(vocab):
    r = LLMExtractor(_model('{"set": {"brand": ["samsung"]}}'), vocab).extract("samsung")
    assert r.filters.brand == ["Samsung"]


def test_model_exception_leaves_state_unchanged(vocab):
    state = Filters(color=["blue"])
    r = LLMExtractor(_model(TimeoutError("upstream timed out")), vocab).extract("cheaper", state)
    assert r.filters == state
    assert "TimeoutError" in r.warnings[0] and "unchanged" in r.warnings[0]


def test_model_without_structured_output_support(vocab):
    model = GenericFakeChatModel(messages=iter([AIMessage(content="hi")]))
    r = LLMExtractor(model, vocab).extract("cheap phones", Filters(brand=["Apple"]))
    assert r.filters == Filters(brand=["Apple"]) and r.warnings


def _router(messages: list[BaseMessage]) -> Any:
    user = messages[-1].content
    if "explode" in user:
        raise RuntimeError("boom")
    if "under 100" in user:
        return FilterUpdate(set=FilterChanges(price_max=100.0))
    return {"set": {"color": ["green"]}}


def test_batch_keeps_failures_per_utterance(vocab):
    ex = LLMExtractor(_model(_router, _router, _router), vocab)
    results = ex.extract_batch(["under 100", "explode", "green"], [Filters(), Filters(brand=["Apple"]), None])
    assert results[0].filters.active() == {"price_max": 100.0} and results[0].warnings == []
    assert results[1].filters.active() == {"brand": ["Apple"]} and "boom" in results[1].warnings[0]
    assert results[2].filters.active() == {"color": ["green"]}


def test_prompt_is_loaded_by_name(vocab):
    model = _model(FilterUpdate())
    LLMExtractor(model, vocab).extract("x")
    assert "Fields (names exactly as written)" in model.seen[0][0].content


def test_output_schema_is_generated_from_filters():
    """Every `Filters` field reaches the model's schema with its description; groups and moves are enums."""
    from typing import get_args

    from extraction.state import MOVES
    from retrieval.filters import FIELD_GROUPS, LIST_FIELDS, FieldGroup

    schema = FilterUpdate.model_json_schema()
    changes = schema["$defs"]["FilterChanges"]["properties"]
    assert list(changes) == list(Filters.model_fields)
    for name, info in Filters.model_fields.items():
        assert changes[name]["description"].startswith(info.description)
    assert FilterChanges(brand=["x"]).price_max is None  # every change is optional
    assert set(get_args(FieldGroup)) == set(FIELD_GROUPS)
    assert set(schema["properties"]["remove"]["items"]["enum"]) == set(FIELD_GROUPS)
    assert tuple(schema["properties"]["moves"]["items"]["enum"]) == MOVES
    assert {k for k in schema["properties"] if k.startswith("add_")} == {
        f"add_{n}" for n in LIST_FIELDS if not n.endswith("_exclude")}
    with pytest.raises(ValueError):
        FilterUpdate(remove=["nonsense"])
