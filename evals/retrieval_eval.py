"""Retrieval evaluation in the paper's layout (Table 5): configurations x P@k / R@k, plus MRR, nDCG, CP@k.

Input: a catalog and ESCI-style qrels (`query_id, product_id, query[, filters]`, one row per relevant
product). Each configuration ranks the catalog for every query; rows of one table:

* ``BM25`` / ``BM25 + filters``: bm25s over the same product text the embedder sees; with filters the
  scores of products outside the allowed set are masked (pre-filtering, as the dense path does).
* ``pretrained`` / ``pretrained + filters``: the base sentence-transformer, FAISS with the filters
  pushed down as an ID selector (`SearchEngine`).
* ``fine-tuned`` / ``fine-tuned + filters``: the same with the model of `sift train embedder`.
* ``fine-tuned, filters as text``: the paper's baseline without pre-filtering: the extracted filters
  are written in front of the query ("price max 300. brand samsung. <query>") and nothing is filtered.
* ``hybrid + filters``: reciprocal rank fusion (k=60) of BM25 + filters and fine-tuned + filters.
* ``... + rerank``: a `retrieval.rerank.CrossEncoderReranker` over the top `rerank_depth` of fine-tuned +
  filters (optional, ``--reranker PATH``).
* ``... + gold filters``: BM25, pretrained and fine-tuned with the filters stored in the qrels instead of
  the extracted ones (what perfect extraction would give); only when filters come from the rules.

Filters come from the qrels `filters` column (``--filters csv``) or from the rule extractor over the
query text (``--filters rules``, the end-to-end setting the paper reports).

    >>> qs, errors = parse_qrels(io.StringIO("query_id,product_id,query\\nq1,A,black phone\\nq1,,x\\n"))
    >>> [q.query_id for q in qs], [e.line for e in errors]
    (['q1'], [3])
"""

from __future__ import annotations

import csv
import io  # noqa: F401  (used by the doctest)
import json
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import bm25s
import numpy as np

from evals.metrics import macro_average, query_metrics
from evals.retrieval_report import TABLE_COLUMNS, markdown, plot  # re-exported: callers import them from here
from extraction.rules import RuleExtractor
from extraction.vocabulary import Vocabulary
from lexicon.numbers import convert
from retrieval.embedder import DEFAULT_MAX_SEQ_LENGTH, product_text
from retrieval.filters import FIELD_ORDER, Filters
from retrieval.rerank import CrossEncoderReranker
from retrieval.store import BuildOptions, open_engine

log = logging.getLogger(__name__)
RRF_K = 60
DEPTH = 10
FUSION_DEPTH = 100


@dataclass
class QrelQuery:
    query_id: str
    query: str
    relevant: set[str]
    filters: Filters | None = None  # from the CSV column, when present and valid
    line: int = 0


@dataclass
class QrelError:
    line: int
    reason: str


# ------------------------------------------------------------------------------------------------ qrels
def parse_qrels(source: TextIO | str | Path) -> tuple[list[QrelQuery], list[QrelError]]:
    """Parse the qrels CSV; bad rows are reported with their line number and skipped.

    A row is bad when a required cell is empty, its `filters` cell is not a JSON object of valid
    `Filters` fields, or it repeats a query id with a different query text.
    """
    if isinstance(source, str | Path):
        with Path(source).open(newline="", encoding="utf-8") as fh:
            return parse_qrels(fh)
    reader = csv.DictReader(source)
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = {"query_id", "product_id", "query"} - set(header)
    if missing:
        raise ValueError(f"qrels header must have query_id, product_id, query (and optionally filters); "
                         f"missing {sorted(missing)}, found {header}")
    reader.fieldnames = header
    queries: dict[str, QrelQuery] = {}
    errors: list[QrelError] = []
    for row in reader:
        line = reader.line_num
        if None in row:
            errors.append(QrelError(line, "more cells than header columns"))
            continue
        qid, pid, text = ((row.get(k) or "").strip() for k in ("query_id", "product_id", "query"))
        if not qid or not pid or not text:
            empty = [k for k, v in (("query_id", qid), ("product_id", pid), ("query", text)) if not v]
            errors.append(QrelError(line, f"empty {', '.join(empty)}"))
            continue
        filters = None
        raw = (row.get("filters") or "").strip()
        if raw:
            try:
                data = json.loads(raw)
                if not isinstance(data, dict):
                    raise ValueError("not a JSON object")
                filters = Filters(**data)
            except ValueError as exc:  # JSONDecodeError and pydantic.ValidationError are ValueErrors
                errors.append(QrelError(line, f"bad filters {raw[:60]!r}: {str(exc).splitlines()[0]}"))
                continue
        q = queries.get(qid)
        if q is None:
            queries[qid] = QrelQuery(qid, text, {pid}, filters, line)
        elif q.query != text:
            errors.append(QrelError(line, f"query_id {qid!r} already has query text {q.query[:40]!r}"))
        else:
            q.relevant.add(pid)
    return list(queries.values()), errors


