"""Shop feeds load unchanged: Merchant Center TSV and XML/RSS, the Shopify product CSV export (issue 14).

The fixtures in tests/data/feeds/ were written for these tests: merchant_center.tsv and the same feed as
merchant_center.xml (minus the row with too many cells, which only a TSV can have), and a Shopify export
with variants, image-only rows, a draft and an archived product, a row without a Handle and a product
whose rows are split.
"""

import gzip
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from retrieval.catalog import (
    CatalogError,
    FeedOptions,
    LoadReport,
    detect_format,
    iter_products,
    load_catalog,
)
from retrieval.feeds.money import parse_money
from retrieval.filters import ACCESSORIES, PHONES
from sift.cli import main

FEEDS = Path(__file__).resolve().parents[1] / "data" / "feeds"
MC_TSV, MC_XML, SHOPIFY = FEEDS / "merchant_center.tsv", FEEDS / "merchant_center.xml", FEEDS / "shopify_products.csv"
SHOP = FeedOptions(currency="EUR", shop_url="https://shop.example/")


def _load(path, options=None):
    report = LoadReport()
    products = load_catalog(path, report=report, options=options)
    return {p.id: p for p in products}, report


# ------------------------------------------------------------------------------------------------ detection
def test_format_is_detected_from_the_content(tmp_path, demo_catalog_file):
    assert detect_format(MC_TSV) == "merchant_center"
    assert detect_format(MC_XML) == "merchant_center_xml"
    assert detect_format(SHOPIFY) == "shopify"
    assert detect_format(demo_catalog_file) == "amazon"
    # Merchant Center feeds are often .txt, and the name says nothing: the header does.
    renamed = tmp_path / "feed.txt"
    renamed.write_bytes(MC_TSV.read_bytes())
    assert detect_format(renamed) == "merchant_center"
    gz = tmp_path / "feed.xml.gz"
    gz.write_bytes(gzip.compress(MC_XML.read_bytes()))
    assert detect_format(gz) == "merchant_center_xml"
    own = tmp_path / "shop.csv"
    own.write_text("id,title,price\nS1,Pixel 8,699\n")
    assert detect_format(own) == "csv"  # id,title,price alone is a shop's own table: mapped
    other = tmp_path / "other.jsonl"
    other.write_text(json.dumps({"sku": "S1", "name": "x"}) + "\n")
    assert detect_format(other) == "jsonl"


@pytest.mark.parametrize("raw,want", [("12.99 USD", (12.99, "USD")), ("USD 12.99", (12.99, "USD")),
                                      ("1.299,00 EUR", (1299.0, "EUR")), ("15,99 EUR", (15.99, "EUR")),
                                      ("$1,299.99", (1299.99, "USD")), ("£20", (20.0, "GBP")),
                                      ("$12 AND UP", (12.0, "USD")), ("19.99", (19.99, "CAD")),
                                      ("call us", (None, "CAD"))])
def test_money_keeps_the_currency_with_the_amount(raw, want):
    assert parse_money(raw, default_currency="CAD") == want


