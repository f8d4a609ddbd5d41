"""Numeric attributes with units, read from a product's `details` and title: screen size, RAM, storage,
battery, power, resolution, refresh rate, weight.

The units, plausible ranges and detail keys are data (units.toml). A value comes from the catalog's
`details` when it has one, else from the title; a title's value counts only for the kinds it describes
(`applies`: "120Hz" on headphones is a frequency response), and for an accessory only from the part of
the title before "for" / "compatible with" (a "Case for iPhone 14, 6.1 inch" has no screen; a case is no
kind a screen size describes either). A value
outside its plausible range (per product kind where known) is a parse error: it is dropped, and the
caller's `warn` hears about it (the catalog loader records a field warning).

    >>> parse_specs("Samsung 108 cm (43 inches) Crystal 4K Neo Series Ultra HD Smart LED TV")
    {'screen_in': 43.0, 'resolution_p': 2160.0}
    >>> parse_specs("Redmi 10 Power (Power Black, 8GB RAM, 128GB Storage) | 6000mAh Battery")
    {'ram_gb': 8.0, 'storage_gb': 128.0, 'battery_mah': 6000.0}

RAM and storage never share a number: "8GB RAM" is RAM, "128GB Storage" / "ROM" / "SSD" storage, and
an unlabelled pair ("4GB+64GB", "(6GB, 128GB)", "4/128GB") is RAM then storage, smaller first. A memory
card's or pen drive's capacity is its storage: "a 128gb memory card" and "a phone with 128gb" are the
same constraint on the same attribute; what keeps phones out of a memory-card search is the product
type (`Filters.product_type`), not the unit.
"""

from __future__ import annotations

import hashlib
import math
import re
import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from .roles import Role, classify, clean_title, type_table

UNITS_FILE = Path(__file__).with_name("units.toml")
Warn = Callable[[str], None]
# Bump when the reading code changes; the data files count by their content (see `specs_fingerprint`).
SPECS_VERSION = 1


@dataclass(frozen=True)
class Attribute:
    """One attribute of units.toml (see the comments there)."""

    name: str
    noun: str
    unit: str
    units: dict[str, float]
    range: tuple[float, float]
    kinds: dict[str, tuple[float, float]]
    applies: frozenset[str]
    details: tuple[str, ...]
    default_unit: str
    steps: tuple[float, ...]
    resolution: float
    words: dict[str, float]
    context: tuple[str, ...]
    exclude: tuple[str, ...] = ()

    def plausible(self, value: float, kind: str | None) -> bool:
        lo, hi = self.kinds.get(kind or "", self.range)
        return lo <= value <= hi

    def describes(self, kind: str | None) -> bool:
        return "any" in self.applies or (kind is not None and kind in self.applies)


@cache
def attributes() -> dict[str, Attribute]:
    """Every attribute of units.toml by name, storage_gb included."""
    with UNITS_FILE.open("rb") as fh:
        data = tomllib.load(fh)
    return {name: Attribute(name, a["noun"], a["unit"], {k.lower(): float(v) for k, v in a["units"].items()},
                            (float(a["range"][0]), float(a["range"][1])),
                            {k: (float(v[0]), float(v[1])) for k, v in a.get("kinds", {}).items()},
                            frozenset(a.get("applies", ["any"])), tuple(a.get("details", [])),
                            a.get("default_unit", ""), tuple(float(s) for s in a.get("steps", [])),
                            float(a.get("resolution", 1.0)), {k: float(v) for k, v in a.get("words", {}).items()},
                            tuple(a.get("context", [])), tuple(a.get("exclude", [])))
            for name, a in data.items()}


def spec_names() -> tuple[str, ...]:
    """The attributes kept in `Product.specs` (storage keeps its own field, `Product.storage_gb`)."""
    return tuple(n for n in attributes() if n != "storage_gb")


# ---------------------------------------------------------------------------------------------- reading
_NUM = r"(?<![\w.])(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
_LIMIT_BEFORE = re.compile(r"(?:up\s*to|upto|till|maximum|max\.|expandable(?:\s+up\s*to)?|extendable|fits?(?:\s+up\s*to)?|"
                           r"virtual|extended|from)\s*$")
