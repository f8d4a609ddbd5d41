"""The chat window's pure helpers (sift/ui.py): chips, cards, input cleaning, escaping, login secrets."""

from __future__ import annotations

import dataclasses
import os
import stat
from types import SimpleNamespace

import pytest

from retrieval.filters import PHONES, Filters
from sift import ui


@pytest.fixture
def ui_settings(tmp_path, monkeypatch):
    monkeypatch.delenv("CHAINLIT_AUTH_SECRET", raising=False)
    monkeypatch.delenv("SIFT_STAFF_PASSWORD", raising=False)
    return ui.UISettings(home=tmp_path / "home")


def test_chip_labels_read_like_constraints():
    f = Filters(price_max=300, price_min=100, average_rating_min=4, review_count_min=1000, brand=["Samsung"],
                color=["black", "blue"], subcategory=PHONES, storage_gb_min=128, condition="renewed")
    labels = {c["group"]: c["label"] for c in ui.chips_for(f)}
    assert labels["price"] == "price >= $100, <= $300"
    assert labels["rating"] == "rating >= 4"
    assert labels["reviews"] == "reviews >= 1,000"
    assert labels["brand"] == "brand: Samsung"
    assert labels["color"] == "color: black or blue"
    assert labels["subcategory"] == "category: phones"
    assert labels["storage"] == "storage >= 128 GB"
    assert labels["condition"] == "condition: renewed"
    assert ui.chips_for(Filters()) == []


def test_level_chips_use_the_agents_words():
    [chip] = ui.chips_for(Filters(price_max="low"))
    assert chip["label"].startswith("price: cheap")
    excl = ui.chips_for(Filters(brand_exclude=["Apple"]))[0]
    assert excl["label"] == "brand: not Apple" and excl["remove"] == "any brand"


@pytest.fixture(scope="module")
def extractor(demo_engine):
    from agent.factory import default_extractor

    return default_extractor(demo_engine)


STATE = Filters(price_max=300, average_rating_min=4, review_count_min=100, brand=["Samsung"], color=["black"],
                subcategory=PHONES, storage_gb_min=64, condition="new")


@pytest.mark.parametrize("group", [g for g, *_ in ui.CHIP_GROUPS if g not in ("subcategory", "carrier")])
def test_chip_remove_text_removes_exactly_that_constraint(extractor, group):
    """The remove button sends `remove` as the shopper's message: the real extractor must drop that group."""
    chip = next(c for c in ui.chips_for(STATE) if c["group"] == group)
    fields = next(f for g, f, *_ in ui.CHIP_GROUPS if g == group)
    new = extractor.extract(chip["remove"], state=STATE).filters.active()
    assert not any(f in new for f in fields), (chip, new)
    kept = {k: v for k, v in STATE.active().items() if k not in fields}
    assert new == kept


def test_clean_user_text():
    assert ui.clean_user_text("   ").text == ""
    assert ui.clean_user_text(None).text == ""
    assert ui.clean_user_text("a\x00b\x07c").text == "a b c"
    long = ui.clean_user_text("cheap phone " * 2000)
    assert long.truncated and len(long.text) <= ui.MAX_MESSAGE_CHARS and long.original_chars == 24000 - 1
    assert not long.text.endswith(" ")
    markup = ui.clean_user_text("<script>x</script>")
    assert markup.text == "<script>x</script>" and not markup.truncated  # kept as text, escaped when shown


def test_escape_markdown_html_neutralises_tags():
    out = ui.escape_markdown_html('Nothing for "<script>alert(1)</script>" & <img src=x onerror=y>')
    assert "<" not in out and ">" not in out
    assert "&lt;script&gt;" in out and "&amp;" in out


def test_card_props_only_pass_http_images():
    base = {"id": "P1", "title": "Galaxy <b>A03</b>", "brand": "Samsung", "price": 84.49, "rating": 4.46,
            "reviews": 50000, "why": ["Samsung", "$84.49"]}
    props = ui.card_props(dict(base, image_url="https://m.media-amazon.com/images/I/x.jpg"), 1)
    assert props["image"].startswith("https://") and props["price"] == "$84.49" and props["rating"] == 4.5
    assert props["title"] == "Galaxy <b>A03</b>"  # raw: the JSX renders it as text (React escapes it)
    for bad in ("javascript:alert(1)", "data:image/png;base64,AAAA", "/local.png", None, "https://x y"):
        assert ui.card_props(dict(base, image_url=bad), 1)["image"] is None
    missing = ui.card_props({"id": "P2", "title": "t"}, 2)
    assert (missing["price"], missing["rating"], missing["reviews"], missing["image"]) == ("", None, 0, None)


