"""Moves along any attribute: every row of the move table in docs/state_rules.md, through `apply_moves`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extraction.moves import ATTRIBUTE_MOVES, MOVES, NAMED_MOVES, apply_moves, is_move, parse_move
from extraction.state import StateUpdate, apply_update
from retrieval.catalog import Product
from retrieval.filters import NUMERIC_PAIRS, Filters

DOC = Path(__file__).resolve().parents[2] / "docs" / "state_rules.md"


def _product(pid: str, price: float, screen: float, ram: float, battery: float, power: float, resolution: float,
             refresh: float, weight: float) -> Product:
    return Product(id=pid, title=pid, price=price, specs={
        "screen_in": screen, "ram_gb": ram, "battery_mah": battery, "power_w": power, "resolution_p": resolution,
        "refresh_hz": refresh, "weight_g": weight})


# The products "shown last turn" in the move table's *shown* rows (the same three as in the document).
SHOWN = [_product("A", 100, 43, 4, 5000, 18, 1080, 60, 180), _product("B", 200, 55, 8, 6000, 33, 2160, 120, 200),
         _product("C", 300, 65, 8, 7000, 67, 2160, 144, 230)]


def _move_rows() -> list[tuple[str, str, str, dict, dict]]:
    table = DOC.read_text(encoding="utf-8").split("<!-- move-table -->")[1].split("<!-- /move-table -->")[0]
    rows = []
    for line in table.strip().splitlines()[2:]:
        number, operation, move, before, after = (c.strip() for c in line.strip().strip("|").split("|"))
        rows.append((number, operation, move, json.loads(before.strip("`")), json.loads(after.strip("`"))))
    return rows


ROWS = _move_rows()


def test_move_table_covers_every_attribute_with_units():
    moved = {parse_move(move)[0] for _, _, move, _, _ in ROWS if parse_move(move)}
    assert {"screen_in", "ram_gb", "battery_mah", "power_w", "resolution_p", "refresh_hz", "weight_g"} <= moved
    assert len(ROWS) >= 15


@pytest.mark.parametrize("number,operation,move,before,after", ROWS, ids=[f"move{r[0]}" for r in ROWS])
def test_move_table_row(number, operation, move, before, after):
    shown = SHOWN if "*shown*" in operation else []
    new, warnings = apply_moves(Filters(**before), [move], shown)
    assert new == Filters(**after), f"row {number} ({operation}): {move} gave {new.active()} ({warnings})"
    assert bool(warnings) == ("warning" in operation), f"row {number}: warnings {warnings}"


def test_every_attribute_has_both_moves_and_named_moves_are_attribute_moves():
    assert set(ATTRIBUTE_MOVES) == {f"{d}:{a}" for a in NUMERIC_PAIRS for d in ("more", "less")}
    assert all(is_move(m) for m in MOVES + ATTRIBUTE_MOVES)
    assert not is_move("more:colour") and not is_move("bigger")
    assert set(NAMED_MOVES) <= set(MOVES) and "other_brands" not in NAMED_MOVES


@pytest.mark.parametrize("named,spelled", list(NAMED_MOVES.items()))
@pytest.mark.parametrize("state", [Filters(), Filters(price_max=400, average_rating_min="medium"),
                                   Filters(storage_gb_min=64, review_count_min="low")])
def test_named_moves_and_their_attribute_spelling_agree(named, spelled, state):
    legacy_shown = [Product(id=p.id, title=p.id, price=p.price, average_rating=4.0 + i / 5, rating_number=10 ** (i + 1),
                            storage_gb=64.0 * 2 ** i) for i, p in enumerate(SHOWN)]
    for shown in (legacy_shown, []):
        assert apply_moves(state, [named], shown) == apply_moves(state, [spelled], shown)


def test_moves_go_through_apply_update_and_keep_moving():
    state, _ = apply_update(Filters(), StateUpdate(moves=["more:screen_in"]), SHOWN)
    assert state.screen_in_min == 55.1
    bigger = [_product("D", 500, 65, 8, 0, 0, 2160, 120, 0), _product("E", 700, 75, 8, 0, 0, 2160, 120, 0)]
    state, _ = apply_update(state, StateUpdate(moves=["more:screen_in"]), bigger)
    assert state.screen_in_min == 70.1


def test_products_lacking_the_attribute_fall_back_to_a_level():
    bare = [Product(id="x", title="x", price=10)]
    new, warnings = apply_moves(Filters(), ["less:weight_g"], bare)
    assert new.weight_g_max == "low" and warnings
