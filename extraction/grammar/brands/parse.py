"""The brand parser: scan brand words, skip what names a phone for compatibility, assign each a role."""

from __future__ import annotations

from lexicon.load import load
from retrieval.filters import ACCESSORIES, PHONES

from ..context import Turn
from . import apply, extra
from .compat import model_phrase, names_a_phone
from .roles import Roles, classify, unexcludes
from .scan import brand_tokens, has_brand_context, hits, not_a_brand, phones_discussed


def parse(t: Turn) -> None:
    low, g, state, update = t.doc.low, t.g, t.state, t.update
    toks = brand_tokens(t.doc, g)
    plural = {a for tok, a, b in toks if low[a:b] != tok}
    accessory_ctx = update.set.get("subcategory") == ACCESSORIES or (
        "subcategory" not in update.set and bool(state and state.subcategory == ACCESSORIES))
    phone_talk = phones_discussed(state) or update.set.get("subcategory") in (PHONES, ACCESSORIES)
    roles = Roles()
    for h in hits(t.doc, toks, g):
        in_list = roles.in_list(low, h.start)
        if not_a_brand(t.doc, h, g, in_list):
            continue
        if h.key in g.ambiguous and not has_brand_context(t.doc, h, g, toks, in_list, phone_talk):
            continue
        is_line = h.key in g.product_lines
        canonical = g.brands[h.key]
        # Accessories were the topic, but this turn asks for the phone itself ("ok, now a pixel", "xperias
        # under 200"): no accessory word here, the line is the object, not "for my pixel".
        new_phone = is_line and "subcategory" not in update.set and (h.prev_tok in ("a", "an", "some", "any")
                                                                     or h.start in plural)
        if names_a_phone(low, h, g, t.spans, accessory_ctx, new_phone):
            model = model_phrase(low, h)
            if model and "_compatible" not in t.spans:
                t.spans["_compatible"] = model  # the registry hands it on as `compatible`, not as a field
            continue
        if load("brands").rx["owned_before"].search(low[max(0, h.start - 30):h.start]):
            t.doc.take(h.start, h.end)  # "i had a moto before": the shopper's old phone, not a brand wanted
            continue
        if unexcludes(t, h, canonical):
            roles.unexcluded.append(canonical)
            t.doc.take(h.start, h.end)
            continue
        classify(t, h, canonical, is_line, roles)
    extra.misspelt(t, toks, phone_talk, roles)
    extra.phone_line_subcategory(t, roles)
    extra.named_unknown(t, roles)
    apply.reconcile(low, roles)
    apply.write(t, roles)
