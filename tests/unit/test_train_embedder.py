"""A two-step fine-tuning run on a tiny BERT built here (no download), on a small demo catalog."""

from __future__ import annotations

import json

import pytest

from retrieval.catalog import load_catalog
from retrieval.demo_catalog import write_demo_catalog
from training.product_queries import split_products
from training.train_embedder import EmbedderTrainConfig, bf16_supported, build_pairs, main

CORPUS = [
    "samsung galaxy s10 128gb unlocked phone black", "case for iphone 13 slim clear cover", "fast charger usb c cable",
    "google pixel 7 pro renewed", "wireless earbuds with mic", "screen protector tempered glass for galaxy s23",
    "a phone with a long lasting battery for my dad", "cheap motorola moto g power", "oneplus nord 5g",
] * 3


def build_tiny_sentence_transformer(path):
    """A 2-layer, 32-dim BERT with a WordPiece vocabulary trained on CORPUS, as a sentence-transformer."""
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import Pooling, Transformer
    from tokenizers import BertWordPieceTokenizer
    from transformers import BertConfig, BertModel, BertTokenizerFast

    raw = path / "raw"
    raw.mkdir(parents=True)
    wp = BertWordPieceTokenizer(lowercase=True)
    wp.train_from_iterator(CORPUS, vocab_size=300, min_frequency=1, show_progress=False)
    tok = BertTokenizerFast(tokenizer_object=wp._tokenizer, unk_token="[UNK]", pad_token="[PAD]",
                            cls_token="[CLS]", sep_token="[SEP]", mask_token="[MASK]")
    tok.save_pretrained(raw)
    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                     intermediate_size=64, max_position_embeddings=128)
    BertModel(cfg).save_pretrained(raw)
    word = Transformer(str(raw), max_seq_length=64)
    st = SentenceTransformer(modules=[word, Pooling(word.get_embedding_dimension(), "mean")])
    out = path / "tiny-st"
    st.save(str(out))
    return out


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory):
    return build_tiny_sentence_transformer(tmp_path_factory.mktemp("tiny"))


@pytest.fixture(scope="module")
def catalog(tmp_path_factory):
    return write_demo_catalog(tmp_path_factory.mktemp("cat") / "demo.jsonl.gz", n_products=80, seed=3)


def test_pairs_never_use_held_out_products(catalog):
    products = load_catalog(catalog)
    train, held = split_products(products)
    assert held, "the demo catalog should have held-out products"
    cfg = EmbedderTrainConfig(catalogs=[str(catalog)], max_pairs=120, queries_per_product=3)
    anchors, positives, ids = build_pairs(train, cfg)
    assert len(anchors) == len(positives) == len(ids) <= 120
    assert not set(ids) & {p.id for p in held}
    assert len(set(ids)) >= 30  # the budget is spread over many products


def test_two_step_training_run_writes_a_usable_model(tiny_model, catalog, tmp_path):
    out = tmp_path / "tuned"
    cfg = EmbedderTrainConfig(catalogs=[str(catalog)], output_dir=str(out), base_model=str(tiny_model),
                              max_pairs=40, batch_size=8, max_steps=2, max_seq_length=32, eval_queries=6,
                              eval_products=10, bf16=False)
    metrics = main(cfg)
    assert metrics["steps"] == 2
    assert 30 <= metrics["pairs"] <= 40
    assert set(metrics["held_out"]) == {"base", "finetuned"}
    assert 0.0 <= metrics["held_out"]["finetuned"]["R@10"] <= 1.0
    assert json.loads((out / "metrics.json").read_text())["steps"] == 2
    assert json.loads((out / "train_config.json").read_text())["base_model"] == str(tiny_model)
    assert not (out / "checkpoints").exists()

    # The result is a plain model path: the embedder (and so `sift search`) loads it by name.
    from retrieval.embedder import Embedder

    emb = Embedder.load(str(out))
    vecs = emb.encode_queries(["cheap samsung phone", "case for iphone 13"])
    assert vecs.shape == (2, 32)


def test_bf16_auto_is_off_on_avx2_only_cpus(monkeypatch):
    import torch

    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.backends.cpu, "get_cpu_capability", lambda: "AVX2")
    assert bf16_supported() is False
    monkeypatch.setattr(torch.backends.cpu, "get_cpu_capability", lambda: "AVX512")
    assert bf16_supported() is True
