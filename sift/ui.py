"""The shop chat window's shell: UI settings, login secrets, and the pure helpers `app.py` renders with.

`serve(settings, host, port)` runs `chainlit run app.py` (what `make demo` calls). Everything else here
is a small, side-effect-free function that turns agent output into what the page shows, so it can be
tested without a browser:

    >>> [c["label"] for c in chips_for(Filters(price_max=300, brand=["Samsung"], average_rating_min=4))]
    ['price <= $300', 'rating >= 4', 'brand: Samsung']
    >>> chips_for(Filters(brand=["Samsung"]))[0]["remove"]   # sent as the shopper's own message
    'any brand'
    >>> clean_user_text("  <b>hi</b>\\x00 ").text
    '<b>hi</b>'

Settings: `sift.settings.Settings` (SIFT_DATABASE_URL, SIFT_AUTH_MODE, SIFT_STAFF_PASSWORD...).
"""

from __future__ import annotations

import html
import json
import os
import re
import secrets
import subprocess
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from retrieval.filters import ACCESSORIES, FIELD_GROUPS, NUMERIC_FIELDS, PHONES, Filters
from tools.describe import constraint_label, display_currency, money

from .present import card_details
from .settings import Settings

# Longest message the agent reads; longer ones are cut at a word boundary and the shopper is told.
MAX_MESSAGE_CHARS = 1000
REPO_ROOT = Path(__file__).resolve().parent.parent


# The chat window reads the same settings as everything else (sift/settings.py documents each one).
UISettings = Settings


# ---------------------------------------------------------------------------------------------- secrets
def _secret_file(home: Path, name: str, nbytes: int) -> str:
    """Read a secret from `home/name`, creating it (mode 600) on first use. Never committed: home is ignored."""
    path = home / name
    if path.exists():
        value = path.read_text().strip()
        if value:
            return value
    home.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(nbytes)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(value + "\n")
    return value


def ensure_auth_secret(ui: UISettings) -> str:
    """`CHAINLIT_AUTH_SECRET` (signs login cookies and copilot tokens): the env value, else one kept in home."""
    secret = os.environ.get("CHAINLIT_AUTH_SECRET")
    if not secret:
        secret = _secret_file(ui.home, "auth_secret", 48)
        os.environ["CHAINLIT_AUTH_SECRET"] = secret
    return secret


def staff_password(ui: UISettings) -> str:
    """The staff password: SIFT_STAFF_PASSWORD, else a generated one kept in `$SIFT_HOME/staff_password`."""
    return ui.staff_password or _secret_file(ui.home, "staff_password", 12)


def check_staff_login(ui: UISettings, username: str, password: str) -> bool:
    expected = staff_password(ui)
    return secrets.compare_digest(username.encode(), ui.staff_user.encode()) and \
        secrets.compare_digest(password.encode(), expected.encode())


def shopper_identifier(raw: str | None) -> str | None:
    """A header value made safe to use as a user id ("shopper:<id>"); None when empty or odd."""
    if not raw:
        return None
    raw = raw.strip()
    if not re.fullmatch(r"[A-Za-z0-9_.@:-]{1,128}", raw):
        return None
    return f"shopper:{raw}"


def anonymous_identifier() -> str:
    """A fresh id for a shopper who did not log in ("shopper:anon-<random>"): their own threads, no one else's."""
    return f"shopper:anon-{secrets.token_hex(8)}"


def mint_shopper_token(identifier: str, ui: UISettings | None = None) -> str:
    """A signed token for the copilot widget's `accessToken` (what the shop's backend does per visitor).

    The shop signs it with the same `CHAINLIT_AUTH_SECRET` as the app; the widget posts it to `/auth/jwt`.
    """
    # lazy: importing Chainlit takes ~1 s and has side effects; only token minting needs it here
    from chainlit.auth import create_jwt
    from chainlit.user import User

    ensure_auth_secret(ui or UISettings())
    ident = identifier if identifier.startswith("shopper:") else shopper_identifier(identifier)
    if not ident:
        raise ValueError("shopper id: 1-128 characters from A-Z a-z 0-9 _ . @ : -")
    return create_jwt(User(identifier=ident, metadata={"role": "shopper"}))


# ---------------------------------------------------------------------------------------------- input
@dataclass
class CleanText:
    text: str
    truncated: bool = False
    original_chars: int = 0


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_user_text(raw: str | None, limit: int = MAX_MESSAGE_CHARS) -> CleanText:
    """Normalise a shopper message: NFC, no control characters, trimmed, at most `limit` characters."""
    text = unicodedata.normalize("NFC", raw or "")
    text = _CONTROL.sub(" ", text).strip()
    n = len(text)
    if n <= limit:
        return CleanText(text, False, n)
    cut = text[:limit]
    space = cut.rfind(" ")
    if space > limit * 0.6:
        cut = cut[:space]
    return CleanText(cut.rstrip(), True, n)


