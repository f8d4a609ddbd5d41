"""The importer never crashes: every non-empty line becomes a product or a reported, skipped row."""

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from retrieval.catalog import LoadReport, iter_products

# allow_subnormal=False: the suite flushes denormals (torch.set_flush_denormal) for T5 speed.
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True, allow_subnormal=False) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=12,
)
amazon_like = st.fixed_dictionaries(
    {},
    optional={
        "parent_asin": st.one_of(st.text(max_size=12), st.integers(), st.none()),
        "title": st.one_of(st.text(max_size=60), st.none(), st.integers(), st.lists(st.text(max_size=5))),
        "price": st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True, allow_subnormal=False), st.text(max_size=12)),
        "average_rating": json_values, "rating_number": json_values, "store": json_values,
        "categories": json_values, "details": json_values, "features": json_values, "images": json_values,
    },
)
lines = st.lists(
    st.one_of(amazon_like.map(json.dumps), json_values.map(json.dumps), st.text(max_size=80),
              st.binary(max_size=40).map(lambda b: b.decode("latin-1"))),
    max_size=25,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=lines)
def test_importer_never_crashes_and_accounts_for_every_line(tmp_path, rows):
    path = tmp_path / "fuzz.jsonl"
    clean = [r.replace("\n", " ").replace("\r", " ").replace("\x0b", " ").replace("\x0c", " ")
             .replace("\x1c", " ").replace("\x1d", " ").replace("\x1e", " ").replace("\x85", " ")
             .replace("\u2028", " ").replace("\u2029", " ") for r in rows]
    path.write_text("\n".join(clean) + "\n", encoding="utf-8")
    report = LoadReport()
    products = list(iter_products(path, report=report))
    non_empty = sum(1 for r in clean if r.strip())
    assert report.rows == non_empty
    assert len(products) + report.skipped == non_empty
    for p in products:
        assert p.id and p.title
        assert p.price is None or p.price >= 0
        assert p.average_rating is None or 0 <= p.average_rating <= 5