# ------------------------------------------------------------------------------------------------ Merchant Center
def test_merchant_center_tsv_loads_unchanged():
    products, report = _load(MC_TSV)
    assert report.format == "merchant_center"
    assert [(e.line, e.reason) for e in report.errors] == [(7, "21 cells for 19 columns"), (13, "empty title")]
    assert [w.line for w in report.warnings] == [12] and "maybe" in report.warnings[0].reason
    assert len(products) == 10
    p = products["GP8-128-BLK"]
    assert (p.title, p.brand, p.price, p.list_price, p.currency) == (
        "Google Pixel 8 128GB Obsidian", "Google", 599.0, 699.0, "USD")  # sale_price wins, list price kept
    assert p.url == "https://shop.example/p/gp8-128-blk" and p.image_url == "https://shop.example/img/gp8-blk.jpg"
    assert p.category_path == ["Electronics", "Communications", "Telephony", "Mobile Phones"]
    assert (p.item_group_id, p.gtin, p.mpn) == ("GP8", "0840244700010", "GA04803-US")
    assert p.details["Storage Capacity"] == "128 GB" and p.details["Screen Size"] == "6.2 in"
    assert p.storage_gb == 128 and p.colors == ["black"] and p.subcategory == PHONES
    assert p.description == ["Unlocked Android phone with a 6.2 inch screen and a great camera."]
    assert products["SGA54-REF"].availability == "out_of_stock" and products["SGA54-REF"].condition == "renewed"
    assert products["TF-A12"].availability == "preorder" and products["TV-55"].availability == "backorder"
    assert products["CHG-30W"].availability == "in_stock"  # the retired "in stock" spelling
    assert products["BUDS-1"].availability == "in_stock"  # not understood: reported, never hidden
    # A sale whose effective dates are over leaves the regular price.
    assert (products["TV-55"].price, products["TV-55"].list_price) == (329.0, None)
    assert products["TV-55"].details["Size"] == "55 in"
    # A numeric google_product_category is kept; the path comes from product_type.
    case = products["CASE-P8"]
    assert case.details["Google Product Category"] == "267" and case.category_path == ["Phones", "Cases"]
    assert case.subcategory == ACCESSORIES
    assert (products["CASE-EU"].price, products["CASE-EU"].currency) == (15.99, "EUR")
    assert any("mixed currencies" in n and "1 in EUR" in n for n in report.notes)


def test_merchant_center_xml_is_the_same_feed():
    tsv, _ = _load(MC_TSV)
    xml, report = _load(MC_XML)
    assert report.format == "merchant_center_xml"
    assert [e.reason for e in report.errors] == ["empty title"]
    assert list(xml) == list(tsv)
    for pid, p in xml.items():
        assert p.to_dict() == tsv[pid].to_dict(), pid


def test_broken_xml_keeps_the_items_before_the_break(tmp_path):
    text = MC_XML.read_text().splitlines()
    cut = next(i for i, line in enumerate(text) if "<g:id>SGA54-REF</g:id>" in line)
    broken = tmp_path / "broken.xml"
    broken.write_text("\n".join(text[:cut] + ["  <g:id>oops</g:idd>"] + text[cut + 1:]) + "\n")
    report = LoadReport()
    products = list(iter_products(broken, report=report))
    assert [p.id for p in products] == ["GP8-128-BLK", "GP8-256-BLU"]
    assert report.errors[-1].line == cut + 1 and "not well-formed" in report.errors[-1].reason


def test_xml_that_is_not_a_feed_is_a_clear_error(tmp_path):
    path = tmp_path / "sitemap.xml"
    path.write_text('<?xml version="1.0"?><urlset><url><loc>https://x</loc></url></urlset>\n')
    with pytest.raises(CatalogError, match="not a Merchant Center feed"):
        load_catalog(path)


