"""The topic: the words no parser took, less fillers at both ends: the semantic query for retrieval."""

from __future__ import annotations

import re

from lexicon.load import load
from lexicon.tokens import Doc


def topic(doc: Doc) -> str | None:
    low = doc.low
    keep = [True] * len(low)
    for a, b in doc.consumed:
        for k in range(max(0, a), min(len(low), b)):
            keep[k] = False
    text = "".join(ch if k else " " for ch, k in zip(low, keep, strict=True))
    text = re.sub(r"[?!;]+|\.(?!\d)", " , ", text)  # sentence ends become commas, so dangling words show
    text = re.sub(r"\s*,[\s,]*", ", ", text)
    text = re.sub(r"\s+", " ", text).strip(" ,.-")
    lex = load("fillers")
    text = lex.rx["start"].sub("", text, count=1).strip(" ,.-")
    fillers = lex.sets["tokens"]
    toks = text.split()
    while toks and (toks[0].strip(",") in fillers):
        toks.pop(0)
    while toks and (toks[-1].strip(",") in fillers):
        toks.pop()
    out = " ".join(toks).strip(" ,")
    out = re.sub(r"\s+(?:with|and|or|in|of|for|that|which)\s+(?=(?:with|and|or|in|of|for|that|which)\b)", " ", out)
    # Connectors left dangling by a removed constraint: "galaxy a11 that is [128gb] and has fast charging".
    out = re.sub(r"\s*\b(?:(?:that|which)(?:\s+(?:is|are|has|have)(?:\s+a)?)?|with(?:\s+a)?|in|of|has(?:\s+a)?)"
                 r"(?:\s+(?=(?:and|or)\b)|\s*(?=,))", " ", out)
    out = re.sub(r"\s+,", ",", re.sub(r"\s{2,}", " ", out)).strip(" ,")
    return out or None