_SIZE = re.compile(_NUM + r"\s*(tb|gb|mb)\b(?!\s*/\s*s|ps|\s*cache)")
_RAM_AFTER = re.compile(r"^\s*(?:\(\s*ram\s*\)|ram\b|lpddr\w*|ddr\d?\w*|memory\b(?!\s*card)|sdram)")
_RAM_BEFORE = re.compile(r"\bram\s*:?\s*$")
_STORAGE_AFTER = re.compile(r"^\s*(?:storage|rom\b|internal|ssd|hdd|emmc|ufs|nvme|flash\b|hard\s*(?:disk|drive))")
_STORAGE_BEFORE = re.compile(r"\b(?:storage|rom|ssd)\s*:?\s*$")
_NOT_STORAGE_AFTER = re.compile(r"^\s*(?:graphics|gddr|vram|nvidia|dedicated|video|cache)")
_PAIR = re.compile(_NUM + r"\s*(gb)?\s*(?:\(\s*ram\s*\))?\s*(?:\+|/|,|-|and)\s*" + _NUM + r"\s*(gb|tb)\b")
_RAM_ROM = re.compile(r"\bram\s*(?:&|and|/|\+)\s*rom\b")  # "2GB/16GB RAM & ROM" on a car stereo
_UNLABELLED_STORAGE = re.compile(_NUM + r"\s+storage\b")
_PIXELS = re.compile(r"(?<!\d)(\d{3,4})\s*[x×*]\s*(\d{3,4})(?!\d)")
_NOT_DISPLAY_AFTER = re.compile(r"^\W*(?:\w+\W+)?(?:graphics|audio|voice|sound|camera|webcam|recording|video|mic|"
                                r"calling|call|speaker|tempered|glass)")
_MAINS = re.compile(r"/\s*$")  # "50/60Hz" is mains frequency


def _number(text: str) -> float:
    return float(text.replace(",", ""))


def parse_specs(title: str, details: Mapping[str, Any] | None = None, role: Role | None = None,
                warn: Warn | None = None, categories: list[str] | None = None) -> dict[str, float]:
    """Every attribute found, by name (storage_gb included), in canonical units."""
    role = role or classify(title, categories or [])
    text = _title_part(title, role)
    out: dict[str, float] = {}
    for name, attr in attributes().items():
        value = _from_details(attr, details or {}, text, role)
        source = "details"
        if value is None and attr.describes(role.kind):
            value = _READERS[name](attr, text, role)
            source = "title"
        if value is None:
            continue
        if not attr.plausible(value, role.kind):
            if warn:
                lo, hi = attr.kinds.get(role.kind or "", attr.range)
                warn(f"{name} {value:g} {attr.unit} from the {source} is outside {lo:g}-{hi:g}"
                     f"{' for a ' + role.kind if role.kind in attr.kinds else ''}; left unknown")
            continue
        out[name] = round(value, 3)  # 3 decimals: a feature phone's 4 MB is 0.004 GB
    return out


def _title_part(title: str, role: Role) -> str:
    text = clean_title(title)
    if role.accessory:
        cut = type_table()._for.search(text)
        if cut and cut.start() >= 3:
            text = text[:cut.start()]
    return text


def _from_details(attr: Attribute, details: Mapping[str, Any], title: str, role: Role) -> float | None:
    for key in attr.details:
        raw = details.get(key)
        if raw in (None, "", []):
            continue
        text = clean_title(str(raw))
        if attr.name == "resolution_p":
            value = _read_resolution(attr, text, role, any_kind=True)
        elif attr.name == "ram_gb":
            value = _read_ram(attr, text, role, any_kind=True) or _first_unit(attr, text, attr.default_unit)
        else:
            value = _first_unit(attr, text, attr.default_unit)
        if value is None:
            continue
        if attr.name == "storage_gb":
            value = _storage_not_ram(value, title, role)
        return value
    return None


def _first_unit(attr: Attribute, text: str, default_unit: str) -> float | None:
    """The first "<number> <unit>" of `text`; a bare number ("128") takes `default_unit` (none: unknown),
    but a number that runs into other words ("12-Month Warranty") is no value."""
    m = re.match(r"^\s*" + _NUM[len("(?<![\\w.])"):] + r"\s*([a-z\"']*)(.*)$", text)
    if not m:
        return None
    unit = m.group(2).strip()
    if not unit and re.match(r"\s*[-a-z0-9]", m.group(3)):
        return None
    factor = attr.units.get(unit or default_unit)
    return None if factor is None else _number(m.group(1)) * factor


def _storage_not_ram(value: float, title: str, role: Role) -> float:
    """A catalog's "Memory Storage Capacity: 3 GB" beside a title's "32GB, 3GB RAM" is the RAM: the title wins."""
    ram = _read_ram(attributes()["ram_gb"], title, role)
    title_storage = _read_storage(attributes()["storage_gb"], title, role)
    if ram is not None and value == ram and title_storage is not None and title_storage != value:
        return title_storage
    return value


# ---------------------------------------------------------------------------------------------- readers
def _units_pattern(attr: Attribute, title_safe: bool = True) -> re.Pattern[str]:
    spellings = sorted((u for u in attr.units if not (title_safe and u == "in")), key=len, reverse=True)
    alt = "|".join(re.escape(u) + (r"\b" if u[-1].isalnum() else "") for u in spellings)
    return re.compile(_NUM + r"\s*-?\s*(" + alt + r")")