# ------------------------------------------------------------------------------------------------ Shopify
def test_shopify_export_loads_one_product_per_variant():
    products, report = _load(SHOPIFY, SHOP)
    assert report.format == "shopify"
    assert list(products) == ["TEE-BLU-M", "TEE-BLU-L", "TEE-RED-M", "classic-tee:Red/L", "GP8-128", "CBL-2M"]
    blue_m = products["TEE-BLU-M"]
    assert blue_m.title == "Classic T-Shirt - Blue / M" and blue_m.item_group_id == "classic-tee"
    assert (blue_m.price, blue_m.list_price, blue_m.currency) == (19.99, 24.99, "EUR")
    assert blue_m.brand == "Acme Apparel" and blue_m.gtin == "0012345678905"
    assert blue_m.colors == ["blue"] and blue_m.details["Size"] == "M" and blue_m.details["Tags"] == "cotton, summer"
    assert blue_m.category_path == ["Apparel & Accessories", "Clothing", "Clothing Tops", "T-Shirts"]
    assert blue_m.url == "https://shop.example/products/classic-tee"
    assert blue_m.description == ["Soft organic cotton tee."]
    # Stock: deny at 0 -> out of stock; continue at 0 -> backorder; untracked -> in stock.
    assert [products[i].availability for i in ("TEE-BLU-L", "TEE-RED-M", "classic-tee:Red/L")] == [
        "out_of_stock", "backorder", "in_stock"]
    # Images: the variant's own, else the product's first by position (image-only rows included).
    assert products["TEE-RED-M"].image_url == "https://cdn.example/tee-red.jpg"
    assert products["classic-tee:Red/L"].image_url == "https://cdn.example/tee-blue.jpg"
    pixel = products["GP8-128"]
    assert pixel.title == "Google Pixel 8 128GB Obsidian"  # "Default Title" is no option
    assert pixel.subcategory == PHONES and pixel.storage_gb == 128 and pixel.condition == "new"
    assert pixel.description == ["The Pixel 8. 6.2 inch Actua display Unlocked"]
    cable = products["CBL-2M"]
    assert cable.price is None and cable.category_path == ["Cables"]  # Type as a one-level path


def test_shopify_skips_what_is_not_for_sale_and_reports_lines():
    _, report = _load(SHOPIFY)
    errors = sorted((e.line, e.reason.split(":")[0]) for e in report.errors)
    assert errors == [(12, "product 'winter-jacket' is draft"), (14, "product 'old-case' is archived"),
                      (15, "no Handle; every row of a Shopify export names its product's Handle"),
                      (17, "Handle 'classic-tee' appears again after other products; a product's rows must be "
                           "together (re-export from Shopify, or sort the file by Handle keeping row order)")]
    assert [(w.line, w.reason.split(" ")[0]) for w in report.warnings] == [(16, "Variant")]


def test_shopify_prices_take_the_shop_currency_default_usd():
    products, _ = _load(SHOPIFY)
    assert {p.currency for p in products.values()} == {"USD"} and products["GP8-128"].url is None


# ------------------------------------------------------------------------------------------------ older formats
def test_mapped_csv_still_reads_shop_columns_and_new_optional_ones(tmp_path):
    path = tmp_path / "shop.csv"
    path.write_text("sku,name,maker,cost,link,stock_status\n"
                    "S1,Pixel 8 phone 256GB,Google,699.00,https://shop.example/s1,out of stock\n")
    mapping = {"id": "sku", "title": "name", "brand": "maker", "price": "cost"}
    [p] = load_catalog(path, mapping=mapping)
    assert (p.id, p.price, p.url, p.availability, p.currency) == (
        "S1", 699.0, "https://shop.example/s1", "out_of_stock", "USD")


def test_amazon_rows_gain_defaults_only(demo_products):
    assert {p.currency for p in demo_products} == {"USD"}
    assert {p.availability for p in demo_products} == {"in_stock"}
    assert all(p.category_path == p.categories and p.url is None for p in demo_products)


# ------------------------------------------------------------------------------------------------ stats
def test_catalog_stats_says_which_format_it_read(capsys):
    assert main(["catalog", "stats", str(SHOPIFY), "--json", "--currency", "eur"]) == 0
    feed = json.loads(capsys.readouterr().out)["feed"]
    assert feed["format"] == "shopify" and feed["format_name"] == "Shopify product CSV export"
    assert feed["currency"]["prices_in"] == {"EUR": 5} and "--currency EUR" in feed["currency"]["source"]
    assert feed["availability"] == {"backorder": 1, "in_stock": 4, "out_of_stock": 1}
    assert feed["categories"]["products_per_depth"] == {"1": 1, "4": 5}
    assert feed["categories"]["paths_per_level"] == {"1": 3, "2": 2, "3": 2, "4": 2}
    assert main(["catalog", "stats", str(MC_TSV), "--json"]) == 0
    feed = json.loads(capsys.readouterr().out)["feed"]
    assert feed["format"] == "merchant_center" and feed["currency"]["mixed"] is True
    assert feed["currency"]["price_filters_in"] == "USD" and feed["on_sale"] == 1
    assert feed["brand_folds"] == {}  # "SAMSUNG" and "Samsung Electronics" already read as "Samsung"
    assert main(["catalog", "stats", str(MC_XML)]) == 0
    assert "Google Merchant Center feed (XML/RSS)" in capsys.readouterr().out


