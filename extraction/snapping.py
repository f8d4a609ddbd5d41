"""The field-by-field rules of `Vocabulary.snap`: each extracted value is validated on its own, snapped to
the catalog's canonical value or dropped with a warning; min > max contradictions are repaired; a value both
wanted and excluded keeps the exclusion; list lengths are fitted to the limits. Never raises.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from lexicon.load import load
from lexicon.numbers import parse_number
from retrieval.facets import color_families, parse_carriers
from retrieval.filters import (
    ACCESSORIES,
    DEFAULT_LEVELS,
    LEVELS,
    LIST_FIELDS,
    MAX_LIST_VALUES,
    NUMERIC_FIELDS,
    NUMERIC_PAIRS,
    PHONES,
    Filters,
    fit_limits,
)
from retrieval.roles import kind_of, known_types
from retrieval.specs import parse_quantity, spec_names

if TYPE_CHECKING:
    from .vocabulary import Vocabulary

# A department or product type the shopper asked for that this shop does not carry: the warning the answer
# reads back ("This shop has no cell phone accessories, ...") through `not_carried`.
NOT_CARRIED = "this shop has no {what}; searched by the words instead"
_NOT_CARRIED = re.compile(r"^this shop has no (.+); searched by the words instead$")


def not_carried(warnings: Sequence[str]) -> str | None:
    """What the shopper asked for that the shop does not carry ("cell phone accessories"), from the warnings."""
    return next((m.group(1) for w in warnings if (m := _NOT_CARRIED.match(w))), None)


_MAX_SNAP_ITEMS = 2 * MAX_LIST_VALUES  # raw list values snapped per field (duplicates and misses leave room)


def snap_filters(vocab: Vocabulary, filters: Filters | dict) -> tuple[Filters, list[str]]:
    """Validated, canonical `Filters` plus warnings for everything dropped or changed. Never raises."""
    warnings: list[str] = []
    try:
        return _snap(vocab, filters, warnings)
    except Exception as exc:  # noqa: BLE001 - the contract is "never raises"
        warnings.append(f"could not snap filters ({type(exc).__name__}: {exc}); no filters applied")
        return Filters(), warnings

def _snap(vocab: Vocabulary, filters: Filters | dict, warnings: list[str]) -> tuple[Filters, list[str]]:
    if isinstance(filters, Filters):
        data: dict[str, Any] = filters.active()
    elif isinstance(filters, dict):
        data = dict(filters)
    else:
        warnings.append(f"filters must be a mapping, got {type(filters).__name__}; no filters applied")
        return Filters(), warnings
    out: dict[str, Any] = {}
    for key, value in data.items():
        name = str(key).strip()
        if name not in Filters.model_fields:
            warnings.append(f"unknown filter field {name!r} dropped")
            continue
        if value is None or value == [] or value == "":
            continue
        if name in NUMERIC_FIELDS:
            v = _number(vocab, name, value)
            if v is None:
                warnings.append(f"{name}={_short(value)} is not a valid number or level; dropped")
            else:
                out[name] = v
        elif name in LIST_FIELDS:
            vals = _list(vocab, name, value, warnings)
            if vals:
                out[name] = vals
        elif name == "subcategory":
            s = vocab.subcategory(value) if isinstance(value, str) else None
            if s is None and value in (PHONES, ACCESSORIES) and vocab.subcategories:
                warnings.append(NOT_CARRIED.format(what=value.lower()))  # a phones-only shop asked for a case
            elif s is None:
                warnings.append(f"subcategory={_short(value)} is not a catalog subcategory; dropped")
            else:
                out[name] = s
        elif name == "condition":
            c = load("conditions").maps["snap"].get(str(value).strip().lower()) if isinstance(value, str) else None
            if c is None:
                warnings.append(f"condition={_short(value)} is not new or renewed; dropped")
            else:
                out[name] = c
        elif name == "product_type":
            t = _product_type(value)
            if t is None:
                warnings.append(f"product_type={_short(value)} is not a known product type; dropped")
            else:
                out[name] = t
    _repair_ranges(out, warnings)
    # A brand cannot be both wanted and excluded: the exclusion (said more specifically) wins.
    if out.get("brand") and out.get("brand_exclude"):
        excl = {b.lower() for b in out["brand_exclude"]}
        kept = [b for b in out["brand"] if b.lower() not in excl]
        if len(kept) != len(out["brand"]):
            warnings.append("a brand was both wanted and excluded; kept the exclusion")
        out["brand"] = kept
    if out.get("color") and out.get("color_exclude"):
        excl = set(out["color_exclude"])
        kept = [c for c in out["color"] if c not in excl]
        if len(kept) != len(out["color"]):
            warnings.append("a color was both wanted and excluded; kept the exclusion")
        out["color"] = kept
    out, over_limit = fit_limits(out)
    warnings.extend(over_limit)
    return Filters(**out), warnings

def _number(vocab: Vocabulary, name: str, value: Any) -> float | str | None:
    attribute = NUMERIC_FIELDS[name][0]
    if isinstance(value, str) and value.strip().lower() in LEVELS:
        return value.strip().lower()
    if attribute == "storage_gb":
        return vocab.storage(value)
    if attribute in spec_names():  # "8gb", "55 inch", "1.5 kg", "4K": into the attribute's unit
        return parse_quantity(attribute, value)
    x = parse_number(value)
    if x is None or x < 0:
        return None
    if attribute == "rating" and x > 5:
        return None
    if attribute == "review_count":
        x = float(round(x))
    return x

def _list(vocab: Vocabulary, name: str, value: Any, warnings: list[str]) -> list[str]:
    items = [value] if isinstance(value, str) else list(value) if isinstance(value, list | tuple | set) else None
    if items is None:
        warnings.append(f"{name}={_short(value)} is not a list of names; dropped")
        return []
    if len(items) > _MAX_SNAP_ITEMS:  # fuzzy-matching 5,000 names costs seconds; `Filters` keeps 20 anyway
        warnings.append(f"{name} had {len(items)} values; read only the last {_MAX_SNAP_ITEMS}")
        items = items[-_MAX_SNAP_ITEMS:]
    out: list[str] = []
    for item in items:
        if not isinstance(item, str) or not item.strip():
            warnings.append(f"{name} value {_short(item)} is not a name; dropped")
            continue
        if name in ("brand", "brand_exclude"):
            got = [vocab.brand(item)]
            if got[0] is None:
                warnings.append(f"brand {_short(item)} is not in the catalog; dropped")
                continue
        elif name in ("color", "color_exclude"):
            got = color_families(item)
            if not got:
                warnings.append(f"color {_short(item)} is not a known color; dropped")
                continue
            for c in got:
                if name == "color" and vocab.colors and c not in vocab.colors:
                    warnings.append(f"no product in the catalog is {c}; kept as asked")
        else:  # carrier
            got = parse_carriers(item)
            if not got:
                warnings.append(f"carrier {_short(item)} is not a known carrier; dropped")
                continue
            for c in got:
                if vocab.carriers and c not in vocab.carriers:
                    warnings.append(f"no product in the catalog is sold for {c}; kept as asked")
        for g in got:
            if g and g.lower() not in {o.lower() for o in out}:
                out.append(g)
    return out

def _repair_ranges(out: dict[str, Any], warnings: list[str]) -> None:
    for lo_name, hi_name in NUMERIC_PAIRS.values():
        lo, hi = out.get(lo_name), out.get(hi_name)
        if lo is None or hi is None:
            continue
        if isinstance(lo, float) and isinstance(hi, float):
            if lo > hi:
                out[lo_name], out[hi_name] = hi, lo
                warnings.append(f"{lo_name} {lo:g} was above {hi_name} {hi:g}; swapped them")
            continue
        sub = out.get("subcategory")
        lo_b = DEFAULT_LEVELS.bound(lo_name, lo, sub) if isinstance(lo, str) else lo
        hi_b = DEFAULT_LEVELS.bound(hi_name, hi, sub) if isinstance(hi, str) else hi
        if lo_b > hi_b:
            # Levels are vaguer than numbers: drop the level side; two levels: drop both.
            drop = [n for n, v in ((lo_name, lo), (hi_name, hi)) if isinstance(v, str)]
            for n in drop:
                out.pop(n, None)
            warnings.append(f"{lo_name}={lo} contradicts {hi_name}={hi}; dropped {', '.join(drop)}")


def _product_type(value: Any) -> str | None:
    """A type name ("laptop") as is; other words through the type table ("notebook computer" -> "laptop")."""
    if not isinstance(value, str):
        return None
    name = "_".join(value.strip().lower().replace("-", " ").split())
    return name if name in known_types() else kind_of(value)


def _short(value: Any) -> str:
    s = repr(value)
    return s if len(s) <= 40 else s[:37] + "..."