@cache
def _pattern(name: str) -> re.Pattern[str]:
    return _units_pattern(attributes()[name])


def _unit_values(attr: Attribute, text: str) -> list[tuple[float, str, int]]:
    """(value in canonical units, unit as written, position) of every "<number><unit>" not stated as a limit."""
    out = []
    for m in _pattern(attr.name).finditer(text):
        if _LIMIT_BEFORE.search(text[max(0, m.start() - 24):m.start()]):
            continue
        unit = m.group(2).lower()
        out.append((_number(m.group(1)) * attr.units[unit], unit, m.start()))
    return out


def _read_screen(attr: Attribute, text: str, role: Role) -> float | None:
    ranges = re.compile(_NUM + r"\s*(?:-|to|~)\s*" + _NUM + r"\s*-?\s*(?:inch|inches|\"|'')")
    spans = [m.span() for m in ranges.finditer(text)]  # "32 to 55 inch" (a mount): no one size
    found = [(v, u) for v, u, pos in _unit_values(attr, text) if not any(a <= pos < b for a, b in spans)]
    inches = [v for v, u in found if not u.startswith("c") and attr.plausible(v, role.kind)]
    cms = [round(v, 1) for v, u in found if u.startswith("c") and attr.plausible(v, role.kind)]
    return (inches or cms or [None])[0]


def _read_ram(attr: Attribute, text: str, role: Role, any_kind: bool = False) -> float | None:
    for m in _SIZE.finditer(text):
        after = text[m.end():]
        if _LIMIT_BEFORE.search(text[max(0, m.start() - 24):m.start()]) or _STORAGE_AFTER.match(after):
            continue  # "6GB RAM 128GB ROM": the 128 is labelled storage, whatever precedes it
        if _RAM_AFTER.match(after) or _RAM_BEFORE.search(text[max(0, m.start() - 8):m.start()]):
            return _number(m.group(1)) * attr.units[m.group(2)]
    pair = _pair(text)
    if not any_kind and role.kind not in ("phone", "tablet", "laptop", "desktop") and not _RAM_ROM.search(text):
        return None
    return pair[0] if pair else None


def _pair(text: str) -> tuple[float, float] | None:
    """(RAM, storage) from an unlabelled pair: "4GB+64GB", "(6GB, 128GB)", "4/128GB", "128GB/6GB"."""
    for m in _PAIR.finditer(text):
        if _LIMIT_BEFORE.search(text[max(0, m.start() - 24):m.start()]):
            continue
        a = _number(m.group(1))
        b = _number(m.group(3)) * (1024.0 if m.group(4) == "tb" else 1.0)
        small, large = min(a, b), max(a, b)
        if small <= 32 and large >= 2 * small and large >= 8:
            return small, large
    return None


def _read_storage(attr: Attribute, text: str, role: Role) -> float | None:
    sizes = []
    for m in _SIZE.finditer(text):
        after, before = text[m.end():], text[max(0, m.start() - 24):m.start()]
        if _LIMIT_BEFORE.search(before) or _NOT_STORAGE_AFTER.match(after):
            continue
        value = _number(m.group(1)) * attr.units[m.group(2)]
        if _STORAGE_AFTER.match(after) or _STORAGE_BEFORE.search(before):
            return value
        if not (_RAM_AFTER.match(after) or _RAM_BEFORE.search(before[-8:])):
            sizes.append(value)
    if role.kind in ("phone", "tablet", "laptop", "desktop") or _RAM_ROM.search(text):
        pair = _pair(text)
        if pair:
            return pair[1]
        m = _UNLABELLED_STORAGE.search(text)  # "(8GB RAM, 128 Storage)"
        if m:
            return _number(m.group(1))
    return max(sizes) if sizes else None


def _read_first(attr: Attribute, text: str, role: Role) -> float | None:
    values = [v for v, _, _ in _unit_values(attr, text) if attr.plausible(v, role.kind)]
    return values[0] if values else None


def _read_max(attr: Attribute, text: str, role: Role) -> float | None:
    values = [v for v, _, pos in _unit_values(attr, text) if attr.plausible(v, role.kind)
              and not _MAINS.search(text[max(0, pos - 2):pos])]
    return max(values) if values else None


def _read_resolution(attr: Attribute, text: str, role: Role, any_kind: bool = False) -> float | None:
    found: list[float] = []
    words = _resolution_words()
    for m in words.finditer(text):
        if role.kind != "camera" and not any_kind and _NOT_DISPLAY_AFTER.match(text[m.end():]):
            continue
        found.append(attr.words[re.sub(r"\s+", " ", m.group(0))])
    for m in _PIXELS.finditer(text):
        found.append(float(min(int(m.group(1)), int(m.group(2)))))
    found = [v for v in found if attr.plausible(v, role.kind)]
    return max(found) if found else None