# ------------------------------------------------------------------------------------------------ cards
def test_cards_carry_the_product_page_image_and_currency():
    from sift import ui
    from tools.describe import product_record

    products, _ = _load(SHOPIFY, SHOP)
    rec = product_record(products["TEE-BLU-L"])
    assert rec["url"] == "https://shop.example/products/classic-tee" and rec["image_url"].startswith("https://")
    assert (rec["currency"], rec["availability"]) == ("EUR", "out_of_stock")
    props = ui.card_props(rec, 1)
    assert props["url"] == "https://shop.example/products/classic-tee" and props["price"] == "19.99 EUR"
    assert ui.card_props(dict(rec, url="javascript:alert(1)"), 1)["url"] is None
    us, _ = _load(MC_TSV)
    assert "currency" not in product_record(us["GP8-128-BLK"])
    assert ui.card_props(product_record(us["GP8-128-BLK"]), 1)["price"] == "$599"


def test_atom_feed_reads_like_rss(tmp_path):
    path = tmp_path / "atom.xml"
    path.write_text('<?xml version="1.0"?>\n<feed xmlns="http://www.w3.org/2005/Atom" '
                    'xmlns:g="http://base.google.com/ns/1.0">\n<title>Shop</title>\n'
                    '<entry>\n<g:id>A1</g:id>\n<title>Acme Phone X 64GB</title>\n'
                    '<link rel="self" href="https://shop.example/feed/a1"/>\n'
                    '<link href="https://shop.example/p/a1"/>\n<g:price>99.00 GBP</g:price>\n'
                    '<g:availability>out of stock</g:availability>\n</entry>\n</feed>\n')
    [p] = load_catalog(path)
    assert (p.id, p.url, p.price, p.currency, p.availability) == (
        "A1", "https://shop.example/p/a1", 99.0, "GBP", "out_of_stock")


# ------------------------------------------------------------------------------------------------ robustness
_cell = st.one_of(st.sampled_from(["", "12.99 USD", "1,5 EUR", "in_stock", "out of stock", "A > B", "0", "-3",
                                   "deny", "continue", "draft", "Default Title", "h1", "h2", "x:y:z", "TRUE"]),
                  st.text(alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="\t\r\n\"\x00"),
                          max_size=12))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(_cell, min_size=1, max_size=22), max_size=12), shopify=st.booleans())
def test_shop_feeds_never_crash_and_account_for_rows(tmp_path, rows, shopify):
    header = SHOPIFY.read_text().splitlines()[0].split(",") if shopify else MC_TSV.read_text().splitlines()[0].split("\t")
    path = tmp_path / ("fuzz.csv" if shopify else "fuzz.tsv")
    sep = "," if shopify else "\t"
    lines = [sep.join(c.replace(",", ";") for c in r) for r in rows]
    path.write_text("\n".join([sep.join(header)] + lines) + "\n")
    report = LoadReport()
    products = list(iter_products(path, report=report))
    assert report.format == ("shopify" if shopify else "merchant_center")
    assert report.rows == sum(1 for line in lines if line)  # blank lines are no rows
    if not shopify:  # one item per row: a product or a reported, skipped row
        assert len(products) + report.skipped == report.rows
    for p in products:
        assert p.id and p.title and p.availability in ("in_stock", "out_of_stock", "preorder", "backorder")
        assert p.price is None or p.price >= 0
