"""Synthetic (state, utterance) -> new state examples for training and evaluating filter extractors.

Everything is drawn from one `random.Random(seed)` over a catalog's own vocabulary (brands per
subcategory, colour names, carriers, storage sizes), so a different catalog gives different values.

Two kinds of examples:
- single-turn queries in the paper's style: a product need plus 0-4 constraints, numbers in many
  spellings ("$1,200", "1.2k", "two hundred", "200 bucks"), both directions of every comparator
  ("not exceeding", "or less", "4+ stars", "at least"...), ranges, qualitative phrases ("cheap" ->
  price_max=low), brands and product lines, colours (marketing names too), storage, carriers, condition;
- multi-turn refinements of a state: add, replace ("what about Pixel instead?"), remove ("any colour is
  fine"), reset, relative moves (`move=cheaper`), brand exclusion, and no-constraint turns (chit-chat,
  "show me more") whose target is the input state unchanged.

Every utterance comes from a *template family* (a sentence frame, or one phrasing of a refinement
operation). `split_by_family` puts whole families in train, dev or test, so the test set measures
phrasings the model never saw. The constraint phrase pools ("under {price}", "4+ stars") are shared by
all families: a model trained from scratch cannot know words it has never seen, so what is held out is
the sentence around them, not the vocabulary of constraints.

    >>> from training.synth import SynthConfig, generate_examples, split_by_family
    >>> ex = generate_examples(SynthConfig(n_single=20, n_multi=10, seed=1))
    >>> ex[0].target_state  # doctest: +SKIP
    Filters(price_max=200.0, subcategory='Cell Phones', brand=['Samsung'], ...)
    >>> splits = split_by_family(ex, seed=1)
    >>> sorted(splits)
    ['dev', 'test', 'train']
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from retrieval.catalog import LoadReport, Product, load_catalog, product_from_amazon
from retrieval.facets import COLOR_SYNONYMS, color_families
from retrieval.filters import PHONES, Filters

from .synth_queries import merge_sets, single_query
from .synth_refine import MOVES, random_state, refine_turn
from .synth_surface import noise

__all__ = ["MOVES", "Example", "LLMSynthesizer", "SynthConfig", "SynthVocab", "demo_products", "family_split",
           "generate_dialogues", "generate_examples", "load_vocab", "read_jsonl", "split_by_family", "split_dialogues",
           "write_jsonl"]



# ================================================================================================ data
@dataclass
class Example:
    """One turn: the extractor sees `input_state` + `utterance` and must write `target_state` + moves."""

    input_state: Filters
    utterance: str
    target_state: Filters
    moves: list[str] = field(default_factory=list)
    reset: bool = False
    family: str = ""
    dialogue: str | None = None  # dialogue id for multi-turn sequences
    turn: int = 0

    def to_json(self) -> dict[str, Any]:
        return {"input_state": self.input_state.active(), "utterance": self.utterance,
                "target_state": self.target_state.active(), "moves": list(self.moves), "reset": self.reset,
                "family": self.family, "dialogue": self.dialogue, "turn": self.turn}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Example:
        return cls(input_state=Filters(**d.get("input_state", {})), utterance=d["utterance"],
                   target_state=Filters(**d.get("target_state", {})), moves=list(d.get("moves", [])),
                   reset=bool(d.get("reset", False)), family=d.get("family", ""), dialogue=d.get("dialogue"),
                   turn=int(d.get("turn", 0)))


def write_jsonl(examples: Iterable[Example], path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as fh:
        for ex in examples:
            fh.write(json.dumps(ex.to_json()) + "\n")
    return path


def read_jsonl(path: str | Path) -> list[Example]:
    with open(path, encoding="utf-8") as fh:
        return [Example.from_json(json.loads(line)) for line in fh if line.strip()]


# ================================================================================================ vocabulary
@dataclass
class SynthVocab:
    """What the generator may mention: the catalog's own brands, colours, carriers and storage sizes."""

    phone_brands: list[str]
    accessory_brands: list[str]
    colors: dict[str, str]  # how a shopper may say it -> base colour (the target value)
    carriers: list[str]
    storages: list[float]

    @classmethod
    def from_products(cls, products: Sequence[Product]) -> SynthVocab:
        phone: dict[str, int] = {}
        acc: dict[str, int] = {}
        colors: dict[str, str] = {}
        carriers: set[str] = set()
        storages: set[float] = set()
        for p in products:
            if p.brand:
                target = phone if p.subcategory == PHONES else acc
                target[p.brand] = target.get(p.brand, 0) + 1
            if p.color:
                fams = color_families(p.color)
                if len(fams) == 1 and len(p.color.split()) <= 2:
                    colors[p.color.lower()] = fams[0]
            for fam in p.colors:
                colors.setdefault(fam, fam)
            carriers.update(p.carriers)
            if p.storage_gb and p.subcategory == PHONES:
                storages.add(float(p.storage_gb))
        for word, base in COLOR_SYNONYMS.items():  # marketing words people use on their own
            if base in colors.values() and word != "grey":
                colors.setdefault(word, base)
        if "gray" in colors.values():
            colors.setdefault("grey", "gray")
        phone_brands = sorted(phone, key=lambda b: -phone[b])
        acc_brands = sorted(acc, key=lambda b: -acc[b])
        return cls(phone_brands=phone_brands or ["Samsung", "Apple", "Google"],
                   accessory_brands=acc_brands or ["Anker", "Spigen"],
                   colors=colors or {c: c for c in ("black", "white", "blue")},
                   carriers=sorted(carriers) or ["Unlocked"],
                   storages=sorted(storages) or [64.0, 128.0, 256.0])


