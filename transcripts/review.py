"""The staff review page's list: one row per conversation with what a reviewer scans for first.

    >>> rows = review_rows(store.all_conversations(), query="case")      # doctest: +SKIP
    >>> rows[0].first_message, rows[0].turns, rows[0].zero_results, rows[0].comments
    ('a black case for a pixel 8', 3, 1, ['wrong phone model'])

A query keeps the conversations whose shopper messages, answers, feedback comments, user or id contain it
(case-insensitive). Everything printed is HTML-escaped: shopper and catalog text may hold markup.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import quote

from .store import Conversation


@dataclass
class ReviewRow:
    id: str
    user: str | None
    created_at: str | None
    first_message: str
    turns: int
    zero_results: int
    thumbs_up: int
    thumbs_down: int
    comments: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _haystack(conv: Conversation) -> str:
    parts = [conv.id, conv.user or ""]
    for t in conv.turns:
        parts += [t.user_text, t.answer, t.feedback_comment or ""]
    return "\n".join(parts).lower()


def review_rows(conversations: Iterable[Conversation], query: str = "") -> list[ReviewRow]:
    """Newest first; only conversations matching `query` when one is given."""
    q = query.strip().lower()
    rows = []
    for conv in conversations:
        if not conv.turns or (q and q not in _haystack(conv)):
            continue
        rows.append(ReviewRow(
            id=conv.id, user=conv.user, created_at=conv.created_at, first_message=conv.turns[0].user_text,
            turns=len(conv.turns), zero_results=sum(t.matched == 0 and not t.clarifying for t in conv.turns),
            thumbs_up=sum(t.feedback == 1 for t in conv.turns), thumbs_down=sum(t.feedback == 0 for t in conv.turns),
            comments=[t.feedback_comment for t in conv.turns if t.feedback_comment]))
    return sorted(rows, key=lambda r: r.created_at or "", reverse=True)


def _e(x: Any) -> str:
    return html.escape(str(x), quote=True)


CSS = """body{font-family:system-ui,sans-serif;max-width:72rem;margin:1.5rem auto;padding:0 1rem;color:#1f2937}
header{display:flex;align-items:center;gap:.75rem}header img{height:32px}table{border-collapse:collapse;width:100%}
th,td{border-bottom:1px solid #e5e7eb;padding:.45rem .5rem;text-align:left;vertical-align:top;font-size:14px}
th{background:#f3f4f6}.mark{display:inline-block;white-space:nowrap;border-radius:999px;padding:0 .5rem;font-size:12px;margin-right:.25rem}
.zero{background:#fef3c7;color:#92400e}.down{background:#fee2e2;color:#991b1b}.up{background:#dcfce7;color:#166534}
q{color:#374151;display:block}input[type=search]{width:22rem;padding:.35rem}.muted{color:#6b7280}
form.login{display:grid;gap:.5rem;max-width:18rem}form.login input{padding:.4rem}.error{color:#b91c1c}"""


def page(title: str, body: str) -> str:
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{_e(title)}</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'self'; style-src 'unsafe-inline'; img-src 'self'">
<style>{CSS}</style></head>
<body><header><img src="/public/logo_light.svg" alt="Sift"><h1>{_e(title)}</h1></header>
{body}
</body></html>
"""


def index_html(rows: list[ReviewRow], query: str = "", base: str = "/staff") -> str:
    """The list page: a search box and one table row per conversation (markers for zero results and thumbs)."""
    trs = []
    for r in rows:
        marks = []
        if r.zero_results:
            marks.append(f'<span class="mark zero" title="turns with no results">{r.zero_results} zero-result</span>')
        if r.thumbs_down:
            marks.append(f'<span class="mark down">{r.thumbs_down} thumbs down</span>')
        if r.thumbs_up:
            marks.append(f'<span class="mark up">{r.thumbs_up} thumbs up</span>')
        comments = "".join(f"<q>{_e(c)}</q>" for c in r.comments)
        trs.append(f"""<tr data-testid="review-row" data-conversation="{_e(r.id)}">
<td><a href="{base}/conversation/{quote(r.id, safe='')}">{_e(r.first_message[:120])}</a>
<div class="muted">{_e(r.user or 'unknown')} &middot; {_e((r.created_at or '')[:19])}</div></td>
<td>{r.turns}</td><td>{''.join(marks)}</td><td>{comments}</td></tr>""")
    table = ("<table><thead><tr><th>first message</th><th>turns</th><th>markers</th><th>feedback comments</th>"
             f"</tr></thead><tbody>{''.join(trs)}</tbody></table>") if trs else \
        f'<p class="muted">No conversations{" match " + _e(query) if query else " yet"}.</p>'
    return page("Sift: conversations for review", f"""<form method="get" action="{base}">
<input type="search" name="q" value="{_e(query)}" placeholder="search messages, answers, comments" aria-label="search">
<button type="submit">Search</button> <a href="{base}/logout">log out</a></form>
<p class="muted">{len(rows)} conversation{'s' if len(rows) != 1 else ''}</p>
{table}""")


def login_html(error: str = "", base: str = "/staff") -> str:
    err = f'<p class="error">{_e(error)}</p>' if error else ""
    return page("Sift staff login", f"""{err}<form class="login" method="post" action="{base}/login">
<label for="username">Username</label><input id="username" name="username" autocomplete="username" required>
<label for="password">Password</label><input id="password" name="password" type="password"
 autocomplete="current-password" required>
<button type="submit">Log in</button></form>""")
