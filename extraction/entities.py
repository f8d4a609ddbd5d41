"""Entity delexicalisation for the seq2seq extractor: catalog brands, colors and carriers get typed placeholders.

A model trained from scratch on one catalog's synthetic queries otherwise has to learn to spell every
brand, to map "navy" to blue and "pixel" to Google, and it cannot write a brand the training catalog
did not have. So, like numbers (`extraction.numbers`), every catalog entity the gazetteers find is
marked in the input with a typed placeholder put *before* its words: `b0` (brand), `c0` (color),
`k0` (carrier). The words stay, so the model still sees "case for b0 pixel" and can tell a phone named
for compatibility from the brand the shopper wants. The target names the placeholder
(`brand=b0 ; color=c0`), and after generation placeholders are mapped back to the canonical catalog
value. Values of the current state get placeholders first (`state: brand=b0`), so an entity the
shopper repeats shares its placeholder. Because the mapping comes from the serving catalog's
vocabulary, a model trained on one catalog writes brands of another.

    >>> from extraction.vocabulary import Vocabulary
    >>> vocab = Vocabulary(brands=["Samsung", "Google"], colors=["black", "blue"], carriers=[], subcategories=[],
    ...                    storage_gb=[])
    >>> text, ents = tag_entities("a navy pixel, not samsung", vocab)
    >>> text
    'a c0 navy b0 pixel, not b1 samsung'
    >>> ents.value("b1"), ents.value("c0")
    ('Samsung', 'blue')
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from lexicon.load import load
from lexicon.tokens import Doc
from lexicon.words import base_colors, carriers, color_shades
from retrieval.facets import color_families
from retrieval.filters import Filters

from .grammar.brands.scan import Hit, has_brand_context, not_a_brand, phones_discussed
from .grammar.context import fuzzy
from .grammar.gazetteer import Gazetteer, gazetteer
from .typos import is_word

if TYPE_CHECKING:
    from .vocabulary import Vocabulary

# filter field -> entity kind; kind -> placeholder letter
FIELD_KIND = {"brand": "brand", "brand_exclude": "brand", "color": "color", "carrier": "carrier"}
PREFIX = {"brand": "b", "color": "c", "carrier": "k"}
_KIND_OF_PREFIX = {v: k for k, v in PREFIX.items()}
MAX_PER_KIND = 10  # b0..b9; further distinct entities keep their words only
PLACEHOLDER = re.compile(r"^([bck])(\d)$")
_FUZZY_CUTOFF = 85.0  # the rule extractor's cutoff for misspelt brands ("smsung" -> samsung)
_CARRIER_ALIASES = {alias: name for name, aliases in carriers().items() for alias in aliases}
_COLOR_WORDS = set(base_colors()) | {"grey"} | set(color_shades())
# A color word followed by one of these is not a color ("mint condition").
_NOT_COLOR_NEXT = {"condition", "conditions"}
# Spellings the token gazetteer cannot hold: "1+" and "one plus" for OnePlus.
_SPECIAL_BRANDS = [(re.compile(r"(?<![\w+])(?:1\+|one\s?plus)(?![\w+])"), "oneplus")]


@dataclass
class EntityMap:
    """Placeholder <-> canonical value, per kind; `values[kind][i]` is the value behind `<prefix>{i}`."""

    values: dict[str, list[str]] = field(default_factory=lambda: {k: [] for k in PREFIX})

    def add(self, kind: str, canonical: str) -> str | None:
        """The placeholder for `canonical` (a new one if unseen); None when the kind's placeholders are taken."""
        ph = self.placeholder(kind, canonical)
        if ph is not None:
            return ph
        vals = self.values[kind]
        if len(vals) >= MAX_PER_KIND:
            return None
        vals.append(canonical)
        return f"{PREFIX[kind]}{len(vals) - 1}"

    def placeholder(self, kind: str, canonical: str) -> str | None:
        key = str(canonical).lower()
        return next((f"{PREFIX[kind]}{i}" for i, v in enumerate(self.values.get(kind, [])) if v.lower() == key), None)

    def value(self, placeholder: str) -> str | None:
        m = PLACEHOLDER.match(placeholder.strip())
        if not m:
            return None
        vals = self.values[_KIND_OF_PREFIX[m.group(1)]]
        i = int(m.group(2))
        return vals[i] if i < len(vals) else None

    def field_value(self, field_name: str, value: str) -> str:
        """How a state/target list value is written: its placeholder when it has one, else the value."""
        kind = FIELD_KIND.get(field_name)
        return (self.placeholder(kind, value) if kind else None) or value


