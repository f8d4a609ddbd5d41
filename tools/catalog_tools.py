"""The agent's three tools over extraction/ and retrieval/, bound to one engine and one extractor.

Each tool reads the conversation state through `ToolRuntime` and writes it back with
`Command(update=...)`; its `ToolMessage` is compact JSON (what a model needs to write an answer).

    extract_filters(utterance)                      -> new full filter state (+ what changed, topic)
    search_products(query?, more?, k?)              -> hits, matched count, exhaustive flag, facet counts,
                                                       relaxation offers when nothing matches
    product_details(positions?, product_ids?, use_focus?, pick?) -> full details of shown products

    >>> tools = make_tools(engine, extractor)                                 # doctest: +SKIP
    >>> [t.name for t in tools]                                               # doctest: +SKIP
    ['extract_filters', 'search_products', 'product_details']
"""

from __future__ import annotations

import json
import re
from typing import Any

from langchain.tools import ToolRuntime, tool
from langchain_core.messages import ToolMessage
from langchain_core.tools import BaseTool
from langgraph.types import Command

from extraction.base import Extractor
from extraction.snapping import not_carried
from retrieval.catalog import Product
from retrieval.filters import ACCESSORIES, Filters
from retrieval.query_terms import adds_feature, merge_topic
from retrieval.search import SearchEngine

from . import compare, fits, history, soft
from .describe import constraint_labels
from .listing import ListingReader, is_semantic
from .not_a_search import NotASearch
from .questions import answer as answer_question
from .relax import blockers, relaxations
from .results import card, shape_page
from .schemas import ExtractFiltersArgs, ProductDetailsArgs, SearchProductsArgs
from .shown_products import compare_record, described, details, failed, pick_one
from .shown_question import TYPE_FIELDS, asked_feature, part_of_shown, shop_instead, switched_to_accessory
from .state import filters_of

EXTRACT, SEARCH, DETAILS = "extract_filters", "search_products", "product_details"
# A first request with no constraint beyond the department and no product words is "broad": worth a question.
_GENERIC = set("""a an the some any me i my we you it for to of and or with on in please pls just
something anything stuff thing things item items product products phone phones smartphone smartphones cell
mobile accessory accessories buy need needs want wanna looking look find get show see help good nice new
great best cool one ones hi hello hey""".split())
# Words left over from questions and fillers ("does it come", "what's", "i'd prefer", "go back"): a "topic"
# made only of these (and numbers) says nothing about the product, so the conversation's topic is kept.
_FILLER_TOPIC = set("""what what's whats is are was does do did can could would should will it its it's that that's
this these those them they their come comes back go going prefer i'd id i'm im like more less about how which first
last then now also too ok okay yes no not so well hmm actually instead rather really maybe sure right wait oh
recommend suggest pick choose think thought say said tell know mean let's lets lol thanks thank there here
up down again other else still same only save saving money""".split())
BROAD_MIN_MATCHED = 20
FACETS_SHOWN = ("subcategory", "brand", "color", "price", "average_rating", "storage_gb", "carrier", "condition")


def dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"), default=str)


def content_words(topic: str) -> list[str]:
    """Words of the topic that say something beyond "I want a phone" ("wireless", "charger", "galaxy")."""
    return [w for w in re.findall(r"[a-z0-9]+", topic.lower()) if w not in _GENERIC]


_UNDO = re.compile(r"^\W*(?:(?:ok|okay|no|nah|hmm+|oops|sorry|actually|wait|please|pls)\W+)*(?:undo(?: that| it| the last(?: change| step| one)?)?"
                   r"|go back(?: to (?:the )?(?:previous|last|earlier|prior|old|what i had|before|the way it was)"
                   r"(?: (?:one|ones|results?|search|filters?|list))?)?|revert(?: that| it)?|take that back"
                   r"|back to (?:the )?(?:previous|last|earlier) (?:results?|search|filters?|list)"
                   r"|previous (?:results|search|filters))(?:\W+(?:please|pls|thanks))?\W*$")


