"""Accessories for a phone: the phone's model name, and which accessories name that model.

"a case for the first one", "a charger that fits it", "a screen protector for the galaxy s21": the phone is
a product shown (its model from the details' "Model Name", else its title before the first comma or
bracket, less the brand and noise such as "5G" and "Unlocked") or one named in words. An accessory fits
when its title or its compatibility details name that model: "Galaxy S21" matches "for Samsung Galaxy S21,
S20" and "Galaxy S21/S21+" but not "Galaxy S21 Ultra" or "S21 FE", which are other phones. Only when no
accessory names the exact model are the close ones ("S21 Ultra", "S21 FE") offered, and the answer says so.

    >>> model_words("Samsung Galaxy S21 FE 5G", "Samsung")
    ['galaxy', 's21', 'fe']
    >>> mentions(text_words("Spigen Case for Galaxy S21 Ultra, S21"), ["galaxy", "s21"])
    'exact'
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from extraction.categories import rewrite
from lexicon.load import load
from lexicon.words import phone_makers, product_lines
from retrieval.catalog import Product
from retrieval.facets import brand_key
from retrieval.filters import PHONES, Filters
from retrieval.roles import kind_of, known_types, type_table
from retrieval.search import SearchEngine

from .describe import constraint_label

_WORD = re.compile(r"[a-z0-9+]+")
_LIST_GAP = 6  # tokens a model may stand after its line word in a list ("iphone 14, 13, 12")


def model_name(p: Product) -> str:
    """The product's model as its listing says it ("Galaxy S21 FE"), brand and noise left out."""
    for key in load("models").words["detail_keys"]:
        value = (p.details or {}).get(key)
        if isinstance(value, str) and value.strip() and re.search(r"[a-z]", value.lower()):
            return _model_end(value.strip().split())
    title = load("models").rx["title_cut"].split(p.title or "", maxsplit=1)[0]
    words = [w for w in title.split() if w.lower() not in load("models").sets["noise"]]
    return _model_end(words) or (p.title or "")


def _model_end(words: list[str]) -> str:
    """The model name ends after its numbered word and the variant words that follow it: "Redmi Note 12
    Mystique Blue" -> "Redmi Note 12", "Galaxy S21 FE Graphite" -> "Galaxy S21 FE" (a color or a finish is
    no part of the model an accessory names)."""
    numbered = [i for i, w in enumerate(words) if re.search(r"\d", w)]
    if not numbered:
        return " ".join(words)
    end = numbered[0] + 1
    variants = load("models").sets["variants"]
    while end < len(words) and (words[end].lower().rstrip("+") in variants | {""}
                                or re.fullmatch(r"\d{1,2}[a-z]?", words[end].lower())):
        end += 1
    return " ".join(words[:end])


def model_words(name: str, brand: str | None = None) -> list[str]:
    """Lower-case model tokens without the brand and noise: "Samsung Galaxy S21 FE 5G" -> galaxy s21 fe."""
    words = _WORD.findall(name.lower())
    noise = load("models").sets["noise"]
    makers = {brand_key(b) for b in [*product_lines().values(), *phone_makers(), brand or ""] if b}
    out = [w for w in words if w not in noise and brand_key(w) not in makers]
    return out or words


def text_words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def mentions(words: list[str], model: list[str]) -> str | None:
    """ "exact" when `words` name the model, "close" when they name a variant of it ("s21 ultra"), else None.

    The model's own words must stand in a row; its line word ("galaxy", "iphone") before them, or a list
    that began with it ("iphone 14, 13, 12" names the iPhone 13).
    """
    if not model:
        return None
    lines = set(product_lines())
    line = [w for w in model if w in lines]
    core = [w for w in model if w not in lines] or model
    variants = load("models").sets["variants"]
    best: str | None = None
    n = len(core)
    for i in range(len(words) - n + 1):
        if words[i:i + n] != core:
            continue
        if line and not any(w in line for w in words[max(0, i - _LIST_GAP):i]):
            continue
        nxt = words[i + n] if i + n < len(words) else ""
        if nxt in variants and nxt not in core:
            best = best or "close"
            continue
        return "exact"
    return best


def compatible_rows(engine: SearchEngine, model: str, kind: str | None) -> tuple[np.ndarray, str]:
    """Accessories (of `kind` when it is an accessory type) naming `model`: the exact model first, else the
    close ones. Returns (mask, "exact" | "close" | "none")."""
    words = model_words(model)
    table = engine.table
    accessory = table.role_mask(None, "accessory")
    if kind:
        typed = table.role_mask(kind)
        if kind in load("product_words").sets["companions"] and typed.any():
            accessory = typed  # "earbuds for it": products of their own, that name the phone
        else:
            accessory = accessory & typed if typed.any() else accessory
    texts = _texts(engine)
    exact = np.zeros(engine.size, dtype=bool)
    close = np.zeros(engine.size, dtype=bool)
    for row in np.flatnonzero(accessory):
        hit = mentions(texts[row], words)
        if hit == "exact":
            exact[row] = True
        elif hit == "close":
            close[row] = True
    if exact.any():
        return exact, "exact"
    return close, "close" if close.any() else "none"


def _texts(engine: SearchEngine) -> list[list[str]]:
    """Title and compatibility details of every product, as words (read once per engine, kept on it)."""
    cached = vars(engine).get("_fit_texts")
    if cached is None or len(cached) != engine.size:
        keys = load("models").words["compat_keys"]
        cached = [text_words(" ".join([p.title or ""] + [str((p.details or {}).get(k, "")) for k in keys]))
                  for p in engine.products]
        vars(engine)["_fit_texts"] = cached
    return cached


