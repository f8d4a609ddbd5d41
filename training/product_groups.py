"""Which model a product listing is for, and the held-out split built on it.

`model_phrases` reads the model names a listing covers from its title ("Galaxy S6/S6 Edge" -> "galaxy
s6", "galaxy s6 edge"), `accessory_type` its accessory kind. A product is held out by the hash of its
*group* (brand + first model phrase + accessory type), so near-duplicate listings of the same model fall
on the same side: the fine-tuned embedder never saw any listing of a held-out model, and the dev sets
(`evals.devsets`) ask only about held-out ones.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

from retrieval.catalog import Product
from retrieval.facets import brand_key
from retrieval.filters import PHONES

HELD_OUT_FRACTION = 0.2
SPLIT_SALT = "sift-split-v1"


# ------------------------------------------------------------------------------------------------ parsing
_STORAGE_TOK = re.compile(r"^\d+(?:\.\d+)?(?:gb|tb|mb)$")
_MODEL_CODE = re.compile(r"^[a-z]{1,4}-?\d{3,}[a-z0-9/-]*$|^[a-z]{2,4}-[a-z0-9]+$|^\d{4,}[a-z0-9-]*$")
# "S6/S6 Edge", "7/7 Plus": a slash between two model tokens names two variants.
_SLASH_VARIANT = re.compile(r"([a-z]*\d+[a-z+]*)\s*/\s*([a-z]*\d+[a-z+]*(?:\s+(?:edge|plus|pro|max|mini|lite|ultra|xl))?)")
_STOP_AT = {"with", "and", "unlocked", "smartphone", "phone", "cell", "mobile", "dual", "single", "international",
            "version", "renewed", "refurbished", "certified", "prepaid", "factory", "gsm", "cdma", "lte", "4g",
            "5g", "by", "in", "-", "|", "fully", "sim", "no", "contract", "us", "android", "global", "locked",
            "verizon", "sprint", "at&t", "t-mobile", "tracfone", "cricket", "boost", "wireless", "straight",
            "total", "simple", "net10", "for", "ram", "storage", "memory", "display", "inch", "camera",
            "flip", "back", "cover", "case", "tempered", "glass", "screen", "protector", "guard", "charger", "cable",
            "bumper", "shockproof", "silicone", "leather", "transparent", "soft", "hard", "wallet", "series",
            "models", "model", "devices", "device", "only", "edition", "cellphone", "smartphones", "mobiles"}
_MEASURE = re.compile(r"^\d+\.\d+|^\d+(?:\.\d+)?(?:\"|in|inch|inches|mp|mah|hz|w|cm|mm)$")
# Words that make a different model when they follow a model name ("Galaxy S7" vs "Galaxy S7 Edge").
VARIANT_WORDS = {"edge", "plus", "+", "pro", "max", "mini", "lite", "ultra", "xl", "neo", "prime", "fe", "go",
                 "power", "play", "stylus", "note", "active", "e", "s", "r", "c", "a", "5g", "fold", "flip"}
_COLOR_WORDS = {"black", "white", "blue", "red", "green", "silver", "gold", "gray", "grey", "pink", "purple",
                "yellow", "orange", "brown", "rose", "midnight", "graphite", "titanium", "coral", "aura", "prism",
                "just", "clearly", "oh", "so", "mystic", "phantom", "cosmic", "arctic", "jet", "space", "night", "dark",
                "light", "deep", "sky", "ocean", "sea", "forest", "ice", "starlight", "sunset", "glacier",
                "moonlight", "aurora", "matte", "glossy", "carbon", "ceramic", "crystal", "sierra", "alpine"}
_FOR = re.compile(r"\b(?:for|compatible with|compatible for|fits|suitable for)\s+(.+)", re.IGNORECASE)
_DEVICE_HEAD = re.compile(r"\b(iphone|galaxy|pixel|redmi|poco|moto|oneplus|nord|realme|oppo|vivo|iqoo|nokia|"
                          r"xiaomi|mi|ipad|airpods|apple watch|samsung|motorola|huawei|honor|narzo|lg)\b",
                          re.IGNORECASE)

# Accessory types: (name a shopper uses, keywords in the title or category path).
ACCESSORY_TYPES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("screen protector", ("screen protector", "tempered glass", "screen guard", "protector")),
    ("case", ("case", "cover", "holster", "sleeve", "bumper")),
    ("charger", ("charger", "power adapter", "charging adapter", "adapter")),
    ("cable", ("cable", "cord")),
    ("earbuds", ("earbuds", "earphone", "earphones", "headphone", "headphones", "headset", "neckband", "tws")),
    ("power bank", ("power bank", "powerbank", "battery pack")),
    ("car mount", ("car mount", "car holder", "mount", "holder", "car charger")),
    ("smartwatch", ("smartwatch", "smart watch", "fitness band", "smart band")),
    ("watch band", ("watch band", "watch strap", "band", "strap")),
    ("stand", ("stand", "tripod", "selfie stick")),
)


def tokens(text: str) -> list[str]:
    return re.findall(r"[a-z0-9][a-z0-9+&'.-]*|\||-", text.lower())


def accessory_type(product: Product) -> str | None:
    """Shopper's name for an accessory's kind ("case", "charger"...), None for phones or unknown."""
    if product.subcategory == PHONES:
        return None
    low = " " + product.title.lower() + " " + " ".join(product.categories[1:]).lower() + " "
    for name, words in ACCESSORY_TYPES:
        if any(re.search(r"(?<![a-z])" + re.escape(w) + r"(?![a-z])", low) for w in words):
            return name
    return None


def _clean_phrase(words: list[str]) -> str:
    return " ".join(w.strip(",.;:()[]") for w in words).strip()


def _trim_model(words: list[str], brand: str) -> list[str]:
    """Leading model words: stop at storage, colors, carriers, marketing words and model codes."""
    out: list[str] = []
    for w in words:
        w = w.strip(",.;:()[]\"'")
        if not w:
            if out:
                break
            continue
        if w == brand or (not out and w in {"the", "new", "apple", "samsung", "google", "electronics", "official"}):
            continue
        if (w in _STOP_AT or _STORAGE_TOK.match(w) or _MEASURE.match(w) or w in _COLOR_WORDS
                or (out and _MODEL_CODE.match(w))):
            break
        out.append(w)
        if len(out) >= 4:
            break
    return out


def model_phrases(product: Product) -> list[str]:
    """The model name(s) a shopper would type, lower-case; one per variant of a compound name.

    Phones: the title's leading model words ("galaxy s7 edge"); accessories: the device after "for"
    ("pixel 4a"). "Galaxy S6/S6 Edge" gives ["galaxy s6", "galaxy s6 edge"].

        >>> model_phrases(Product(id="1", title="Case for Samsung Galaxy S6/S6 Edge, Black",
        ...                       subcategory="Cell Phone Accessories"))
        ['galaxy s6', 'galaxy s6 edge']
        >>> model_phrases(Product(id="2", title="Samsung Galaxy S7 Edge, 5.5in 32GB (Verizon) - Blue",
        ...                       brand="Samsung", subcategory="Cell Phones"))
        ['galaxy s7 edge']
    """
    title = re.sub(r"\([^)]*\)", " ", product.title)  # "(Renewed)", "(Blue)", "(8GB RAM, 128 Storage)"
    bkey = brand_key(product.brand)
    if product.subcategory != PHONES:
        m = _FOR.search(title)
        if not m:
            return []
        target = m.group(1)
        target = re.split(r"\s[|–-]\s|[;]|\bwith\b|\band\b(?!\s*\d)", target, maxsplit=1)[0]
        head = _DEVICE_HEAD.search(target)
        if not head:
            return []
        target = target[head.start():]
        parts = [p.strip() for p in re.split(r"/|,|\bor\b|&", target) if p.strip()]
        phrases: list[str] = []
        base_words: list[str] = []
        for i, part in enumerate(parts[:4]):
            words = _trim_model(part.lower().split(), bkey)
            if not words:
                break
            # "S6/S6 Edge": the second part inherits the first part's line word ("galaxy").
            if i > 0 and base_words and not _DEVICE_HEAD.match(words[0]):
                words = base_words[:1] + words if len(base_words) > 1 else base_words + words
            if i == 0:
                base_words = words[:-1] if len(words) > 1 else words
            phrase = _clean_phrase(words)
            if phrase and phrase not in phrases and len(phrase) > 2:
                phrases.append(phrase)
        return phrases
    low = title.lower().replace(",", " , ")
    words = _trim_model(tokens(low.split("/")[0]), bkey)
    phrases = [_clean_phrase(words)] if words else []
    m = _SLASH_VARIANT.search(low)
    if phrases and m and words[-1] == m.group(1) and not _STORAGE_TOK.match(m.group(2)):
        cand = _clean_phrase(words[:-1] + m.group(2).split())
        if cand not in phrases:
            phrases.append(cand)
    # "OnePlus 7T", "Nokia 225": a phrase with no line word is the brand's model number; keep the brand.
    phrases = [p if re.search(r"[a-z]{2,}", p.split()[0]) and not p.split()[0][0].isdigit()
               else f"{bkey} {p}".strip() for p in phrases]
    return [p for p in phrases if p and p != bkey]


def model_phrase_pattern(phrase: str) -> re.Pattern[str]:
    """Whole-word match of a model phrase not followed by a variant word ("s7" does not match "s7 edge")."""
    words = [re.escape(w) for w in phrase.split()]
    variants = "|".join(re.escape(v) for v in sorted(VARIANT_WORDS, key=len, reverse=True))
    return re.compile(r"(?<![a-z0-9])" + r"\s*".join(words) + r"(?![a-z0-9+])(?!\s*(?:" + variants + r")(?![a-z0-9]))")


# ------------------------------------------------------------------------------------------------ split
def split_key(product: Product) -> str:
    """The group a product belongs to for the train/held-out split: near-duplicates share it."""
    phrases = model_phrases(product)
    if not phrases:
        return "id:" + product.id
    return "|".join([brand_key(product.brand), phrases[0], accessory_type(product) or product.subcategory or ""])


def is_held_out(product: Product, fraction: float = HELD_OUT_FRACTION, salt: str = SPLIT_SALT) -> bool:
    """Deterministic: the same product (group) is held out on every machine and every run."""
    digest = hashlib.sha1((salt + "\x00" + split_key(product)).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < fraction


def split_products(products: Sequence[Product], fraction: float = HELD_OUT_FRACTION) -> tuple[list[Product], list[Product]]:
    """(train, held_out)."""
    train, held = [], []
    for p in products:
        (held if is_held_out(p, fraction) else train).append(p)
    return train, held
