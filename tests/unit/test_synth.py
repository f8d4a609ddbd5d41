"""Synthetic data: determinism, label sanity, and the split by template family."""

from __future__ import annotations

import random
import re

from extraction.serialize import format_state, parse_target, to_filters
from retrieval.filters import ACCESSORIES, PHONES, Filters
from training.synth import (
    Example,
    LLMSynthesizer,
    SynthConfig,
    SynthVocab,
    generate_dialogues,
    generate_examples,
    read_jsonl,
    split_by_family,
    write_jsonl,
)
from training.synth_surface import fmt_price, number_words

VOCAB = SynthVocab(phone_brands=["Samsung", "Apple", "Google", "Motorola", "OnePlus"],
                   accessory_brands=["Anker", "Spigen", "OtterBox"],
                   colors={"black": "black", "white": "white", "blue": "blue", "midnight black": "black",
                           "graphite": "gray", "gray": "gray"},
                   carriers=["AT&T", "T-Mobile", "Unlocked", "Verizon"], storages=[64.0, 128.0, 256.0, 512.0])
CFG = SynthConfig(n_single=1500, n_multi=1500, n_dialogues=20, seed=5)


def test_same_seed_same_data_other_seed_other_data() -> None:
    a = [e.to_json() for e in generate_examples(CFG, VOCAB)]
    b = [e.to_json() for e in generate_examples(CFG, VOCAB)]
    c = [e.to_json() for e in generate_examples(SynthConfig(n_single=1500, n_multi=1500, seed=6), VOCAB)]
    assert a == b
    assert a != c


def test_no_family_in_two_splits_and_test_is_nonempty() -> None:
    ex = generate_examples(CFG, VOCAB)
    splits = split_by_family(ex, seed=CFG.seed)
    fams = {k: {e.family for e in v} for k, v in splits.items()}
    assert fams["train"] and fams["test"]
    assert not fams["train"] & fams["test"]
    assert not fams["train"] & fams["dev"]
    assert not fams["dev"] & fams["test"]
    assert sum(len(v) for v in splits.values()) == len(ex)
    # Every refinement operation keeps phrasings in train, so held-out families test paraphrase, not new skills.
    groups_train = {f.rsplit("/", 1)[0] for f in fams["train"]}
    assert {f.rsplit("/", 1)[0] for f in fams["test"]} <= groups_train


def test_labels_follow_the_text() -> None:
    ex = generate_examples(CFG, VOCAB)
    by_text = {e.utterance.lower(): e for e in ex}
    cheap = [e for e in ex if e.input_state.is_empty() and e.family.startswith("single/")
             and " cheap " in f" {e.utterance.lower()} " and "too cheap" not in e.utterance.lower()]
    assert cheap and all(e.target_state.price_max == "low" for e in cheap)
    for e in ex:
        if e.family.startswith("none/"):
            assert e.target_state == e.input_state and not e.moves
        if e.family.startswith("move_"):
            assert e.moves and e.target_state == e.input_state
        if e.family.startswith("reset/"):
            assert e.reset and e.target_state.is_empty()
        if e.target_state.subcategory == ACCESSORIES and e.input_state.is_empty():
            assert e.target_state.storage_gb_min is None
    # Both directions of the comparators appear.
    assert any(e.target_state.average_rating_max not in (None, "low") for e in ex)
    assert any(e.target_state.average_rating_min not in (None, "high", "medium") for e in ex)
    assert any(e.target_state.review_count_max not in (None, "low") for e in ex)
    assert any(e.target_state.price_min not in (None, "high", "medium") for e in ex)
    assert any(e.target_state.subcategory == PHONES for e in ex)
    assert len(by_text) > 0.8 * len(ex)  # mostly distinct utterances


def test_targets_serialise_and_parse_back() -> None:
    for e in generate_examples(CFG, VOCAB)[:800]:
        data, moves, reset, warnings = parse_target(format_state(e.target_state, e.moves, e.reset))
        assert warnings == []
        assert to_filters(data)[0] == e.target_state and moves == e.moves and reset == e.reset


def test_number_spellings() -> None:
    assert number_words(200) == "two hundred"
    assert number_words(1500) == "fifteen hundred"
    rng = random.Random(0)
    seen = {fmt_price(rng, 1200.0) for _ in range(300)}
    assert {"$1,200", "1.2k", "1200"} <= seen


def test_dialogues_chain_states(tmp_path) -> None:
    ds = generate_dialogues(CFG, VOCAB)
    assert len(ds) == 20
    for d in ds:
        assert d[0].input_state == Filters()
        for prev, cur in zip(d, d[1:], strict=False):
            assert cur.input_state == prev.target_state
    path = write_jsonl([t for d in ds for t in d], tmp_path / "d.jsonl")
    assert [e.to_json() for e in read_jsonl(path)] == [t.to_json() for d in ds for t in d]


class _FakeChat:
    def __init__(self, reply: str):
        self.reply = reply
        self.prompts: list[str] = []

    def invoke(self, prompt: str):
        self.prompts.append(prompt)
        return type("Msg", (), {"content": self.reply})()