def escape_markdown_html(text: str) -> str:
    """Neutralise markup in text shown as markdown: tags become visible text, never elements."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_LIST_ITEM = re.compile(r"^\s*(?:\d+[.)]|[-*+])\s")


def tidy_markdown(text: str) -> str:
    r"""End lists before a following plain line (markdown would glue "You can say: ..." into the last item).

    >>> tidy_markdown("1. a\n2. b\nYou can say: more")
    '1. a\n2. b\n\nYou can say: more'
    """
    lines = text.split("\n")
    out: list[str] = []
    for i, line in enumerate(lines):
        if i and line.strip() and not _LIST_ITEM.match(line) and _LIST_ITEM.match(lines[i - 1]) \
                and not line.startswith((" ", "\t")):
            out.append("")
        out.append(line)
    return "\n".join(out)


# ---------------------------------------------------------------------------------------------- chips
def _money(x: float) -> str:
    return money(x)  # the catalog's currency (tools/describe.py)


def _bound(field_name: str, value: Any, filters: Filters) -> str:
    """One bound in chip words: numbers as "<= $300", levels in the words the agent uses ("cheap")."""
    if isinstance(value, str):
        return constraint_label(field_name, value, filters)
    attribute, side = NUMERIC_FIELDS[field_name]
    op = ">=" if side == "min" else "<="
    if attribute == "price":
        return f"{op} {_money(value)}"
    if attribute == "review_count":
        return f"{op} {value:,.0f}"
    if attribute == "storage_gb":
        return f"{op} {value:g} GB"
    return f"{op} {value:g}"


# Chip groups: (group, its fields from `FIELD_GROUPS`, chip name, what the remove button says for the shopper).
CHIP_GROUPS: tuple[tuple[str, tuple[str, ...], str, str], ...] = tuple(
    (group, FIELD_GROUPS[group], name, remove) for group, name, remove in (
        ("price", "price", "any price"),
        ("rating", "rating", "any rating"),
        ("reviews", "reviews", "drop the reviews filter"),
        ("subcategory", "category", "any category"),
        ("brand", "brand", "any brand"),
        ("color", "color", "any color"),
        ("storage", "storage", "any storage"),
        ("carrier", "carrier", "any carrier"),
        ("condition", "condition", "any condition"),
    ))


def chips_for(filters: Filters) -> list[dict[str, str]]:
    """The active constraints as chips: {"group", "label", "remove"}; one chip per removable group.

    `remove` is the sentence the chip's remove button sends as the shopper's own message, so removing
    a chip is exactly typing it (and goes through the same extraction, state update and search).
    """
    active = filters.active()
    chips: list[dict[str, str]] = []
    for group, fields, name, remove in CHIP_GROUPS:
        present = [f for f in fields if f in active]
        if not present:
            continue
        if group == "subcategory":
            sub = active["subcategory"]
            value = {PHONES: "phones", ACCESSORIES: "accessories"}.get(sub, str(sub))
            label = f"{name}: {value}"
        elif group == "brand":
            parts = []
            if "brand" in active:
                parts.append(" or ".join(active["brand"]))
            if "brand_exclude" in active:
                parts.append("not " + " or ".join(active["brand_exclude"]))
            label = f"{name}: {', '.join(parts)}"
        elif group in ("color", "carrier"):
            label = f"{name}: {' or '.join(active[fields[0]])}"
        elif group == "condition":
            label = f"{name}: {active['condition']}"
        else:
            bounds = [_bound(f, active[f], filters) for f in present]
            numeric = all(b[:2] in (">=", "<=") for b in bounds)
            label = f"{name} {', '.join(bounds)}" if numeric else f"{name}: {', '.join(bounds)}"
        chips.append({"group": group, "label": label, "remove": remove})
    return chips


# ---------------------------------------------------------------------------------------------- cards
_SAFE_URL = re.compile(r"https?://[^\s\"'<>]+", re.IGNORECASE)


def safe_image_url(url: str | None) -> str | None:
    """Only plain http(s) URLs reach an <img src> (no javascript:, data:, or relative paths)."""
    if not url or not _SAFE_URL.fullmatch(url.strip()):
        return None
    return url.strip()


def _card_price(x: float, currency: Any) -> str:
    """"$19.99", or "19.99 EUR" for a catalog in another currency (records name it only when not USD)."""
    return _money(x) if currency in (None, display_currency()) else f"{x:,.2f} {currency}"


def card_props(card: dict[str, Any], position: int, product: Any = None) -> dict[str, Any]:
    """Props of one `ProductCard` element from a `TurnResult.cards` dict. Text stays raw: React escapes it.

    `position` is the number on the card (0: none); with `product`, the card carries its details, which
    open in place when the shopper clicks "details"."""
    price = card.get("price")
    rating = card.get("rating")
    reviews = card.get("reviews")
    return {
        "details": card_details(product) if product is not None else None,
        "variants": str(card.get("variants_label") or "")[:80],
        "id": str(card.get("id", "")),
        "position": position,
        "title": str(card.get("title") or "")[:160],
        "brand": str(card.get("brand") or ""),
        "price": _card_price(float(price), card.get("currency")) if isinstance(price, int | float) else "",
        "rating": round(float(rating), 1) if isinstance(rating, int | float) else None,
        "reviews": int(reviews) if isinstance(reviews, int | float) else 0,
        "image": safe_image_url(card.get("image_url")),
        "url": safe_image_url(card.get("url")),  # the product page: the same http(s)-only rule as images
        "why": [str(w) for w in (card.get("why") or [])][:4],
    }


# ---------------------------------------------------------------------------------------------- turns
@dataclass
class TurnRecord:
    """What the transcripts store per turn (in the answer message's metadata under "sift_turn")."""

    user_text: str
    filters: dict[str, Any]
    matched: int
    shown: list[str]
    latency_ms: float
    chips: list[str] = field(default_factory=list)
    clarifying: bool = False
    relaxations: list[dict[str, Any]] = field(default_factory=list)
    source: str = "message"  # message | chip | action | upload | invalid
    truncated: bool = False
    answer: str = ""
    topic: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"user_text": self.user_text, "filters": self.filters, "matched": self.matched,
                "shown": self.shown, "latency_ms": round(self.latency_ms, 1), "chips": self.chips,
                "clarifying": self.clarifying, "relaxations": self.relaxations, "source": self.source,
                "truncated": self.truncated, "answer": self.answer, "topic": self.topic}