def is_undo(utterance: str) -> bool:
    """"undo", "go back", "back to the previous results": restore the constraints before the last change."""
    return bool(_UNDO.match((utterance or "").lower().replace("’", "'")))


def is_filler_topic(topic: str) -> bool:
    """True for a topic of filler and question words only ("does it come", "what's", "300")."""
    words = re.findall(r"[a-z0-9']+", topic.lower())
    return bool(words) and all(w in _FILLER_TOPIC or w in _GENERIC or w.isdigit() for w in words) \
        and not any(w in _PRODUCT_WORDS for w in words)


_PRODUCT_WORDS = {"phone", "phones", "smartphone", "smartphones", "cell", "mobile", "accessory", "accessories"}


def is_broad(filters: Filters, topic: str) -> bool:
    """No constraint beyond the department and no content word in the topic."""
    return not (set(filters.active_fields()) - {"subcategory"}) and not content_words(topic)


def make_tools(engine: SearchEngine, extractor: Extractor, page_size: int = 5) -> list[BaseTool]:
    """The three tools, closed over `engine` and `extractor`."""

    # Listing sentences are read by meaning when the engine has a sentence encoder (vectors cached per product).
    reader = ListingReader(engine.embedder) if is_semantic(engine.embedder) else None

    not_a_search = NotASearch(engine, semantic=reader is not None)  # built on the first turn that needs it

    def products(ids: list[str]) -> list[Product]:
        return [p for p in (engine.product(i) for i in ids) if p is not None]

    @tool(EXTRACT, args_schema=ExtractFiltersArgs)
    def extract_filters(utterance: str, runtime: ToolRuntime, accessory_for: str | None = None) -> Command:
        """Understand the shopper's latest message: update the constraints in force (price, brand, color,
        rating, reviews, storage, carrier, condition, phones vs accessories) and the product topic.
        Call it first on every shopper message that could change what they want. A result with
        `ask_shown` means the message asked about the products shown ("is there a headphone jack?"):
        answer it with product_details(question=...), not a new search."""
        state = runtime.state
        before = filters_of(state)
        shown = products(state.get("shown") or [])
        undone, rest = False, []
        ref = fits.referenced(engine, state, accessory_for) if accessory_for else None
        # "a case for the first one": the search starts over from what still makes sense for an accessory
        base, dropped = fits.accessory_base(before, engine.table.levels) if accessory_for else (before, [])
        if is_undo(utterance):
            # "undo", "go back": the constraints before the last change (said again, it redoes).
            result = None
            previous, rest = history.pop(state.get("undo"))
            if previous is not None:
                after, warnings, undone = filters_of({"filters": previous}), [], True
            else:
                after, warnings = before, ["nothing to undo yet"]
        else:
            try:
                result = extractor.extract(utterance, base, shown)
                after, warnings = result.filters, list(result.warnings)
            except Exception as exc:  # an extractor must not raise; if one does, keep the state and say so
                result, after, warnings = None, before, [f"extraction failed ({type(exc).__name__}); state kept"]
        if accessory_for and after.subcategory != ACCESSORIES and ACCESSORIES in engine.table.subcategories:
            after = after.merged(subcategory=ACCESSORIES)  # "covers for the second one" asks for accessories
        if result is not None and result.off_topic:  # no shopping content: nothing changes
            return _unchanged(runtime, before, engine, result.off_topic, list(result.warnings))
        reset = bool(result and result.reset)
        old_topic = "" if reset else (state.get("topic") or "")
        new_topic = result.topic if result and result.topic else None
        if new_topic and is_filler_topic(new_topic):
            new_topic = None  # "does it come in blue": the blue filter is the news, not a topic "does it come"
        if new_topic:  # "nothing wired" after "earphones": the earphones, less the wired ones
            new_topic = merge_topic(old_topic, new_topic, adds=adds_feature(utterance))
        topic = new_topic or old_topic
        before_active, after_active = before.active(), after.active()
        changed = {k: v for k, v in after_active.items() if before_active.get(k) != v}
        removed = [k for k in before_active if k not in after_active]
        # "is there a headphone jack?", "is there a backlit keyboard?" with products on screen: a question about
        # them, not a new search, when it changed nothing or only the product type (what a type switch drops
        # with it, "under $300" for a phone, may go); for an accessory type the answer says how to shop for it
        asked = asked_feature(utterance) if shown and not (undone or reset or accessory_for) \
            and result is not None and not result.compatible else ""
        if asked:
            type_only = bool(changed) and set(changed) <= TYPE_FIELDS
            accessory = type_only and switched_to_accessory(asked, after, before)
            if not (changed or removed) or type_only and (accessory or part_of_shown(asked, shown)):
                return _unchanged(runtime, before, engine, "", warnings,
                                  ask_shown="focus" if len(state.get("focus") or []) == 1 else "all",
                                  instead=shop_instead(asked) if accessory else "")
        if not (undone or reset or changed or removed or accessory_for) and result is not None \
                and not result.compatible and new_topic:
            # nothing asked for and no word the catalog uses ("what do you make of delhi today"), or small talk
            # by meaning ("any news on the election"): not a search
            if kind := not_a_search.kind(new_topic, utterance):
                return _unchanged(runtime, before, engine, kind, warnings)
        update: dict[str, Any] = {"filters": after_active, "topic": topic}
        if undone:  # one step back: the entry is used up, the next "undo" goes further back
            update["page"] = 0
            update["undo"] = rest
        elif reset or changed or removed:
            update["page"] = 0
            update["undo"] = history.push(state.get("undo"), before_active)
        if reset:
            # Nothing is searched until the next request; with no filters every product matches.
            update.update(shown=[], focus=[], searches=0, sort="relevance", matched=engine.table.count(after) if after_active else engine.size)
        payload = {"filters": after_active, "chips": constraint_labels(after, engine.table.levels),
                   "changed": changed, "removed": removed, "topic": topic, "previous_topic": old_topic,
                   "reset": reset, "undone": undone,
                   "spans": dict(result.spans) if result else {}, "warnings": warnings}
        if missing_kind := not_carried(warnings):  # "iphone 13 case" in a phones-only shop
            payload["not_carried"] = missing_kind
        update["soft"] = next_soft(state.get("soft"), result, after_active, reset)
        new_fit = None
        if ref:
            new_fit = dict(fits.describe(*ref), type=fits.accessory_kind(utterance), dropped=dropped)
        elif accessory_for:  # "covers for the second one" with no second one on screen: covers for any phone
            payload["missing_reference"] = accessory_for
        elif result is not None and result.compatible:
            new_fit = {"model": result.compatible, "type": fits.accessory_kind(utterance), "named": True}
        fit = fits.next_fits(state.get("fits"), new_fit, after, reset)
        update["fits"] = fit
        if update["soft"]:
            payload["soft"] = update["soft"]
        if new_fit:
            payload["fits"] = new_fit
        update["messages"] = [ToolMessage(dumps(payload), tool_call_id=runtime.tool_call_id, name=EXTRACT)]
        return Command(update=update)

    @tool(SEARCH, args_schema=SearchProductsArgs)
    def search_products(runtime: ToolRuntime, query: str | None = None, more: bool = False,
                        k: int = page_size, sort: str | None = None) -> Command:
        """Search the catalog with the constraints in force (set by extract_filters) and a semantic query.
        Returns the matched count, the top products (every one satisfies every constraint), facet counts
        for refining, and, when nothing matches, which constraint empties the set and the smallest
        relaxations with their counts."""
        state = runtime.state
        filters = filters_of(state)
        topic = (query or "").strip() or state.get("topic") or ""
        page = (state.get("page") or 0) + 1 if more else 0
        # "show more" goes on after the last list, which may have been shorter than k (close matches only)
        start = int(state.get("offset") or 0) + len(state.get("shown") or []) if more else 0
        # A topic with no content word ("something", "a phone") ranks by popularity, not by similarity
        # to filler words.
        # A requested order stays for the rest of the conversation ("only black ones" keeps "cheapest first").
        order = sort or state.get("sort") or "relevance"
        fit = state.get("fits")
        extra, fit_note = fits.fit_mask(engine, fit, filters) if fit else (None, None)
        query_text = topic if content_words(topic) else ""
        if fit and not query_text:  # "cases for the first one": the accessory and its phone say what to rank by
            query_text = f"{str(fit.get('type') or '').replace('_', ' ')} {fit.get('model', '')}".strip()
        pool = max(engine.ranking.pool, 3 * (start + k))  # grouping needs more hits than one page
        result, used, soft_note = soft.search(engine, query_text, filters, list(state.get("soft") or []), pool,
                                              offset=0, sort=order, extra=extra)
        shaped = shape_page(engine, result.hits, used, start, k, close_only=not more and order == "relevance")
        hits = shaped.hits
        ids = [h.product.id for h in hits]
        facets = engine.table.facet_counts(filters, top=6)
        searches = int(state.get("searches") or 0)
        allowed = engine.table.mask(used) if extra is None else engine.table.mask(used) & extra
        payload: dict[str, Any] = {
            "query": topic, "filters": filters.active(), "chips": constraint_labels(filters, engine.table.levels),
            "matched": result.matched, "exhaustive": result.exhaustive, "page": page, "offset": start,
            "has_more": shaped.more or (len(result.hits) >= pool and result.matched > pool),
            "results": [card(engine, h, start + i + 1, used, topic, allowed) for i, h in enumerate(hits)],
            "facets": {f: facets[f] for f in FACETS_SHOWN if facets.get(f)},
        }
        if shaped.close_matches is not None:
            payload["close_matches"] = shaped.close_matches
        if order != "relevance":
            payload["sort"] = order
        if soft_note:
            payload["soft"] = soft_note
        if fit_note:
            payload["fits"] = fit_note
        payload["broad"] = searches == 0 and not more and result.matched >= BROAD_MIN_MATCHED and is_broad(
            filters, topic)
        offers: list[dict[str, Any]] = []
        if result.matched == 0 and not filters.is_empty():
            offers = relaxations(engine.table, filters)
            payload["blockers"] = blockers(engine.table, filters)
            payload["relaxations"] = offers
        if reader is not None and hits:  # the next question is likely about one of these: read them now
            reader.prefetch([h.product for h in hits])
        update: dict[str, Any] = {"matched": result.matched, "searches": searches + 1, "relaxations": offers,
                                  "turn_cards": ids, "sort": order}
        if ids:  # an empty answer keeps the previous list, so "the second one" still means something
            update.update(shown=ids, page=page, offset=start, focus=[])
            if more:  # "show more" keeps the constraints: undo after it returns to them, on the first page
                update["undo"] = history.push(state.get("undo"), filters.active())
        elif not more:
            update["page"] = 0
        if query and query.strip():
            update["topic"] = topic
        update["messages"] = [ToolMessage(dumps(payload), tool_call_id=runtime.tool_call_id, name=SEARCH)]
        return Command(update=update)

    @tool(DETAILS, args_schema=ProductDetailsArgs)
    def product_details(runtime: ToolRuntime, positions: list[int] | None = None,
                        product_ids: list[str] | None = None, use_focus: bool = False,
                        pick: str | None = None, question: str | None = None,
                        describe: str | None = None, compare_on: str | None = None,
                        all_shown: bool = False) -> Command:
        """Full details (features, specs, price, rating) of products already shown, for questions and
        comparisons: refer to them by position in the last result list, by id, or as 'those'."""
        state = runtime.state
        shown: list[str] = list(state.get("shown") or [])
        focus: list[str] = list(state.get("focus") or [])
        offset = int(state.get("offset") or 0)
        ids: list[str] = []
        missing: list[int] = []
        for pos in positions or []:
            # The list shows ranks offset+1..offset+n: "number 7" is a rank, "the second one" a place in it.
            if offset < pos <= offset + len(shown):
                pos -= offset
            i = pos - 1 if pos > 0 else len(shown) + pos
            if 0 <= i < len(shown):
                ids.append(shown[i])
            else:
                missing.append(pos)
        ids += [i for i in product_ids or [] if engine.product(i) is not None]
        not_described = None
        if not ids and describe:
            found = described(products(shown), describe)
            if found:
                ids = [found.id]
            else:
                not_described = describe
        if not ids and (pick == "recommended" or compare_on):  # among everything on screen
            ids = list(shown)
        if not ids and pick == "recommended":  # a pick among everything on screen (or the pair discussed)
            ids = focus if len(focus) >= 2 else shown
        if not ids and all_shown:  # "do any of these have a mic?": the pair discussed, else all on screen
            ids = focus if use_focus and len(focus) >= 2 else list(shown)
        if not ids and use_focus:
            ids = focus if len(focus) >= 2 or not pick else shown[:2]
        if not ids and not missing and not not_described:
            ids = (focus or shown)[: 2 if pick else 1]
        ids = list(dict.fromkeys(ids))
        filters = filters_of(state)
        # A product shown before the constraints changed may no longer fit them: it is named, with the
        # constraints it fails, but never presented as a match.
        mask = engine.table.mask(filters)
        items, stale = [], []
        for p in products(ids):
            (items if mask[engine.row_of[p.id]] else stale).append(p)
        if pick and len(items) > 1:
            items = [pick_one(items, pick)]
        payload: dict[str, Any] = {"products": [details(p, filters, shown, offset) for p in items],
                                   "shown_count": len(shown), "offset": offset}
        if question:
            payload["question"] = question
            payload["all_shown"] = all_shown and not pick  # one verdict each (with a pick, one product is left)
            for rec, p in zip(payload["products"], items, strict=True):
                rec["answer"] = answer_question(p, question, skip=describe or "", reader=reader)
        if stale:
            payload["no_longer_match"] = [
                {"pos": offset + shown.index(p.id) + 1 if p.id in shown else None, "title": p.title[:90],
                 "fails": failed(engine, p, filters)} for p in stale]
        if missing:
            payload["missing_positions"] = missing
        if not_described:
            payload["not_described"] = not_described
        if pick:
            payload["pick"] = pick
            payload["picked_from"] = ids
        if len(items) > 1:
            payload["comparison"] = compare_record(items)
        aspect = (compare_on or "").rstrip("-")
        if aspect in compare.aspects() and aspect != "flip" and items:
            payload["ranking"] = compare.rank(items, aspect, flip=(compare_on or "").endswith("-"))
        # "do any of these have a mic?" looks at every product without picking one: "it" still means the same one
        update = {"focus": [p.id for p in items] if items and not (all_shown and not pick) else focus,
                  "turn_cards": [p.id for p in items],
                  "messages": [ToolMessage(dumps(payload), tool_call_id=runtime.tool_call_id, name=DETAILS)]}
        return Command(update=update)

    return [extract_filters, search_products, product_details]


