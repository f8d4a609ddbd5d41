"""Argument schemas of the agent's tools. Field descriptions are written for the LLM that calls them.

Extra keys are ignored rather than forbidden: the tool runtime is injected into the same arguments
before validation, and an LLM that adds a stray key should still get its search.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

# Bounds on what a model may pass (a model that obeys an injected instruction can send anything). The
# utterance has none here: every extractor reads only its first 2,000 characters.
MAX_QUERY_CHARS = 300  # a product need in a few words; longer is cut, not refused
MAX_REFERENCES = 50  # positions or ids in one product_details call (a result page shows 5 to 20)


class ExtractFiltersArgs(BaseModel):
    model_config = ConfigDict(extra="ignore")

    utterance: str = Field(
        description="The shopper's latest message, copied verbatim (typos included). The tool combines it with "
                    "the constraints already in force, so pass only this message, never a summary of the chat.")
    accessory_for: str | None = Field(
        None, max_length=40,
        description="Only when the shopper asks for an accessory for a product already shown ('a case for the "
                    "first one', 'a charger that fits it'): its position in the last list ('1', '2', '-1' for the "
                    "last), 'it' for the product discussed last, or the words that describe it ('a case for the "
                    "samsung one' -> 'samsung'). The search then keeps to accessories that "
                    "name that product's model, and drops the constraints that were about the phone.")


class SearchProductsArgs(BaseModel):
    model_config = ConfigDict(extra="ignore")

    query: str | None = Field(
        None, description="What the shopper wants in a few words, without prices, brands, colors or ratings "
                          "(those are applied as filters automatically), e.g. 'phone case with card holder'. "
                          "Leave empty to reuse the conversation's topic.")
    more: bool = Field(
        False, description="True when the shopper asks for more results ('show more', 'next'): returns the next "
                           "page of the same search.")
    k: int = Field(5, ge=1, le=20, description="How many products to return (default 5).")
    sort: Literal["relevance", "price_asc", "price_desc", "rating", "reviews"] | None = Field(
        None, description="Order of the results when the shopper asks for one ('cheapest first' -> price_asc, "
                          "'most expensive first' -> price_desc, 'best rated first' -> rating, 'most reviewed "
                          "first' -> reviews, 'best match first' -> relevance). Kept for later searches of the "
                          "conversation until changed; leave empty otherwise.")

    @field_validator("query")
    @classmethod
    def _cut(cls, v: str | None) -> str | None:
        return v[:MAX_QUERY_CHARS] if isinstance(v, str) else v


class ProductDetailsArgs(BaseModel):
    model_config = ConfigDict(extra="ignore")

    positions: list[int] = Field(
        default_factory=list, max_length=MAX_REFERENCES,
        description="Positions in the most recent result list, counted from 1 on that list: 'the second one' -> [2], "
                    "'compare the first two' -> [1, 2], 'the last one' -> [-1]. The numbers shown next to results "
                    "('#7') are accepted too.")
    product_ids: list[str] = Field(default_factory=list, max_length=MAX_REFERENCES,
                                   description="Product ids, when known exactly.")
    use_focus: bool = Field(
        False, description="True for 'it', 'that one', 'those two', 'them': the products discussed in the previous "
                           "details answer.")
    pick: Literal["cheapest", "priciest", "best_rated", "most_reviewed", "recommended"] | None = Field(
        None, description="Choose one of the referenced products: 'the cheaper of those two' -> cheapest; "
                          "'which one would you recommend?' -> recommended (rating weighted by how many rated it, "
                          "among all shown products when none are referenced).")
    describe: str | None = Field(
        None, description="A shown product named by what it is rather than where: 'the black one' -> 'black', "
                          "'the samsung one' -> 'samsung'. The first shown product whose title, brand, color or "
                          "storage has all these words is used.")
    question: str | None = Field(
        None, description="The shopper's question about the product, verbatim ('is it waterproof?'): its words are "
                          "looked up in the product's listing and quoted back as evidence.")
    compare_on: str | None = Field(
        None, max_length=20,
        description="Rank the referenced products (all shown ones when none are referenced) on one measurable "
                    "aspect: camera, battery, storage, ram, screen, light (lightest), heavy, refresh; a trailing '-' "
                    "asks for the small end ('the smallest screen' -> 'screen-').")
    all_shown: bool = Field(
        False, description="True for a question about every product shown ('do any of these have a mic?', 'which of "
                           "them is waterproof?'): each gets its own answer (the two discussed, when 'them' means those).")

    @field_validator("question", "describe")
    @classmethod
    def _cut_question(cls, v: str | None) -> str | None:
        return v[:MAX_QUERY_CHARS] if isinstance(v, str) else v
