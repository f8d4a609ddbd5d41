"""Catalog ingestion: files in, validated `Product` records out, bad rows reported and skipped.

Formats (detected from the file's first bytes, header or first record; `retrieval.feeds.detect`): Amazon
Reviews 2023 item JSONL, Google Merchant Center feeds (TSV and XML/RSS), the Shopify product CSV export,
and any CSV/JSONL through a field mapping. Each format has its reader in `retrieval/feeds/`; this module
holds what they share: the `Product` record, the load report and the value parsers.

Readers stream: the Amazon Reviews 2023 "Cell Phones and Accessories" metadata is 1.3M lines (4 GB),
so nothing here holds raw lines in memory, and a bad line costs one report entry, never the import.
`load_catalog` then reads the whole catalog and does what needs all of it: brand spellings folded into
one per maker (`retrieval.brands`) and the catalog's price currency checked.

    >>> report = LoadReport()
    >>> products = list(iter_products("catalog.jsonl.gz", report=report))   # doctest: +SKIP
    >>> print(report.summary())                                              # doctest: +SKIP
    read 1455 rows: 1455 products, 0 skipped
"""

from __future__ import annotations

import gzip
import hashlib
import importlib
import io
import logging
import math
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from lexicon.numbers import parse_price as read_price

from .brands import fold_brands
from .text import clean_text

log = logging.getLogger(__name__)


Availability = Literal["in_stock", "out_of_stock", "preorder", "backorder"]
AVAILABILITIES: tuple[str, ...] = ("in_stock", "out_of_stock", "preorder", "backorder")


@dataclass(slots=True)
class Product:
    """One product, normalised. `id` is the catalog's own id (`parent_asin` in the Amazon format).

    `price` is in `currency` (ISO 4217); `list_price` is the regular price when a sale price is in force.
    `categories` is the Amazon category list as read; `category_path` is the category hierarchy of every
    format (root first), which the `category` filter matches by prefix. `item_group_id` ties variants of
    one product together (Merchant Center `item_group_id`, the Shopify `Handle`).
    """

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
    url: str | None = None
    currency: str = "USD"
    availability: Availability = "in_stock"
    category_path: list[str] = field(default_factory=list)
    item_group_id: str | None = None
    gtin: str | None = None
    mpn: str | None = None
    list_price: float | None = None
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
    format: str = ""  # the format the file was read as (one of `retrieval.feeds.detect.FORMATS`)
    rows: int = 0
    loaded: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # about the catalog as a whole (currency, brand folds)
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
        lines = [head] + [f"  note: {n}" for n in self.notes]
        for e in self.errors[: self.max_listed]:
            lines.append(f"  line {e.line}: {e.reason}")
        if self.skipped > self.max_listed:
            lines.append(f"  ... and {self.skipped - self.max_listed} more skipped rows")
        return "\n".join(lines)


class CatalogError(Exception):
    """The catalog as a whole cannot be read (missing file, unknown format, no product at all)."""


# ------------------------------------------------------------------------------------------------ values


