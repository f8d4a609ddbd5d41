"""Export conversations for review: JSON Lines (one turn per line) or a self-contained HTML page.

Every turn carries the user text, extracted filters, matched count, shown product ids, answer, latency
and feedback. HTML escapes everything it prints (user and catalog text may hold markup or script tags).

    >>> print(to_jsonl([conv]))                     # doctest: +SKIP
    {"conversation_id": "c1", "turn": 1, "user_text": "cheap samsung phone", "filters": {...}, ...}
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable, Iterable
from typing import Any

from .store import Conversation, Turn

FEEDBACK_WORDS = {1: "thumbs up", 0: "thumbs down", None: ""}


def turn_rows(conversations: Iterable[Conversation]) -> list[dict[str, Any]]:
    rows = []
    for conv in conversations:
        for t in conv.turns:
            rows.append({"conversation_id": conv.id, "user": conv.user, "turn": t.index,
                         "created_at": t.created_at, "user_text": t.user_text, "filters": t.filters,
                         "matched": t.matched, "shown": t.shown, "answer": t.answer,
                         "latency_ms": t.latency_ms, "feedback": t.feedback,
                         "feedback_comment": t.feedback_comment, "source": t.source})
    return rows


def to_jsonl(conversations: Iterable[Conversation]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in turn_rows(conversations))


def _e(x: Any) -> str:
    return html.escape(str(x), quote=True)


def _filters_html(filters: dict[str, Any]) -> str:
    if not filters:
        return '<span class="none">none</span>'
    items = []
    for k, v in filters.items():
        value = ", ".join(map(str, v)) if isinstance(v, list) else v
        items.append(f'<li><code>{_e(k)}</code> = {_e(value)}</li>')
    return f"<ul class=\"filters\">{''.join(items)}</ul>"


def _turn_html(t: Turn, product_title: Callable[[str], str | None]) -> str:
    shown = []
    for pid in t.shown:
        title = product_title(pid)
        shown.append(f"<li><code>{_e(pid)}</code>{' ' + _e(title) if title else ''}</li>")
    fb = FEEDBACK_WORDS.get(t.feedback, "")
    fb_html = f'<span class="fb fb{t.feedback}">{_e(fb)}</span>' if fb else ""
    if t.feedback_comment:
        fb_html += f" <q>{_e(t.feedback_comment)}</q>"
    return f"""<section class="turn" id="turn-{t.index}">
<h3>Turn {t.index} <small>{_e(t.created_at)}</small> {fb_html}</h3>
<p class="user"><b>Shopper:</b> {_e(t.user_text)}</p>
<div class="meta"><b>Filters:</b> {_filters_html(t.filters)}
<p><b>Matched:</b> <span class="matched">{t.matched}</span> &middot; <b>Latency:</b> {t.latency_ms:.0f} ms
&middot; <b>Source:</b> {_e(t.source)}</p>
<b>Shown:</b> <ol class="shown">{''.join(shown) or '<li class="none">nothing</li>'}</ol></div>
<pre class="answer">{_e(t.answer)}</pre>
</section>"""


_CSS = """body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
.conv{border-top:2px solid #888;margin-top:2rem}.turn{border:1px solid #ddd;border-radius:6px;padding:.5rem 1rem;
margin:1rem 0}.answer{white-space:pre-wrap;background:#f7f7f7;padding:.5rem}.fb1{color:#070}.fb0{color:#b00}
.none{color:#888}small{color:#888;font-weight:normal}"""


def to_html(conversations: Iterable[Conversation], product_title: Callable[[str], str | None] | None = None,
            title: str = "Sift conversations") -> str:
    """A standalone page; `product_title(id)` (optional) names shown products next to their ids."""
    lookup = product_title or (lambda _pid: None)
    parts = []
    for conv in conversations:
        turns = "\n".join(_turn_html(t, lookup) for t in conv.turns)
        if conv.clicks:  # card clicks ("details"), by product title
            items = "".join(f"<li><small>{_e(c.created_at)}</small> clicked {_e(c.action)}: "
                            f"{_e(c.title or lookup(c.product_id) or c.product_id)}</li>" for c in conv.clicks)
            turns += f'\n<section class="clicks"><h3>Clicks</h3><ul>{items}</ul></section>'
        parts.append(f"""<article class="conv" id="conv-{_e(conv.id)}">
<h2>Conversation <code>{_e(conv.id)}</code></h2>
<p>{_e(conv.user or 'unknown user')} &middot; {_e(conv.created_at or '')} &middot; {len(conv.turns)} turns</p>
{turns}
</article>""")
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{_e(title)}</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<style>{_CSS}</style></head>
<body><h1>{_e(title)}</h1>
{''.join(parts) or '<p class="none">No conversations.</p>'}
</body></html>
"""
