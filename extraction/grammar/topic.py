"""The topic: what is left of an utterance once the constraints are read, the semantic query for retrieval.

Left out: every span a parser took (constraints, ruled-out colors, preferences, instructions to the
assistant), fillers at both ends of each clause ("i'm looking for", "please"), and wherever they stand the
words and phrases that never say what the product is (lexicon/data/fillers.toml): pronouns, verbs of
wanting and liking ("she likes", "he needs"), conversational words; question words at the ends of a clause ("why", "will these"),
references to shown products ("the first one") and who the product is for ("my son").

    >>> from lexicon.tokens import Doc
    >>> topic(Doc("she likes a phone with a good camera", "she likes a phone with a good camera"))
    'phone with a good camera'
"""

from __future__ import annotations

import re

from lexicon.load import load
from lexicon.tokens import Doc
from retrieval.query_terms import join_query

_CONNECTORS = r"(?:with|and|or|in|of|for|that|which)"


def topic(doc: Doc) -> str | None:
    low = doc.low
    text = doc.unread()
    lex = load("fillers")
    # "for my mom who is not tech savvy": the person's trait goes (an embedder reads "tech savvy"), and what
    # it asks of the product comes instead ("easy to use").
    # Read on the whole utterance: a parser may have taken its "not" already.
    person_not = list(lex.rx["person_not"].finditer(low))
    need = lex.maps["needs"]["easy_use"] if person_not or lex.rx["easy_use_person"].search(low) else ""
    for m in person_not:
        text = text[:m.start()] + " " * (m.end() - m.start()) + text[m.end():]
    text, ruled_out = ruled_out_words(text)
    text = lex.rx["never_topic_phrases"].sub(" ", text)
    text = re.sub(r"[?!;]+|\.(?!\d)", " , ", text)  # sentence ends become commas, so dangling words show
    text = re.sub(r"\s*,[\s,]*", ", ", text)
    text = re.sub(r"\s+", " ", text).strip(" ,.-")
    text = lex.rx["start"].sub("", text, count=1).strip(" ,.-")
    never = lex.sets["never_topic"]
    words = [w for w in text.split() if w.strip(",") not in never or w.endswith(",")]
    text = " ".join(w if w.strip(",") not in never else "," for w in words)
    clauses = [_trim(c) for c in re.split(r"\s*,\s*", text)]
    out = ", ".join(c for c in clauses if c)
    out = re.sub(rf"\s+{_CONNECTORS}\s+(?={_CONNECTORS}\b)", " ", out)
    # Connectors left dangling by a removed constraint: "galaxy a11 that is [128gb] and has fast charging".
    out = re.sub(r"\s*\b(?:(?:that|which)(?:\s+(?:is|are|has|have)(?:\s+a)?)?|with(?:\s+a)?|in|of|has(?:\s+a)?)"
                 r"(?:\s+(?=(?:and|or)\b)|\s*(?=,))", " ", out)
    out = re.sub(r"\s+,", ",", re.sub(r"\s{2,}", " ", out)).strip(" ,")
    if need and out and need not in out:
        out = f"{out}, {need}"
    return join_query(out, ruled_out) or None


# A negated item of more words than this is no product word or attribute ("not a bag for my old laptop").
_MAX_RULED_OUT_WORDS = 2


def ruled_out_words(text: str) -> tuple[str, list[str]]:
    """(`text` less its negated clauses, the words they rule out): "laptop, not a bag or a sleeve" ->
    ("laptop, ", ["bag", "sleeve"]). An embedder reads "not a bag" as "bag", so negated words never stay in
    the semantic query; idioms that rule nothing out ("nothing fancy", "not sure") are left as they are."""
    lex = load("negations")
    out: list[str] = []
    pieces: list[str] = []
    at = 0
    for m in lex.rx["cue"].finditer(text):
        if m.start() < at or lex.rx["idiom"].match(text, m.start()):
            continue
        end = lex.rx["clause_end"].search(text, m.end())
        stop = end.start() if end else len(text)
        items = [[w for w in re.findall(r"[a-z0-9][\w'-]*", item) if w not in lex.sets["skip"]]
                 for item in re.split(r"\b(?:or|nor|and)\b|/", text[m.end():stop])]
        named = [" ".join(words) for words in items if words]
        if not named or any(len(words) > _MAX_RULED_OUT_WORDS for words in items):
            continue  # nothing named, or more than a word or two: no exclusion, the words stay
        out += named
        pieces.append(text[at:m.start()] + " " * (stop - m.start()))
        at = stop
    return "".join(pieces) + text[at:], list(dict.fromkeys(out))


def _trim(clause: str) -> str:
    """A clause less the fillers at both ends ("so a great camera" -> "camera")."""
    lex = load("fillers")
    clause = lex.rx["start"].sub("", clause.strip(), count=1).strip(" ,.-")
    ends = lex.sets["tokens"] | lex.sets["never_topic"] | lex.sets["question_words"]
    toks = clause.split()
    while toks and toks[0] in ends:
        toks.pop(0)
    while toks and toks[-1] in ends:
        toks.pop()
    return " ".join(toks)