def add_state(state: Filters | None, entities: EntityMap) -> None:
    """Give the current state's brands, colors and carriers their placeholders (before the utterance's)."""
    if state is None:
        return
    for name, kind in FIELD_KIND.items():
        for v in getattr(state, name):
            entities.add(kind, v)


def _brand_word(doc: Doc, g: Gazetteer, toks: list[tuple[str, int, int]], i: int, n: int, key: str,
                phone_talk: bool) -> bool:
    """Whether the gazetteer key at tokens i..i+n is a brand *here*, by the grammar's own tests: "noise
    cancelling", "nothing over 800" and "pack of 3" name no brand ("Noise", "Nothing", "Pack" in a catalog).
    Only these words lose their placeholder; unmistakable brands keep it wherever they stand."""
    h = Hit(key, toks[i][1], toks[i + n - 1][2], toks[i - 1][0] if i else "",
            toks[i + n][0] if i + n < len(toks) else "")
    if not_a_brand(doc, h, g, False):
        return False
    return key not in g.ambiguous or has_brand_context(doc, h, g, toks, False, phone_talk)


def _brand_hits(low: str, vocab: Vocabulary, cased: str | None = None,
                phone_talk: bool = False) -> list[tuple[int, int, str]]:
    """(start, end, canonical brand) for gazetteer brands and product lines, longest match first."""
    g = gazetteer(vocab)
    hits: list[tuple[int, int, str]] = []
    for pattern, key in _SPECIAL_BRANDS:
        canonical = vocab.brand(key)
        if canonical:
            hits += [(m.start(), m.end(), canonical) for m in pattern.finditer(low)]
    # Hyphens as spaces (same length, so offsets hold): "non-apple", "samsung-made".
    spaced = low.replace("-", " ")
    doc = Doc(spaced, (cased if cased is not None and len(cased) == len(low) else low).replace("-", " "))
    toks = [(t.text, t.start, t.end) for t in doc.tokens]
    i = 0
    while i < len(toks):
        found = None
        if toks[i][0] in g.first_tokens or (toks[i][0].endswith("s") and toks[i][0][:-1] in g.product_lines):
            for n in range(min(g.max_len, len(toks) - i), 0, -1):
                key = " ".join(t for t, _, _ in toks[i:i + n])
                if n == 1 and key not in g.brands and key.endswith("s") and key[:-1] in g.product_lines:
                    key = key[:-1]  # "pixels", "iphones"
                if key in g.brands:
                    found = (toks[i][1], toks[i + n - 1][2], g.brands[key], n)
                    # a maker the catalog does not sell gets no placeholder: the model learnt only catalog
                    # brands, and a placeholder it may write would replace the list where the shopper adds
                    if key in g.outside or not _brand_word(doc, g, toks, i, n, key, phone_talk):
                        found = (0, 0, "", n)  # an ordinary word here: no placeholder, and no fuzzy match
                    break
        tok = toks[i][0]
        if found is None and len(tok) >= 5 and tok.isalpha() and not is_word(tok):
            key = fuzzy(tok, g.fuzzy_keys, _FUZZY_CUTOFF)  # "smsung", "motorolla"
            if key in g.outside:
                found = (0, 0, "", 1)  # a misspelt maker the catalog does not sell: no placeholder, as above
            elif key:
                found = (toks[i][1], toks[i][2], g.brands[key], 1)
        if found is None:
            i += 1
            continue
        if found[2]:
            hits.append(found[:3])
        i += found[3]
    return hits


def _color_word(w: str) -> str | None:
    """The color word `w` is: itself, its singular ("whites"), or a misspelling ("bule", "eemrald")."""
    if w in _COLOR_WORDS:
        return w
    if w.endswith("s") and w[:-1] in _COLOR_WORDS:
        return w[:-1]
    if len(w) >= 4 and not is_word(w):
        return fuzzy(w, sorted(c for c in _COLOR_WORDS if len(c) >= 4), 80.0)
    return None


