"""Settings: the one place environment variables are read (prefix `SIFT_`).

Components never read the environment; the shell reads `Settings` once and passes explicit arguments.

    SIFT_HOME=.sift              data folder: index cache, demo catalog, conversations
    SIFT_MODELS_DIR=models       trained models (extractor/, embedder/)
    SIFT_CATALOG=path            catalog file (default: the generated demo catalog)
    SIFT_CURRENCY=               ISO code prices print in (INR -> \u20b9); default: the catalog's main currency
    SIFT_EMBEDDER=name-or-path   sentence-transformers model (default: packaged all-MiniLM-L6-v2)
    SIFT_EMBED_DTYPE=auto        bfloat16 on a CPU with AVX512-BF16/AMX or a GPU, else float32; or float32 | bfloat16
    SIFT_TORCH_THREADS=1         intra-op threads for inference (training commands set their own)
    SIFT_EXTRACTOR=auto          auto | rules | llm | path to a seq2seq checkpoint
    SIFT_LLM=                    e.g. openai:gpt-4o-mini, ollama:qwen2.5 (empty: offline policy, no LLM)
    SIFT_LLM_BASE_URL=           base URL of an OpenAI-compatible server
    SIFT_DATABASE_URL=           chat history (SQLAlchemy async URL); default sqlite+aiosqlite:///$SIFT_HOME/chat.sqlite.
                                 postgresql+asyncpg://user:pw@host/db puts the chat history AND the conversation
                                 state (LangGraph checkpoints) in PostgreSQL: several app processes can then share
                                 them (see docs/scale.md); otherwise the state is $SIFT_HOME/conversations.sqlite
    SIFT_AUTH_MODE=password      password (staff login + signed tokens for the copilot) | header (trust a proxy header)
    SIFT_AUTH_HEADER=X-Sift-User the header naming the shopper in header mode
    SIFT_STAFF_USER=staff        staff login name
    SIFT_STAFF_PASSWORD=         staff password; when unset one is generated into $SIFT_HOME/staff_password
    SIFT_GROUP_VARIANTS=true     one card per model (colors, sizes, renewed copies summarised on the card)
    SIFT_MAX_PER_MODEL=2         with grouping off: at most this many listings of one model per page
    SIFT_QUALITY_WEIGHT=0.02     w in similarity + w * quality (Bayesian rating); 0 turns the prior off
    SIFT_POOR_PENALTY=0.03       score taken from products rated under 3 stars
    SIFT_CLOSE_RATIO=0.8         a first page shows only close matches: similarity >= ratio x the best ...
    SIFT_CLOSE_FLOOR=0.35        ... or >= this; the answer says how many are close
    SIFT_ANONYMOUS_SHOPPERS=true password mode: shoppers chat without logging in (each browser its own anonymous
                                 id and threads); staff log in at /staff (review) or /staff/chat (the window)

HTTP chat endpoint (`sift/http_api.py`, `HTTPSettings`):

    SIFT_RATE_LIMIT_PER_MINUTE=30    steady turns per minute per client (0 disables limiting)
    SIFT_RATE_LIMIT_BURST=10         turns a client may send at once before the steady rate applies
    SIFT_TRUSTED_PROXIES=0           reverse proxies in front that append to X-Forwarded-For (0: peer IP)
    SIFT_HTTP_MAX_MESSAGE_CHARS=4000 longer messages get 413 (between 1,000 and this: cut, like the UI)
    SIFT_HTTP_RECORD_TRANSCRIPTS=true  store HTTP turns in the chat history
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic_settings import BaseSettings, SettingsConfigDict

from retrieval.embedder import DEFAULT_MODEL
from retrieval.ranking import RankingOptions

_RANKING = RankingOptions()


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SIFT_", extra="ignore")

    home: Path = Path(".sift")
    catalog: Path | None = None
    embedder: str = DEFAULT_MODEL
    embed_dtype: str = "auto"  # retrieval.embedder.resolve_dtype: bf16 only where it runs natively
    extractor: str = "auto"
    llm: str | None = None
    llm_base_url: str | None = None
    models_dir: Path = Path("models")
    # Intra-op threads for model inference. One: a query is tiny work, and with two threads torch
    # spin-waits for a core whenever another request or process holds one (measured: query embedding
    # 21 ms p50 with 1 thread vs 490 ms with 2 while one other process was busy).
    torch_threads: int = 1
    demo_size: int = 3000
    log_level: str = "WARNING"
    database_url: str | None = None
    auth_mode: Literal["password", "header"] = "password"
    auth_header: str = "X-Sift-User"
    staff_user: str = "staff"
    staff_password: str | None = None
    # ISO 4217 code prices are printed in (SIFT_CURRENCY=INR -> "\u20b91,299"); empty: the catalog's main
    # currency (`retrieval.catalog.price_currency`). Display only: it names, it never converts.
    currency: str = ""
    # How results are shaped (retrieval/ranking.py); the defaults live in RankingOptions.
    group_variants: bool = _RANKING.group_variants
    max_per_model: int = _RANKING.max_per_model
    quality_weight: float = _RANKING.quality_weight
    poor_penalty: float = _RANKING.poor_penalty
    close_ratio: float = _RANKING.close_ratio
    close_floor: float = _RANKING.close_floor

    def ranking(self) -> RankingOptions:
        return RankingOptions(group_variants=self.group_variants, max_per_model=self.max_per_model,
                              quality_weight=self.quality_weight, poor_penalty=self.poor_penalty,
                              close_ratio=self.close_ratio, close_floor=self.close_floor)
    anonymous_shoppers: bool = True

    @property
    def cache_dir(self) -> Path:
        return self.home / "index"

    @property
    def data_dir(self) -> Path:
        return self.home / "data"

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.home / 'chat.sqlite').resolve()}"

    @property
    def checkpoint_path(self) -> Path:
        """LangGraph checkpoints in SQLite; the Chainlit thread id is the LangGraph thread id."""
        return self.home / "conversations.sqlite"

    def uses_postgres(self) -> bool:
        return bool(self.database_url) and self.database_url.split("://", 1)[0].split("+", 1)[0] in (
            "postgresql", "postgres")

    def checkpoint_target(self) -> str | Path:
        """Where the conversation state lives, for `agent.checkpoint.open_checkpointer`: the PostgreSQL
        database of SIFT_DATABASE_URL as a libpq URL (driver suffix dropped) when it is PostgreSQL, else
        `checkpoint_path`.

            >>> Settings(database_url="postgresql+asyncpg://sift@db/sift").checkpoint_target()
            'postgresql://sift@db/sift'
        """
        if self.uses_postgres():
            scheme, rest = self.database_url.split("://", 1)
            return f"postgresql://{rest}"
        return self.checkpoint_path


class HTTPSettings(BaseSettings):
    """Settings of the HTTP chat endpoint (see the module docstring)."""

    model_config = SettingsConfigDict(env_prefix="SIFT_", extra="ignore")

    rate_limit_per_minute: float = 30.0  # steady turns per minute per client; 0 disables limiting
    rate_limit_burst: int = 10  # turns a client may send at once before the steady rate applies
    trusted_proxies: int = 0  # reverse proxies in front that append to X-Forwarded-For (0: use the peer IP)
    http_max_message_chars: int = 4000  # over this -> 413 (between the UI's 1,000 and this: cut, like the UI)
    http_record_transcripts: bool = True  # write HTTP turns to the chat-history database
