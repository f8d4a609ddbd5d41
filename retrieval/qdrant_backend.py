"""A second vector backend on Qdrant, for catalogs that outgrow one machine.

Same contract as `retrieval.index.VectorIndex.search` (queries, k, allowed, filters) -> `SearchOutput`,
but the constraints travel as a Qdrant payload filter, so pre-filtering happens inside the engine
(on payload indexes, across shards) instead of as an id list built in this process. The attribute table
still counts `matched` and facets; it is also the reference this backend is tested against.

Works against a server (`QdrantClient(url=...)`) or qdrant-client's local mode (`":memory:"` or a path),
which the tests use.

    >>> backend = QdrantBackend.build(vectors, products, table, location=":memory:")   # doctest: +SKIP
    >>> backend.search(qvec, 10, filters=Filters(brand=["Samsung"], price_max=300))      # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

try:  # the `scale` extra: this module is only imported when the Qdrant backend is asked for
    from qdrant_client import QdrantClient, models
except ImportError as exc:  # pragma: no cover - depends on the installation
    raise ImportError("the Qdrant backend needs qdrant-client: pip install 'sift[scale]' "
                      "(or pip install qdrant-client)") from exc

from .attributes import AttributeTable, category_key
from .catalog import Product
from .facets import brand_keys, color_families, parse_carriers
from .filters import NUMERIC_FIELDS, NUMERIC_PAIRS, Filters
from .index import SearchOutput
from .specs import spec_names

# Payload keys that carry a filterable attribute, with their Qdrant index type. "kind" is the product type
# (retrieval/roles.py); "level_<attribute>" the key a product's levels resolve by (retrieval/levels.py).
PAYLOAD_SCHEMA = {
    **dict.fromkeys(NUMERIC_PAIRS, "float"),
    "subcategory": "keyword", "brand_keys": "keyword", "colors": "keyword", "carriers": "keyword",
    "condition": "keyword", "category_keys": "keyword", "sold_out": "keyword", "kind": "keyword",
    **{name: "float" for name in spec_names()},
    **{f"level_{attr}": "keyword" for attr in NUMERIC_PAIRS if attr != "rating"},
}


def product_payload(p: Product, table: AttributeTable | None = None, row: int | None = None) -> dict[str, Any]:
    """Unknown attributes are left out, so a range condition never admits a product lacking the value; a
    price in another currency than the catalog's is unknown to price conditions. With the attribute table
    and the product's row: its type and level keys too."""
    payload: dict[str, Any] = {
        "subcategory": (p.subcategory or "").lower(), "brand_keys": brand_keys(p.brand), "colors": p.colors,
        "carriers": [c.lower() for c in p.carriers], "condition": p.condition,
        "category_keys": [category_key(p.category_path[:d]) for d in range(1, len(p.category_path) + 1)],
        "sold_out": "yes" if p.availability == "out_of_stock" else "no",
    }
    currency = table.currency if table is not None else "USD"
    price = p.price if p.currency == currency else None
    for key, value in (("price", price), ("rating", p.average_rating), ("review_count", p.rating_number),
                       ("storage_gb", p.storage_gb), *((n, (p.specs or {}).get(n)) for n in spec_names())):
        if value is not None:
            payload[key] = float(value)
    if table is not None and row is not None:
        if table.kind_codes is not None and table.kinds[table.kind_codes[row]]:
            payload["kind"] = table.kinds[table.kind_codes[row]]
        for attr, (codes, keys) in table.level_keys.items():
            payload[f"level_{attr}"] = keys[codes[row]] or ""
    return payload


