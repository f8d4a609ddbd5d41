"""Google Merchant Center product feeds, unchanged: TSV (or CSV) with a header row, and XML (RSS 2.0 / Atom)
with the `g:` namespace (http://base.google.com/ns/1.0). Attribute names as the product data specification
writes them (`id`, `title`, `price` "12.99 USD", `availability`, `image_link`...); see `merchant_row`.

    <rss version="2.0" xmlns:g="http://base.google.com/ns/1.0"><channel>
      <item><g:id>A1</g:id><title>Pixel 8</title><g:price>699.00 USD</g:price>
            <g:availability>in_stock</g:availability>
            <g:product_detail><g:section_name>General</g:section_name><g:attribute_name>Storage</g:attribute_name>
                              <g:attribute_value>128 GB</g:attribute_value></g:product_detail></item>
    </channel></rss>

XML is read as a stream (`xml.etree.ElementTree.XMLPullParser`, fed line by line so that every item keeps
its line number, and each item freed once read), so a feed of a million items needs no more memory than
one. The stdlib parser fetches no external entities, and expat >= 2.4 refuses entity-expansion bombs.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..catalog import CatalogError, FeedOptions, LoadReport, Product, open_text
from ..text import clean_text
from .build import RawProduct, make_product, parse_availability, split_path
from .detect import column_key
from .money import parse_money
from .tabular import iter_rows

G_NS = "http://base.google.com/ns/1.0"
# Merchant Center condition -> Sift's ("renewed" covers refurbished and used, as `facets.parse_condition` does).
_CONDITION = {"new": "new", "refurbished": "renewed", "used": "renewed"}
# Attributes kept as product details (they describe the product, so they belong in its searchable text).
_DETAIL_ATTRIBUTES = {"size": "Size", "material": "Material", "pattern": "Pattern", "gender": "Gender",
                      "age_group": "Age Group", "product_type": "Product Type",
                      "google_product_category": "Google Product Category"}
_ITEM_TAGS = ("item", "entry")  # RSS 2.0, Atom


def _first(value: Any) -> Any:
    return value[0] if isinstance(value, list) and value else value


def _text(row: dict[str, Any], key: str) -> str:
    value = _first(row.get(key))
    return clean_text(value) if isinstance(value, str) else ""


def _link(row: dict[str, Any], key: str) -> str | None:
    """A URL as written (`clean_text` would remove it: it strips URLs from product text)."""
    value = _first(row.get(key))
    return value.strip() or None if isinstance(value, str) else None


def product_from_merchant(row: dict[str, Any], line: int, report: LoadReport, options: FeedOptions) -> Product:
    """One feed item (keys as `detect.column_key` spells them) -> Product. Raises ValueError if unusable."""
    price, currency = parse_money(_text(row, "price"), options.currency)
    if price is None and _text(row, "price"):
        report.warn(line, f"price {_text(row, 'price')!r} not understood; left empty")
    list_price = None
    sale, sale_currency = parse_money(_text(row, "sale_price"), currency)
    if sale is not None and _sale_in_force(_text(row, "sale_price_effective_date"), line, report):
        if sale_currency != currency and price is not None:
            report.warn(line, f"sale_price in {sale_currency} but price in {currency}; sale price ignored")
        else:
            list_price, price, currency = price, sale, sale_currency
    details = _details(row)
    gpc = _text(row, "google_product_category")
    path = split_path(gpc) if gpc and not gpc.isdigit() else split_path(_text(row, "product_type"))
    condition = _CONDITION.get(_text(row, "condition").lower())
    if _text(row, "condition") and condition is None:
        report.warn(line, f"condition {_text(row, 'condition')!r} is not new, refurbished or used; read from the title")
    return make_product(RawProduct(
        id=_text(row, "id"),
        title=_text(row, "title"),
        brand=_text(row, "brand") or None,
        price=price,
        currency=currency,
        list_price=list_price if list_price is not None and price is not None and list_price > price else None,
        features=[clean_text(h) for h in _values(row, "product_highlight") if clean_text(h)],
        description=[d for d in [_text(row, "description")] if d],
        details=details,
        category_path=path,
        color=_text(row, "color") or None,
        storage=details.get("Storage Capacity") or details.get("Storage") or details.get("Memory Storage Capacity"),
        carrier=details.get("Wireless Carrier") or details.get("Carrier"),
        condition=condition,
        image_url=_link(row, "image_link"),
        url=_link(row, "link"),
        availability=parse_availability(_text(row, "availability"), line, report),
        item_group_id=_text(row, "item_group_id") or None,
        gtin=_text(row, "gtin") or None,
        mpn=_text(row, "mpn") or None,
    ), line, report)


def _values(row: dict[str, Any], key: str) -> list[Any]:
    value = row.get(key)
    if value in (None, ""):
        return []
    return value if isinstance(value, list) else [value]


def _details(row: dict[str, Any]) -> dict[str, str]:
    """`product_detail` (section, attribute, value) plus the descriptive attributes of `_DETAIL_ATTRIBUTES`."""
    details: dict[str, str] = {}
    for entry in _values(row, "product_detail"):
        if isinstance(entry, dict):  # XML: <g:section_name>, <g:attribute_name>, <g:attribute_value>
            name, value = _text(entry, "attribute_name"), _text(entry, "attribute_value")
            if name and value:
                details[name] = value
        else:  # TSV: "General:Storage:128 GB,Display:Screen size:6.1 in"
            for part in re.split(r",\s*(?=[^,:]*:[^,:]*:)", str(entry)):
                bits = [clean_text(b) for b in part.split(":", 2)]
                if len(bits) == 3 and bits[1] and bits[2]:
                    details[bits[1]] = bits[2]
    for key, name in _DETAIL_ATTRIBUTES.items():
        value = " > ".join(split_path(_text(row, key))) if key == "product_type" else _text(row, key)
        if value and name not in details:
            details[name] = value
    return details


def _sale_in_force(window: str, line: int, report: LoadReport) -> bool:
    """`sale_price_effective_date` "2024-02-24T13:00-0800/2024-02-29T15:30-0800": is now inside it?"""
    if not window:
        return True
    try:
        start, end = (datetime.fromisoformat(re.sub(r"([+-]\d\d)(\d\d)$", r"\1:\2", s.strip()))
                      for s in window.split("/", 1))
    except ValueError:
        report.warn(line, f"sale_price_effective_date {window!r} not understood; sale price used")
        return True
    now = datetime.now(UTC)
    start = start if start.tzinfo else start.replace(tzinfo=UTC)
    end = end if end.tzinfo else end.replace(tzinfo=UTC)
    return start <= now <= end


# ------------------------------------------------------------------------------------------------ TSV
def iter_tsv_items(path: str | Path, report: LoadReport) -> Iterator[tuple[int, dict[str, Any]]]:
    for line, row in iter_rows(path, report):
        yield line, {column_key(k): v for k, v in row.items() if v not in (None, "")}


# ------------------------------------------------------------------------------------------------ XML
def _local(tag: str) -> str:
    return column_key(tag.rsplit("}", 1)[-1])


def _element_value(el: ET.Element) -> Any:
    if len(el) == 0:
        return el.text or el.get("href") or ""  # Atom writes <link href="..."/>
    out: dict[str, Any] = {}
    for child in el:
        out.setdefault(_local(child.tag), []).append(_element_value(child))
    return {k: v[0] if len(v) == 1 else v for k, v in out.items()}


def _item_row(item: ET.Element) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for child in item:
        value = _element_value(child)
        key = _local(child.tag)
        if key == "link" and child.get("rel") not in (None, "alternate"):
            continue  # Atom: only the product page, not "self"/"edit" links
        row.setdefault(key, []).append(value)
    return {k: v[0] if len(v) == 1 and k not in ("product_detail", "product_highlight") else v
            for k, v in row.items()}


def iter_xml_items(path: str | Path, report: LoadReport) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line of the item's start tag, item as a row) per <item>/<entry>; a broken document stops with a report."""
    parser = ET.XMLPullParser(events=("start", "end"))
    stack: list[ET.Element] = []  # open elements; an item is detached from its parent once read
    item_line = 0
    with open_text(path) as fh:
        line_no = 0
        for line_no, text in enumerate(fh, start=1):
            try:
                parser.feed(text)
                events = list(parser.read_events())
            except ET.ParseError as exc:
                report.error(line_no, f"XML not well-formed ({exc}); items after this line not read. Fix the feed "
                                      f"(a validator: xmllint --noout FILE) and load it again")
                return
            for event, el in events:
                name = _local(el.tag)
                if event == "start":
                    if not stack and name not in ("rss", "feed"):
                        raise CatalogError(f"{path} is XML but not a Merchant Center feed (root <{name}>, expected "
                                           f"<rss> or <feed> with items in the {G_NS} namespace)")
                    stack.append(el)
                    if name in _ITEM_TAGS:
                        item_line = line_no
                    continue
                stack.pop()
                if name in _ITEM_TAGS:
                    report.rows += 1
                    yield item_line, _item_row(el)
                    if stack:
                        stack[-1].remove(el)
        try:
            parser.close()
        except ET.ParseError as exc:
            report.error(line_no, f"XML ends early ({exc}); the items before it were read")
