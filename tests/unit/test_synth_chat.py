"""Chat-register follow-ups of the synthetic generator (`training.synth_chat`): labels follow the state rules."""

from __future__ import annotations

import random

from retrieval.filters import ACCESSORIES, PHONES, Filters
from training.synth import SynthConfig, demo_products, generate_examples, load_vocab
from training.synth_chat import CHAT, CORRECTIONS, chat_register, chat_turn

VOCAB = load_vocab(products=demo_products())


def test_each_chat_act_changes_only_what_it_says() -> None:
    rng = random.Random(3)
    state = Filters(subcategory=PHONES, brand=["Samsung", "Google"], carrier=["AT&T"], storage_gb_min=128.0,
                    storage_gb_max=128.0, average_rating_min=4.5, price_max=500.0)
    seen = set()
    for _ in range(400):
        op = rng.choice(list(CHAT))
        turn = chat_turn(rng, VOCAB, state, op)
        if turn is None:
            continue
        text, target, moves, reset, family = turn
        seen.add(op)
        assert family.startswith(op + "/") and not moves and not reset and text
        if op == "add_carrier":
            assert target.carrier[0] == "AT&T" and len(target.carrier) == 2
        elif op == "replace_carrier":
            assert len(target.carrier) == 1 and target.carrier != ["AT&T"]
        elif op == "drop_value":  # one of the two brands taken off, nothing excluded
            assert len(target.brand) == 1 and not target.brand_exclude
        elif op == "replace_storage":  # an exact size stays exact
            assert target.storage_gb_min == target.storage_gb_max != 128.0
        elif op == "replace_rating":
            assert target.average_rating_min != 4.5
        else:
            assert isinstance(target.price_min, float) and target.price_min < target.price_max
        changed = {f for f in Filters.model_fields if getattr(target, f) != getattr(state, f)}
        assert changed <= {"carrier", "brand", "storage_gb_min", "storage_gb_max", "average_rating_min",
                           "price_min", "price_max"}, (text, changed)
    assert seen == set(CHAT)


def test_acts_with_nothing_to_act_on_give_no_turn() -> None:
    rng = random.Random(1)
    accessories = Filters(subcategory=ACCESSORIES, brand=["Spigen"])
    assert chat_turn(rng, VOCAB, accessories, "drop_value") is None  # one value: nothing to take off
    assert chat_turn(rng, VOCAB, accessories, "add_carrier") is None  # carriers are a phone's
    assert chat_turn(rng, VOCAB, accessories, "replace_rating") is None


def test_corrections_wrap_only_replacing_turns_and_the_label_never_changes() -> None:
    rng = random.Random(0)
    wrapped = [chat_register(rng, "no samsung", "exclude_brand/0", rate=1.0) for _ in range(300)]
    assert not any(w.startswith(tuple(CORRECTIONS)) for w in wrapped) and all("no samsung" in w for w in wrapped)
    fixed = [chat_register(rng, "verizon instead", "replace_carrier/0", rate=1.0) for _ in range(300)]
    assert any(w.startswith(tuple(CORRECTIONS)) for w in fixed)
    examples = generate_examples(SynthConfig(n_single=0, n_multi=3000, seed=2, typo_rate=0.0), VOCAB)
    assert sum(e.family.split("/")[0] in CHAT for e in examples) > 100
