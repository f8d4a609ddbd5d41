"""Sift's shop chat window: `chainlit run app.py` (or `make demo`).

Each shopper message goes through the agent (`Assistant.aturn`: extraction and search in a worker thread,
never in the event loop); the answer comes with product cards and filter chips (custom elements in
public/elements/), collapsed steps showing the extracted filters and the search, and the turn's
structured data in the message metadata ("sift_turn") for `sift transcripts`. The Chainlit thread id is
the agent's conversation id, so resuming a chat restores the agent's filter state.

Settings: see `sift/settings.py` and `sift/ui.py` (SIFT_DATABASE_URL, SIFT_AUTH_MODE, SIFT_STAFF_PASSWORD...).
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from concurrent.futures import Future
from datetime import UTC, datetime
from typing import Any, NamedTuple

import chainlit as cl
from chainlit.data import get_data_layer
from chainlit.server import app as server

from sift import present, staff, ui, wiring
from sift.background_build import BackgroundBuild
from sift.http_api import make_router, mount
from sift.settings import Settings
from tools.describe import product_record
from transcripts.datalayer import ensure_schema, make_data_layer
from transcripts.store import CLICK_KEY, TURN_KEY

log = logging.getLogger("sift.app")

SETTINGS = Settings()
UI = ui.UISettings()
ui.ensure_auth_secret(UI)  # before chainlit checks it (right after importing this module)
ensure_schema(UI.resolved_database_url())  # at startup, not later inside the event loop

FILE_REPLY = ("I can't look at files or pictures yet, sorry. Tell me in words what you're looking for, "
              "for example \"a Samsung phone under $300\".")
EMPTY_REPLY = ("I didn't catch anything there. Tell me what you're shopping for, for example "
               "\"a cheap phone with lots of reviews\" or \"a black case for a Pixel 8\".")
ERROR_REPLY = "Sorry, something went wrong on my side while searching. Please try again or put it another way."
MAX_CARDS = 6


class Runtime(NamedTuple):  # not a dataclass: chainlit loads this file outside sys.modules
    engine: Any
    assistant: Any
    extractor: Any = None  # the `sift.extractor_choice.Choice` (which extractor serves, and why)


def _build_runtime() -> Runtime:
    engine = wiring.build_engine(SETTINGS, show_progress=False)
    # SQLite in SIFT_HOME, or PostgreSQL when SIFT_DATABASE_URL names one (replicas then share conversations).
    assistant, choice = wiring.build_assistant(SETTINGS, engine, SETTINGS.checkpoint_target(), llm=SETTINGS.llm)
    log.info("%s", choice.line())  # which extractor serves the window and the HTTP API, and why
    log.info("assistant ready over %d products", len(engine.products))
    return Runtime(engine, assistant, choice)


# Built once in a worker thread (index build or load takes seconds); a failed build is logged and retried.
_build = BackgroundBuild(_build_runtime, name="runtime")


def _start_runtime() -> Future:
    return _build.start()


async def runtime() -> Runtime:
    return await asyncio.wrap_future(_start_runtime())


_start_runtime()  # warm up while the server starts, not on the first message


def _runtime_ready() -> Runtime | None:
    """The runtime if built (None while building; raises if the last build failed), for GET /api/health."""
    return _build.ready()


def _mount_http_api() -> None:
    """POST /api/chat etc. (sift/http_api.py) and the staff review page /staff (sift/staff.py) on Chainlit's
    server, ahead of its catch-all page route."""
    if not getattr(server.state, "sift_http_api", False):  # once, even if chainlit loads this file again
        mount(server, make_router(runtime, SETTINGS, runtime_ready=_runtime_ready))
        mount(server, staff.make_staff_router(SETTINGS, runtime_ready=_runtime_ready))  # GET /staff: review
        server.state.sift_http_api = True


_mount_http_api()


# ---------------------------------------------------------------------------------------------- persistence, login
@cl.data_layer
def _data_layer():
    return make_data_layer(UI.resolved_database_url(), UI.home / "files", create_tables=False)


@cl.password_auth_callback
async def _staff_login(username: str, password: str) -> cl.User | None:
    if ui.check_staff_login(UI, username, password):
        return cl.User(identifier=UI.staff_user, metadata={"role": "staff", "provider": "credentials"})
    return None


if UI.auth_mode == "header":
    @cl.header_auth_callback
    async def _header_login(headers) -> cl.User | None:
        ident = ui.shopper_identifier(headers.get(UI.auth_header))
        return cl.User(identifier=ident, metadata={"role": "shopper", "provider": "header"}) if ident else None
elif UI.anonymous_shoppers:
    @cl.header_auth_callback
    async def _anonymous_shopper(headers) -> cl.User | None:
        """Shoppers chat without a login: each browser gets its own anonymous id (kept in Chainlit's session
        cookie) and so its own threads. A browser that came through /staff/chat gets the staff login form."""
        if staff.STAFF_CHAT_COOKIE in (headers.get("cookie") or ""):
            return None
        return cl.User(identifier=ui.anonymous_identifier(), metadata={"role": "shopper", "provider": "anonymous"})


# ---------------------------------------------------------------------------------------------- chat
@cl.set_starters
async def _starters(user: cl.User | None = None, language: str | None = None) -> list[cl.Starter]:
    return [
        cl.Starter(label="Cheap Samsung phone", message="a cheap samsung phone with lots of reviews"),
        cl.Starter(label="Phone under $300", message="a phone under $300 rated at least 4 stars"),
        cl.Starter(label="Case for a Pixel", message="a black case for a pixel 8"),
        cl.Starter(label="Fast charger", message="a well reviewed fast usb-c charger"),
    ]


@cl.on_chat_start
async def _chat_start() -> None:
    _start_runtime()


@cl.on_chat_resume
async def _chat_resume(thread: dict) -> None:
    # Nothing to restore by hand: the agent's state is checkpointed under this same thread id.
    _start_runtime()


def _utc_now() -> str:
    return datetime.now(UTC).isoformat().replace("+00:00", "Z")


def _conversation_id() -> str:
    return cl.context.session.thread_id


async def _send(message: cl.Message, elements: list[cl.Element]) -> None:
    """Send `message`, then its elements one by one: Chainlit sends a message's own elements concurrently,
    so chips and cards would arrive (and show) in a random order."""
    await message.send()
    for element in elements:
        await element.send(for_id=message.id)


async def _say(text: str, record: ui.TurnRecord | None = None) -> None:
    meta = {TURN_KEY: record.to_json()} if record else None
    await cl.Message(content=text, metadata=meta).send()


async def run_turn(text: str, source: str = "message", truncated: bool = False, note: str = "") -> None:
    """One agent turn for `text` (already cleaned), shown with steps, cards, chips and actions."""
    rt = await runtime()
    conv = _conversation_id()
    started = _utc_now()
    try:
        result = await rt.assistant.aturn(conv, text)
    except Exception:  # a turn must never surface a stack trace to the shopper
        log.exception("turn failed (conversation %s)", conv)
        await _say(ERROR_REPLY)
        return
    # Steps are sent once, complete: a create followed quickly by an update races in the data layer
    # (Chainlit persists both as independent tasks), which can leave a step stored without its output.
    extract_step = cl.Step(name="extract filters", type="tool", language="json")
    extract_step.input = text
    extract_step.output = ui.filters_step_output(result.filters)
    extract_step.start, extract_step.end = started, _utc_now()
    await extract_step.send()
    search_step = cl.Step(name="search", type="retrieval")
    search_step.input = json.dumps(result.filters.active(), ensure_ascii=False)
    search_step.output = ui.search_step_output(result)
    await search_step.send()

    record = ui.turn_record(result, text, source=source, truncated=truncated)
    elements: list[cl.Element] = []
    chips = ui.chips_for(result.filters)
    if chips:
        elements.append(cl.CustomElement(name="FilterChips", display="inline",
                                         props={"chips": chips, "matched": result.matched}))
    rt_products = rt.engine.product
    for i, card in enumerate(result.cards[:MAX_CARDS]):
        props = ui.card_props(card, int(card.get("pos") or i + 1), rt_products(str(card.get("id"))))
        elements.append(cl.CustomElement(name="ProductCard", display="inline", props=props))
    actions = [cl.Action(name="say", payload={"text": a["say"]}, label=a["label"], icon=a["icon"])
               for a in present.answer_actions(result)]
    # The cards show the products: the text is the lead sentences only, never the same list twice.
    text = result.summary or result.answer
    content = (note + "\n\n" if note else "") + ui.tidy_markdown(ui.escape_markdown_html(text or ""))
    await _send(cl.Message(content=content, actions=actions, metadata={TURN_KEY: record.to_json()}), elements)


@cl.on_message
async def _on_message(message: cl.Message) -> None:
    try:
        files = [e for e in (message.elements or []) if getattr(e, "type", None) != "custom"]
        cleaned = ui.clean_user_text(message.content)
        if files and not cleaned.text:
            await _say(FILE_REPLY)
            return
        if not cleaned.text:
            await _say(EMPTY_REPLY)
            return
        notes = []
        if files:
            notes.append("I can't look at attached files, so I went by your words only.")
        if cleaned.truncated:
            notes.append(f"That was a long message ({cleaned.original_chars:,} characters); I read the first "
                         f"{len(cleaned.text):,}.")
        await run_turn(cleaned.text, source="upload" if files else "message", truncated=cleaned.truncated,
                       note=" ".join(notes))
    except Exception:
        log.exception("message handling failed")
        await _say(ERROR_REPLY)


# ---------------------------------------------------------------------------------------------- actions
async def _as_typed(text: str, source: str) -> None:
    """Run `text` exactly as if the shopper had typed it (shown as their message, same agent turn)."""
    user = cl.context.session.user
    await cl.Message(content=text, type="user_message",
                     author=user.identifier if user else "User").send()
    await run_turn(text, source=source)


@cl.action_callback("say")
async def _say_action(action: cl.Action) -> None:
    """A button under an answer ("show more", "start over", a relaxation offer): exactly typing its text."""
    payload = action.payload if isinstance(action.payload, dict) else {}
    text = ui.clean_user_text(str(payload.get("text", ""))).text
    if text:
        await _as_typed(text, "action")


@cl.action_callback("show_more")  # buttons of conversations stored before the "say" action
async def _show_more(action: cl.Action) -> None:
    await _as_typed("show me more", "action")


@cl.action_callback("start_over")
async def _start_over(action: cl.Action) -> None:
    await _as_typed("start over", "action")


def _product_id(action: cl.Action) -> str:
    payload = action.payload if isinstance(action.payload, dict) else {}
    return str(payload.get("id", ""))[:64]


async def _record_click(action: str, product: Any) -> None:
    """A click on a card (the card itself changes in place) kept for review as a hidden step with its title."""
    layer = get_data_layer()
    if layer is None:
        return
    now = _utc_now()
    try:
        await layer.create_step({
            "id": str(uuid.uuid4()), "threadId": _conversation_id(), "name": f"clicked {action}", "type": "tool",
            "output": f"{action}: {product.title}", "createdAt": now, "start": now, "end": now,
            "metadata": {CLICK_KEY: {"action": action, "id": product.id, "title": product.title}}})
    except Exception as exc:  # a review aid: never an error for the shopper
        log.warning("could not record a %s click: %s", action, exc)


@cl.action_callback("details")
async def _details(action: cl.Action) -> None:
    """The card opens its details in place (public/elements/ProductCard.jsx); this records the click."""
    rt = await runtime()
    product = rt.engine.product(_product_id(action))
    if product is not None:
        await _record_click("details", product)


@cl.action_callback("more_like_this")
async def _more_like_this(action: cl.Action) -> None:
    rt = await runtime()
    product = rt.engine.product(_product_id(action))
    if product is None:
        await _say("Sorry, I can't find that product any more.")
        return
    conv = _conversation_id()
    filters = await asyncio.to_thread(rt.assistant.filters, conv)
    result = await asyncio.to_thread(rt.engine.search, product.title, filters, MAX_CARDS + 1)
    hits = [h for h in result.hits if h.product.id != product.id][:MAX_CARDS]
    step = cl.Step(name="search", type="retrieval")
    step.input = f"similar to {product.id} within {json.dumps(filters.active(), ensure_ascii=False)}"
    step.output = f"matched {result.matched}; showing {', '.join(h.product.id for h in hits) or 'none'}"
    await step.send()
    cards = [product_record(h.product) for h in hits]
    elements = [cl.CustomElement(name="ProductCard", display="inline",
                                 props=ui.card_props(c, 0, rt.engine.product(c["id"]))) for c in cards]
    title = ui.escape_markdown_html(product.title)
    answer = f"Products like **{title}**:" if hits else f"I found nothing else like **{title}** with these filters."
    record = ui.TurnRecord(user_text=f"more like this: {product.title}", filters=dict(filters.active()),
                           matched=result.matched, shown=[h.product.id for h in hits],
                           latency_ms=float(sum(result.timings_ms.values())) if result.timings_ms else 0.0,
                           chips=[c["label"] for c in ui.chips_for(filters)], source="more_like_this",
                           answer=answer)
    await _send(cl.Message(content=answer, metadata={TURN_KEY: record.to_json()}), elements)
