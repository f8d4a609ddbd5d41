"""The HTTP chat endpoint for site integrations, plus staff-only transcript review over HTTP.

    POST /api/chat          {"conversation_id": "<optional>", "message": "a cheap samsung phone"}
                            -> {"conversation_id", "turn", "filters", "chips", "matched", "shown", "cards", "answer",
                                "latency_ms"}
    GET  /api/health        -> {"status": "ok"|"starting", "products": N}
    GET  /api/transcripts                  (staff, HTTP Basic) conversation summaries; ?format=jsonl|html exports all
    GET  /api/transcripts/{conversation}   (staff) one conversation; ?format=json|jsonl|html

    >>> router = make_router(get_runtime, Settings())        # doctest: +SKIP
    >>> mount(chainlit_app, router)   # doctest: +SKIP  (before Chainlit's catch-all GET route, which would shadow /api/health)

Contract details:
- `turn` is the 1-based number of the conversation's turn, counted from the checkpointer (one checkpoint per
  turn), so it is right whichever replica served the earlier turns.
- `cards`: per shown product {id, position, title, brand, price, currency, rating, review_count, image_url,
  product_url, why (the constraints it meets), variants_label when the catalog groups variants}; `chips`: the
  constraints as {group, label ("under $300"), remove ("any price": send it as the next message to drop it)}.
- `filters` is the full active state (`Filters.active()`, paper field names); `latency_ms` is the server's time
  for the request (queueing for a worker thread included), `shown` the ids of the products the answer shows.
- A message is cleaned like the chat window's (`sift.ui.clean_user_text`); over `MAX_MESSAGE_CHARS` it is cut
  and the answer says so; over `HTTPSettings.max_message_chars` (4x by default) -> 413; empty -> 422.
- Conversations are namespaced: the agent's thread id is "http:<id>" (header mode: "http:<shopper>:<id>"),
  so an HTTP client can never continue a chat-window thread, nor (header mode) another shopper's conversation.
  In password mode the endpoint is open to anonymous shoppers and a conversation id works like a bearer
  secret: generated ids are random UUIDs.
- Rate limit per client (token bucket, `sift.ratelimit`): the shopper id in header mode, else the peer IP, or
  the address a trusted proxy put in X-Forwarded-For when SIFT_TRUSTED_PROXIES > 0. 429 + Retry-After.
- Each turn is also written to the chat-history database (same tables and "sift_turn" metadata as the chat
  window, source "http"), so `sift transcripts` and /api/transcripts show HTTP conversations too. That write is
  best effort: when the database is locked or full the shopper still gets the answer and the failure is logged.

Settings (environment, prefix SIFT_): RATE_LIMIT_PER_MINUTE=30 (0 disables), RATE_LIMIT_BURST=10,
TRUSTED_PROXIES=0, HTTP_MAX_MESSAGE_CHARS=4000, HTTP_RECORD_TRANSCRIPTS=true.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import re
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse
from fastapi.security import HTTPBasic
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from transcripts.export import to_html, to_jsonl
from transcripts.store import TranscriptStore

from . import present, ui
from .http_history import TranscriptWriter, checkpoint_transcript, count_turns
from .ratelimit import TokenBucketLimiter
from .settings import HTTPSettings, Settings  # noqa: F401 - HTTPSettings is part of this API

log = logging.getLogger("sift.http")

CONVERSATION_ID = r"^[A-Za-z0-9_.:-]{1,128}$"
TRUNCATED_NOTE = "That was a long message ({n:,} characters); I read the first {kept:,}."
INTERNAL_ERROR = "Sorry, something went wrong on our side while answering. Please try again."


class ChatRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    conversation_id: str | None = Field(default=None, pattern=CONVERSATION_ID)
    message: str


def error(code: int, message: str, headers: dict[str, str] | None = None, **extra: Any):
    """A JSON error body; `extra` fields join it (`status="error"` for /health, which is why the code is `code`)."""
    return JSONResponse({"error": message, **extra}, status_code=code, headers=headers)


# ---------------------------------------------------------------------------------------------- per-conversation lock
class _Locks:
    """One asyncio lock per conversation in this process, so two requests of one conversation run in order
    (across replicas, a shopper's own client sends one message at a time)."""

    def __init__(self) -> None:
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}

    @contextlib.asynccontextmanager
    async def hold(self, key: str):
        lock, users = self._locks.get(key, (None, 0))
        lock = lock or asyncio.Lock()
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[key]
            if users <= 1:
                del self._locks[key]  # bounded: only conversations with a request in flight keep a lock
            else:
                self._locks[key] = (lock, users - 1)


