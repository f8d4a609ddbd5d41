"""Answers of the offline policy, written from the tools' JSON results and the templates in
`prompts/answers.toml` (wording is data; this module only fills it in).

Every statement about a product comes from its own attribute values in the tool result, and the
search tool only returns products that satisfy every active constraint, so an answer never claims a
product meets a constraint that it does not.
"""

from __future__ import annotations

import math
import re
import tomllib
from functools import lru_cache
from typing import Any

from lexicon.words import field_words
from prompts import load_prompt
from retrieval.query_terms import readable
from tools.catalog_tools import content_words
from tools.describe import money

from .verdict_answers import ranking_answer, tally_line, verdict_line

_SUBCATEGORY_WORDS = {"Cell Phones": "phones", "Cell Phone Accessories": "accessories"}
_PICK_WORDS = {"cheapest": "cheaper", "priciest": "pricier", "best_rated": "better rated",
               "most_reviewed": "more reviewed", "recommended": "best pick"}


@lru_cache(maxsize=1)
def templates() -> dict[str, str]:
    return tomllib.loads(load_prompt("answers"))


def t(name: str, **values: Any) -> str:
    return templates()[name].format(**values)


def _join(items: list[str], word: str = "and") -> str:
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {word} " + items[-1]


def _rating(rec: dict[str, Any]) -> str:
    if rec.get("rating") is None:
        return "no rating yet"
    reviews = rec.get("reviews")
    return f"{rec['rating']:.1f} stars" + (f" from {reviews:,} ratings" if reviews else "")


_MARKDOWN = re.compile(r"([\\`*_\[\]<>!])")
QUOTE_CHARS = 80


def quote(text: str) -> str:
    """The shopper's words echoed back in quotes: cut to `QUOTE_CHARS`, Markdown and HTML escaped, so a pasted
    link, image, script or 10 KB of text shows as a short plain phrase (the chat window renders Markdown)."""
    s = text if len(text) <= QUOTE_CHARS else text[: QUOTE_CHARS - 1].rstrip() + "\u2026"
    return '"' + _MARKDOWN.sub(r"\\\1", s) + '"'


def what(payload: dict[str, Any]) -> str:
    """"Samsung phones under $200, black" style summary of the state (chips + topic)."""
    chips = list(payload.get("chips") or [])
    topic = (payload.get("query") or payload.get("topic") or "").strip()
    topic = topic if content_words(topic) else ""
    if not chips and not topic:
        return t("anything")
    head = quote(readable(topic)) if topic else ""  # "earphones -wired" -> "earphones, not wired"
    return ", ".join(x for x in [head, *chips] if x)


def understood(extraction: dict[str, Any] | None, search: dict[str, Any]) -> str:
    if not extraction:
        return t("understood", what=what(search))
    changes: list[str] = []
    if extraction.get("undone"):
        changes.append(t("undone"))
    elif "nothing to undo yet" in (extraction.get("warnings") or []):
        changes.append(t("nothing_to_undo"))
    if extraction.get("reset"):
        changes.append("starting over")
    topic = (search.get("query") or "").strip()
    if content_words(topic) and topic != (extraction.get("previous_topic") or ""):
        changes.append(quote(readable(topic)))
    chips_by_field = dict(zip(search.get("filters", {}), search.get("chips", []), strict=False))
    changed = set(extraction.get("changed", {}))
    changes += [chips_by_field[f] for f in chips_by_field if f in changed]
    if extraction.get("removed"):
        labels = [field_words(f) for f in extraction["removed"]]
        changes.append(t("dropped", labels=_join(list(dict.fromkeys(labels)))))  # min and max: one label
    if not changes:
        return t("understood", what=what(search))
    kept = [chips_by_field[f] for f in chips_by_field if f not in changed]
    still = t("still", labels=", ".join(kept)) if kept else ""
    line = t("understood_changed", changes=", ".join(changes), still=still)
    # A price said in another currency was converted (extraction/currency.py): say what it became.
    money = [w for w in extraction.get("warnings") or [] if w.startswith("prices here are in")]
    return line + (f" ({money[0][0].upper()}{money[0][1:]}.)" if money else "")


