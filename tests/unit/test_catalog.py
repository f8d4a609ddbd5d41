import gzip
import json

import pytest

from retrieval.catalog import CatalogError, LoadReport, load_catalog, parse_price
from retrieval.filters import ACCESSORIES, PHONES

GOOD = {
    "main_category": "Cell Phones & Accessories",
    "title": "Samsung Galaxy A54 5G <b>Unlocked</b>, 128GB, Awesome Black (Renewed) https://x.example/p",
    "average_rating": 4.3, "rating_number": 1200, "features": ["<li>Big battery</li>"], "description": [],
    "price": "$1,299.99", "images": [{"large": "http://img/1.jpg", "variant": "MAIN"}], "videos": [],
    "store": "Samsung Electronics", "categories": ["Cell Phones & Accessories", "Cell Phones"],
    "details": {"Brand": "SAMSUNG", "Color": "Awesome Black", "Memory Storage Capacity": "128 GB",
                "Wireless Carrier": "Unlocked"},
    "parent_asin": "B001", "bought_together": None,
}


def _row(**kw):
    return json.dumps({**GOOD, **kw})


def test_amazon_row_is_normalised(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_text(_row() + "\n")
    [p] = load_catalog(path)
    assert p.id == "B001"
    assert p.title == "Samsung Galaxy A54 5G Unlocked , 128GB, Awesome Black (Renewed)"
    assert p.brand == "Samsung" and p.price == 1299.99 and p.rating_number == 1200
    assert p.subcategory == PHONES and p.colors == ["black"] and p.storage_gb == 128.0
    assert p.carriers == ["Unlocked"] and p.condition == "renewed"
    assert p.features == ["Big battery"] and p.image_url == "http://img/1.jpg"


def test_malformed_lines_reported_and_good_rows_kept(tmp_path):
    lines = [
        _row(parent_asin="A1"),
        "{not json",
        _row(parent_asin="A2"),
        "[1, 2]",
        _row(parent_asin="", title="no id"),
        _row(parent_asin="A3", title="   "),
        _row(parent_asin="A1"),  # duplicate
        "",
        _row(parent_asin="A4", price="call us", average_rating=9, rating_number="many"),
        _row(parent_asin="A5"),
    ]
    path = tmp_path / "c.jsonl.gz"
    with gzip.open(path, "wt") as fh:
        fh.write("\n".join(lines) + "\n")
    report = LoadReport()
    products = load_catalog(path, report=report)
    assert [p.id for p in products] == ["A1", "A2", "A4", "A5"]
    assert [(e.line, e.reason.split(" ")[0]) for e in report.errors] == [
        (2, "invalid"), (4, "expected"), (5, "no"), (6, "empty"), (7, "duplicate")]
    assert report.rows == 9 and report.loaded == 4 and report.skipped == 5
    a4 = products[2]
    assert a4.price is None and a4.average_rating is None and a4.rating_number is None
    assert len([w for w in report.warnings if w.line == 9]) == 3
    assert "line 2: invalid JSON" in report.summary()


def test_csv_with_field_mapping(tmp_path):
    path = tmp_path / "shop.csv"
    path.write_text(
        "sku,name,maker,cost,stars,n_reviews,cat,colour\n"
        "S1,Pixel 8 phone 256GB,Google,\"$699.00\",4.6,\"1,234\",Phones > Cell Phones,Obsidian\n"
        "S2,Clear case for Pixel 8,Spigen,12.99,4.4,88,Cell Phone Accessories > Cases,Clear\n"
        "S3,broken,row,with,too,many,cells,here,extra\n")
    mapping = {"id": "sku", "title": "name", "brand": "maker", "price": "cost", "average_rating": "stars",
               "rating_number": "n_reviews", "categories": "cat", "color": "colour"}
    report = LoadReport()
    products = load_catalog(path, mapping=mapping, report=report)
    assert [p.id for p in products] == ["S1", "S2"]
    assert products[0].price == 699.0 and products[0].rating_number == 1234 and products[0].storage_gb == 256
    assert products[0].subcategory == PHONES and products[0].colors == ["black"]
    assert products[1].subcategory == ACCESSORIES and products[1].colors == ["clear"]
    assert report.errors[0].line == 4


def test_missing_or_empty_catalog_raises_clear_error(tmp_path):
    with pytest.raises(CatalogError, match="not found"):
        load_catalog(tmp_path / "nope.jsonl")
    bad = tmp_path / "bad.jsonl"
    bad.write_text("garbage\n")
    with pytest.raises(CatalogError, match="no product could be read"):
        load_catalog(bad)


@pytest.mark.parametrize("raw,price", [(12.5, 12.5), ("$1,299.99", 1299.99), ("$10.99 - $15.99", 10.99),
                                       ("None", None), (None, None), ("—", None), (float("nan"), None)])
def test_parse_price(raw, price):
    assert parse_price(raw) == price
