"""Reranking: the interface keeps the hits, a cross-encoder built here (tiny BERT) scores them."""

from __future__ import annotations

import pytest

from retrieval.catalog import Product
from retrieval.rerank import CrossEncoderReranker, Reranker, train_cross_encoder
from retrieval.search import Hit

CORPUS = ["samsung galaxy phone black", "iphone case clear slim", "usb c fast charger", "pixel 7 pro renewed",
          "wireless earbuds with mic", "case for pixel 4a", "tempered glass screen protector"] * 3


def hits():
    titles = ["USB C fast charger", "Slim case for Pixel 4a", "Samsung Galaxy phone black"]
    return [Hit(i, 1.0 - i / 10, Product(id=f"p{i}", title=t)) for i, t in enumerate(titles)]


class KeywordReranker(Reranker):
    """Scores by shared words: enough to test the ordering contract."""

    def scores(self, query, texts):
        q = set(query.lower().split())
        return [float(len(q & set(t.split()))) for t in texts]


def test_rerank_reorders_without_dropping_hits():
    out = KeywordReranker().rerank("slim case for pixel 4a", hits())
    assert [h.product.id for h in out][0] == "p1"
    assert sorted(h.product.id for h in out) == ["p0", "p1", "p2"]
    assert out[0].score == 5.0  # the reranker's score replaces the first-stage score
    assert KeywordReranker().rerank("x", hits()[:1])[0].product.id == "p0"
    assert KeywordReranker().rerank_rows("usb charger", [7, 8], ["case", "usb c fast charger"]) == [8, 7]


def build_tiny_cross_encoder(path):
    from tokenizers import BertWordPieceTokenizer
    from transformers import BertConfig, BertForSequenceClassification, BertTokenizerFast

    wp = BertWordPieceTokenizer(lowercase=True)
    wp.train_from_iterator(CORPUS, vocab_size=200, min_frequency=1, show_progress=False)
    tok = BertTokenizerFast(tokenizer_object=wp._tokenizer, unk_token="[UNK]", pad_token="[PAD]",
                            cls_token="[CLS]", sep_token="[SEP]", mask_token="[MASK]")
    tok.save_pretrained(path)
    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                     intermediate_size=64, max_position_embeddings=128, num_labels=1)
    BertForSequenceClassification(cfg).save_pretrained(path)
    return path


@pytest.fixture(scope="module")
def tiny_ce(tmp_path_factory):
    return build_tiny_cross_encoder(tmp_path_factory.mktemp("ce"))


def test_cross_encoder_reranker_on_a_tiny_model(tiny_ce):
    rr = CrossEncoderReranker(str(tiny_ce), max_length=32)
    s = rr.scores("case for pixel 4a", ["slim case", "usb charger", "black phone"])
    assert len(s) == 3 and all(isinstance(x, float) for x in s)
    out = rr.rerank("case for pixel 4a", hits())
    assert sorted(h.product.id for h in out) == ["p0", "p1", "p2"]
    assert [h.score for h in out] == sorted((h.score for h in out), reverse=True)


def test_train_cross_encoder_two_steps(tiny_ce, tmp_path):
    q = ["case for pixel 4a", "fast charger", "black samsung phone", "earbuds with mic"]
    pos = ["slim case for pixel 4a", "usb c fast charger", "samsung galaxy phone black", "wireless earbuds with mic"]
    out = train_cross_encoder(str(tiny_ce), q, pos, tmp_path / "ce", batch_size=4, max_steps=2, max_length=32)
    rr = CrossEncoderReranker(str(out), max_length=32)
    assert len(rr.scores("fast charger", pos)) == 4