def test_llm_synthesizer_keeps_labels_and_drops_rewrites_that_lose_numbers() -> None:
    ex = Example(Filters(), "samsung phone under 300", Filters(brand=["Samsung"], price_max=300.0), family="single/1")
    chat = _FakeChat("1. hey any samsung phones below 300 bucks\n- samsung phone, cheap\nsamsung under $300 pls")
    out = LLMSynthesizer(chat).paraphrase([ex], n_per_example=3)
    assert [o.utterance for o in out] == ["hey any samsung phones below 300 bucks", "samsung under $300 pls"]
    assert all(o.target_state == ex.target_state and o.family == "llm/single/1" for o in out)
    assert "samsung phone under 300" in chat.prompts[0] and "3" in chat.prompts[0]


def test_condition_labels_follow_the_annotation_guide() -> None:
    # evals/real_phrasing/GUIDE.md: "no refurbs", "only new ones" are condition new; a plain "a new X" is not
    from training.synth_phrases import condition_phrase

    rng = random.Random(3)
    news = [ph for ph in (condition_phrase(rng) for _ in range(3000)) if ph.sets.get("condition") == "new"]
    assert news and all(ph.text.strip() != "new" for ph in news)
    assert {"no refurbs", "only new ones"} <= {ph.text for ph in news}
    examples = generate_examples(SynthConfig(n_single=4000, n_multi=0, seed=5), VOCAB)
    plain_new = [e for e in examples if re.search(r"\ba new\b", e.utterance) and e.input_state == Filters()
                 and not re.search(r"brand new|new (?:only|condition|in box)|sealed new", e.utterance)]
    assert plain_new and all(e.target_state.condition is None for e in plain_new)


def test_an_accessory_for_a_named_phone_does_not_take_the_phone_makers_brand() -> None:
    # the guide: "case for my samsung s21" has no brand; the generator also writes the maker before the line
    examples = generate_examples(SynthConfig(n_single=4000, n_multi=0, seed=5), VOCAB)
    named = [e for e in examples if e.input_state == Filters() and e.target_state.subcategory == ACCESSORIES
             and re.search(r"\b(?:for (?:my |a )?)?(samsung|apple|google) (galaxy|iphone|pixel)\b", e.utterance)]
    assert named
    for e in named:
        maker = re.search(r"\b(samsung|apple|google) (?:galaxy|iphone|pixel)\b", e.utterance).group(1)
        assert maker.lower() not in [b.lower() for b in e.target_state.brand], e.utterance


def test_narrowing_turns_keep_one_value_of_a_two_value_list() -> None:
    examples = generate_examples(SynthConfig(n_single=0, n_multi=6000, seed=5), VOCAB)
    narrow = [e for e in examples if e.family.startswith("narrow_list/")]
    assert len(narrow) >= 5
    for e in narrow:
        changed = [f for f in ("color", "brand") if getattr(e.input_state, f) != getattr(e.target_state, f)]
        assert len(changed) == 1, e
        before, after = getattr(e.input_state, changed[0]), getattr(e.target_state, changed[0])
        assert len(before) >= 2 and len(after) == 1 and after[0] in before
        assert e.target_state.without(changed[0]) == e.input_state.without(changed[0])


def test_exclusions_of_colours_and_of_two_brands_exclude_every_value_said() -> None:
    # "not black", "any colour except pink", "no huawei or xiaomi", "neither samsung nor motorola": after a
    # negation every value said is excluded; none of them is wanted
    examples = generate_examples(SynthConfig(n_single=3000, n_multi=6000, seed=5, typo_rate=0.0), VOCAB)
    colour_turns = [e for e in examples if e.family.startswith("exclude_color/")]
    brand_turns = [e for e in examples if e.family.startswith("exclude_brands/")]
    fresh = [e for e in examples if e.family.startswith(("single/", "budget/")) and e.input_state == Filters()]
    single_colour = [e for e in fresh if e.target_state.color_exclude]
    single_two = [e for e in fresh if len(e.target_state.brand_exclude) == 2]
    assert min(len(colour_turns), len(brand_turns), len(single_colour), len(single_two)) >= 5
    for e in colour_turns + single_colour:
        new = [c for c in e.target_state.color_exclude if c not in e.input_state.color_exclude]
        assert len(new) == 1 and new[0] not in e.target_state.color, e
        said = [w for w, base in VOCAB.colors.items() if base == new[0] and w in e.utterance.lower()]
        assert said, e.utterance
    for e in brand_turns + single_two:
        new = [b for b in e.target_state.brand_exclude if b not in e.input_state.brand_exclude]
        assert 1 <= len(new) <= 2 and not set(new) & set(e.target_state.brand), e
        if e in brand_turns:
            assert e.target_state.without("brand_exclude", "brand") == e.input_state.without("brand_exclude", "brand")
            assert set(e.target_state.brand) <= set(e.input_state.brand)
