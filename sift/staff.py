"""The staff review page, served by the app: `GET /staff` (conversations, searchable) and
`GET /staff/conversation/{id}` (every turn, feedback and clicks), behind the staff login.

Log in with the staff user and password (`SIFT_STAFF_USER`, `SIFT_STAFF_PASSWORD`, generated into
`$SIFT_HOME/staff_password` when unset) on the page's form, which sets a signed cookie for 12 hours; scripts
can send the same credentials as HTTP Basic instead. `GET /staff/chat` lets a staff member log in to the chat
window itself (shoppers there are anonymous).

    >>> mount(chainlit_app, make_staff_router(Settings(), runtime_ready))   # doctest: +SKIP
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import math
import os
import time
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from transcripts.export import to_html
from transcripts.review import index_html, login_html, review_rows
from transcripts.store import TranscriptStore

from . import ui
from .ratelimit import TokenBucketLimiter
from .settings import Settings

COOKIE = "sift_staff"
STAFF_CHAT_COOKIE = "sift_staff_chat"  # the chat window shows its login form to this browser (app.py)
SESSION_S = 12 * 3600


def _sign(secret: str, expires: int) -> str:
    mac = hmac.new(secret.encode(), f"staff|{expires}".encode(), hashlib.sha256).hexdigest()
    return f"{expires}.{mac}"


def valid_cookie(secret: str, value: str | None, now: float | None = None) -> bool:
    """A cookie this app signed, not yet expired."""
    try:
        expires = int((value or "").split(".", 1)[0])
    except ValueError:
        return False
    return expires > (now or time.time()) and hmac.compare_digest(_sign(secret, expires), value or "")


def _basic(request: Request) -> tuple[str, str] | None:
    auth = request.headers.get("authorization", "")
    if not auth.lower().startswith("basic "):
        return None
    try:
        user, _, password = base64.b64decode(auth[6:]).decode().partition(":")
    except ValueError:
        return None
    return user, password


def make_staff_router(settings: Settings, runtime_ready: Callable[[], Any] | None = None) -> APIRouter:
    router = APIRouter(prefix="/staff", tags=["sift-staff"])
    limiter = TokenBucketLimiter(6, 5)  # failed logins per address: a few tries, then slowly
    store_box: list[TranscriptStore] = []

    def secret() -> str:
        return os.environ.get("CHAINLIT_AUTH_SECRET") or ui.ensure_auth_secret(settings)

    def store() -> TranscriptStore:
        if not store_box:
            store_box.append(TranscriptStore(settings.resolved_database_url()))
        return store_box[0]

    def is_staff(request: Request) -> bool:
        if valid_cookie(secret(), request.cookies.get(COOKIE)):
            return True
        creds = _basic(request)
        return creds is not None and ui.check_staff_login(settings, *creds)

    def title_lookup() -> Callable[[str], str | None] | None:
        try:
            rt = runtime_ready() if runtime_ready is not None else None
        except Exception:  # titles are a convenience: ids alone still make a complete page
            return None
        if rt is None:
            return None
        return lambda pid: (p.title if (p := rt.engine.product(pid)) is not None else None)

    @router.get("")
    async def index(request: Request, q: str = ""):
        if not is_staff(request):
            return HTMLResponse(login_html(), status_code=401)
        conversations = await asyncio.to_thread(lambda: store().all_conversations())
        return HTMLResponse(index_html(review_rows(conversations, q[:200]), q[:200]))

    @router.post("/login")
    async def login(request: Request):
        key = f"staff-page:{request.client.host if request.client else 'unknown'}"
        wait = limiter.wait(key)
        if wait > 0:
            return HTMLResponse(login_html(f"Too many failed logins; try again in {math.ceil(wait)} s."),
                                status_code=429, headers={"Retry-After": str(math.ceil(wait))})
        form = await request.form()
        if not ui.check_staff_login(settings, str(form.get("username", "")), str(form.get("password", ""))):
            limiter.hit(key)
            return HTMLResponse(login_html("Wrong username or password."), status_code=401)
        response = RedirectResponse("/staff", status_code=303)
        response.set_cookie(COOKIE, _sign(secret(), int(time.time()) + SESSION_S), max_age=SESSION_S,
                            httponly=True, samesite="lax", path="/staff")
        return response

    @router.get("/logout")
    async def logout():
        response = RedirectResponse("/staff", status_code=303)
        response.delete_cookie(COOKIE, path="/staff")
        response.delete_cookie(STAFF_CHAT_COOKIE, path="/")
        return response

    @router.get("/chat")
    async def staff_chat(request: Request):
        """The chat window's own staff login: this browser is no longer signed in as an anonymous shopper."""
        # lazy: Chainlit (~1 s to import) is only needed here, where the app runs on it anyway
        from chainlit.auth.cookie import clear_auth_cookie

        response = RedirectResponse("/login", status_code=303)
        clear_auth_cookie(request, response)  # the anonymous shopper's session ends in this browser
        response.set_cookie(STAFF_CHAT_COOKIE, "1", max_age=SESSION_S, httponly=True, samesite="lax", path="/")
        return response

    @router.get("/conversation/{conversation_id}")
    async def conversation(request: Request, conversation_id: str):
        if not is_staff(request):
            return HTMLResponse(login_html(), status_code=401)
        conv = await asyncio.to_thread(lambda: store().conversation(conversation_id[:300]))
        if conv is None:
            return HTMLResponse("<p>No such conversation. <a href=\"/staff\">Back</a></p>", status_code=404)
        return HTMLResponse(to_html([conv], title_lookup(), title=f"Conversation {conv.id}"))

    return router