def test_turn_record_from_a_turn_result():
    result = SimpleNamespace(filters=Filters(brand=["Google"], color=["black"]), matched=0, shown=[],
                             latency_ms=123.456, clarifying=False, relaxations=[{"drop": "brand"}],
                             answer="No products match.")
    rec = ui.turn_record(result, "what about pixel instead?", source="chip").to_json()
    assert rec["filters"] == {"brand": ["Google"], "color": ["black"]}
    assert rec["matched"] == 0 and rec["shown"] == [] and rec["latency_ms"] == 123.5
    assert rec["chips"] == ["brand: Google", "color: black"] and rec["source"] == "chip"
    assert rec["answer"] == "No products match."


def test_details_markdown_escapes_catalog_text(demo_engine):
    p = demo_engine.products[0]
    evil = dataclasses.replace(p, title="<script>x</script> phone", features=["<b>fast</b>"])
    md = ui.details_markdown(evil)
    assert "<script>" not in md and "&lt;script&gt;" in md and "&lt;b&gt;fast" in md
    assert "price:" in ui.details_markdown(p)


def test_auth_secret_and_staff_password_are_generated_once(ui_settings):
    secret = ui.ensure_auth_secret(ui_settings)
    assert os.environ["CHAINLIT_AUTH_SECRET"] == secret and len(secret) >= 40
    path = ui_settings.home / "auth_secret"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    del os.environ["CHAINLIT_AUTH_SECRET"]
    assert ui.ensure_auth_secret(ui_settings) == secret  # same secret after a restart: sessions survive
    pw = ui.staff_password(ui_settings)
    assert ui.staff_password(ui_settings) == pw
    assert ui.check_staff_login(ui_settings, "staff", pw)
    assert not ui.check_staff_login(ui_settings, "staff", pw + "x")
    assert not ui.check_staff_login(ui_settings, "admin", pw)
    chosen = ui.UISettings(home=ui_settings.home, staff_password="s3cret", staff_user="ops")
    assert ui.check_staff_login(chosen, "ops", "s3cret")


def test_shopper_tokens_decode_to_the_shopper(ui_settings):
    from chainlit.auth import decode_jwt

    token = ui.mint_shopper_token("visitor-42", ui_settings)
    user = decode_jwt(token)
    assert user.identifier == "shopper:visitor-42" and user.metadata["role"] == "shopper"
    with pytest.raises(ValueError):
        ui.mint_shopper_token("bad id <script>", ui_settings)
    assert ui.shopper_identifier(" abc-1 ") == "shopper:abc-1"
    assert ui.shopper_identifier("a b") is None and ui.shopper_identifier("") is None


def test_database_url_defaults_to_sqlite_in_home(tmp_path):
    s = ui.UISettings(home=tmp_path)
    assert s.resolved_database_url() == f"sqlite+aiosqlite:///{(tmp_path / 'chat.sqlite').resolve()}"
    assert ui.UISettings(home=tmp_path, database_url="postgresql+asyncpg://h/db").resolved_database_url() == \
        "postgresql+asyncpg://h/db"


def test_chainlit_command_runs_app_py():
    cmd = ui.chainlit_command("127.0.0.1", 8123)
    assert cmd[1:4] == ["-m", "chainlit", "run"] and "app.py" in cmd and "--headless" in cmd
    assert cmd[cmd.index("--port") + 1] == "8123"


def test_tidy_markdown_ends_lists_before_plain_lines():
    answer = "7 products match:\n1. A - $1\n2. B - $2\nYou can say: \"cheaper\"."
    assert ui.tidy_markdown(answer) == "7 products match:\n1. A - $1\n2. B - $2\n\nYou can say: \"cheaper\"."
    assert ui.tidy_markdown("- a\n  continued\n- b") == "- a\n  continued\n- b"
    assert ui.tidy_markdown("plain\ntext") == "plain\ntext"
