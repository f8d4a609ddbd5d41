"""One entry for every format: (line, Product) pairs, each unusable row reported with its line and skipped.

`retrieval.catalog.iter_products` is the public API on top (duplicate ids, counts); this module only picks
the reader of a format and is the one place that turns a row's ValueError into a report line.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

from ..catalog import FeedOptions, LoadReport, Product
from . import amazon, mapped, merchant_center, shopify, tabular
from .detect import check_format

# What a bad row raises (a wrong type anywhere in a hand-made JSON object included).
ROW_ERRORS = (ValueError, TypeError, KeyError, AttributeError)


def read_products(path: str | Path, fmt: str, report: LoadReport, mapping: dict[str, str] | None,
                  options: FeedOptions) -> Iterator[tuple[int, Product]]:
    for line, build in _builders(path, check_format(fmt), report, mapping, options):
        try:
            product = build()
        except ROW_ERRORS as exc:
            report.error(line, str(exc))
            continue
        yield line, product


def _builders(path: str | Path, fmt: str, report: LoadReport, mapping: dict[str, str] | None,
              options: FeedOptions) -> Iterator[tuple[int, Callable[[], Product]]]:
    if fmt == "shopify":
        yield from shopify.iter_products(path, report, options)
        return
    if fmt in ("merchant_center", "merchant_center_xml"):
        items = (merchant_center.iter_xml_items(path, report) if fmt == "merchant_center_xml"
                 else merchant_center.iter_tsv_items(path, report))
        for line, row in items:
            yield line, partial(merchant_center.product_from_merchant, row, line, report, options)
        return
    rows = tabular.iter_rows(path, report) if fmt == "csv" else amazon.iter_jsonl(path, report)
    for line, row in rows:
        yield line, partial(_amazon_or_mapped, row, line, report, mapping, fmt, options)


def _amazon_or_mapped(row: Any, line: int, report: LoadReport, mapping: dict[str, str] | None, fmt: str,
                      options: FeedOptions) -> Product:
    if not isinstance(row, dict):
        raise ValueError(f"expected a JSON object, got {type(row).__name__}")
    is_amazon = mapping is None and ("parent_asin" in row or "asin" in row) and fmt != "csv"
    amazon_row = row if is_amazon else mapped.amazon_row_from_mapped(row, mapping)
    return amazon.product_from_amazon(amazon_row, line, report, options)
