"""The chat model behind the agent: the offline policy by default, or any LangChain chat model.

    make_chat_model(None)                                   -> OfflinePolicy (no LLM, no network)
    make_chat_model("openai:gpt-4o-mini")                   -> ChatOpenAI (needs OPENAI_API_KEY)
    make_chat_model("ollama:qwen2.5", "http://host:11434")  -> ChatOllama at that URL
    make_chat_model("openai:my-model", "http://localhost:8000/v1")  -> any OpenAI-compatible server
"""

from __future__ import annotations

from langchain_core.language_models import BaseChatModel

from .policy import OfflinePolicy

OFFLINE_NAMES = {"", "offline", "policy", "none", "rules"}
_PACKAGES = {"openai": "langchain-openai", "ollama": "langchain-ollama", "anthropic": "langchain-anthropic",
             "google_genai": "langchain-google-genai", "mistralai": "langchain-mistralai", "groq": "langchain-groq"}


class LLMConfigError(RuntimeError):
    """The configured LLM cannot be created; the message says what to install or set."""


def make_chat_model(spec: str | BaseChatModel | None = None, base_url: str | None = None,
                    temperature: float = 0.0) -> BaseChatModel:
    """A chat model from a `provider:model` string (LangChain's `init_chat_model` naming) or the offline policy."""
    if isinstance(spec, BaseChatModel):
        return spec
    if spec is None or spec.strip().lower() in OFFLINE_NAMES:
        return OfflinePolicy()
    from langchain.chat_models import init_chat_model  # lazy: ~0.5 s, only when SIFT_LLM names a model

    provider = spec.split(":", 1)[0] if ":" in spec else ""
    kwargs: dict[str, object] = {"temperature": temperature}
    if base_url:
        kwargs["base_url"] = base_url
    try:
        return init_chat_model(spec, **kwargs)
    except ImportError as exc:
        package = _PACKAGES.get(provider, f"langchain-{provider or 'PROVIDER'}")
        raise LLMConfigError(f"SIFT_LLM={spec!r} needs the package {package}: pip install {package} "
                             f"(or unset SIFT_LLM to use the offline policy). ({exc})") from None
    except ValueError as exc:
        raise LLMConfigError(f"SIFT_LLM={spec!r} is not a model LangChain can create: {exc}. Use provider:model, "
                             f"e.g. openai:gpt-4o-mini or ollama:qwen2.5.") from None