def parse_price(value: Any) -> float | None:
    """USD price from 12.5, "$1,299.99", "$10.99 - $15.99" (lower end: the price a shopper can pay)."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value) if math.isfinite(value) and value >= 0 else None
    return read_price(str(value))


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


def str_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        return [clean_text(value)]
    return [s for s in (clean_text(v) for v in value) if s]


# ------------------------------------------------------------------------------------------------ files
@dataclass(frozen=True)
class FeedOptions:
    """What a feed does not say about itself. Shopify exports carry no currency and no shop address."""

    currency: str = "USD"  # ISO code of prices written without one (Shopify, bare numbers)
    shop_url: str | None = None  # "https://shop.example": Shopify product links are SHOP/products/HANDLE


def open_text(path: str | Path) -> io.TextIOBase:
    """Open plain or gzip text by content (magic bytes), not by name."""
    p = Path(path)
    if not p.exists():
        raise CatalogError(f"catalog file {p} not found; pass an existing file or omit --catalog for the demo catalog")
    with p.open("rb") as fh:
        magic = fh.read(2)
    if magic == b"\x1f\x8b":
        return io.TextIOWrapper(gzip.open(p, "rb"), encoding="utf-8-sig", errors="replace", newline="")
    return p.open("r", encoding="utf-8-sig", errors="replace", newline="")


def _feeds(name: str) -> Any:
    # The format readers build on the records above, so they are imported when a file is read (an import
    # at the top would be circular).
    return importlib.import_module(f"retrieval.feeds.{name}")


def detect_format(path: str | Path) -> str:
    """The format of a catalog file, from its first bytes, header or first record (see `retrieval.feeds.detect`)."""
    return _feeds("detect").detect_format(path)


def iter_products(
    path: str | Path,
    report: LoadReport | None = None,
    mapping: dict[str, str] | None = None,
    fmt: str | None = None,
    options: FeedOptions | None = None,
) -> Iterator[Product]:
    """Stream products from any supported format (`fmt` overrides detection; a `mapping` means "csv"/"jsonl").

    Every bad row goes to `report.errors` with its line number; duplicated ids are skipped the same way.
    """
    report = report if report is not None else LoadReport()
    report.source = str(path)
    if fmt is None:
        fmt = detect_format(path)
        if mapping and fmt in _feeds("detect").TABULAR:
            fmt = "csv"  # a mapping names the shop's own columns, whatever the header looks like
    report.format = fmt
    seen: set[str] = set()
    for line, product in _feeds("read").read_products(path, fmt, report, mapping, options or FeedOptions()):
        if product.id in seen:
            report.error(line, f"duplicate product id {product.id!r}; first occurrence kept")
            continue
        seen.add(product.id)
        report.loaded += 1
        yield product


def load_catalog(path: str | Path, mapping: dict[str, str] | None = None,
                 report: LoadReport | None = None, options: FeedOptions | None = None) -> list[Product]:
    """Read a whole catalog into memory, brand spellings folded (`retrieval.brands.fold_brands`) and the
    currency checked (`check_currency`). Raises CatalogError when not a single product could be read."""
    report = report if report is not None else LoadReport()
    products = list(iter_products(path, report=report, mapping=mapping, options=options))
    if not products:
        raise CatalogError(f"no product could be read from {path}:\n{report.summary()}")
    folds = fold_brands(products)
    if folds:
        listed = ", ".join(f"{old!r} -> {new!r} ({n})" for (old, new), n in folds.most_common(20))
        report.notes.append(f"brand is the maker: {sum(folds.values())} products' brand changed ({listed}"
                            f"{' ...' if len(folds) > 20 else ''})")
    check_currency(products, report)
    return products


def price_currency(products: list[Product]) -> str:
    """The catalog's price currency: that of most priced products (USD for a catalog without prices)."""
    counts = Counter(p.currency for p in products if p.price is not None)
    return counts.most_common(1)[0][0] if counts else "USD"


def check_currency(products: list[Product], report: LoadReport) -> None:
    """Prices are never compared across currencies: price filters, levels and sorting use the catalog's
    currency (`price_currency`); products priced in another one keep their price for display but no price
    filter admits them (`AttributeTable`). Said once in the report, so a mixed feed does not go unnoticed."""
    main = price_currency(products)
    other = Counter(p.currency for p in products if p.price is not None and p.currency != main)
    if other:
        listed = ", ".join(f"{n} in {c}" for c, n in other.most_common())
        report.notes.append(f"mixed currencies: prices are in {main}, but {listed}; those products are left out "
                            f"of price filters and price sorting. Split the feed per currency to search them by price")


def file_sha256(path: str | Path, chunk: int = 1 << 20) -> str:
    h = hashlib.sha256()
    with Path(path).open("rb") as fh:
        while block := fh.read(chunk):
            h.update(block)
    return h.hexdigest()


# Names that moved to `retrieval.feeds` stay importable from here (training.synth uses product_from_amazon).
_MOVED = {"product_from_amazon": "amazon", "amazon_row_from_mapped": "mapped", "DEFAULT_MAPPING": "mapped"}


def __getattr__(name: str) -> Any:
    if name in _MOVED:
        return getattr(_feeds(_MOVED[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