# ---------------------------------------------------------------------------------------------- router
async def _read_body(request: Any, limit: int) -> bytes | None:
    """The request body, or None when it is longer than `limit` bytes (stops reading there)."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        return None
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def _validation_errors(exc: ValidationError) -> list[dict[str, Any]]:
    return [{"field": ".".join(str(p) for p in e.get("loc", ())), "message": e.get("msg", "")}
            for e in exc.errors()][:5]


def make_router(get_runtime: Callable[[], Awaitable[Any]], settings: Settings | None = None,
                http: HTTPSettings | None = None, runtime_ready: Callable[[], Any] | None = None,
                clock: Callable[[], float] = time.monotonic):
    """The `/api` router. `get_runtime()` awaits the app's `Runtime(engine, assistant)`; `runtime_ready()`
    returns it without waiting (None while it is still being built) for the health check."""
    settings = settings or Settings()
    http = http or HTTPSettings()
    limiter = TokenBucketLimiter(http.rate_limit_per_minute, http.rate_limit_burst, clock=clock)
    # Failed staff logins: a few tries, then slowly (password guessing over HTTP Basic).
    staff_limiter = TokenBucketLimiter(6, 5, clock=clock)
    writer = TranscriptWriter(settings.resolved_database_url()) if http.http_record_transcripts else None
    locks = _Locks()
    basic = HTTPBasic(auto_error=False, realm="sift-transcripts")
    router = APIRouter(prefix="/api", tags=["sift"])
    # JSON of a message at the hard cap, with room for escapes (\uXXXX) and the conversation id.
    body_limit = http.http_max_message_chars * 6 + 1024

    def peer(request: Request) -> str:
        host = request.client.host if request.client else "unknown"
        if http.trusted_proxies > 0:
            hops = [h.strip() for h in request.headers.get("x-forwarded-for", "").split(",") if h.strip()]
            # Each trusted proxy appends the address it saw; anything to the left of those is client-supplied.
            if len(hops) >= http.trusted_proxies:
                host = hops[-http.trusted_proxies]
        return host

    def shopper(request: Request) -> str | None:
        """Header mode: the shopper id the proxy put in the auth header (None when absent or malformed)."""
        return ui.shopper_identifier(request.headers.get(settings.auth_header))

    @router.get("/health")
    async def health():
        if runtime_ready is None:
            rt = await get_runtime()
        else:
            try:
                rt = runtime_ready()
            except Exception as exc:  # the build failed: say so instead of "starting" forever
                log.error("runtime failed to build: %s", exc)
                return error(503, "the assistant failed to start; see the server log", status="error")
        if rt is None:
            return {"status": "starting", "products": 0}
        return {"status": "ok", "products": len(rt.engine.products)}

    @router.post("/chat")
    async def chat(request: Request):
        t0 = time.perf_counter()
        user = None
        if settings.auth_mode == "header":
            user = shopper(request)
            if user is None:
                return error(401, f"missing or malformed {settings.auth_header} header (set by the shop's proxy)")
        client = user or f"ip:{peer(request)}"
        wait = limiter.hit(client)
        if wait > 0:
            return error(429, "too many messages; slow down", headers={"Retry-After": str(max(1, math.ceil(wait)))},
                         retry_after_s=round(wait, 1))
        body = await _read_body(request, body_limit)
        if body is None:
            return error(413, f"message too long: at most {http.http_max_message_chars:,} characters")
        try:
            req = ChatRequest.model_validate_json(body or b"{}")
        except ValidationError as exc:
            return error(422, "malformed request: send JSON {\"message\": \"...\", \"conversation_id\": \"...\"} "
                              "(conversation_id optional, 1-128 of A-Z a-z 0-9 _ . : -)",
                         details=_validation_errors(exc))
        if len(req.message) > http.http_max_message_chars:
            return error(413, f"message too long: {len(req.message):,} characters, at most "
                              f"{http.http_max_message_chars:,}")
        cleaned = ui.clean_user_text(req.message)
        if not cleaned.text:
            return error(422, "empty message: say what you are shopping for, e.g. \"a samsung phone under $300\"")
        conversation_id = req.conversation_id or str(uuid.uuid4())
        thread_id = f"http:{user}:{conversation_id}" if user else f"http:{conversation_id}"
        try:
            rt = await get_runtime()
            async with locks.hold(thread_id):
                result = await rt.assistant.aturn(thread_id, cleaned.text)
                turn = await asyncio.to_thread(count_turns, rt.assistant, thread_id)
        except Exception:  # never a stack trace to the client
            log.exception("HTTP turn failed (conversation %s)", thread_id)
            return error(500, INTERNAL_ERROR)
        answer = result.answer or ""
        if cleaned.truncated:
            answer = TRUNCATED_NOTE.format(n=cleaned.original_chars, kept=len(cleaned.text)) + "\n\n" + answer
        latency_ms = (time.perf_counter() - t0) * 1e3
        if writer is not None:
            record = ui.turn_record(result, cleaned.text, source="http", truncated=cleaned.truncated)
            record.answer, record.latency_ms = answer, latency_ms
            try:
                await asyncio.to_thread(writer.write, thread_id, user or client, record)
            except Exception as exc:  # the shopper still gets the answer; staff see the gap in the log
                log.warning("could not record HTTP turn of %s in the chat history: %s", thread_id, exc)
        return {"conversation_id": conversation_id, "turn": max(turn, 1), "filters": result.filters.active(),
                "matched": int(result.matched), "shown": list(result.shown),
                "cards": [present.api_card(c) for c in result.cards], "chips": present.api_chips(result.filters),
                "answer": answer, "latency_ms": round(latency_ms, 2)}

    # ------------------------------------------------------------------------------------------ staff only
    def staff_check(request: Request, credentials: Any):
        """None when the caller is staff, else the 401/429 response to return.

        After a few failed logins from one address it answers 429 even to the right password, so guessing
        cannot go on at full speed (a locked-out colleague on the same address waits ~10 s per try)."""
        key = f"staff:{peer(request)}"
        wait = staff_limiter.wait(key)
        if wait > 0:
            return error(429, "too many failed logins", headers={"Retry-After": str(max(1, math.ceil(wait)))})
        if credentials is not None and ui.check_staff_login(settings, credentials.username, credentials.password):
            return None
        staff_limiter.hit(key)
        return error(401, "staff login required (HTTP Basic, SIFT_STAFF_USER and the staff password)",
                     headers={"WWW-Authenticate": 'Basic realm="sift-transcripts", charset="UTF-8"'})

    def ready_or_none() -> Any | None:
        """The runtime when built (product titles for HTML exports); None while building or if it failed."""
        try:
            return runtime_ready() if runtime_ready is not None else None
        except Exception:
            return None

    store_box: list[Any] = []

    def store():
        if not store_box:
            store_box.append(TranscriptStore(settings.resolved_database_url()))
        return store_box[0]

    def export(conversations: list[Any], fmt: str, rt: Any | None):
        if fmt == "jsonl":
            return PlainTextResponse(to_jsonl(conversations), media_type="application/x-ndjson")
        if fmt == "html":
            title = None
            if rt is not None:
                def title(pid: str) -> str | None:
                    p = rt.engine.product(pid)
                    return p.title if p is not None else None
            return HTMLResponse(to_html(conversations, title))
        return None

    @router.get("/transcripts")
    async def list_transcripts(request: Request, format: str = "json"):
        denied = staff_check(request, await basic(request))
        if denied is not None:
            return denied
        if format not in ("json", "jsonl", "html"):
            return error(422, "format: json, jsonl or html")
        if format == "json":
            summaries = await asyncio.to_thread(lambda: store().conversations())
            return {"conversations": [s.to_json() for s in summaries]}
        conversations = await asyncio.to_thread(lambda: store().all_conversations())
        return export(conversations, format, ready_or_none())

    @router.get("/transcripts/{conversation_id}")
    async def get_transcript(request: Request, conversation_id: str, format: str = "json"):
        denied = staff_check(request, await basic(request))
        if denied is not None:
            return denied
        if format not in ("json", "jsonl", "html"):
            return error(422, "format: json, jsonl or html")
        if not re.fullmatch(r"[A-Za-z0-9_.:@-]{1,300}", conversation_id):
            return error(422, "conversation id: 1-300 of A-Z a-z 0-9 _ . : @ -")
        # As stored (chat-window threads, "http:..." ids from the list), else an HTTP client's own id.
        candidates = [conversation_id] if conversation_id.startswith("http:") else \
            [conversation_id, f"http:{conversation_id}"]
        for cid in candidates:
            conv = await asyncio.to_thread(lambda c=cid: store().conversation(c))
            if conv is not None and conv.turns:
                if format == "json":
                    return dict(conv.to_json(), source="chat_history")
                return export([conv], format, ready_or_none())
        rt = await get_runtime()
        for cid in candidates:  # nothing in the chat history (e.g. its writes failed): the agent's own record
            found = await asyncio.to_thread(checkpoint_transcript, rt.assistant, cid)
            if found is not None:
                return found
        return error(404, f"no conversation {conversation_id!r}")

    router.limiter = limiter  # for tests and the load test's report
    router.transcript_writer = writer
    return router


def _has_catch_all(route: Any) -> bool:
    """A route on "/{...:path}" (Chainlit's page), or an included router holding one (FastAPI >= 0.16x keeps
    included routers as one entry that resolves its routes lazily)."""
    path = getattr(route, "path", None)
    if isinstance(path, str) and re.fullmatch(r"/\{[^}]+:path\}", path):
        return True
    inner = getattr(route, "original_router", None)
    return inner is not None and any(_has_catch_all(r) for r in getattr(inner, "routes", ()))


def mount(app: Any, router: Any) -> None:
    """Include `router` in `app` ahead of any catch-all route (Chainlit serves its page on GET /{path:path},
    which would otherwise answer GET /api/health with the chat window's HTML)."""
    before = list(app.router.routes)
    app.include_router(router)
    added = [r for r in app.router.routes if not any(r is b for b in before)]
    at = next((i for i, r in enumerate(before) if _has_catch_all(r)), len(before))
    app.router.routes[:] = before[:at] + added + before[at:]
    getattr(app.router, "_mark_routes_changed", lambda: None)()  # FastAPI's route cache, where it has one
