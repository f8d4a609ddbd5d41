"""Which format a catalog file is in, from its name, first bytes, header or first record.

Rules, in order (the first that applies wins):

1. A name ending in `.jsonl` / `.ndjson` (before `.gz`): JSON lines; `amazon` when the first record has
   `parent_asin` or `asin` (Amazon Reviews 2023), else `jsonl` (read through the field mapping).
2. Content starting with `<?xml`, `<rss` or `<feed`: `merchant_center_xml` (RSS 2.0 or Atom with the
   `g:` namespace; the reader says so clearly when the XML is something else).
3. Content starting with `{` or `[`: JSON lines, as in rule 1.
4. A header line with `Handle` and a Shopify variant column (`Variant Price`, `Variant SKU`,
   `Option1 Value`, `Variant Inventory Qty`): `shopify`.
5. A header with `id`, `title` and one of Merchant Center's own attribute names (`availability`,
   `image_link`, `google_product_category`, `item_group_id`, `product_type`, `sale_price`, ...), spelled
   as the specification does or in its English form ("image link"), optionally `g:`-prefixed:
   `merchant_center`. A CSV with only `id,title,price` is a shop's own table, read through the mapping.
6. A name ending in `.csv` / `.tsv`: `csv` (mapped); anything else: `jsonl` (every line not JSON is
   reported, as before).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from ..catalog import CatalogError, open_text
from .tabular import header_of

FORMATS: tuple[str, ...] = ("amazon", "jsonl", "csv", "merchant_center", "merchant_center_xml", "shopify")
TABULAR: tuple[str, ...] = ("csv", "merchant_center", "shopify")
FORMAT_NAMES = {
    "amazon": "Amazon Reviews 2023 item JSONL", "jsonl": "JSONL with a field mapping",
    "csv": "CSV/TSV with a field mapping", "merchant_center": "Google Merchant Center feed (TSV/CSV)",
    "merchant_center_xml": "Google Merchant Center feed (XML/RSS)", "shopify": "Shopify product CSV export",
}
_SHOPIFY_VARIANT = {"variant_price", "variant_sku", "option1_value", "variant_inventory_qty"}
# Attribute names only Merchant Center's specification uses (a shop's own table rarely has them).
MERCHANT_MARKERS = frozenset({
    "availability", "image_link", "additional_image_link", "google_product_category", "item_group_id",
    "product_type", "sale_price", "product_detail", "identifier_exists", "product_highlight",
})
_SAMPLE_CHARS = 64 * 1024


def column_key(name: str) -> str:
    """"g:image_link", "Image link", " image_link " -> "image_link"; "Variant Price" -> "variant_price"."""
    key = name.strip().lower()
    key = key.removeprefix("g:")
    return re.sub(r"[\s-]+", "_", key)


def detect_format(path: str | Path) -> str:
    """One of `FORMATS` (see the module doc for the rules). Raises CatalogError for a missing file."""
    name = str(path).lower().removesuffix(".gz")
    with open_text(path) as fh:
        sample = fh.read(_SAMPLE_CHARS)
    text = sample.lstrip()
    if name.endswith((".jsonl", ".ndjson")):
        return _json_kind(text)
    if re.match(r"<(?:\?xml|rss|feed)\b", text):
        return "merchant_center_xml"
    if text.startswith(("{", "[")):
        return _json_kind(text)
    kind = tabular_kind(header_of(text))
    if kind:
        return kind
    if name.endswith((".csv", ".tsv")):
        return "csv"
    return "jsonl"


def tabular_kind(columns: list[str]) -> str | None:
    """`shopify` or `merchant_center` from a header's column names; None for a shop's own table."""
    keys = {column_key(c) for c in columns}
    if "handle" in keys and keys & _SHOPIFY_VARIANT:
        return "shopify"
    if {"id", "title"} <= keys and keys & MERCHANT_MARKERS:
        return "merchant_center"
    return None


def _json_kind(text: str) -> str:
    first = next((line for line in text.splitlines() if line.strip()), "")
    try:
        record = json.loads(first)
    except ValueError:
        return "jsonl"
    return "amazon" if isinstance(record, dict) and ("parent_asin" in record or "asin" in record) else "jsonl"


def check_format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise CatalogError(f"unknown catalog format {fmt!r}; use one of {', '.join(FORMATS)} (or leave it out to "
                           f"detect it from the file)")
    return fmt