def describe(p: Product, position: int | None) -> dict[str, Any]:
    """The referenced phone as the state keeps it: model, product id, position, and a name to say."""
    model = model_name(p)
    brand = p.brand if p.brand and brand_key(p.brand) not in brand_key(model) else ""
    return {"model": model, "product": p.id, "pos": position, "name": f"{brand} {model}".strip()}


# --------------------------------------------------------------------------------------- the conversation
# What an accessory request keeps of the phone search: the quality bounds, and price levels (they re-resolve
# for accessories: "cheap" is under $15 for a case). Brand, color, carrier, storage, a numeric budget, the
# condition and the type described the phone.
_KEPT = ("average_rating_min", "average_rating_max", "review_count_min", "review_count_max")


def referenced(engine: SearchEngine, state: dict[str, Any], ref: str) -> tuple[Product, int | None] | None:
    """The shown product `ref` names: a position ("1", "-1" for the last) in the list on screen, "it" (the
    product discussed last, else the first shown), or words ("samsung": the first shown product whose
    title, brand or color holds them)."""
    shown: list[str] = list(state.get("shown") or [])
    offset = int(state.get("offset") or 0)
    pos: int | None = None
    pid: str | None = None
    if ref.strip() not in ("it", "") and not re.fullmatch(r"-?\d{1,2}", ref.strip()):
        pid = _described(engine, shown, ref)  # "the samsung one": the first shown product holding these words
        pos = offset + shown.index(pid) + 1 if pid else None
    elif re.fullmatch(r"-?\d{1,2}", ref.strip()):
        n = int(ref)
        if offset < n <= offset + len(shown):
            n -= offset
        i = n - 1 if n > 0 else len(shown) + n
        if 0 <= i < len(shown):
            pid, pos = shown[i], offset + i + 1
    else:
        focus = list(state.get("focus") or [])
        pid = (focus or shown or [None])[0]
        if pid in shown:
            pos = offset + shown.index(pid) + 1
    p = engine.product(pid) if pid else None
    phone = _fitted(engine, state, p)
    if phone is not None:
        return phone
    return (p, pos) if p is not None else None


def _fitted(engine: SearchEngine, state: dict[str, Any], p: Product | None) -> tuple[Product, int | None] | None:
    """ "tempered glass for it" while cases for a phone are shown: an accessory for an accessory makes no
    sense, so "it" is the phone those accessories were for (None when no such phone is in the state)."""
    fitted = dict(state.get("fits") or {})
    if p is None or not fitted.get("product") or p.id == fitted["product"]:
        return None
    row = engine.row_of.get(p.id)
    if row is None or not engine.table.role_mask(None, "accessory")[row]:
        return None
    phone = engine.product(str(fitted["product"]))
    return (phone, fitted.get("pos")) if phone is not None else None


def _described(engine: SearchEngine, shown: list[str], words: str) -> str | None:
    wanted = text_words(words)
    for pid in shown:
        p = engine.product(pid)
        if p is not None and set(wanted) <= set(text_words(" ".join([p.title or "", p.brand or "", p.color or ""]))):
            return pid
    return None


def accessory_base(before: Filters, levels: Any) -> tuple[Filters, list[str]]:
    """The state an accessory search starts from, and the labels of what was dropped (it was about the phone)."""
    active = before.active()
    keep = {f: v for f, v in active.items()
            if f in _KEPT or (f in ("price_min", "price_max") and isinstance(v, str))}
    dropped = [constraint_label(f, v, before, levels) for f, v in active.items()
               if f not in keep and f != "subcategory"]
    return Filters(**keep), dropped


def accessory_kind(utterance: str) -> str | None:
    """The accessory type asked for ("cases for the first one" -> "case"), from the words before "for"."""
    head = re.split(r"\b(?:for|that\s+fits?|fits?|compatible|that\s+works?|works?\s+with|to\s+fit|to\s+go)\b",
                    utterance.lower(), maxsplit=1)[0]
    words = load("models").maps["accessory_words"]
    named = [words[w] for w in re.findall(r"[a-z]+", head) if w in words]
    # "screen guard", "back cover", "earbuds": the shoppers' words (lexicon/data/product_words.toml) first
    kind = named[-1] if named else kind_of(rewrite(head))
    if not kind or kind not in known_types():
        return None
    return kind if type_table().info(kind).accessory or kind in load("product_words").sets["companions"] else None


def next_fits(old: dict[str, Any] | None, new: dict[str, Any] | None, after: Filters,
              reset: bool) -> dict[str, Any] | None:
    """The phone accessories are limited to after this turn: a new one replaces the old; starting over, or
    asking for phones again, ends it."""
    if new:
        return new
    if reset or not old or after.subcategory == PHONES or after.product_type == "phone":
        return None
    return old


def fit_mask(engine: SearchEngine, fits: dict[str, Any], filters: Filters) -> tuple[np.ndarray | None, dict[str, Any]]:
    """Rows of the accessories that fit the phone, and what to tell the shopper about them. When none of
    them meets the other constraints (or no accessory names the phone at all), no rows: the search then
    ranks all accessories by the request, and the note says why ("unmatched" or "none")."""
    mask, how = compatible_rows(engine, str(fits.get("model") or ""), fits.get("type"))
    note = dict(fits, match=how, count=int(mask.sum()))
    if how == "none":  # still the accessory type asked for ("chargers"), for any phone
        typed = engine.table.role_mask(fits["type"]) if fits.get("type") else None
        return (typed if typed is not None and (typed & engine.table.mask(filters)).any() else None), note
    if not (mask & engine.table.mask(filters)).any():
        return None, dict(note, match="unmatched")
    return mask, note
