"""The Shopify product CSV export, unchanged (Products > Export in the Shopify admin).

A product spans consecutive rows under one `Handle`: the first row carries the product (Title, Body
(HTML), Vendor, Type, Tags, Status, option names) and its first variant; each further variant has a row
with only its option values and `Variant ...` columns; each further image has a row with only `Image Src`.

One `Product` per variant, as a shop owner sells them: "T-Shirt - Blue / L" with its own price, stock and
image, and `item_group_id` = Handle so that variants can be folded together later. Decisions:

- `Status` draft / archived, or `Published` FALSE: not for sale online; skipped with one report line.
- Stock: `Variant Inventory Qty` <= 0 on a tracked variant is `out_of_stock` when `Variant Inventory
  Policy` is "deny" (Shopify stops selling) and `backorder` when it is "continue" (Shopify keeps selling).
  An untracked variant (`Variant Inventory Tracker` empty) is in stock.
- Prices are in the shop's currency, which the export does not state: `FeedOptions.currency` (`--currency`,
  default USD). `Variant Compare At Price` above the price is the list price.
- Category path: `Product Category` (Shopify's standard taxonomy, "Apparel & Accessories > Clothing >
  ..."), else the Google Shopping category, else `Type` as a one-level path.
- Product URL: SHOP/products/HANDLE when `FeedOptions.shop_url` is given (the export has no address).
- Ids: `Variant SKU` when present, else the Handle (one variant) or "Handle:option values".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path

from ..catalog import FeedOptions, LoadReport, Product
from ..text import clean_text
from .build import RawProduct, make_product, split_path
from .money import parse_money
from .tabular import iter_rows

Row = dict[str, str]
_CONDITION = {"new": "new", "refurbished": "renewed", "used": "renewed"}
_DEFAULT_OPTION = ("title", "default title")  # Shopify's option of a product without variants


def _key(name: str) -> str:
    """"Body (HTML)" -> "body_html"; "Google Shopping / Condition" -> "google_shopping_condition"."""
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def _is_variant(row: Row) -> bool:
    return any(row.get(k) for k in ("variant_price", "variant_sku", "option1_value", "variant_inventory_qty"))


def iter_products(path: str | Path, report: LoadReport,
                  options: FeedOptions) -> Iterator[tuple[int, Callable[[], Product]]]:
    """(line, build) per variant: `build()` returns its Product or raises ValueError (reported by the caller)."""
    group: list[tuple[int, Row]] = []
    done: set[str] = set()
    for line, raw in iter_rows(path, report):
        row = {_key(k): (v or "").strip() for k, v in raw.items() if k}
        handle = row.get("handle", "")
        if not handle:
            report.error(line, "no Handle; every row of a Shopify export names its product's Handle")
            continue
        if group and handle != group[0][1]["handle"]:
            yield from _variants(group, report, options)
            done.add(group[0][1]["handle"])
            group = []
        if handle in done:
            report.error(line, f"Handle {handle!r} appears again after other products; a product's rows must be "
                               f"together (re-export from Shopify, or sort the file by Handle keeping row order)")
            continue
        group.append((line, row))
    if group:
        yield from _variants(group, report, options)


def _variants(group: list[tuple[int, Row]], report: LoadReport,
              options: FeedOptions) -> Iterator[tuple[int, Callable[[], Product]]]:
    first_line, head = group[0]
    status = head.get("status", "").lower()
    variants = [(line, row) for line, row in group if _is_variant(row)]
    if status in ("draft", "archived") or head.get("published", "").lower() == "false":
        why = status if status in ("draft", "archived") else "not published"
        report.error(first_line, f"product {head['handle']!r} is {why}: not for sale, skipped "
                                 f"({len(variants)} variants)")
        return
    images = sorted(((int(r["image_position"]) if r.get("image_position", "").isdigit() else 10**6, i, r["image_src"])
                     for i, (_, r) in enumerate(group) if r.get("image_src")))
    first_image = images[0][2] if images else None
    names = [head.get(f"option{j}_name", "") for j in (1, 2, 3)]
    many = len(variants) > 1
    for line, row in variants:
        yield line, partial(_product, head, row, names, first_image, many, line, report, options)


def _product(head: Row, row: Row, names: list[str], first_image: str | None, many: bool, line: int,
             report: LoadReport, options: FeedOptions) -> Product:
    handle = head["handle"]
    chosen = [(n or f"Option{j}", row.get(f"option{j}_value", "")) for j, n in enumerate(names, start=1)]
    chosen = [(n, v) for n, v in chosen if v and (n.lower(), v.lower()) != _DEFAULT_OPTION]
    values = [v for _, v in chosen]
    price, currency = parse_money(row.get("variant_price"), options.currency)
    if price is None and row.get("variant_price"):
        report.warn(line, f"Variant Price {row['variant_price']!r} not understood; left empty")
    compare, _ = parse_money(row.get("variant_compare_at_price"), options.currency)
    details = {n: v for n, v in chosen}
    for key, name in (("type", "Product Type"), ("tags", "Tags")):
        if head.get(key):
            details[name] = clean_text(head[key])
    color = next((v for n, v in chosen if n.lower() in ("color", "colour")), None)
    condition = head.get("google_shopping_condition", "").lower()
    return make_product(RawProduct(
        id=row.get("variant_sku") or (f"{handle}:{'/'.join(values)}" if many and values else handle),
        title=f"{head.get('title', '')} - {' / '.join(values)}" if values and head.get("title") else head.get("title"),
        brand=head.get("vendor") or None,
        price=price,
        currency=currency,
        list_price=compare if compare is not None and price is not None and compare > price else None,
        description=[d for d in [clean_text(head.get("body_html"))] if d],
        details=details,
        category_path=_category_path(head),
        color=color,
        storage=next((v for n, v in chosen if n.lower() in ("storage", "capacity")), None),
        condition=_CONDITION.get(condition),
        image_url=row.get("variant_image") or first_image,
        url=f"{options.shop_url.rstrip('/')}/products/{handle}" if options.shop_url else None,
        availability=_availability(row, line, report),
        item_group_id=handle,
        gtin=row.get("variant_barcode") or None,
        mpn=head.get("google_shopping_mpn") or None,
    ), line, report)


def _category_path(head: Row) -> list[str]:
    for key in ("product_category", "google_shopping_google_product_category"):
        value = head.get(key, "")
        if value and not value.startswith("gid://") and not value.isdigit():
            return split_path(value)
    return split_path(head.get("type", ""))


def _availability(row: Row, line: int, report: LoadReport) -> str:
    qty_text = row.get("variant_inventory_qty", "")
    if not qty_text or ("variant_inventory_tracker" in row and not row["variant_inventory_tracker"]):
        return "in_stock"  # stock not tracked: Shopify keeps selling
    try:
        qty = int(float(qty_text))
    except ValueError:
        report.warn(line, f"Variant Inventory Qty {qty_text!r} is not a number; read as in stock")
        return "in_stock"
    if qty > 0:
        return "in_stock"
    return "backorder" if row.get("variant_inventory_policy", "").lower() == "continue" else "out_of_stock"
