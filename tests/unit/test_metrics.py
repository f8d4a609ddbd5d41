"""Metric functions against hand-computed values, including the paper's P@k-with-short-lists rule."""

from __future__ import annotations

import math

import pytest

from evals.metrics import (
    constraint_precision_at_k,
    macro_average,
    mrr_at_k,
    ndcg_at_k,
    precision_at_k,
    query_metrics,
    recall_at_k,
)


def test_precision_divides_by_k_even_when_fewer_come_back():
    # Two products returned, one relevant: P@5 = 1/5, not 1/2 (the paper's rule).
    assert precision_at_k(["a", "x"], {"a"}, 5) == pytest.approx(0.2)
    assert precision_at_k(["a", "x"], {"a"}, 2) == pytest.approx(0.5)
    assert precision_at_k([], {"a"}, 3) == 0.0


def test_recall_counts_relevant_in_top_k():
    ranked = ["x", "a", "y", "b", "c"]
    rel = {"a", "b", "z"}
    assert recall_at_k(ranked, rel, 1) == 0.0
    assert recall_at_k(ranked, rel, 2) == pytest.approx(1 / 3)
    assert recall_at_k(ranked, rel, 5) == pytest.approx(2 / 3)
    assert recall_at_k(ranked, set(), 5) == 0.0


def test_mrr_and_ndcg_hand_computed():
    ranked = ["x", "a", "y", "b"]
    rel = {"a", "b"}
    assert mrr_at_k(ranked, rel) == pytest.approx(0.5)
    assert mrr_at_k(["x", "y"], rel) == 0.0
    dcg = 1 / math.log2(3) + 1 / math.log2(5)
    idcg = 1 + 1 / math.log2(3)
    assert ndcg_at_k(ranked, rel) == pytest.approx(dcg / idcg)
    assert ndcg_at_k(["a", "b"], rel) == pytest.approx(1.0)


def test_constraint_precision_is_share_of_returned():
    assert constraint_precision_at_k([True, False, True, True], 2) == pytest.approx(0.5)
    assert constraint_precision_at_k([True, False, True], 10) == pytest.approx(2 / 3)
    assert constraint_precision_at_k([], 10) == 0.0


def test_query_metrics_and_macro_average():
    q1 = query_metrics(["a", "x", "y"], {"a"}, [True, True, False])
    q2 = query_metrics(["x", "b"], {"b", "c"}, [False, True])
    assert q1["P@1"] == 1.0 and q2["P@1"] == 0.0
    assert q1["P@10"] == pytest.approx(0.1) and q2["P@10"] == pytest.approx(0.1)
    assert q2["R@2"] == pytest.approx(0.5)
    assert q1["CP@10"] == pytest.approx(2 / 3)
    avg = macro_average([q1, q2])
    assert avg["P@1"] == pytest.approx(0.5)
    assert avg["R@2"] == pytest.approx((1.0 + 0.5) / 2)  # macro: mean of per-query recalls
    assert avg["MRR@10"] == pytest.approx((1.0 + 0.5) / 2)
    assert macro_average([]) == {}


def test_precision_rejects_bad_k():
    with pytest.raises(ValueError):
        precision_at_k(["a"], {"a"}, 0)