def _color_hits(low: str, vocab: Vocabulary) -> list[tuple[int, int, str]]:
    catalog_colors = {c.lower() for c in vocab.colors}
    words = list(re.finditer(r"[a-z]+", low))
    not_after = load("colors").rx["not_after"]
    hits = []
    for j, m in enumerate(words):
        w = _color_word(m.group(0))
        nxt = words[j + 1].group(0) if j + 1 < len(words) else ""
        if w is None or nxt in _NOT_COLOR_NEXT or not_after.match(low[m.end():]):
            continue  # "condition", and the grammar's "gold plated", "blue ray", "green tea": no colours
        fams = color_families(w)
        if len(fams) != 1 or (catalog_colors and fams[0] not in catalog_colors):
            continue
        hits.append((m.start(), m.end(), fams[0]))
    return hits


def _carrier_hits(low: str) -> list[tuple[int, int, str]]:
    hits = []
    for alias, name in sorted(_CARRIER_ALIASES.items(), key=lambda kv: -len(kv[0])):
        # plural or possessive too: "tmobiles", "verizon's"
        for m in re.finditer(r"(?<![a-z0-9])" + re.escape(alias) + r"(?:'?s)?(?![a-z0-9])", low):
            hits.append((m.start(), m.end(), name))
    single = sorted(a for a in _CARRIER_ALIASES if a.isalpha() and len(a) >= 6)
    for m in re.finditer(r"[a-z]{6,}", low):  # misspelt one-word carriers: "criccket", "verizn"
        if m.group(0) not in _CARRIER_ALIASES:
            alias = fuzzy(m.group(0), single, 85.0)
            if alias:
                hits.append((m.start(), m.end(), _CARRIER_ALIASES[alias]))
    return hits


def tag_entities(utterance: str, vocab: Vocabulary, state: Filters | None = None,
                 entities: EntityMap | None = None) -> tuple[str, EntityMap]:
    """(utterance with a typed placeholder before each entity, map). Overlaps: carrier > brand > color."""
    ents = entities if entities is not None else EntityMap()
    add_state(state, ents)
    text = utterance if isinstance(utterance, str) else ""
    low = text.lower()
    spans: list[tuple[int, int, str, str]] = []

    def free(a: int, b: int) -> bool:
        return all(b <= s or a >= e for s, e, _, _ in spans)

    for kind, hits in (("carrier", _carrier_hits(low) if vocab.carriers or not vocab.strict else []),
                       ("brand", _brand_hits(low, vocab, text, phones_discussed(state))), ("color", _color_hits(low, vocab))):
        for a, b, canonical in hits:
            if free(a, b):
                spans.append((a, b, kind, canonical))
    out: list[str] = []
    last = 0
    for a, b, kind, canonical in sorted(spans):
        ph = ents.add(kind, canonical)
        if ph is None:
            continue
        out += [text[last:a], f"{ph} ", text[a:b]]
        last = b
    out.append(text[last:])
    return "".join(out), ents


def relexicalise_entities(text: str, entities: EntityMap) -> tuple[str, list[str]]:
    """Entity placeholders in a model output back to canonical values; unknown ones are dropped."""
    warnings: list[str] = []
    if not isinstance(text, str):
        return text, warnings
    items = []
    for item in text.split(";"):
        if item.count("=") != 1:
            items.append(item)
            continue
        key, value = item.split("=")
        # `brand+=b1` (an edit target, `extraction.edits`) adds to the field it names.
        if key.strip().lower().removesuffix("+") not in FIELD_KIND:
            items.append(item)
            continue
        kept = []
        for v in value.split(","):
            if PLACEHOLDER.match(v.strip()):
                real = entities.value(v)
                if real is None:
                    warnings.append(f"dropped {key.strip()}={v.strip()}: placeholder is not in the input")
                    continue
                # `&` is written as "and" in targets ("AT&T"); the parser maps it back.
                v = " " + real.replace("&", " and ").replace(",", " ") + " "
            kept.append(v)
        if kept:
            items.append(key + "=" + ",".join(kept))
    return ";".join(items), warnings