@cache
def _resolution_words() -> re.Pattern[str]:
    names = sorted(attributes()["resolution_p"].words, key=len, reverse=True)
    alt = "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in names)
    return re.compile(r"(?<![a-z0-9.])(?:" + alt + r")(?![a-z0-9])")


def _read_weight(attr: Attribute, text: str, role: Role) -> float | None:
    if any(w in text for w in attr.exclude if w.strip() != "to"):
        return None
    for value, unit, pos in _unit_values(attr, text):
        near = text[max(0, pos - 30):pos + 24]
        if unit == "g" and value in (2.0, 3.0, 4.0, 5.0) and text[pos + 1:pos + 2] == "g":
            continue  # "4g sim": a network generation, not 4 grams
        if " to " in text[max(0, pos - 8):pos + 12]:
            continue
        if (role.kind == "laptop" or any(w in near for w in attr.context)) and attr.plausible(value, role.kind):
            return value
    return None


_READERS: dict[str, Callable[[Attribute, str, Role], float | None]] = {
    "screen_in": _read_screen, "ram_gb": _read_ram, "storage_gb": _read_storage, "battery_mah": _read_first,
    "power_w": _read_max, "resolution_p": _read_resolution, "refresh_hz": _read_max, "weight_g": _read_weight,
}


def parse_quantity(attribute: str, value: Any) -> float | None:
    """A value a shopper or a model wrote for an attribute, in its canonical unit: "55 inch" -> 55,
    "1.5 kg" -> 1500 (grams), "10,000mAh" -> 10000, "4K" -> 2160; a bare number is already canonical."""
    attr = attributes()[attribute]
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value) if math.isfinite(value) else None
    text = clean_title(str(value))
    if attribute == "resolution_p":
        found = _resolution_words().search(text)
        if found:
            return attr.words[re.sub(r"\s+", " ", found.group(0))]
    units = {**attr.units, attr.unit.lower(): 1.0}
    m = re.match(r"^\s*" + _NUM[len("(?<![\\w.])"):] + r"\s*-?\s*([a-z\"']*)\s*$", text)
    if not m or (m.group(2) and m.group(2) not in units):
        return None
    return _number(m.group(1)) * units.get(m.group(2), 1.0)


# ---------------------------------------------------------------------------------------------- products
def specs_fingerprint() -> str:
    """What the specs of a stored catalog were read with: the code version and the data files' content.
    An index cache built with another fingerprint re-reads its products' specs when opened."""
    h = hashlib.sha256(str(SPECS_VERSION).encode())
    for path in (UNITS_FILE, Path(__file__).with_name("product_types.toml")):
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def refresh_specs(products: Iterable[Any]) -> None:
    """Re-read `specs` and `storage_gb` of products stored by an older reader (an index cache)."""
    for p in products:
        specs = parse_specs(p.title, p.details, classify(p.title, p.categories))
        p.storage_gb = specs.pop("storage_gb", None)
        p.specs = specs


def product_value(product: Any, attribute: str) -> float | None:
    """A product's value of any numeric attribute: the `Filters` attributes price, rating, review_count and
    storage_gb live in their own fields, the others in `specs`."""
    if attribute in _OWN_FIELDS:
        v = getattr(product, _OWN_FIELDS[attribute], None)
    else:
        v = (getattr(product, "specs", None) or {}).get(attribute)
    if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
        return None
    return float(v)


_OWN_FIELDS = {"price": "price", "rating": "average_rating", "review_count": "rating_number",
               "storage_gb": "storage_gb"}


def format_value(attribute: str, value: float) -> str:
    """A value as a shopper reads it: 55" screen, 8 GB, 5,000 mAh, 4K, 120 Hz, 1.5 kg."""
    if attribute == "screen_in":
        return f'{value:g}"'
    if attribute in ("ram_gb", "storage_gb"):
        return f"{value / 1024:g} TB" if value >= 1024 else f"{value:g} GB"
    if attribute == "battery_mah":
        return f"{value:,.0f} mAh"
    if attribute == "power_w":
        return f"{value:g} W"
    if attribute == "resolution_p":
        return _RESOLUTION_NAMES.get(int(value), f"{value:g}p")
    if attribute == "refresh_hz":
        return f"{value:g} Hz"
    if attribute == "weight_g":
        return f"{value / 1000:g} kg" if value >= 1000 else f"{value:g} g"
    return f"{value:g}"


_RESOLUTION_NAMES = {720: "HD (720p)", 1080: "Full HD (1080p)", 1440: "QHD (1440p)", 2160: "4K", 4320: "8K"}
