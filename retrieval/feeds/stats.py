"""What `sift catalog stats` says about a feed beyond field coverage: the format it was read as, currencies,
availability, the category hierarchy, and the brand spellings that fold into one maker. Streams: one pass,
counters only (plus a few titles per rare brand spelling), so a million-product feed fits in memory.

    >>> stats = FeedStats()
    >>> for p in iter_products("feed.tsv", report=report):   # doctest: +SKIP
    ...     stats.add(p)
    >>> stats.to_dict(report.format, FeedOptions())             # doctest: +SKIP
    {"format": "merchant_center", "currencies": {"USD": 120}, "availability": {...}, "categories": {...}, ...}
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from ..brands import BrandCensus
from ..catalog import FeedOptions, Product
from ..filters import CATEGORY_SEPARATOR
from .detect import FORMAT_NAMES

# Formats whose prices carry no currency of their own: the currency comes from FeedOptions (--currency).
_CURRENCY_FROM_OPTIONS = ("shopify",)


@dataclass
class FeedStats:
    products: int = 0
    currencies: Counter[str] = field(default_factory=Counter)
    availability: Counter[str] = field(default_factory=Counter)
    depth: Counter[int] = field(default_factory=Counter)  # products per category path length (0 = none)
    nodes: dict[int, set[str]] = field(default_factory=dict)  # distinct category paths per level
    top_level: Counter[str] = field(default_factory=Counter)
    brands: BrandCensus = field(default_factory=BrandCensus)
    on_sale: int = 0
    with_url: int = 0
    variants_grouped: int = 0

    def add(self, p: Product) -> None:
        self.products += 1
        if p.price is not None:
            self.currencies[p.currency] += 1
        self.availability[p.availability] += 1
        path = p.category_path
        self.depth[len(path)] += 1
        for d in range(1, len(path) + 1):
            self.nodes.setdefault(d, set()).add(CATEGORY_SEPARATOR.join(path[:d]).lower())
        if path:
            self.top_level[path[0]] += 1
        self.brands.add(p.brand, p.title)
        self.on_sale += p.list_price is not None
        self.with_url += p.url is not None
        self.variants_grouped += p.item_group_id is not None

    def to_dict(self, fmt: str, options: FeedOptions, top: int = 15) -> dict[str, Any]:
        n = self.products or 1
        main = self.currencies.most_common(1)[0][0] if self.currencies else options.currency
        folds = self.brands.folds()
        return {
            "format": fmt, "format_name": FORMAT_NAMES.get(fmt, fmt),
            "currency": {
                "prices_in": dict(self.currencies.most_common()), "price_filters_in": main,
                "mixed": len(self.currencies) > 1,
                "source": (f"--currency {options.currency} (the {FORMAT_NAMES.get(fmt, fmt)} states none)"
                           if fmt in _CURRENCY_FROM_OPTIONS else "the feed's prices (default " + options.currency + ")"),
            },
            "availability": {k: self.availability[k] for k in sorted(self.availability)},
            "categories": {
                "coverage": round(1 - self.depth[0] / n, 4) if self.products else 0.0,
                "products_per_depth": {str(d): self.depth[d] for d in sorted(self.depth)},
                "paths_per_level": {str(d): len(v) for d, v in sorted(self.nodes.items())},
                "top_level": dict(self.top_level.most_common(top)),
            },
            "on_sale": self.on_sale, "with_url": self.with_url, "in_variant_groups": self.variants_grouped,
            "brand_folds": dict(sorted(folds.items())[: top * 4]), "brand_folds_total": len(folds),
        }