class QdrantBackend:
    kind = "qdrant"

    def __init__(self, client, collection: str, table: AttributeTable, size: int, dim: int, local: bool):
        self.client = client
        self.local = local
        self.collection = collection
        self.table = table
        self._size = size
        self._dim = dim

    @property
    def size(self) -> int:
        return self._size

    @property
    def dim(self) -> int:
        return self._dim

    @classmethod
    def build(cls, vectors: np.ndarray, products: Sequence[Product], table: AttributeTable,
              location: str = ":memory:", url: str | None = None, collection: str = "sift_products",
              batch: int = 1024) -> QdrantBackend:
        client = QdrantClient(url=url) if url else QdrantClient(location=location) if location == ":memory:" \
            else QdrantClient(path=location)
        n, d = vectors.shape
        if client.collection_exists(collection):
            client.delete_collection(collection)
        client.create_collection(collection, vectors_config=models.VectorParams(size=d, distance=models.Distance.DOT))
        for name, kind in PAYLOAD_SCHEMA.items():
            schema = models.PayloadSchemaType.FLOAT if kind == "float" else models.PayloadSchemaType.KEYWORD
            client.create_payload_index(collection, field_name=name, field_schema=schema)
        for start in range(0, n, batch):
            stop = min(n, start + batch)
            client.upsert(collection, points=models.Batch(
                ids=list(range(start, stop)), vectors=vectors[start:stop].astype(np.float32).tolist(),
                payloads=[product_payload(p, table, row) for row, p in enumerate(products[start:stop], start)]))
        return cls(client, collection, table, n, d, local=url is None)

    def search(self, queries: np.ndarray, k: int, allowed: np.ndarray | None = None,
               filters: Filters | None = None, excluded: np.ndarray | None = None) -> SearchOutput:
        """`allowed` is ignored: the filter is evaluated by Qdrant from `filters`. `excluded`: rows the
        engine left out beyond the filters (titles carrying a ruled-out word, "earphones -wired"), sent as
        a must-not id condition so the results are those of the FAISS path."""
        queries = np.atleast_2d(np.asarray(queries, dtype=np.float32))
        k = max(1, int(k))
        qfilter = self.payload_filter(filters) if filters is not None and self.table.restricts(filters) else None
        if excluded is not None and excluded.size:
            without = models.HasIdCondition(has_id=[int(r) for r in excluded])
            qfilter = (models.Filter(must_not=[without]) if qfilter is None
                       else models.Filter(must=[qfilter], must_not=[without]))
        return self._query(queries, k, qfilter)

    def exact_subset(self, queries: np.ndarray, k: int, rows: np.ndarray) -> SearchOutput:
        """Top-k among `rows` only (the listings carrying a model the query names, wherever the embedder put
        them), like `VectorIndex.exact_subset`."""
        queries = np.atleast_2d(np.asarray(queries, dtype=np.float32))
        only = models.Filter(must=[models.HasIdCondition(has_id=[int(r) for r in rows])])
        return self._query(queries, max(1, int(k)), only)

    def _query(self, queries: np.ndarray, k: int, qfilter: Any) -> SearchOutput:
        requests = [models.QueryRequest(query=q.tolist(), filter=qfilter, limit=k, with_payload=False)
                    for q in queries]
        responses = self.client.query_batch_points(self.collection, requests=requests)
        scores = np.full((len(queries), k), -np.inf, dtype=np.float32)
        ids = np.full((len(queries), k), -1, dtype=np.int64)
        for i, resp in enumerate(responses):
            for j, point in enumerate(resp.points[:k]):
                ids[i, j] = int(point.id)
                scores[i, j] = float(point.score)
        # Exact in local mode; on a server, HNSW with payload-aware filtering (approximate).
        return SearchOutput(scores, ids, exhaustive=self.local)

    def payload_filter(self, filters: Filters):
        """Translate `Filters` to a Qdrant `Filter`. Levels become one branch per subcategory."""
        must: list[Any] = []
        must_not: list[Any] = []
        for name, (attribute, direction) in NUMERIC_FIELDS.items():
            value = getattr(filters, name)
            if value is None:
                continue
            if isinstance(value, str):
                must.append(self._level_condition(name, attribute, direction, value))
            else:
                must.append(_range(attribute, direction, float(value)))
        if filters.subcategory:
            must.append(models.FieldCondition(key="subcategory",
                                              match=models.MatchValue(value=filters.subcategory.lower())))
        if filters.condition:
            must.append(models.FieldCondition(key="condition", match=models.MatchValue(value=filters.condition)))
        if filters.brand:
            must.append(_any("brand_keys", self.table.brand_lookup(filters.brand)))
        if filters.brand_exclude:
            must_not.append(_any("brand_keys", self.table.brand_lookup(filters.brand_exclude)))
        if filters.color:
            must.append(_any("colors", [c for v in filters.color for c in (color_families(v) or [v.lower()])]))
        if filters.color_exclude:
            must_not.append(_any("colors", [c for v in filters.color_exclude for c in (color_families(v) or [v.lower()])]))
        if filters.carrier:
            must.append(_any("carriers", [c.lower() for v in filters.carrier for c in (parse_carriers(v) or [v])]))
        if filters.category:
            must.append(_any("category_keys", self.table.categories.lookup(filters.category)
                             if self.table.categories else []))
        if not filters.include_out_of_stock:
            must_not.append(models.FieldCondition(key="sold_out", match=models.MatchValue(value="yes")))
        if filters.product_type:
            must.append(models.FieldCondition(key="kind", match=models.MatchValue(value=filters.product_type)))
        return models.Filter(must=must or None, must_not=must_not or None)

    def _level_condition(self, name: str, attribute: str, direction: str, level: str):
        keyed = self.table.level_keys.get(attribute)
        if keyed is not None:  # one branch per level key (category) in use
            return models.Filter(should=[
                models.Filter(must=[models.FieldCondition(key=f"level_{attribute}",
                                                          match=models.MatchValue(value=key or "")),
                                    _range(attribute, direction, self.table.levels.bound(name, level, key))])
                for key in dict.fromkeys(keyed[1])])
        branches = []
        for sub in self.table.subcategories:
            bound = self.table.levels.bound(name, level, sub)
            is_sub = (models.FieldCondition(key="subcategory", match=models.MatchValue(value=sub.lower()))
                      if sub else models.FieldCondition(key="subcategory", match=models.MatchValue(value="")))
            branches.append(models.Filter(must=[is_sub, _range(attribute, direction, bound)]))
        return models.Filter(should=branches)


def _range(attribute: str, direction: str, bound: float):
    if np.isinf(bound):  # "price_max: high" is unbounded above: only "has a known value" remains
        return models.FieldCondition(key=attribute, range=models.Range(gte=0.0))
    rng = models.Range(gte=bound) if direction == "min" else models.Range(lte=bound)
    return models.FieldCondition(key=attribute, range=rng)


def _any(key: str, values: list[str]):
    # An empty value list must match nothing (an unknown brand), not everything.
    return models.FieldCondition(key=key, match=models.MatchAny(any=values or ["\x00none"]))
