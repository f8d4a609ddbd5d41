"""Test doubles shared by the test suite."""

from __future__ import annotations

from retrieval.hashing_embedder import HashingEmbedder as _Hashing


class HashingEmbedder(_Hashing):
    """The model-free hashing embedder, small and named for tests."""

    def __init__(self, dim: int = 64, name: str = "test-hashing", dtype: str = "float32"):
        super().__init__(dim=dim, name=name, dtype=dtype)


# ---------------------------------------------------------------------------------------------- chat model
def scripted_chat_model(script: list, **fields):
    """A LangChain chat model that returns the scripted `AIMessage`s in order.

    It records every prompt it was given (`.seen`) and the tool names bound to it (`.bound`), so a test can
    check what the model was shown (the system prompt, tool results). Built lazily: langchain stays
    unimported for tests that do not need it.
    """
    return _scripted_chat_class()(script=list(script), **fields)


def _scripted_chat_class():
    global _SCRIPTED_CHAT
    if _SCRIPTED_CHAT is None:
        from typing import Any

        from langchain_core.language_models import BaseChatModel
        from langchain_core.messages import AIMessage, BaseMessage
        from langchain_core.outputs import ChatGeneration, ChatResult

        class ScriptedChatModel(BaseChatModel):
            script: list[AIMessage]
            seen: list[list[BaseMessage]] = []
            bound: list[str] = []

            @property
            def _llm_type(self) -> str:
                return "scripted"

            def bind_tools(self, tools: Any, **kwargs: Any) -> ScriptedChatModel:
                self.bound = [t.name for t in tools]
                return self

            def _generate(self, messages: list[BaseMessage], stop: Any = None, run_manager: Any = None,
                          **kwargs: Any) -> ChatResult:
                self.seen.append(list(messages))
                return ChatResult(generations=[ChatGeneration(message=self.script.pop(0))])

        _SCRIPTED_CHAT = ScriptedChatModel
    return _SCRIPTED_CHAT


_SCRIPTED_CHAT = None


# ---------------------------------------------------------------------------------------------- seq2seq model
SEQ2SEQ_TOKENIZER_LINES = [
    "state: none query: a cheap samsung phone", "brand=Samsung ; color=black ; price_max=low",
    "brand== ;; price_max=banana zzz", "move=cheaper ; reset=yes ; carrier=AT and T",
    "subcategory=Cell Phones ; price_min=100 ; average_rating_min=4.5 ; storage_gb_min=128",
]


def tiny_seq2seq_tokenizer(vocab_size: int = 160):
    """A Unigram tokenizer trained in a second on a few target-format lines (no download)."""
    from training.train_extractor import train_tokenizer

    return train_tokenizer(iter(SEQ2SEQ_TOKENIZER_LINES * 20), vocab_size)


class ScriptedSeq2Seq:
    """Stands in for a Hugging Face seq2seq model: `generate` returns the token ids of scripted texts
    (then "none" when the script runs out) and records the batch size of every call."""

    def __init__(self, tokenizer, outputs: list[str], require_greedy: bool = False):
        self.tokenizer, self.outputs, self.require_greedy = tokenizer, list(outputs), require_greedy
        self.calls: list[int] = []

    def generate(self, input_ids, attention_mask=None, **kw):
        if self.require_greedy:
            assert kw.get("num_beams") == 1 and kw.get("do_sample") is False  # greedy, as in the paper
        n = input_ids.shape[0]
        self.calls.append(n)
        texts = [self.outputs.pop(0) if self.outputs else "none" for _ in range(n)]
        return self.tokenizer(texts, padding=True, return_tensors="pt")["input_ids"]
