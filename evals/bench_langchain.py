"""The LangChain baseline of the retrieval benchmark: the same vectors in LangChain's FAISS vector store with
its metadata filter (a callable over each document's metadata), to compare with our ID-selector push-down.
langchain-community is a dev extra, imported only when the baseline runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from langchain_core.embeddings import Embeddings

from retrieval.catalog import Product
from retrieval.embedder import product_text
from retrieval.facets import brand_key
from retrieval.filters import Filters


def product_metadata(row: int, p: Product) -> dict[str, Any]:
    """What a LangChain user would put in `Document.metadata`. Unknown numbers are NaN, not None:
    LangChain's `$lte`/`$gte` raise TypeError on None, while NaN compares False (= Sift's rule that an
    unknown value never satisfies a constraint)."""
    def num(v: float | int | None) -> float:
        return float("nan") if v is None else float(v)

    return {"row": row, "id": p.id, "price": num(p.price), "average_rating": num(p.average_rating),
            "rating_number": num(p.rating_number), "brand": brand_key(p.brand), "subcategory": p.subcategory,
            "color": p.color}


def langchain_filter(f: Filters) -> dict[str, Any]:
    """The LangChain metadata filter (MongoDB-style operators) for the fields the benchmark uses."""
    out: dict[str, Any] = {}

    def bound(key: str, op: str, value: Any) -> None:
        if value is not None:
            out.setdefault(key, {})[op] = float(value)

    bound("price", "$gte", f.price_min)
    bound("price", "$lte", f.price_max)
    bound("average_rating", "$gte", f.average_rating_min)
    bound("rating_number", "$gte", f.review_count_min)
    if f.subcategory:
        out["subcategory"] = f.subcategory
    if f.brand:
        out["brand"] = {"$in": [brand_key(b) for b in f.brand]}
    unsupported = set(f.active_fields()) - {"price_min", "price_max", "average_rating_min", "review_count_min",
                                           "subcategory", "brand"}
    if unsupported:
        raise ValueError(f"no LangChain translation for {sorted(unsupported)}")
    return out


def _langchain_embeddings(embedder: Any):
    class SiftEmbeddings(Embeddings):
        """Our embedder behind LangChain's `Embeddings` interface."""

        def embed_documents(self, texts: list[str]) -> list[list[float]]:
            return embedder.encode(texts).tolist()

        def embed_query(self, text: str) -> list[float]:
            return embedder.encode_queries([text])[0].tolist()

    return SiftEmbeddings()


def build_langchain_store(products: Sequence[Product], vectors: np.ndarray, embedder: Any):
    """`FAISS.from_embeddings` with the defaults a LangChain user gets (flat L2 index, post-filtering)."""
    from langchain_community.vectorstores import FAISS  # lazy: a dev extra, only for the LangChain baseline

    texts = [product_text(p) for p in products]
    metas = [product_metadata(i, p) for i, p in enumerate(products)]
    return FAISS.from_embeddings(list(zip(texts, vectors.tolist(), strict=True)), _langchain_embeddings(embedder),
                                 metadatas=metas, ids=[p.id for p in products])


def langchain_admits(store: Any, metas: Sequence[dict[str, Any]], f: Filters) -> np.ndarray:
    func = store._create_filter_func(langchain_filter(f))
    return np.array([bool(func(m)) for m in metas], dtype=bool)


# ------------------------------------------------------------------------------------------ sections
