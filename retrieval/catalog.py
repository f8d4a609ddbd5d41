"""Catalog ingestion: files in, validated `Product` records out, bad rows reported and skipped.

Readers stream: the Amazon Reviews 2023 "Cell Phones and Accessories" metadata is 1.3M lines (4 GB),
so nothing here holds raw lines in memory, and a bad line costs one report entry, never the import.

    >>> report = LoadReport()
    >>> products = list(iter_products("catalog.jsonl.gz", report=report))   # doctest: +SKIP
    >>> print(report.summary())                                              # doctest: +SKIP
    read 1455 rows: 1455 products, 0 skipped
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import logging
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .facets import (
    color_families,
    derive_subcategory,
    display_brand,
    parse_carriers,
    parse_condition,
)
from .roles import classify
from .specs import parse_specs
from .text import clean_text

log = logging.getLogger(__name__)


@dataclass(slots=True)
class Product:
    """One product, normalised. `id` is the catalog's own id (`parent_asin` in the Amazon format)."""

    id: str
    title: str
    brand: str | None = None
    price: float | None = None
    average_rating: float | None = None
    rating_number: int | None = None
    subcategory: str | None = None
    color: str | None = None
    colors: list[str] = field(default_factory=list)
    storage_gb: float | None = None
    carriers: list[str] = field(default_factory=list)
    condition: str = "new"
    features: list[str] = field(default_factory=list)
    description: list[str] = field(default_factory=list)
    details: dict[str, str] = field(default_factory=dict)
    categories: list[str] = field(default_factory=list)
    main_category: str | None = None
    image_url: str | None = None
    specs: dict[str, float] = field(default_factory=dict)  # numeric attributes with units (retrieval/specs.py)

    def to_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__slots__}  # type: ignore[attr-defined]

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Product:
        return cls(**data)


@dataclass
class RowError:
    line: int
    reason: str


@dataclass
class LoadReport:
    """What an import did: counts, per-line errors (bad rows skipped) and field warnings (row kept)."""

    source: str = ""
    rows: int = 0
    loaded: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    max_listed: int = 50

    @property
    def skipped(self) -> int:
        return len(self.errors)

    def error(self, line: int, reason: str) -> None:
        self.errors.append(RowError(line, reason))
        log.warning("%s line %d skipped: %s", self.source or "catalog", line, reason)

    def warn(self, line: int, reason: str) -> None:
        self.warnings.append(RowError(line, reason))
        log.debug("%s line %d: %s", self.source or "catalog", line, reason)

    def summary(self) -> str:
        head = f"read {self.rows} rows: {self.loaded} products, {self.skipped} skipped"
        if self.warnings:
            head += f", {len(self.warnings)} field warnings (value dropped, row kept)"
        lines = [head]
        for e in self.errors[: self.max_listed]:
            lines.append(f"  line {e.line}: {e.reason}")
        if self.skipped > self.max_listed:
            lines.append(f"  ... and {self.skipped - self.max_listed} more skipped rows")
        return "\n".join(lines)


class CatalogError(Exception):
    """The catalog as a whole cannot be read (missing file, unknown format, no product at all)."""


# ------------------------------------------------------------------------------------------------ values
_NUM = re.compile(r"\d[\d,]*(?:\.\d+)?|\.\d+")