def short_title(title: str, limit: int = 90) -> str:
    """A title cut at a word boundary with an ellipsis, never mid-word ("Galaxy S21 Ultra 5G…")."""
    title = " ".join(title.split())
    if len(title) <= limit:
        return title
    cut = title[: limit + 1].rsplit(" ", 1)[0] if " " in title[:limit] else title[:limit]
    return cut.rstrip(" -|,;:/(") + "\u2026"


def result_lines(results: list[dict[str, Any]]) -> list[str]:
    lines = []
    for rec in results:
        reasons = rec.get("why") or []
        lines.append(t("item", pos=rec["pos"], title=short_title(rec["title"]), price=money(rec.get("price")),
                       rating=_rating(rec), why=t("why", reasons=", ".join(reasons)) if reasons else ""))
    return lines


def next_steps(search: dict[str, Any]) -> str:
    """Three or four things the shopper can say next, chosen from what would change the results."""
    opts: list[str] = []
    filters = search.get("filters", {})
    facets = search.get("facets", {})
    results = search.get("results", [])
    if search.get("has_more"):
        opts.append('"show more"')
    if len(results) >= 2:
        opts.append('"compare the first two"')
    elif results:
        opts.append('"tell me about the first one"')
    if "brand" not in filters:
        brands = list(facets.get("brand", {}))
        if brands:
            opts.append(f'"only {brands[0]}"')
    elif len(facets.get("brand", {})) > 1:
        other = [b for b in facets["brand"] if b not in filters["brand"]]
        if other:
            opts.append(f'"what about {other[0]} instead?"')
    prices = [r["price"] for r in results if r.get("price")]
    if "price_max" not in filters and prices:
        cap = sorted(prices)[len(prices) // 2]
        step = 5 if cap < 100 else 50
        opts.append(f'"under {money(max(step, math.floor(cap * 0.8 / step) * step))}"')
    elif "color" not in filters and facets.get("color"):
        opts.append(f'"only {next(iter(facets["color"]))} ones"')
    opts.append('"start over"')
    return t("next_steps", options=", ".join(opts[:5]))


def _counts(d: dict[str, int], limit: int = 5, rename: dict[str, str] | None = None) -> str:
    items = [(k, v) for k, v in d.items() if v > 0][:limit]
    return ", ".join(f"{(rename or {}).get(k, k)} ({v})" for k, v in items)


def render_search(search: dict[str, Any], extraction: dict[str, Any] | None,
                  more: bool = False) -> tuple[str, bool]:
    """The answer to a search turn and whether it is a clarifying question."""
    lead, items, tail, clarifying = search_parts(search, extraction, more)
    return "\n".join(lead + items + tail), clarifying


def render_search_summary(search: dict[str, Any], extraction: dict[str, Any] | None, more: bool = False) -> str:
    """The same answer for a window that shows the products as cards and the options as buttons: the lead
    sentences only (what was understood, how many match, what changed), never the list a second time."""
    lead, items, tail, _ = search_parts(search, extraction, more)
    if int(search.get("matched") or 0) == 0 and search.get("relaxations"):
        lead = lead + [t("empty_offers_buttons")]
    if search.get("close_matches") is not None:  # say why fewer cards than usual, and that more exist
        n_close = search["close_matches"]
        lead = lead + [t("close_only", n=n_close, are="is" if n_close == 1 else "are")]
    return "\n".join(lead)


def search_parts(search: dict[str, Any], extraction: dict[str, Any] | None,
                 more: bool = False) -> tuple[list[str], list[str], list[str], bool]:
    """(lead sentences, one line per product, what to say next, clarifying) of a search turn."""
    matched = int(search.get("matched") or 0)
    results = search.get("results") or []
    if more:
        if not results:
            if matched == 0:
                return [t("more_nothing", constraints=_join(search.get("chips") or [what(search)]))], [], [], False
            return [t("no_more", matched=matched)], [], [], False
        offset = int(search.get("offset") or 0)
        lead = [t("page_more", first=offset + 1, last=offset + len(results), matched=matched)]
        return lead, result_lines(results), [next_steps(search)], False
    lead = [understood(extraction, search)]
    if matched == 0:
        lead.append(t("empty", constraints=_join(search.get("chips") or [what(search)])))
        blockers = search.get("blockers") or []
        if len(blockers) == 1:
            lead.append(t("empty_blocker", label=blockers[0]["label"], count=blockers[0]["count_without"]))
        elif blockers:
            lead.append(t("empty_blockers", labels=_join([b["label"] for b in blockers], "or")))
        elif not blockers and len(search.get("filters", {})) > 1:
            lead.append(t("empty_conflict"))
        offers = search.get("relaxations") or []
        tail = [t("empty_offers", offers="; ".join(t("offer", label=o["label"], count=o["count"])
                                                   for o in offers))] if offers else []
        return lead, [], tail, False
    if search.get("broad"):
        return _clarify_parts(search, matched, results)
    n = len(results)
    if matched == 1:
        lead.append(t("matched_one"))
    elif matched <= n:
        lead.append(t("matched_few", matched=matched))
    else:
        lead.append(t("matched_many", matched=matched, n=n))
    if search.get("sort") and n > 1:
        lead.append(t("sorted", order=t("sort_" + search["sort"])))
    tail = []
    if search.get("close_matches") is not None:  # the list stopped at the close matches (tools: shape_page)
        n_close = search["close_matches"]
        tail.append(t("close_only", n=n_close, are="is" if n_close == 1 else "are"))
    if not search.get("exhaustive", True):
        tail.append(t("approx"))
    return lead, result_lines(results), tail + [next_steps(search)], False


def _clarify_parts(search: dict[str, Any], matched: int,
                   results: list[dict[str, Any]]) -> tuple[list[str], list[str], list[str], bool]:
    facets = search.get("facets", {})
    lead = [t("clarify_lead", matched=matched)]
    if not search.get("filters", {}).get("subcategory") and len(facets.get("subcategory", {})) > 1:
        lead.append(t("clarify_department", options=_counts(facets["subcategory"], rename=_SUBCATEGORY_WORDS)))
    elif facets.get("brand"):
        lead.append(t("clarify_brand", options=_counts(facets["brand"], 5)))
    if facets.get("price"):
        lead.append(t("clarify_budget", options=_counts(facets["price"], 6)))
    if results:
        lead.append(t("clarify_meanwhile"))
    return lead, result_lines(results), [], True  # the same products the cards show


_DETAIL_FIELDS = (("price", "price"), ("rating", "rating"), ("brand", "brand"), ("color", "color"),
                  ("storage_gb", "storage"), ("carriers", "carriers"), ("condition", "condition"))


def buy_line(payload: dict[str, Any]) -> str:
    """ "To buy #2 Samsung Galaxy A03s, open its page: <url>": the chat places no order and fills no cart."""
    products = payload.get("products") or []
    if len(products) != 1:
        return ""
    p = products[0]
    which = (f"#{p['pos']} " if p.get("pos") else "") + short_title(p.get("title") or "", 60)
    link = f": {p['url']}" if p.get("url") else " (its card links to it)"
    return t("buy", which=which, link=link)


def render_details(payload: dict[str, Any], compare: bool = False) -> str:
    products = payload.get("products") or []
    stale = [t("details_stale", which=(f"#{s['pos']} " if s.get("pos") else "") + s["title"][:60],
               fails=_join(s.get("fails") or [], "and")) for s in payload.get("no_longer_match") or []]
    if stale and not products:
        return "\n".join(stale)
    if payload.get("missing_positions") and not products:
        shown = payload.get("shown_count", 0)
        if not shown:
            return t("details_nothing")
        positions = _join([str(p) for p in payload["missing_positions"]], "or")
        return t("details_missing", shown=f"{shown} product" + ("s" if shown != 1 else ""), last=shown,
                 positions=positions)
    if payload.get("not_described") and not products and payload.get("shown_count"):
        what_ = payload["not_described"]
        return t("details_not_described", shown=payload["shown_count"], what=quote(what_),
                 plain=re.sub(r"[^a-z0-9+ ]", "", what_.lower())[:40])
    if not products:
        return t("details_nothing")
    if payload.get("ranking"):  # "which has the biggest battery?": the winner and every figure, nothing else
        return ranking_answer(payload["ranking"], {p["id"]: _title(p) for p in products})
    if payload.get("all_shown") and payload.get("question"):  # "do any of these have a mic?": one verdict each
        tally = tally_line(products)
        return "\n".join(([tally] if tally else []) + _question_lines(products) + stale)
    parts: list[str] = []
    if payload.get("pick") and len(products) == 1 and len(payload.get("picked_from") or []) > 1:
        if payload["pick"] == "recommended":
            parts.append(t("recommend", n=len(payload["picked_from"]), title=_title(products[0]),
                           rating=_rating(products[0])))
        else:
            parts.append(t("pick", adjective=_PICK_WORDS.get(payload["pick"], payload["pick"]),
                           title=_title(products[0])))
    if len(products) > 1:
        parts.append(t("compare_head", n=len(products)))
    if payload.get("question"):
        parts += _question_lines(products)
    for p in products:
        parts.append(t("details_one", pos=f"#{p['pos']} " if p.get("pos") else "", title=p["title"]))
        parts += [t("details_line", label=label, value=v) for label, v in _detail_values(p)]
        for f in (p.get("features") or [])[:3]:
            parts.append(t("details_line", label="feature", value=f))
    parts += stale
    comparison = payload.get("comparison") or {}
    by_id = {p["id"]: p for p in products}
    for key, adjective in (("cheapest", "Cheaper"), ("best_rated", "Better rated"),
                           ("most_reviewed", "More reviewed"), ("most_storage", "More storage")):
        if key in comparison and comparison[key] in by_id:
            parts.append(t("compare_winner", adjective=adjective, title=_title(by_id[comparison[key]])))
    return "\n".join(parts)


def _question_lines(products: list[dict[str, Any]]) -> list[str]:
    lines = []
    for p in products:
        ans = p.get("answer") or {}
        if ans.get("verdict"):  # read from the listing: yes / no / partly, quoting the sentence
            lines.append(verdict_line(_title(p), ans))
            continue
        for f in ans.get("found") or []:
            lines.append(t("answer_found", term=quote(f["term"]), title=_title(p), evidence=quote(f["evidence"])))
        if ans.get("unknown"):
            lines.append(t("answer_unknown", title=_title(p), terms=_join([quote(u) for u in ans["unknown"]], "or")))
    return lines


def _title(p: dict[str, Any], limit: int = 60) -> str:
    title = p["title"]
    if len(title) > limit:
        title = title[:limit].rsplit(" ", 1)[0].rstrip(" -|,") + "..."
    return (f"#{p['pos']} " if p.get("pos") else "") + title


def _detail_values(p: dict[str, Any]) -> list[tuple[str, str]]:
    out = []
    for key, label in _DETAIL_FIELDS:
        v = p.get(key)
        if v in (None, "", []):
            continue
        if key == "price":
            v = money(v)
        elif key == "rating":
            v = _rating(p)
        elif key == "storage_gb":
            v = f"{v:g} GB"
        elif isinstance(v, list):
            v = ", ".join(v)
        out.append((label, str(v)))
    return out