# ------------------------------------------------------------------------------------------------ filters
def filters_as_text(f: Filters) -> str:
    """Filters written as words, for the paper's "filters in the text" baseline."""
    parts = []
    for name in FIELD_ORDER:
        v = getattr(f, name)
        if v in (None, [], ""):
            continue
        if isinstance(v, list):
            v = " or ".join(str(x) for x in v)
        elif isinstance(v, float):
            v = f"{v:g}"
        parts.append(f"{name.replace('_', ' ')} {v}")
    return ". ".join(parts)


def make_rule_extractor(table: Any) -> Callable[[str], Filters]:
    """The rule extractor over this catalog's vocabulary, as a text -> `Filters` function."""
    ex = RuleExtractor(Vocabulary.from_table(table))

    def extract(text: str) -> Filters:
        try:
            return ex.extract(text).filters
        except Exception as exc:  # an extractor bug must cost one query's filters, not the evaluation
            log.warning("rule extraction failed on %r: %s", text, exc)
            return Filters()

    return extract


# ------------------------------------------------------------------------------------------------ rankers
class BM25Ranker:
    """bm25s over `product_text`; scores of disallowed products masked to -inf."""

    def __init__(self, texts: Sequence[str]):
        self._bm25s = bm25s
        self.retriever = bm25s.BM25()
        self.retriever.index(bm25s.tokenize(list(texts), stopwords="en", show_progress=False), show_progress=False)
        self.n = len(texts)

    def scores(self, query: str) -> np.ndarray:
        tok = self._bm25s.tokenize([query], stopwords="en", show_progress=False, return_ids=False)[0]
        if not tok:
            return np.zeros(self.n, dtype=np.float32)
        return np.asarray(self.retriever.get_scores(tok), dtype=np.float32)

    def rank(self, query: str, allowed_mask: np.ndarray | None, k: int) -> list[int]:
        s = self.scores(query).copy()
        if allowed_mask is not None:
            s[~allowed_mask] = -np.inf
        kk = min(k, int(np.isfinite(s).sum()))
        if kk <= 0:
            return []
        top = np.argpartition(-s, kk - 1)[:kk]
        top = top[np.argsort(-s[top], kind="stable")]
        return [int(r) for r in top]


def rrf(rankings: Sequence[Sequence[int]], k: int = DEPTH, c: int = RRF_K) -> list[int]:
    """Reciprocal rank fusion: score(d) = sum 1 / (c + rank)."""
    score: dict[int, float] = {}
    for ranking in rankings:
        for i, r in enumerate(ranking, start=1):
            score[r] = score.get(r, 0.0) + 1.0 / (c + i)
    return [r for r, _ in sorted(score.items(), key=lambda t: (-t[1], t[0]))][:k]


# ------------------------------------------------------------------------------------------------ run
@dataclass
class EvalConfig:
    catalog: str
    qrels: str
    cache_dir: str
    pretrained: str
    finetuned: str | None = None
    filters_source: str = "auto"  # auto | csv | rules
    reranker: str | None = None  # path/hub id of a cross-encoder, optional
    rerank_depth: int = 20  # first-stage hits the reranker reorders
    max_seq_length: int = DEFAULT_MAX_SEQ_LENGTH  # what `sift search` indexes with
    name: str | None = None