def parse_price(value: Any) -> float | None:
    """USD price from 12.5, "$1,299.99", "$10.99 - $15.99" (lower end: the price a shopper can pay)."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value) if math.isfinite(value) and value >= 0 else None
    nums = _NUM.findall(str(value))
    if not nums:
        return None
    try:
        price = float(nums[0].replace(",", ""))
    except ValueError:
        return None
    return price if math.isfinite(price) else None


def parse_rating(value: Any) -> float | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        r = float(str(value).split()[0]) if isinstance(value, str) else float(value)
    except (ValueError, IndexError):
        raise ValueError(f"average_rating {value!r} is not a number") from None
    if not (0.0 <= r <= 5.0):
        raise ValueError(f"average_rating {r} is outside 0-5")
    return r


def parse_count(value: Any) -> int | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    if isinstance(value, str):
        value = value.replace(",", "").strip()
    try:
        n = int(float(value))
    except (ValueError, TypeError):
        raise ValueError(f"rating_number {value!r} is not a count") from None
    if n < 0:
        raise ValueError(f"rating_number {n} is negative")
    return n


def _str_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        return [clean_text(value)]
    return [s for s in (clean_text(v) for v in value) if s]


# ------------------------------------------------------------------------------------------------ records
def product_from_amazon(row: dict[str, Any], line: int, report: LoadReport) -> Product:
    """Build a Product from one Amazon Reviews 2023 item-metadata object. Raises ValueError if unusable."""
    pid = row.get("parent_asin") or row.get("asin") or row.get("id")
    if not pid or not str(pid).strip():
        raise ValueError("no parent_asin (product id)")
    title = clean_text(row.get("title"))
    if not title:
        raise ValueError("empty title")
    details_raw = row.get("details") or {}
    if not isinstance(details_raw, dict):
        report.warn(line, "details is not an object; ignored")
        details_raw = {}
    details = {str(k): clean_text(v) for k, v in details_raw.items() if v not in (None, "", [])}

    price = parse_price(row.get("price"))
    if price is None and row.get("price") not in (None, "", "None", "—"):
        report.warn(line, f"price {row.get('price')!r} not understood; left empty")
    try:
        rating = parse_rating(row.get("average_rating"))
    except ValueError as exc:
        report.warn(line, str(exc))
        rating = None
    try:
        count = parse_count(row.get("rating_number"))
    except ValueError as exc:
        report.warn(line, str(exc))
        count = None

    categories = _str_list(row.get("categories"))
    main_category = clean_text(row.get("main_category")) or None
    features = _str_list(row.get("features"))
    description = _str_list(row.get("description"))
    color = details.get("Color") or details.get("Colour")
    specs = parse_specs(title, details, classify(title, categories), warn=lambda msg: report.warn(line, msg))
    storage = specs.pop("storage_gb", None)  # storage keeps its own field (RAM and storage told apart there)
    carriers = parse_carriers(details.get("Wireless Carrier") or "") or parse_carriers(title)
    images = row.get("images") or []
    image_url = None
    if isinstance(images, list) and images and isinstance(images[0], dict):
        image_url = images[0].get("large") or images[0].get("hi_res") or images[0].get("thumb")
    return Product(
        id=str(pid).strip(),
        title=title,
        brand=display_brand(clean_text(row.get("store")), details.get("Brand")),
        price=price,
        average_rating=rating,
        rating_number=count,
        subcategory=derive_subcategory(categories, title, main_category),
        color=color or None,
        colors=color_families(color) or color_families(_title_color_hint(title)),
        storage_gb=storage,
        carriers=carriers,
        condition=parse_condition(title, details.get("Condition")),
        features=features,
        description=description,
        details=details,
        categories=categories,
        main_category=main_category,
        image_url=image_url,
        specs=specs,
    )


def _title_color_hint(title: str) -> str:
    """Amazon titles put the color after the last comma or dash ("..., 128GB, Awesome Black")."""
    parts = re.split(r"\s[-|]\s|,|\(|\)", title)
    return " ".join(p for p in parts[-3:] if len(p.split()) <= 3)


# Fields of `Product` that a CSV/JSONL field mapping may fill, with common column names to try.
DEFAULT_MAPPING: dict[str, tuple[str, ...]] = {
    "id": ("id", "product_id", "sku", "parent_asin", "asin"),
    "title": ("title", "name", "product_title", "product_name"),
    "brand": ("brand", "store", "manufacturer", "vendor"),
    "price": ("price", "sale_price", "price_usd"),
    "average_rating": ("average_rating", "rating", "stars"),
    "rating_number": ("rating_number", "review_count", "reviews", "num_reviews", "ratings"),
    "categories": ("categories", "category", "category_path"),
    "color": ("color", "colour"),
    "storage": ("storage", "memory_storage_capacity", "capacity"),
    "carrier": ("carrier", "wireless_carrier"),
    "features": ("features", "bullets", "bullet_points"),
    "description": ("description", "product_description", "body"),
    "image": ("image", "image_url", "images"),
}


def amazon_row_from_mapped(row: dict[str, Any], mapping: dict[str, str] | None) -> dict[str, Any]:
    """Translate a shop's own columns to the Amazon layout, so one normaliser serves every format.

    `mapping` maps Sift fields (keys of DEFAULT_MAPPING) to the shop's column names; unmapped fields are
    looked up under their common names. A category path may be "A > B > C" or "A|B|C".
    """
    lower = {str(k).lower().strip(): v for k, v in row.items()}

    def get(name: str) -> Any:
        if mapping and name in mapping:
            return row.get(mapping[name], lower.get(mapping[name].lower()))
        for cand in DEFAULT_MAPPING[name]:
            if cand in lower and lower[cand] not in (None, ""):
                return lower[cand]
        return None

    cats = get("categories")
    if isinstance(cats, str):
        cats = [c.strip() for c in re.split(r"\s*(?:>|\||/)\s*", cats) if c.strip()]
    details = {"Brand": get("brand"), "Color": get("color"), "Memory Storage Capacity": get("storage"),
               "Wireless Carrier": get("carrier")}
    image = get("image")
    return {
        "parent_asin": get("id"),
        "title": get("title"),
        "store": get("brand"),
        "price": get("price"),
        "average_rating": get("average_rating"),
        "rating_number": get("rating_number"),
        "categories": cats or [],
        "features": get("features"),
        "description": get("description"),
        "details": {k: v for k, v in details.items() if v not in (None, "")},
        "images": [{"large": image}] if isinstance(image, str) and image else [],
    }


# ------------------------------------------------------------------------------------------------ files
def open_text(path: str | Path) -> io.TextIOBase:
    """Open plain or gzip text by content (magic bytes), not by name."""
    p = Path(path)
    if not p.exists():
        raise CatalogError(f"catalog file {p} not found; pass an existing file or omit --catalog for the demo catalog")
    with p.open("rb") as fh:
        magic = fh.read(2)
    if magic == b"\x1f\x8b":
        return io.TextIOWrapper(gzip.open(p, "rb"), encoding="utf-8", errors="replace")
    return p.open("r", encoding="utf-8", errors="replace", newline="")


def detect_format(path: str | Path) -> str:
    name = str(path).lower().removesuffix(".gz")
    if name.endswith(".csv") or name.endswith(".tsv"):
        return "csv"
    return "jsonl"


def iter_products(
    path: str | Path,
    report: LoadReport | None = None,
    mapping: dict[str, str] | None = None,
    fmt: str | None = None,
) -> Iterator[Product]:
    """Stream products from an Amazon-format JSONL (plain/.gz), a JSONL with other fields, or a CSV.

    Every bad row goes to `report.errors` with its line number; duplicated ids are skipped the same way.
    """
    report = report if report is not None else LoadReport()
    report.source = str(path)
    fmt = fmt or detect_format(path)
    seen: set[str] = set()
    rows = _iter_csv(path, report) if fmt == "csv" else _iter_jsonl(path, report)
    for line, row in rows:
        try:
            if not isinstance(row, dict):
                raise ValueError(f"expected a JSON object, got {type(row).__name__}")
            is_amazon = mapping is None and ("parent_asin" in row or "asin" in row) and fmt != "csv"
            amazon = row if is_amazon else amazon_row_from_mapped(row, mapping)
            product = product_from_amazon(amazon, line, report)
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            report.error(line, str(exc))
            continue
        if product.id in seen:
            report.error(line, f"duplicate product id {product.id!r}; first occurrence kept")
            continue
        seen.add(product.id)
        report.loaded += 1
        yield product


def _iter_jsonl(path: str | Path, report: LoadReport) -> Iterator[tuple[int, Any]]:
    with open_text(path) as fh:
        for line_no, raw in enumerate(fh, start=1):
            if not raw.strip():
                continue
            report.rows += 1
            try:
                yield line_no, json.loads(raw)
            except json.JSONDecodeError as exc:
                report.error(line_no, f"invalid JSON ({exc.msg} at column {exc.colno})")


def _iter_csv(path: str | Path, report: LoadReport) -> Iterator[tuple[int, Any]]:
    with open_text(path) as fh:
        sample = fh.read(4096)
        fh.seek(0)
        delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
        reader = csv.DictReader(fh, delimiter=delimiter)
        for row in reader:
            report.rows += 1
            line_no = reader.line_num
            if None in row:  # more cells than header columns
                report.error(line_no, f"{len(row[None]) + len(reader.fieldnames or [])} cells for "
                                      f"{len(reader.fieldnames or [])} columns")
                continue
            yield line_no, row


def load_catalog(path: str | Path, mapping: dict[str, str] | None = None,
                 report: LoadReport | None = None) -> list[Product]:
    """Read a whole catalog into memory. Raises CatalogError when not a single product could be read."""
    report = report if report is not None else LoadReport()
    products = list(iter_products(path, report=report, mapping=mapping))
    if not products:
        raise CatalogError(f"no product could be read from {path}:\n{report.summary()}")
    return products


def file_sha256(path: str | Path, chunk: int = 1 << 20) -> str:
    h = hashlib.sha256()
    with Path(path).open("rb") as fh:
        while block := fh.read(chunk):
            h.update(block)
    return h.hexdigest()