def demo_products(n_products: int = 3000, seed: int = 7) -> list[Product]:
    """The built-in demo catalog as `Product`s, without writing a file."""
    from retrieval.demo_catalog import generate_demo_catalog  # lazy: the demo generator is only for the demo

    report = LoadReport()
    out = []
    for i, row in enumerate(generate_demo_catalog(n_products, seed), 1):
        try:
            out.append(product_from_amazon(row, i, report))
        except ValueError:
            continue
    return out


# ================================================================================================ generation
@dataclass
class SynthConfig:
    n_single: int = 30000
    n_multi: int = 30000  # refinement turns over random states
    n_dialogues: int = 400  # whole multi-turn sequences (for per-turn joint accuracy)
    dialogue_turns: tuple[int, int] = (3, 5)
    seed: int = 13
    typo_rate: float = 0.12
    catalog: str | None = None  # catalog file; None = the built-in demo catalog


def load_vocab(catalog: str | None = None, products: Sequence[Product] | None = None) -> SynthVocab:
    if products is None:
        if catalog:
            products = load_catalog(catalog)
        else:
            products = demo_products()
    return SynthVocab.from_products(products)


def generate_examples(config: SynthConfig, vocab: SynthVocab | None = None) -> list[Example]:
    """Single-turn queries and refinement turns (each with its family id). Same config, same list."""
    vocab = vocab or load_vocab(config.catalog)
    rng = random.Random(config.seed)
    out: list[Example] = []
    for _ in range(config.n_single):
        text, sets, fam = single_query(rng, vocab)
        state = Filters()
        if rng.random() < 0.15:  # a full query over an existing state refines it
            state = random_state(rng, vocab)
        out.append(Example(state, noise(rng, text, config.typo_rate), merge_sets(state, sets), family=fam))
    for _ in range(config.n_multi):
        state = random_state(rng, vocab) if rng.random() < 0.9 else Filters()
        text, target, moves, reset, fam = refine_turn(rng, vocab, state)
        out.append(Example(state, noise(rng, text, config.typo_rate), target, moves, reset, fam))
    return out


def generate_dialogues(config: SynthConfig, vocab: SynthVocab | None = None) -> list[list[Example]]:
    """Whole conversations: an opening query, then refinements over the carried (gold) state."""
    vocab = vocab or load_vocab(config.catalog)
    rng = random.Random(config.seed + 1)
    dialogues: list[list[Example]] = []
    for d in range(config.n_dialogues):
        did = f"d{d:05d}"
        text, sets, fam = single_query(rng, vocab, n_constraints=rng.choice([1, 2, 2, 3]))
        state = merge_sets(Filters(), sets)
        turns = [Example(Filters(), noise(rng, text, config.typo_rate), state, family=fam, dialogue=did, turn=0)]
        for t in range(1, rng.randint(*config.dialogue_turns)):
            utt, target, moves, reset, fam = refine_turn(rng, vocab, state)
            turns.append(Example(state, noise(rng, utt, config.typo_rate), target, moves, reset, fam, did, t))
            state = target
        dialogues.append(turns)
    return dialogues


def _bucket(family: str, seed: int) -> float:
    h = hashlib.sha256(f"{seed}:{family}".encode()).digest()
    return int.from_bytes(h[:8], "big") / 2**64


