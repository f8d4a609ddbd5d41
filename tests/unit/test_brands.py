"""Brand is the maker (issue 14): resellers yield to the maker; spelling variants of one brand fold into one,
and distinct brands with similar names stay apart."""

import pytest

from retrieval.brands import BrandCensus, fold_brands, is_reseller, maker_brand
from retrieval.catalog import Product


def _catalog(*groups: tuple[str, int, str]) -> list[Product]:
    """(brand, how many products, title) groups -> products."""
    out = []
    for brand, n, title in groups:
        out += [Product(id=f"{brand}-{title}-{i}", title=title, brand=brand) for i in range(n)]
    return out


@pytest.mark.parametrize("brand,store,maker", [
    ("Net10", "Samsung Electronics", "Samsung"),  # the real Amazon US rows
    ("TracFone", "Samsung", "Samsung"),
    ("Galaxy Amp 2", "Samsung", "Samsung"),  # a product line in the brand field
    ("ONE PLUS 6T", "OnePlus", "OnePlus"),  # the model in the brand field
    ("SamsungTel.Inc.", "Samsung", "Samsung"),
    ("Apple", "ASUS", "Apple"),  # a store selling another maker's phone: the maker stays
    ("Net10", "Net10 Wireless", "Net10"),  # no maker to yield to here (the catalog's titles may know)
    (None, "Samsung Electronics", "Samsung"),
    ("Sony Ericsson", "Sony", "Sony Ericsson"),  # another brand, not a model of Sony
])
def test_maker_brand_per_product(brand, store, maker):
    assert maker_brand(brand, store) == maker


def test_resellers_are_data():
    assert is_reseller("Straight Talk") and is_reseller("TRACFONE") and is_reseller("Total Wireless")
    assert not is_reseller("Samsung") and not is_reseller("Total") and not is_reseller(None)


def test_spelling_variants_fold_into_the_most_frequent_spelling():
    products = _catalog(("Samsung", 40, "Samsung Galaxy A14"), ("SAMSUNG", 3, "Samsung Galaxy S23"),
                        ("Samsung Electronics", 2, "Galaxy Tab"), ("Samsng", 1, "Samsung Galaxy A03"),
                        ("SamsungTel.Inc.", 1, "Galaxy S9 Unlocked"), ("Google", 12, "Pixel 8"))
    changes = fold_brands(products)
    assert {p.brand for p in products} == {"Samsung", "Google"}
    assert changes == {("SAMSUNG", "Samsung"): 3, ("Samsung Electronics", "Samsung"): 2, ("Samsng", "Samsung"): 1,
                       ("SamsungTel.Inc.", "Samsung"): 1}


@pytest.mark.parametrize("rare,title", [
    ("Cosco", "Xenon Briefcase Ballistic Nylon"),  # one letter replaced: how distinct brands differ
    ("Mercury", "Executive Computer Backpack"),
    ("Canton", "Canton Movie 75 speaker set"),  # the rare brand writes its own name in its titles
    ("Digital Nc", "Neutral Density Filter 67mm"),  # a word of its own, not a suffix glued to the brand
    ("Neat Company", "NeatDesk Desktop Scanner"),  # two letters apart
])
def test_distinct_brands_with_similar_names_stay_apart(rare, title):
    frequent = {"Cosco": "Cisco", "Mercury": "Merkury", "Canton": "Canon", "Digital Nc": "Digital",
                "Neat Company": "Noah Company"}[rare]
    products = _catalog((frequent, 30, f"{frequent} product"), (rare, 1, title))
    assert fold_brands(products) == {}
    assert products[-1].brand == rare


def test_only_rare_spellings_fold_and_only_into_a_much_bigger_brand():
    # "Sunpak" on 4 products is a brand of its own; on 1 product next to 6 it is a typo, next to 4 it is not.
    assert fold_brands(_catalog(("SunPak", 30, "SunPak tripod"), ("Sunpack", 4, "Tripod"))) == {}
    assert fold_brands(_catalog(("SunPak", 6, "SunPak tripod"), ("Sunpack", 1, "Tripod"))) == {("Sunpack", "SunPak"): 1}
    assert fold_brands(_catalog(("SunPak", 4, "SunPak tripod"), ("Sunpack", 1, "Tripod"))) == {}


def test_a_reseller_takes_the_maker_its_title_starts_with():
    products = _catalog(("Samsung", 5, "Samsung Galaxy A14"), ("Motorola", 3, "Moto G"), ("Universal", 4, "Remote"),
                        ("Net10", 1, "Net10 Samsung Galaxy A10e Prepaid"),
                        ("Straight Talk", 1, "Motorola Moto G Play Straight Talk"),
                        ("Tracfone", 1, "Tracfone Net 10 Universal Accessory Kit"),
                        ("Boost Mobile", 1, "Boost Mobile Phone Case for Samsung Galaxy"))
    changes = fold_brands(products)
    assert changes == {("Net10", "Samsung"): 1, ("Straight Talk", "Motorola"): 1}
    assert [p.brand for p in products[-2:]] == ["Tracfone", "Boost Mobile"]


def test_census_folds_without_the_products():
    census = BrandCensus()
    for brand, n in (("Plantronics", 20), ("Plan--ronics", 1), ("XtremeMac", 8), ("Xtrexme Mac", 1)):
        for _ in range(n):
            census.add(brand, "headset")
    assert census.folds() == {"Plan--ronics": "Plantronics", "Xtrexme Mac": "XtremeMac"}