def next_soft(old: Any, result: Any, after: dict[str, Any], reset: bool) -> list[str]:
    """The fields in force as preferences after a turn: those said so now, and the earlier ones not said again
    (as a plain constraint) nor removed."""
    said_now = set(getattr(result, "spans", None) or {})
    soft_now = list(getattr(result, "soft", None) or [])
    kept = [] if reset else [f for f in old or [] if f in after and f not in said_now]
    return [f for f in dict.fromkeys(kept + soft_now) if f in after]


def _unchanged(runtime: ToolRuntime, before: Filters, engine: SearchEngine, kind: str, warnings: list[str],
               ask_shown: str = "", instead: str = "") -> Command:
    """A message with no shopping content (`kind`), or a question about the products shown (`ask_shown`:
    "focus" for the one discussed, "all" for every one shown): the state stays."""
    payload = {"off_topic": kind, "filters": before.active(), "chips": constraint_labels(before, engine.table.levels),
               "changed": {}, "removed": [], "warnings": warnings}
    if ask_shown:
        payload["ask_shown"] = ask_shown
    if instead:  # what to say to search for what the question named instead ("show me backlit keyboards")
        payload["instead"] = instead
    matched = engine.table.count(before) if before.active() else engine.size  # the same filters match the same
    return Command(update={"matched": matched, "filters": before.active(),  # the same filters, always stated
                           "messages": [ToolMessage(dumps(payload), tool_call_id=runtime.tool_call_id, name=EXTRACT)]})