@dataclass
class ConfigResult:
    config: str
    metrics: dict[str, float]
    ms_per_query: float
    per_query: list[dict[str, Any]] = field(default_factory=list)


def _open(catalog: str, cache_dir: str, model: str, max_seq_length: int):
    return open_engine(catalog, cache_dir, BuildOptions(model=model, show_progress=False,
                                                        max_seq_length=max_seq_length))


def evaluate(cfg: EvalConfig, open_fn: Callable[[str, str, str, int], Any] | None = None) -> dict[str, Any]:
    """Run every configuration on one (catalog, qrels) pair; returns the JSON-ready result.

    `open_fn(catalog, cache_dir, model, max_seq_length) -> SearchEngine` (tests pass a fake-embedder one).
    """
    open_fn = open_fn or _open
    t_start = time.perf_counter()
    queries, errors = parse_qrels(cfg.qrels)
    if not queries:
        raise ValueError(f"no usable query in {cfg.qrels}: " + "; ".join(f"line {e.line}: {e.reason}" for e in errors[:5]))
    for e in errors:
        log.warning("%s line %d skipped: %s", cfg.qrels, e.line, e.reason)
    base = open_fn(cfg.catalog, cfg.cache_dir, cfg.pretrained, cfg.max_seq_length)
    products, table = base.products, base.table
    known = {p.id for p in products}
    unknown = sorted({pid for q in queries for pid in q.relevant if pid not in known})
    if unknown:
        log.warning("%d relevant product ids are not in %s (e.g. %s); they count as relevant-but-unretrievable",
                    len(unknown), cfg.catalog, unknown[:3])

    # Filters per query.
    source = cfg.filters_source
    extractor = make_rule_extractor(table) if source in ("auto", "rules") else None
    if extractor is not None:
        source = "rules"
        used = [extractor(q.query) for q in queries]
    else:
        source = "csv"
        used = [q.filters or Filters() for q in queries]
    gold = [_in_currency(q.filters, getattr(table, "currency", QRELS_CURRENCY)) for q in queries]
    # Constraints to check in CP@k: the gold ones when the CSV has them, else the ones used.
    constraints = [g if g is not None else u for g, u in zip(gold, used, strict=True)]
    cmasks = [table.mask(c) for c in constraints]
    amasks = [None if f.is_empty() else table.mask(f) for f in used]

    texts = [q.query for q in queries]
    results: list[ConfigResult] = []

    def score(name: str, rankings: list[list[int]], seconds: float) -> ConfigResult:
        rows = []
        per_query = []
        for q, ranked, cm in zip(queries, rankings, cmasks, strict=True):
            ids = [products[r].id for r in ranked]
            rows.append(query_metrics(ids, q.relevant, [bool(cm[r]) for r in ranked]))
            per_query.append({"query_id": q.query_id, "top": ids[:DEPTH]})
        res = ConfigResult(name, macro_average(rows), 1000 * seconds / len(queries), per_query)
        results.append(res)
        log.info("%s: R@10 %.3f", name, res.metrics["R@10"])
        return res

    # BM25 with and without filters.
    t = time.perf_counter()
    bm25 = BM25Ranker([product_text(p) for p in products])
    build_s = time.perf_counter() - t
    t = time.perf_counter()
    score("BM25", [bm25.rank(x, None, DEPTH) for x in texts], time.perf_counter() - t)
    t = time.perf_counter()
    bm25_f = [bm25.rank(x, m, FUSION_DEPTH) for x, m in zip(texts, amasks, strict=True)]
    score("BM25 + filters", [r[:DEPTH] for r in bm25_f], time.perf_counter() - t)

    def dense(engine: Any, qtexts: Sequence[str], filters: Sequence[Filters], k: int = DEPTH) -> tuple[list[list[int]], float]:
        t0 = time.perf_counter()
        out = engine.search_batch(list(qtexts), list(filters), k=k)
        return [[h.row for h in r.hits] for r in out], time.perf_counter() - t0

    none = [Filters()] * len(queries)
    r, s = dense(base, texts, none)
    score("pretrained", r, s)
    r, s = dense(base, texts, used)
    score("pretrained + filters", r, s)

    tuned = None
    if cfg.finetuned:
        tuned = open_fn(cfg.catalog, cfg.cache_dir, cfg.finetuned, cfg.max_seq_length)
        if [p.id for p in tuned.products] != [p.id for p in products]:
            raise RuntimeError("the two indexes hold different product rows; rebuild the caches")
    best = tuned or base
    label = "fine-tuned" if tuned else "pretrained"
    if tuned:
        r, s = dense(tuned, texts, none)
        score("fine-tuned", r, s)
    r_f, s = dense(best, texts, used, FUSION_DEPTH)
    score(f"{label} + filters", [x[:DEPTH] for x in r_f], s)
    prefixed = [f"{filters_as_text(f)}. {x}" if not f.is_empty() else x for f, x in zip(used, texts, strict=True)]
    r, s = dense(best, prefixed, none)
    score(f"{label}, filters as text (no pre-filter)", r, s)
    t = time.perf_counter()
    score(f"hybrid RRF (BM25 + {label}) + filters", [rrf([a, b]) for a, b in zip(bm25_f, r_f, strict=True)],
          time.perf_counter() - t + s)
    if cfg.reranker:
        rr = CrossEncoderReranker(cfg.reranker, max_length=cfg.max_seq_length)
        d = cfg.rerank_depth
        t = time.perf_counter()
        reranked = [rr.rerank_rows(x, rows[:d], [product_text(products[i]) for i in rows[:d]])[:DEPTH] + rows[d:DEPTH]
                    for x, rows in zip(texts, r_f, strict=True)]
        score(f"{label} + filters + cross-encoder rerank", reranked, time.perf_counter() - t)
    if source == "rules" and any(g is not None for g in gold):
        # The same rankers with the qrels' own filters: what perfect extraction would give.
        gf = [g or Filters() for g in gold]
        t = time.perf_counter()
        score("BM25 + gold filters", [bm25.rank(x, None if f.is_empty() else table.mask(f), DEPTH)
                                      for x, f in zip(texts, gf, strict=True)], time.perf_counter() - t)
        r, s = dense(base, texts, gf)
        score("pretrained + gold filters", r, s)
        if tuned:
            r, s = dense(tuned, texts, gf)
            score("fine-tuned + gold filters", r, s)

    agree = sum(1 for u, g in zip(used, gold, strict=True) if g is not None and u.active() == g.active())
    return {
        "name": cfg.name or Path(cfg.qrels).stem,
        "catalog": str(cfg.catalog), "qrels": str(cfg.qrels), "products": len(products),
        "queries": len(queries), "skipped_rows": [{"line": e.line, "reason": e.reason} for e in errors],
        "relevant_not_in_catalog": len(unknown),
        "filters_source": source,
        "filters_exact_match": round(agree / len(queries), 4) if any(g is not None for g in gold) else None,
        "models": {"pretrained": cfg.pretrained, "finetuned": cfg.finetuned, "reranker": cfg.reranker},
        "rows": [{"config": r.config, "metrics": {k: round(v, 4) for k, v in r.metrics.items()},
                  "ms_per_query": round(r.ms_per_query, 2)} for r in results],
        "bm25_build_s": round(build_s, 2),
        "seconds": round(time.perf_counter() - t_start, 1),
    }


__all__ = ["TABLE_COLUMNS", "BM25Ranker", "EvalConfig", "QrelError", "QrelQuery", "evaluate", "filters_as_text",
           "markdown", "parse_qrels", "plot", "rrf"]


# The committed qrels state prices in US dollars (written when the Amazon India catalog's price was its dollar
# conversion); a catalog priced in another currency gets them converted at the same reference rates the
# shopper's "$150" goes through (extraction/currency.py).
QRELS_CURRENCY = "USD"


def _in_currency(filters: Filters | None, currency: str) -> Filters | None:
    if filters is None or not currency or currency == QRELS_CURRENCY:
        return filters
    changes = {}
    for name in ("price_min", "price_max"):
        value = getattr(filters, name)
        if isinstance(value, int | float) and not isinstance(value, bool):
            converted = convert(float(value), QRELS_CURRENCY, currency)  # rounded as the shopper's "$150" is
            if converted is not None:
                changes[name] = converted
    return filters.model_copy(update=changes) if changes else filters
