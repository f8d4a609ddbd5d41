"""Development query sets with relevance by construction (ESCI-style qrels CSV).

For a held-out product (never used to fine-tune the embedder, `training.product_queries.is_held_out`)
we write one conversational query that names its model (or, for an accessory, its type and the device
it fits) plus one to three constraints taken from the product itself (price bound, rating, color,
storage, carrier, condition, brand). The relevant products are the source product plus every product
identical on what the query names: same model phrase (not a longer variant: "galaxy s7" is not "galaxy
s7 edge"), same accessory type, and satisfying every stated constraint. Queries with more than
`max_relevant` relevant products are dropped, as ESCI's 1-8 exact matches per query suggest.

The wording comes from template families that the training generator (`training/product_queries.py`)
does not use, so the evaluation is not tuned to the training queries.

Output: `query_id, product_id, query, filters` (one row per relevant product; `filters` is the JSON of
the constraints the query states, in `Filters` field names).

    python -m evals.devsets --catalog ../shared/data/catalogs/amazon_us_phones.jsonl.gz \\
        --out evals/devsets/us_phones_dev.csv --n 200 --prefix us
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from retrieval.attributes import AttributeTable
from retrieval.catalog import Product, load_catalog
from retrieval.facets import PRODUCT_LINE_BRANDS, brand_key
from retrieval.filters import ACCESSORIES, PHONES, Filters
from training.product_queries import accessory_type, is_held_out, model_phrase_pattern, model_phrases

COLUMNS = ("query_id", "product_id", "query", "filters")


@dataclass
class DevQuery:
    query_id: str
    query: str
    filters: Filters
    relevant: list[str]
    source_id: str


# Template families absent from the training generator: first person stories, questions, constraints
# phrased as "no more than", "at least N stars", "works on", "doesn't have to be new".
_PHONE_OPENERS = (
    "my old phone just died, i'd like a {model}",
    "is there a {model}",
    "i've been saving up for a {model}",
    "can i get a {model}",
    "searching for a {model}",
    "my son keeps asking for a {model}, do you carry one",
    "which {model} listings do you have",
    "thinking of switching to a {model}",
)
_ACC_OPENERS = (
    "i just got a {model} and need a {kind} for it",
    "what {kind} would fit my {model}",
    "do you carry a {kind} that works with the {model}",
    "my {model} needs a new {kind}",
    "shopping for a {kind}, it's for a {model}",
    "got anything in {kind}s for the {model}",
)
_KIND_WORDS = {"case": ("case", "cover"), "screen protector": ("screen protector", "screen guard"),
               "charger": ("charger",), "cable": ("cable", "charging cable"), "earbuds": ("earbuds",),
               "power bank": ("power bank",), "car mount": ("car mount", "car holder"),
               "smartwatch": ("smartwatch",), "watch band": ("strap", "band"), "stand": ("stand",)}


def _price_phrase(rng: random.Random, bound: int) -> str:
    return rng.choice((f"that costs no more than ${bound}", f"for {bound} dollars or less", f"cheaper than ${bound}",
                       f"i can't spend over ${bound}", f"with a price cap of ${bound}"))


def _rating_phrase(rng: random.Random, stars: float) -> str:
    return rng.choice((f"rated at least {stars:g} stars", f"with {stars:g}+ star reviews",
                       f"that people rate {stars:g} stars or higher"))


def _constraints(rng: random.Random, p: Product, subcategory: str) -> list[tuple[str, str, dict[str, Any]]]:
    """Candidate (name, phrase, filter fields) the query may state, all true of `p`."""
    out: list[tuple[str, str, dict[str, Any]]] = []
    if p.price is not None and p.price > 0:
        step = 1 if p.price < 20 else 5 if p.price < 100 else 25
        bound = int(math.ceil(p.price * rng.uniform(1.05, 1.35) / step) * step)
        out.append(("price", _price_phrase(rng, bound), {"price_max": float(bound)}))
    if p.average_rating is not None and p.average_rating >= 3.5:
        stars = math.floor(p.average_rating * 2) / 2
        stars = min(stars, 4.5)
        out.append(("rating", _rating_phrase(rng, stars), {"average_rating_min": stars}))
    if p.colors:
        c = p.colors[0]
        out.append(("color", rng.choice((f"in {c}", f"preferably {c}, nothing else", f"the {c} one")), {"color": [c]}))
    if subcategory == PHONES:
        if p.storage_gb and p.storage_gb >= 16:
            gb = f"{p.storage_gb:g}"
            out.append(("storage", rng.choice((f"with {gb} gigs", f"{gb}gb storage version", f"the {gb} gb model")),
                        {"storage_gb_min": float(p.storage_gb), "storage_gb_max": float(p.storage_gb)}))
        if len(p.carriers) == 1:
            c = p.carriers[0]
            cl = c.lower()
            phrase = ("carrier unlocked please" if c == "Unlocked" else
                      rng.choice((f"that works on {cl}", f"for my {cl} plan", f"locked to {cl} is fine")))
            out.append(("carrier", phrase, {"carrier": [c]}))
        if p.condition == "renewed":
            out.append(("condition", rng.choice(("doesn't have to be new, refurbished is ok",
                                                 "a renewed one is what i want", "second hand refurbished")),
                        {"condition": "renewed"}))
    elif p.brand:
        out.append(("brand", rng.choice((f"made by {p.brand.lower()}", f"from {p.brand.lower()}",
                                         f"{p.brand.lower()} brand only")), {"brand": [p.brand]}))
    return out


def _names_brand(model: str, brand: str) -> bool:
    words = model.split()
    key = brand_key(brand)
    line = PRODUCT_LINE_BRANDS.get(words[0]) if words else None
    return key in words or (line is not None and brand_key(line) == key)


def _code_like(p: Product) -> bool:
    """Model phrases that are part numbers ("samsung a157v"): no shopper types them."""
    return any(re.search(r"\b[a-z]{1,3}\d{3,}[a-z]*\b", m) for m in model_phrases(p))


def _relevant(products: Sequence[Product], table: AttributeTable, model: str, kind: str | None,
              bkey: str | None, filters: Filters) -> list[str]:
    pat = model_phrase_pattern(model)
    mask = table.mask(filters)
    out = []
    for row in mask.nonzero()[0]:
        q = products[int(row)]
        if bkey and brand_key(q.brand) != bkey and bkey not in model:
            continue
        if kind is not None and accessory_type(q) != kind:
            continue
        if pat.search(q.title.lower().replace(",", " ")):
            out.append(q.id)
    return out


def build_devset(products: Sequence[Product], n: int = 200, seed: int = 29, prefix: str = "dev",
                 max_relevant: int = 8, subcategories: Sequence[str] = (PHONES, ACCESSORIES),
                 phone_share: float | None = None) -> list[DevQuery]:
    """Queries from held-out products of `subcategories`; deterministic for a given catalog and seed."""
    products = list(products)
    table = AttributeTable.from_products(products)
    rng = random.Random(seed)
    sources = [p for p in products if p.subcategory in subcategories and is_held_out(p) and model_phrases(p)]
    sources = [p for p in sources if (p.subcategory == PHONES or accessory_type(p)) and not _code_like(p)]
    rng.shuffle(sources)
    if phone_share is not None:  # balance phones and accessories when both exist
        phones = [p for p in sources if p.subcategory == PHONES]
        accs = [p for p in sources if p.subcategory != PHONES]
        k = int(round(n * phone_share))
        sources = phones[: k * 3] + accs
    out: list[DevQuery] = []
    seen: set[tuple[str, ...]] = set()
    n_phones = 0
    for p in sources:
        if len(out) >= n:
            break
        if phone_share is not None and p.subcategory == PHONES and n_phones >= round(n * phone_share):
            continue
        q = _query_for(rng, p, products, table, max_relevant)
        if q is None:
            continue
        key = tuple(sorted(q.relevant)) + (q.query,)
        if key in seen:
            continue
        seen.add(key)
        n_phones += p.subcategory == PHONES
        q.query_id = f"{prefix}-{len(out) + 1:04d}"
        out.append(q)
    return out


def _query_for(rng: random.Random, p: Product, products: Sequence[Product], table: AttributeTable,
               max_relevant: int) -> DevQuery | None:
    models = model_phrases(p)
    model = rng.choice(models)
    sub = p.subcategory or PHONES
    kind = None if sub == PHONES else accessory_type(p)
    cands = _constraints(rng, p, sub)
    if not cands:
        return None
    rng.shuffle(cands)
    chosen = cands[: rng.choice((1, 2, 2, 3))]
    fields: dict[str, Any] = {"subcategory": sub}
    for _, _, f in chosen:
        fields.update(f)
    if sub == PHONES and p.brand and _names_brand(model, p.brand):
        fields["brand"] = [p.brand]  # "galaxy s8" states Samsung as surely as "samsung" does
    filters = Filters(**fields)
    bkey = brand_key(p.brand) if sub == PHONES else (brand_key(p.brand) if "brand" in fields else None)
    relevant = _relevant(products, table, model, kind, bkey, filters)
    if p.id not in relevant or len(relevant) > max_relevant:
        return None
    if sub == PHONES:
        head = rng.choice(_PHONE_OPENERS).format(model=model)
    else:
        head = rng.choice(_ACC_OPENERS).format(model=model, kind=rng.choice(_KIND_WORDS.get(kind or "", (kind,))))
    text = head
    for c in chosen:
        text += rng.choice((" ", ", ", ", ", " and ")) + c[1]
    text = re.sub(r"\ba ([aeiou])", r"an \1", text)
    if rng.random() < 0.3:
        text += rng.choice(("?", ", thank you", ". any ideas?", " :)"))
    return DevQuery("", text, filters, relevant, p.id)


def write_qrels(path: str | Path, queries: Sequence[DevQuery]) -> int:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = 0
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(COLUMNS)
        for q in queries:
            fjson = json.dumps(q.filters.active(), sort_keys=True)
            for pid in q.relevant:
                w.writerow([q.query_id, pid, q.query, fjson])
                rows += 1
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--catalog", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--seed", type=int, default=29)
    ap.add_argument("--prefix", default="dev")
    ap.add_argument("--subcategory", action="append", help="repeatable; default phones + accessories")
    ap.add_argument("--phone-share", type=float, default=None)
    a = ap.parse_args(argv)
    products = load_catalog(a.catalog)
    subs = a.subcategory or [PHONES, ACCESSORIES]
    qs = build_devset(products, n=a.n, seed=a.seed, prefix=a.prefix, subcategories=subs, phone_share=a.phone_share)
    rows = write_qrels(a.out, qs)
    rel = [len(q.relevant) for q in qs]
    print(f"{len(qs)} queries, {rows} qrels rows, relevant per query {min(rel, default=0)}-{max(rel, default=0)} "
          f"(mean {sum(rel) / max(1, len(rel)):.2f}) -> {a.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