def turn_record(result: Any, user_text: str, source: str = "message", truncated: bool = False) -> TurnRecord:
    """A `TurnRecord` from an agent `TurnResult` (duck-typed so tests can pass a stand-in)."""
    return TurnRecord(user_text=user_text, filters=dict(result.filters.active()), matched=int(result.matched),
                      shown=list(result.shown), latency_ms=float(result.latency_ms),
                      chips=[c["label"] for c in chips_for(result.filters)], clarifying=bool(result.clarifying),
                      relaxations=list(result.relaxations or []), source=source, truncated=truncated,
                      answer=result.answer, topic=str(getattr(result, "topic", "") or ""))


def filters_step_output(filters: Filters) -> str:
    return json.dumps(filters.active(), ensure_ascii=False, indent=2)


def search_step_output(result: Any) -> str:
    shown = ", ".join(result.shown) if result.shown else "none"
    return f"matched {result.matched} products; showing {shown}; {result.latency_ms:.0f} ms"


def details_markdown(product: Any) -> str:
    """A product's details as escaped markdown (catalog text may contain markup)."""
    e = escape_markdown_html
    lines = [f"**{e(product.title)}**", ""]
    facts = []
    if product.brand:
        facts.append(f"brand: {e(product.brand)}")
    if product.price is not None:
        facts.append(f"price: {_money(product.price)}")
    if product.average_rating is not None:
        facts.append(f"rating: {product.average_rating:.1f} stars from {product.rating_number or 0:,} reviews")
    for name in ("color", "storage_gb", "condition"):
        v = getattr(product, name, None)
        if v:
            facts.append(f"{name.replace('_gb', '')}: {e(str(v))}{' GB' if name == 'storage_gb' else ''}")
    if product.carriers:
        facts.append("carriers: " + e(", ".join(product.carriers)))
    lines += [f"- {f}" for f in facts]
    features = [f for f in (product.features or []) if f][:5]
    if features:
        lines += ["", "Features:"] + [f"- {e(str(f)[:200])}" for f in features]
    return "\n".join(lines)


def html_text(text: str) -> str:
    return html.escape(text, quote=True)


# ---------------------------------------------------------------------------------------------- serve
def chainlit_command(host: str, port: int, headless: bool = True) -> list[str]:
    cmd = [sys.executable, "-m", "chainlit", "run", "app.py", "--host", host, "--port", str(port)]
    if headless:
        cmd.append("--headless")
    return cmd


def serve(settings: Settings, host: str = "127.0.0.1", port: int = 8000, headless: bool = True) -> int:
    """Run the chat window (`chainlit run app.py`) in the repository root until interrupted; returns its exit code.

    The staff password is printed once so a first-time user can log in.
    """
    ui = settings
    env = dict(os.environ)
    env.setdefault("SIFT_HOME", str(settings.home.resolve()))
    ensure_auth_secret(ui)
    env["CHAINLIT_AUTH_SECRET"] = os.environ["CHAINLIT_AUTH_SECRET"]
    if not ui.staff_password:
        print(f"staff login: {ui.staff_user} / {staff_password(ui)}  (set SIFT_STAFF_PASSWORD to choose one)")
    print(f"chat window: http://{host}:{port}   staff review: http://{host}:{port}/staff")
    proc = subprocess.Popen(chainlit_command(host, port, headless), cwd=REPO_ROOT, env=env)
    try:
        return proc.wait()
    except KeyboardInterrupt:
        proc.terminate()
        return proc.wait()
