"""Text cleaning shared by ingestion, embedding and keyword search.

`clean_text` keeps case and punctuation for display; `embedding_text` applies the paper's cleaning
(HTML tags and URLs removed, non-ASCII dropped, lower-cased, whitespace collapsed).

    >>> clean_text("<b>Fast</b>  charger&nbsp;see https://x.y/z")
    'Fast charger see'
    >>> normalise_for_model("Café <i>Phone</i>")
    'caf phone'
"""

from __future__ import annotations

import html
import re

_TAG = re.compile(r"<[^>]{0,500}>")
_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_WS = re.compile(r"\s+")
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


def clean_text(value: object) -> str:
    """Strip HTML tags, entities and URLs; collapse whitespace. Keeps case and non-ASCII for display."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        value = " ".join(str(v) for v in value if v is not None)
    s = html.unescape(str(value))
    s = _TAG.sub(" ", s)
    s = _URL.sub(" ", s)
    s = s.replace("\u00a0", " ")
    return _WS.sub(" ", s).strip()


def normalise_for_model(value: str) -> str:
    """The paper's product-text cleaning: clean_text + drop non-ASCII + lower-case."""
    s = clean_text(value)
    s = _NON_ASCII.sub("", s)
    return _WS.sub(" ", s).strip().lower()