def family_split(families: Iterable[str], seed: int = 13, dev: float = 0.1, test: float = 0.15) -> dict[str, str]:
    """family -> "train" | "dev" | "test"; whole families only, stable for a given seed.

    Each operation keeps most of its phrasings in train (families are split within their group, e.g.
    `replace_brand/*`), so every kind of change is learnable while some phrasings stay unseen.
    """
    groups: dict[str, list[str]] = {}
    for f in sorted(set(families)):
        groups.setdefault(f.rsplit("/", 1)[0], []).append(f)
    out: dict[str, str] = {}
    for _, fams in groups.items():
        ordered = sorted(fams, key=lambda f: _bucket(f, seed))
        n = len(ordered)
        n_test = int(round(n * test)) if n >= 4 else 0
        n_dev = int(round(n * dev)) if n >= 6 else 0
        for i, f in enumerate(ordered):
            out[f] = "test" if i < n_test else "dev" if i < n_test + n_dev else "train"
    return out


def split_by_family(examples: Sequence[Example], seed: int = 13, dev: float = 0.1,
                    test: float = 0.15) -> dict[str, list[Example]]:
    """Examples grouped by their family's split; no family appears in two splits."""
    where = family_split((e.family for e in examples), seed, dev, test)
    out: dict[str, list[Example]] = {"train": [], "dev": [], "test": []}
    for e in examples:
        out[where[e.family]].append(e)
    return out


def split_dialogues(dialogues: Sequence[list[Example]], where: dict[str, str]) -> dict[str, list[list[Example]]]:
    """Dialogues whose every turn's family is in one split go there; mixed ones go to "mixed"."""
    out: dict[str, list[list[Example]]] = {"train": [], "dev": [], "test": [], "mixed": []}
    for d in dialogues:
        splits = {where.get(t.family, "train") for t in d}
        out[splits.pop() if len(splits) == 1 else ("test" if "test" in splits else "mixed")].append(d)
    return out


# ================================================================================================ LLM paraphrases
class LLMSynthesizer:
    """Paraphrases template utterances with a chat model, keeping the labels (for users who have an LLM).

    `chat_model` is anything with `.invoke(messages_or_text)` returning an object with `.content` (a
    LangChain chat model) or a string. Paraphrases that drop a number of the original are discarded,
    because the label would no longer match the text.

        >>> syn = LLMSynthesizer(my_chat_model)                       # doctest: +SKIP
        >>> syn.paraphrase(examples, n_per_example=3)                  # doctest: +SKIP
    """

    def __init__(self, chat_model: Any, prompt_path: str | Path | None = None):
        self.chat_model = chat_model
        path = Path(prompt_path) if prompt_path else Path(__file__).resolve().parents[1] / "prompts" / "synth_extraction.md"
        self.prompt = path.read_text(encoding="utf-8")

    def _ask(self, text: str) -> str:
        reply = self.chat_model.invoke(text)
        return str(getattr(reply, "content", reply))

    def paraphrase(self, examples: Sequence[Example], n_per_example: int = 3) -> list[Example]:
        out: list[Example] = []
        for ex in examples:
            prompt = self.prompt.replace("{n}", str(n_per_example)).replace("{utterance}", ex.utterance)
            try:
                reply = self._ask(prompt)
            except Exception:  # noqa: BLE001 - a flaky model must not stop data generation
                continue
            nums = set(re.findall(r"\d+(?:\.\d+)?", ex.utterance))
            for line in reply.splitlines():
                line = re.sub(r"^\s*(?:[-*]|\d+[.)])\s*", "", line).strip().strip('"')
                if not line or line.lower() == ex.utterance.lower():
                    continue
                if not nums <= set(re.findall(r"\d+(?:\.\d+)?", line)):
                    continue
                out.append(Example(ex.input_state, line, ex.target_state, list(ex.moves), ex.reset,
                                   family="llm/" + ex.family))
                if sum(1 for o in out if o.target_state is ex.target_state) >= n_per_example:
                    break
        return out


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Write synthetic extraction data (JSONL, split by template family).")
    p.add_argument("out_dir")
    p.add_argument("--catalog", default=None)
    p.add_argument("--n-single", type=int, default=30000)
    p.add_argument("--n-multi", type=int, default=30000)
    p.add_argument("--seed", type=int, default=13)
    a = p.parse_args(argv)
    cfg = SynthConfig(n_single=a.n_single, n_multi=a.n_multi, seed=a.seed, catalog=a.catalog)
    splits = split_by_family(generate_examples(cfg), seed=cfg.seed)
    for name, exs in splits.items():
        write_jsonl(exs, Path(a.out_dir) / f"{name}.jsonl")
        print(f"{name}: {len(exs)} examples")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
