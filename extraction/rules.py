"""Rule-based filter extraction: a transparent, fast baseline that never raises.

Reads one utterance (plus the current state) and returns what it asks to change as a `StateUpdate`:
numbers with comparators and ranges ("price lower than 130.00 dollars", "rating not exceeding 4.4",
"150+ reviews", "at least 128gb"), qualitative levels as in the paper ("cheap" -> price_max "low"),
gazetteers built from the catalog's `Vocabulary` (brands, colors, carriers, storage, subcategory,
condition) and multi-turn cues ("only black ones", "what about Pixel instead?", "cheaper", "any brand",
"start over").

    >>> ex = RuleExtractor(Vocabulary.default())
    >>> r = ex.extract("a cheap samsung phone with lots of reviews")
    >>> r.filters.active()
    {'price_max': 'low', 'review_count_min': 'high', 'subcategory': 'Cell Phones', 'brand': ['Samsung']}
    >>> r.topic
    'phone'
    >>> ex.extract("what about Pixel instead?", r.filters).filters.brand
    ['Google']

Design choices (the reasons are in docs/state_rules.md): a unitless number needs a comparator or a
price word to count as a price ("under 300"), and a number followed by any other unit ("6 inch",
"3 pack", "20w", "8gb ram") is never a constraint; "around X" means X +- 15%; a bare "$200" is a
budget (price_max); a bare "256gb" means exactly that size; brand names that are English words
("Nothing", "Noise", "Apple") need brand context; "case for iphone 14" names a compatible phone, not
the case's brand.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from retrieval.catalog import Product
from retrieval.facets import (
    BASE_COLORS,
    BRAND_PARENTS,
    CARRIERS,
    COLOR_SYNONYMS,
    PRODUCT_LINE_BRANDS,
    brand_key,
)
from retrieval.filters import ACCESSORIES, PHONES, Filters

from .base import ExtractionResult, Extractor
from .state import FIELD_GROUPS, StateUpdate, apply_update
from .typos import repair
from .vocabulary import COMMON_WORDS, Vocabulary, words_to_number

MAX_CHARS = 2000  # longer input is cut: no shopper writes more, and the cost stays bounded
AROUND_TOLERANCE = 0.15  # "around $300" -> 255..345

# ---------------------------------------------------------------------------------------------- lexicon
_NUMBER_WORDS = (
    "zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|"
    "seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
)
_SMALL_WORDS = {"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"}
# A run of number words (and digits before hundred/thousand): "two hundred", "fifteen hundred", "2 hundred",
# "a thousand", "twenty five", "one thousand two hundred and fifty".
_NUMWORD_RUN = re.compile(
    rf"\b(?:(?:a|\d+(?:\.\d+)?|{_NUMBER_WORDS})[\s-]+(?:hundred|thousand|grand)\b"
    rf"(?:[\s-]+(?:and[\s-]+)?(?:{_NUMBER_WORDS}|hundred|thousand)\b)*"
    rf"|(?:{_NUMBER_WORDS})(?:[\s-]+(?:{_NUMBER_WORDS}))*\b(?:[\s-]+(?:hundred|thousand)\b"
    rf"(?:[\s-]+(?:and[\s-]+)?(?:{_NUMBER_WORDS}|hundred|thousand)\b)*)?)"
)
_HALF = re.compile(r"\b(\d+)\s+and\s+a\s+half\b")
_UNIT_AFTER_SMALL = re.compile(r"\s*(?:\+\s*)?(?:stars?|dollars?|bucks|reviews?|ratings?|gb|tb|or (?:more|higher|"
                               r"less|lower|better))\b")

_NUM = r"(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)"
_CUR = r"(?:\$|usd\s?|us\$\s?)"
# A quantity: optional currency, number, optional multiplier (k, grand), optional "+", optional unit.
_QTY = re.compile(
    rf"(?<![\w.,$])(?P<cur>{_CUR})?\s?(?P<num>{_NUM})(?:\s?(?P<mult>k|grand)\b)?(?P<plus>\s?\+)?"
    r"(?:\s?(?P<unit>"
    r"dollars?|bucks|usd|\$|"
    r"stars?|-stars?|star|out of 5(?:\.0)?(?: stars?)?|/\s?5(?:\.0)?|"
    r"reviews?|ratings?|reviewers|(?:customer|user|buyer|verified|owner|people)s?'?\s(?:reviews?|ratings?)|"
    r"gb|gigs?|gigabytes?|tb|terabytes?|g"
    r")(?![a-z0-9]))?(?P<plus2>\s?\+)?"
)
# "64g", "128g": shoppers drop the "b"; only real storage sizes count ("5g" and "4g" are networks).
_G_SIZES = {32.0, 64.0, 128.0, 256.0, 512.0}  # "8g", "16g" are shades, weights and RAM far more often
_UNIT_KIND = {
    "dollar": "price", "dollars": "price", "bucks": "price", "usd": "price", "$": "price",
    "star": "rating", "stars": "rating", "-star": "rating", "-stars": "rating",
    "review": "reviews", "reviews": "reviews", "reviewers": "reviews", "customer reviews": "reviews",
    "user reviews": "reviews", "ratings": "reviews", "rating": "rating",
    "gb": "storage", "gig": "storage", "gigs": "storage", "gigabyte": "storage", "gigabytes": "storage",
    "g": "storage", "tb": "storage", "terabyte": "storage", "terabytes": "storage", "t": "storage",
}
# Words after a number that leave it unitless ("under 300 please", "under 300 phones").
_FREE_AFTER = {
    "and", "or", "but", "with", "for", "please", "pls", "then", "only", "max", "maximum", "tops", "at", "in",
    "that", "which", "if", "so", "is", "are", "a", "an", "the", "range", "budget", "price", "each", "total",
    "mark", "ish", "or so", "phone", "phones", "smartphone", "smartphones", "ones", "one", "cell", "mobile",
    "device", "devices", "case", "cases", "charger", "chargers", "earbuds", "headphones", "accessories",
    "thanks", "thank", "instead", "now", "too", "also", "would", "will", "should", "to", "from", "like", "any",
    "something", "anything", "options", "option", "models", "model", "min", "minimum", "plus", "i", "we",
    "my", "me", "it", "not", "no", "dollar", "usd", "brand", "on", "unlocked", "either", "pricing", "thx", "plz",
    "ty",
}
# Words right before a number that make it a name or a size, not a constraint ("iphone 14", "pack of 3").
_NAME_BEFORE = re.compile(
    r"(?<![a-z])(?:iphone|galaxy|pixel|note|series|gen|generation|model|version|size|pack of|set of|qty|quantity|"
    r"ipad|watch|s|a|m|z|x|se|moto|redmi|nord|ram|number|no\.|#|android|ios|version|level|step|day|days|"
    r"year|years|rtx|gtx|core|i\d|ryzen|mk|mark|xperia|razr|edge|fold|flip|plus|pro|max|mini|ultra|"
    r"fire|tab|buds|echo|\d+x|usb|type|hdmi|win|windows|top|part)\s*$"
)
# Comparators before a number: (pattern, kind, implied attribute or None). Longest first in the regex.
_PREFIX_COMPARATORS: list[tuple[str, str, str | None]] = [
    # "max rating 4.5", "minimum price of 200": the bound word leads and names its attribute.
    (r"(?:max(?:imum)?|highest|top) (?:star )?(?:rating|rated|stars?|score)(?: of| is|:)?", "max", "rating"),
    (r"(?:min(?:imum)?|lowest) (?:star )?(?:rating|rated|stars?|score)(?: of| is|:)?", "min", "rating"),
    (r"(?:max(?:imum)?|highest|top) (?:price|cost|budget|spend)(?: of| is|:)?", "max", "price"),
    (r"(?:min(?:imum)?|lowest) (?:price|cost)(?: of| is|:)?", "min", "price"),
    (r"(?:max(?:imum)?) (?:number of |count of )?(?:reviews|reviewers|review count)(?: of| is|:)?", "max", "reviews"),
    (r"(?:min(?:imum)?) (?:number of |count of )?(?:reviews|reviewers|review count)(?: of| is|:)?", "min", "reviews"),
    (r"not (?:exceeding|more th[ae]n|over|above|higher th[ae]n|greater th[ae]n|to exceed)", "max", None),
    (r"(?:doesn'?t|does not|don'?t|do not|won'?t|will not|shouldn'?t|should not|can'?t|cannot|must not)"
     r" (?:exceed|go over|go above|cost more th[ae]n|be more th[ae]n|be over|be above)", "max", None),
    (r"no (?:more|higher|greater|pricier|dearer) th[ae]n", "max", None),
    (r"not (?:less th[ae]n|under|below|lower th[ae]n|fewer th[ae]n)", "min", None),
    (r"no (?:less|lower|fewer) th[ae]n", "min", None),
    (r"(?:less|lower|fewer|smaller) th[ae]n", "max", None),
    (r"cheaper th[ae]n|less expensive th[ae]n|(?:costs?|costing|priced) (?:less|under|below)(?: than)?", "max",
     "price"),
    (r"(?:more expensive|pricier|costlier) th[ae]n|(?:costs?|costing|priced) (?:more|over|above)(?: than)?",
     "min", "price"),
    (r"(?:better|higher rated|rated higher|rated better) th[ae]n", "min", None),
    # "more storage than 64gb": the words between "more" and "than" name the attribute
    (r"(?:more|bigger|larger|higher) (?:storage|space|memory|capacity) th[ae]n", "min", "storage"),
    (r"(?:less|smaller|lower) (?:storage|space|memory|capacity) th[ae]n", "max", "storage"),
    (r"(?:worse|rated lower|rated worse) th[ae]n", "max", None),
    (r"(?:more|greater|higher|bigger|larger) th[ae]n", "min", None),
    # "raise my budget to 1.1k", "lower the max to 400", "i can stretch to 700", "cap it at 200"
    (r"(?:raise|increase|bump|up|lower|drop|reduce|decrease|bring|change|set|move|push)(?: up| down)? (?:my |the |our )?"
     r"(?:budget|max(?:imum)?|limit|cap|price cap|price limit|ceiling|spend)(?: up| down)? to|"
     r"(?:i |we )?(?:can |could )?(?:stretch|go as high as|go up to)(?: to)?|cap (?:it|that|the price) at", "max", "price"),
    (r"(?:raise|increase|bump|up|lower|drop|reduce|change|set|move|push)(?: up| down)? (?:my |the )?(?:min(?:imum)? )?"
     r"(?:storage|space|memory|capacity)(?: up| down)? to", "min", "storage"),
    (r"(?:raise|increase|bump|up|lower|drop|reduce|change|set|move|push)(?: up| down)? (?:my |the )?(?:min(?:imum)? )?"
     r"(?:star )?rating(?: up| down)? to", "min", "rating"),
    (r"(?:raise|increase|bump|up|lower|drop|reduce|change|set|move|push)(?: up| down)? (?:my |the )?(?:min(?:imum)? )?"
     r"(?:number of )?reviews?(?: count)?(?: up| down)? to", "min", "reviews"),
    (r"at (?:the )?most|up ?to|upto|max(?:imum)?(?: of)?|not exceeding|under(?:neath)?|below|within|tops|"
     r"(?:my |a |the |with a |on a )?(?:budget|price range|price limit|price cap|limit|cap)(?: of| is| was|:|"
     r" around| about| under| below| up to| at)?|(?:i |we )?(?:can |could |want to |wanna |would )?"
     r"(?:only )?(?:spend|afford|pay)(?: only| up to| at most| no more than| max| about| around)?|"
     r"(?:i |we )?(?:only (?:have|got)|have only|got only)(?: about| around| like)?|"
     r"less|lower|cheaper|≤|<=?|=<", "max", None),
    (r"at ?least|min(?:imum)?(?: of)?|starting (?:at|from)|from|upwards? of|over|above|"
     r"exceeding|greater|more|higher|beyond|>=?|≥|=>|north of", "min", None),
    (r"around|about|approx(?:imately|\.)?|roughly|~|close to|near|nearly|almost|something like|"
     r"in the (?:range|neighbou?rhood|ballpark) of|give or take|priced at|costs?|costing|for|"
     r"(?:rated|rating(?: of)?|with a rating of)", "bare", None),
]
_PREFIX_RE = re.compile(
    r"(?:^|(?<=[^a-z0-9]))(?P<comp>" + "|".join(f"(?:{p})" for p, _, _ in _PREFIX_COMPARATORS) + r")"
    r"\s*(?:(?:a|an|the|of|just|only|maybe)\s+)?$"
)
_PREFIX_KINDS = [(re.compile(rf"(?:{p})$"), kind, attr) for p, kind, attr in _PREFIX_COMPARATORS]
_NEG_FLIP = re.compile(r"(?:n't|\bnot|\bnever|\bcannot|\bcant|\bwont|\bdont|\bnothing)(?:\s+(?:i|we|to|want|wanna|"
                       r"go|going|be|spend|pay|cost|costs|costing|anything|something|that|priced|really|afford|rated|rating|"
                       r"reviewed|with|have|has|having|get|sell|sold|selling|"
                       r"willing|able|priced|is|are|more|much|too|way|any|a|an|the|phone|phones|one|ones)){0,4}\s*$")
_AROUND_WORDS = re.compile(r"^(?:around|about|approx(?:imately|\.)?|roughly|~|close to|near|nearly|almost|"
                           r"something like|in the (?:range|neighbou?rhood|ballpark) of|give or take)$")
_POSTFIX_RE = re.compile(
    r"^\s*(?P<post>or (?:more|higher|above|greater|better|up|over|bigger|larger)|and (?:up|above|over|higher|more)"
    r"|up(?:wards)?(?=\s*(?:$|[,.!?;]|please|pls|thx|then))"
    r"|& up|plus|or (?:less|lower|below|under|fewer|cheaper|smaller)|and (?:under|below|less|lower)|& under"
    r"|max(?:imum)?|at (?:the )?most|at (?:the )?least|minimum|min|tops|or so|ish|give or take|or better"
    r"|(?:and|or) no (?:more|higher)(?! th[ae]n)|(?:and|or) no (?:less|lower|fewer)(?! th[ae]n))(?![a-z])"
)
_POST_KIND = {"or so": "around", "ish": "around", "give or take": "around"}

# Attribute cue words before a number (nearest wins).
_CUE_WORDS = {
    "price": "price", "prices": "price", "priced": "price", "cost": "price", "costs": "price", "costing": "price",
    "budget": "price", "spend": "price", "pay": "price", "dollars": "price", "bucks": "price", "afford": "price",
    "cheap": "price", "cheaper": "price", "expensive": "price", "$": "price", "usd": "price", "money": "price",
    "rating": "rating", "rated": "rating", "stars": "rating", "star": "rating", "score": "rating",
    "reviews": "reviews", "review": "reviews", "ratings": "reviews", "reviewed": "reviews", "reviewers": "reviews",
    "storage": "storage", "capacity": "storage", "space": "storage", "memory": "storage",
}
_FIELDS = {
    "price": ("price_min", "price_max"),
    "rating": ("average_rating_min", "average_rating_max"),
    "reviews": ("review_count_min", "review_count_max"),
    "storage": ("storage_gb_min", "storage_gb_max"),
}
_RANGE_RE = re.compile(
    rf"(?<![\w.,$])(?:(?P<pre>between|from)\s+)?(?P<q1>{_CUR}?\s?{_NUM}(?:\s?(?:k|grand)\b)?"
    r"(?:\s?(?:dollars?|bucks|usd|stars?|gb|tb)\b|\s?\$)?)"
    r"\s*(?P<sep>-|–|—|~|up to|upto|to|and|through|thru|until)\s*"
    # "150," ends a clause; "1,500", "1.5" and "5, 9" (a list of numbers) do not
    rf"(?P<q2>{_CUR}?\s?{_NUM}(?:\s?(?:k|grand)\b)?)(?!\d|[.,]\s?\d)"
)

_NEG_BEFORE = re.compile(
    r"(?:\bnot|\bno|n't|\bnever|\bwithout|\bnothing|\bnor|\bdont|\bdoesnt|\bisnt|\barent|\bwont)"
    r"(?:\s+(?:too|so|very|that|really|overly|super|a|an|the|be|very))*\s*$"
)
# Qualitative lexicon: (pattern, [(field, level)], negated -> [(field, level)] or None to skip).
_LEVEL_RULES: list[tuple[str, list[tuple[str, str]], list[tuple[str, str]] | None]] = [
    (r"mid[- ]?range|mid[- ]?priced|mid[- ]tier|moderately[- ]priced|medium[- ]priced|"
     r"(?:moderate|average|mid|medium) prices?d?|middle of the road",
     [("price_min", "medium"), ("price_max", "medium")], None),
    # "fairly priced", "a reasonable price", "not overpriced": a ceiling in the middle, no floor.
    (r"(?:reasonably|fairly|sensibly|decently)[- ]priced|(?:reasonable|fair|sensible|decent) prices?d?",
     [("price_max", "medium")], None),
    (r"over[- ]?priced", [], [("price_max", "medium")]),
    # "decent quality, not bottom of the barrel": a floor above the cheapest, no ceiling.
    (r"(?:decent|reasonable) quality(?:,? not (?:the )?bottom of the barrel)?|bottom of the barrel",
     [("price_min", "medium")], [("price_min", "medium")]),
    (r"cheap(?:est|ly priced)?|inexpensive|affordable|low[- ]?cost|low[- ]priced?|lowest price|budget[- ]friendly|low[- ]end|"
     r"on a budget|under budget|budget|economical|bargain|wallet[- ]friendly|won'?t break the bank|entry[- ]level|"
     r"cost[- ]effective|best value|good value|great value",
     [("price_max", "low")], [("price_min", "medium")]),
    (r"premium|high[- ]end|flagship|expensive|luxury|luxurious|top[- ]of[- ]the[- ]line|top[- ]end|top[- ]tier|"
     r"pricey|pricy|upscale|costly|high[- ]priced?",
     [("price_min", "high")], [("price_max", "medium")]),
    (r"(?:highly|high|highest|top|best|well|very well|excellently|greatly|extremely well)[- ]rated|"
     r"rated (?:really|very|super|extremely|so) well|(?:people|customers|buyers|users|shoppers) (?:love|loved|adore)|"
     r"(?:well|highly|best|positively|very well)[- ]reviewed|5[- ]star rated|"
     r"(?:great|excellent|amazing|outstanding|stellar|glowing|awesome|fantastic|top|high|the best|best|"
     r"superb|rave|very good|really good) (?:customer )?(?:reviews?|ratings?|feedback|scores?)",
     [("average_rating_min", "high")], None),
    (r"(?:good|decent|solid|positive|nice|ok|okay|fine|reasonable|favorable|favourable) (?:customer )?"
     r"(?:reviews?|ratings?|feedback|scores?)|(?:decently|solidly|reasonably|fairly|well|good)[- ]rated|well liked|"
     r"rated (?:well|decently|ok|okay|fine)(?: enough)?",
     [("average_rating_min", "medium")], None),
    (r"(?:poorly|badly|low|lowly|negatively|terribly|worst)[- ]rated|(?:bad|poor|low|negative|terrible|awful|"
     r"mediocre) (?:customer )?(?:reviews?|ratings?|scores?)",
     [("average_rating_max", "low")], None),
    (r"(?<!only )(?<!just )(?:some|a few|several|(?:a )?(?:decent|good|fair|reasonable|moderate) (?:number|amount) of|"
     r"enough|a couple of|a handful of) (?:customer )?(?:reviews|ratings|reviewers)",
     [("review_count_min", "medium")], None),
    (r"(?:(?:only|just) (?:a )?(?:few|handful of|couple of)|few|not many|hardly any|barely any|no|little|fewer|"
     r"not a lot of|not much) (?:customer )?"
     r"(?:reviews|ratings|reviewers)|(?:few|not many|hardly any) (?:people|buyers|customers|users) (?:have )?"
     r"(?:reviewed|rated)|lesser[- ]known|little[- ]known|unknown|obscure|niche|hidden gems?|"
     r"under the radar|new releases?|newly released|just released|recently released|new arrivals?|"
     r"up[- ]and[- ]coming",
     [("review_count_max", "low")], None),
    (r"(?:lots|tons|plenty|loads|a lot|a ton|hundreds|thousands|heaps) of (?:customer |user )?(?:reviews|ratings|"
     r"reviewers|feedback)|(?:many|numerous|lots of|countless|so many|a lot of) (?:customer |user )?"
     r"(?:reviews|ratings|reviewers)|(?:widely|heavily|most|much)[- ]reviewed|popular|best[- ]?sell(?:er|ers|ing)|"
     r"well[- ]known|(?:famous|known|big|major|reputable|trusted|name) brands?|crowd favou?rite|"
     r"(?:many|lots of|a lot of|tons of) (?:people|buyers|customers|users) (?:bought|buy|use|like|(?:have )?"
     r"reviewed|(?:have )?rated)",
     [("review_count_min", "high")], None),
    (r"(?:lots|tons|plenty|loads|a lot) of (?:storage|space|memory)|(?:large|big|huge|massive|ample|"
     r"high|maximum|max|biggest|largest) (?:storage|capacity|internal storage)",
     [("storage_gb_min", "high")], None),
    (r"(?:little|basic|small|minimal|limited|low|the least|not much|not a lot of) (?:storage|space|memory|capacity)|"
     r"(?:base|basic|entry|smallest) storage(?: option| model| size| tier)?",
     [("storage_gb_max", "low")], None),
]
_LEVEL_RES = [(re.compile(rf"(?<![\w-])(?:{p})(?![\w-])"), pos, neg) for p, pos, neg in _LEVEL_RULES]
# "cheap looking", "looks cheap": a quality judgement, not a price.
_CHEAP_QUALITY_AFTER = re.compile(r"^[\s-]*(?:looking|made|quality|plastic|material|materials|feel|feeling|"
                                  r"build|knock|knockoff|knock-off|junk|stuff|imitation|fake)\b")
_CHEAP_QUALITY_BEFORE = re.compile(r"\b(?:look|looks|looking|feel|feels|feeling|seem|seems|sound|sounds|"
                                   r"made|built)\s+(?:so\s+|very\s+|too\s+|really\s+)?$")
_PREMIUM_OK_AFTER = re.compile(r"^\s*(?:phones?|smartphones?|ones?|options?|models?|devices?|brands?|"
                               r"earbuds|headphones|handsets?|android|iphones?|flagships?|cell|mobiles?|"
                               r"(?:range|segment|tier|end)\b|[?.!,]|$)")
_BUDGET_AS_CUE_AFTER = re.compile(r"^\s*(?:of|is|was|:|\$|\d|around|about|under|below|up to|at|max|limit|to\s+\$?\d|"
                                  r"would|will|for|range|cap|-)")
_STORAGE_NOUN_AFTER = re.compile(r"^\s*(?:baskets?|bins?|box(?:es)?|cabinets?|shel(?:f|ves)|bags?|containers?|units?|"
                                 r"racks?|drawers?|cubes?|ottomans?|benches?|organi[sz]ers?|solutions?|chests?|sheds?|"
                                 r"tubs?|cases?|jars?|pockets?|compartments?|room|closets?|carts?|trunks?|towers?)\b")
_POPULAR_NOT = re.compile(r"^\s*(?:culture|music|science|belief|demand|vote)\b")

# Multi-turn cues.
_MOVE_RULES: list[tuple[str, str]] = [
    (r"(?:something |anything |a bit |a little |slightly |much |even |way )?(?:cheaper|less expensive|lower[- ]priced"
     r"|more affordable|less pricey|less costly|lower (?:the )?price|bring (?:the )?price down|too expensive|"
     r"too pricey|over (?:my|the) budget)(?! th[ae]n(?! (?:that|those|these|this|them|it|the (?:last|first|previous)"
     r"|what you (?:showed|have shown)))\b)(?: th[ae]n (?:that|those|these|this|them|it))?"
     r"(?: (?:ones?|options?|models?|please))?|"
     # "can you go lower on price", "i'd rather spend less", "less money": the same move, said as spending
     r"(?:go|come|get) (?:a bit |a little |any )?(?:lower|down) (?:on|in|with) (?:the )?price|"
     r"(?:spend|pay|costs?|costing) (?:a bit |a little |way |much )?less(?! th[ae]n)|less money|"
     r"(?:easier|kinder|gentler) on (?:the|my) (?:wallet|budget)|"
     # "lower my budget" (no new number: "lower my budget to 200" is a bound, read later)
     r"(?:lower|reduce|decrease|cut|drop|shrink|tighten) (?:my |the |our )?(?:budget|price limit|price cap|"
     r"max(?:imum)? price|spending)(?!(?: up| down)? to\b)|(?:my |the )?budget (?:went|is|got) (?:down|smaller|lower|tighter)"
     r"(?!(?: up| down)? to\b)|(?:i )?have less (?:money|to spend)", "cheaper"),
    (r"(?:something |a bit |a little |slightly )?(?:more expensive|pricier|higher[- ]end|more premium|fancier|"
     r"higher[- ]priced|too cheap|nicer ones?|better quality ones?|(?:spend|pay) (?:a bit |a little |a lot )?more|"
     r"go (?:a bit |a little )?higher (?:on|in|with) (?:the )?price|"
     r"(?:step|move|go|trade) up (?:a (?:bit|little|notch|level) )?(?:in|on) (?:the )?(?:price|quality)|"
     r"(?:raise|increase|up|bump|expand|stretch|loosen|relax) (?:up )?(?:my |the |our )?(?:budget|price limit|price cap|"
     r"max(?:imum)? price|spending)(?!(?: up| down)? to\b)|(?:my |the )?budget (?:went|is|got) (?:up|bigger|higher)(?!(?: up| down)? to\b)|"
     r"(?:i )?(?:have|got) more (?:money|to spend)(?: now)?)(?! th[ae]n)"
     r"(?: (?:ones?|options?|models?))?", "more_expensive"),
    (r"(?:raise|increase|up|bump) (?:up )?(?:my |the )?(?:min(?:imum)? )?(?:star )?rating(?!(?: up| down)? to\b)|"
     r"(?:better|higher|more highly)[- ](?:rated|reviewed|ratings?|reviews)(?! th[ae]n)|"
     r"(?:with )?(?:a )?(?:better|higher) (?:ratings?|reviews|scores?|stars?)(?! th[ae]n)", "better_rated"),
    (r"(?:with )?more (?:reviews|ratings|reviewers|popular)(?! th[ae]n)|more widely reviewed|"
     # "those don't have enough reviews", "something more reviewed", "more well known ones"
     r"(?:don'?t|do not|doesn'?t|does not) have enough (?:reviews|ratings)|not enough (?:reviews|ratings)|"
     r"too few (?:reviews|ratings)|more (?:heavily |widely )?reviewed(?! th[ae]n)|"
     r"more (?:well[- ]known|established|proven|tried and tested)(?! th[ae]n)|"
     r"(?:that |which )?more people (?:have )?(?:bought|buy|own|use|reviewed)", "more_reviews"),
    (r"(?:with )?(?:more|bigger|larger|higher) (?:storage|space|memory|capacity|gb|gigs)(?![- ](?:efficient|saving))"
     r"(?:(?! th[ae]n)| th[ae]n (?:that|those|these|this|them|what you (?:showed|have shown)))|"
     r"not enough (?:storage|space|memory|capacity)|(?:storage|space) is too (?:small|little|low)|"
     r"(?:don'?t|do not|doesn'?t|does not) have enough (?:storage|space|memory|capacity)|"
     r"(?:more|extra) room for (?:photos|pictures|apps|videos|music|files|games)|"
     r"double the (?:storage|space|memory|capacity|gb)", "more_storage"),
    (r"(?:other|different|another|a different|some other|alternative|else'?s?) (?:brands?|makers?|manufacturers?|"
     r"companies|company)|not (?:this|that|these|those) brands?|(?:a |some )?brands? other than (?:this|that|these)",
     "other_brands"),
]
_MOVE_RES = [(re.compile(rf"(?<![\w-])(?:{p})(?![\w-])"), move) for p, move in _MOVE_RULES]
_MOVE_SPAN_FIELD = {"cheaper": "price_max", "more_expensive": "price_min", "better_rated": "average_rating_min",
                    "more_reviews": "review_count_min", "more_storage": "storage_gb_min",
                    "other_brands": "brand_exclude"}

_RESET_RE = re.compile(
    r"(?<![\w-])(?:start (?:over|again|fresh|from scratch)|new search|clear (?:everything|all|the filters|"
    r"(?:all )?(?:my |the )?filters|the search)|reset(?: (?:everything|all|the filters|filters|the search|search))?|"
    r"from scratch|forget (?:everything|all (?:that|of that|filters|the filters)|it all)|remove all (?:the )?filters|"
    r"let'?s start over|different search|something completely different|(?:let'?s )?begin (?:again|anew)|"
    r"wipe (?:the |all (?:the )?|my )?(?:filters|search|slate)|clean slate|"
    # "scratch that" alone: the search so far is taken back (the rules keep no history to undo one turn)
    r"^\s*scratch (?:that|all that|everything)(?=\s*[.!?]*\s*$))(?![\w-])"
)
# "never mind, i need a case", "nvm. get me a car mount": a dismissal opening a new request starts over. The
# opener alone ("never mind", "forget it") changes nothing (it may only take back the last question), and
# "never mind the color" is a removal: the reset needs a new request after the opener (_NEW_REQUEST).
_DISMISS_OPENER = re.compile(
    r"^\s*(?:(?:oh|ok|okay|hmm+|um+|actually|wait|sorry|no|nah)[\s,.!]+)*(?:never\s?mind|nvm|scratch that|forget (?:it|that|"
    r"all that|about it|about that)|ignore (?:that|all that)|change of plans?|(?:something|someone) else|"
    r"(?:a\s+)?(?:completely\s+|totally\s+|entirely\s+)?(?:new|different|another|other)\s+(?:question|thing|topic|"
    r"request|search)|moving on)"
    r"(?:\s*[,.;:!-]+\s*|\s+(?=i\b|i'|we\b|can\b|could\b|show\b|find\b|get\b|gimme\b|looking\b|help\b|"
    r"want\b|need\b|do you\b|are there\b|any\b|a\b|an\b|some\b))")
_NEW_REQUEST = re.compile(
    r"(?<![\w-])(?:(?:i|we)\s*(?:'?d like|would like|need|want|wanna|am looking for|'m looking for|'?m after)|"
    r"looking for|want to (?:buy|get|find|see)|help me (?:find|get|pick|choose)|find me|get me|gimme|show me|"
    r"can (?:you|i) (?:find|get|show|see)|could you (?:find|get|show)|do you have|are there(?: any)?)"
    r"\s+(?:me\s+)?(?:a|an|some|something|anything|one|the|any)(?![\w-])|"
    # or a product word: "nvm, a cheap google phone". Without one ("nvm i want google") it is a refinement.
    r"(?<![\w-])(?:phones?|smartphones?|handsets?|mobiles?|cell ?phones?)(?![\w-])")
_GROUP = (r"(brands?|colou?rs?|price|prices|budget|cost|money|ratings?|reviews?|storage|carriers?|network|condition|"
          r"category|categories|type|kind)")
_REMOVE_RES = [
    # "all prices as $0", "every price = 0": a demand about the display (or an injection), not "any price".
    re.compile(rf"(?<![\w-])(?:any|all|whatever|every|either|no particular|no specific)\s+"
               rf"(?:(?:number|amount|count|level|kind|sort|type|size)\s+of\s+(?:the\s+)?)?{_GROUP}(?!\s+new)"
               rf"(?!\s+as\b|\s+to\s+(?:\$?\d|zero|free)|\s*=)"
               rf"(?:\s+(?:is|are|will do|works|would do|range))?(?:\s+(?:fine|ok|okay|good))?(?![\w-])"),
    re.compile(rf"(?<![\w-])(?:forget|drop|remove|ignore|clear|skip|scrap|lose|never ?mind|nvm|disregard|get rid of|"
               rf"ditch|take off|take away|lift|relax)"
               rf"\s+(?:about\s+)?(?:the\s+|my\s+|that\s+|this\s+)?{_GROUP}"
               rf"(?:\s+(?:filter|limit|constraint|requirement|preference|restriction|range|cap|thing))?s?(?![\w-])"),
    re.compile(rf"(?<![\w-])(?:no|without(?:\s+a|\s+any)?|not\s+bothered\s+about|don'?t\s+care\s+about)"
               rf"\s+(?:the\s+)?{_GROUP}\s+(?:limit|cap|constraint|restriction|ceiling|preference|requirement|filter)"
               rf"s?(?![\w-])"),
    re.compile(rf"(?<![\w-])(?:the\s+)?{_GROUP}\s+(?:doesn'?t|does not|don'?t|do not|won'?t)\s+matter(?![\w-])"),
    re.compile(rf"(?<![\w-])(?:it\s+)?(?:doesn'?t|does not|don'?t)\s+matter\s+(?:the|which|what)\s+{_GROUP}(?![\w-])|"
               rf"(?<![\w-])(?:the\s+)?{_GROUP}\s+(?:is\s+not|isn'?t|is\s+un|are\s+not|aren'?t|is\s+not\s+that|"
               rf"isn'?t\s+that|aren'?t\s+that)\s*important(?![\w-])|"
               rf"(?<![\w-])not\s+(?:fussed|picky|fussy|particular|bothered)\s+(?:about|on|with|by)\s+(?:the\s+)?{_GROUP}"
               rf"(?![\w-])|(?<![\w-])(?:i\s+)?(?:don'?t|do not|dont)\s+mind\s+(?:about\s+)?(?:the\s+|which\s+|what\s+)?"
               rf"{_GROUP}(?![\w-])"),
    re.compile(rf"(?<![\w-])(?:i\s+)?(?:don'?t|do not|dont)\s+care\s+(?:about|for|which|what)\s+(?:the\s+)?"
               rf"{_GROUP}(?![\w-])"),
    # "don't care how many reviews", "doesn't matter how much storage": the amount is free, not "many"
    re.compile(rf"(?<![\w-])(?:(?:i\s+)?(?:don'?t|do not|dont)\s+care|(?:it\s+)?(?:doesn'?t|does not)\s+matter|"
               rf"not\s+(?:fussed|bothered|picky))\s+(?:about\s+)?how\s+(?:many|much|big|high|good)\s+(?:the\s+)?"
               rf"{_GROUP}(?![\w-])"),
    # "no preference on color", "no real preference for the brand", "open on storage", "flexible on price"
    re.compile(rf"(?<![\w-])(?:no\s+(?:real\s+|strong\s+|particular\s+)?preference|(?:i'?m\s+)?(?:open|flexible))"
               rf"\s+(?:on|for|about|regarding|with|re)\s+(?:the\s+)?{_GROUP}(?![\w-])"),
    re.compile(rf"(?<![\w-])(?:no\s+)?limit\s+on\s+(?:the\s+)?{_GROUP}(?![\w-])|(?<![\w-]){_GROUP}\s+is\s+no\s+"
               rf"(?:object|issue|problem)(?![\w-])"),
    re.compile(rf"(?<![\w-])(?:the\s+|my\s+)?{_GROUP}\s+(?:is|'s)\s+(?:flexible|open|not fixed|not an? (?:concern|problem|"
               rf"issue|object|factor)|no (?:concern|factor))(?![\w-])|"
               rf"(?<![\w-])(?:the\s+|my\s+)?{_GROUP}\s+(?:isn'?t|is not)\s+an?\s+(?:concern|problem|issue|object|factor)"
               rf"(?![\w-])"),
    # "no budget" (no limit); "no budget phones" is a level (not the cheap ones), read elsewhere
    re.compile(r"(?<![\w-])(?:i\s+have\s+)?no\s+(budget)(?=\s*(?:$|[,.!?;]|limit|cap|really|at all|to speak of|"
               r"constraints?|restrictions?))"),
]
_NO_OBJECT = re.compile(r"(?<![\w-])(?:money|price|cost|budget)\s+is\s+no\s+(?:object|issue|problem)(?![\w-])")
_GROUP_FIELD = {"brand": "brand", "brands": "brand", "color": "color", "colour": "color", "colors": "color",
                "colours": "color", "price": "price", "prices": "price", "budget": "price", "cost": "price", "money": "price",
                "rating": "rating", "ratings": "rating", "review": "reviews", "reviews": "reviews",
                "storage": "storage", "carrier": "carrier", "carriers": "carrier", "network": "carrier",
                "condition": "condition", "category": "subcategory", "categories": "subcategory",
                "type": "subcategory", "kind": "subcategory"}
_DOESNT_MATTER = re.compile(r"(?<![\w-])(?:(?:it\s+)?(?:doesn'?t|does not|don'?t)\s+matter|whatever)(?![\w-])")

# Subcategory words. Accessory words win over phone words ("phone case" is an accessory).
_ACCESSORY_RE = re.compile(
    r"(?<![\w-])(?:cases?|covers?|screen protectors?|screen guards?|protectors?|tempered glass|chargers?|"
    r"charging (?:cables?|pads?|docks?|stands?|stations?|cords?)|cables?|cords?|adapters?|earbuds?|ear buds|"
    r"earphones?|headphones?(?!\s*(?:jack|port|socket|input|output|slot))|headsets?|power ?banks?|battery packs?|battery cases?|mounts?|phone holders?|"
    r"(?:car|dash|dashboard|vent|bike|magnetic|phone) (?:mounts?|holders?)|holders?|phone stands?|smart ?watch(?:es)?|watch bands?|watch straps?|stylus(?:es)?|pop ?sockets?|"
    r"selfie sticks?|ring lights?|lens(?:es)? kits?|memory cards?|sd cards?|micro ?sd|docks?|"
    r"accessor(?:y|ies)|airpods|grips?|lanyards?|bluetooth speakers?|speakers?|fitness trackers?|"
    r"wireless chargers?|car chargers?|car kits?|tripods?|gimbals?|otg|dongles?|hubs?)(?![\w-])"
)
_IN_CASE = re.compile(r"(?:\bin|\bjust in|\bbriefcase|\bpencil|\bshow|\bbook|\bupper|\blower|\bsuit|\bworst|\bbest|"
                      r"\bthat|\bthis|\beach|\bthe)\s*$")
_PHONE_RE = re.compile(
    r"(?<![\w-])(?:smart ?phones?|cell ?phones?|cellphones?|mobile phones?|mobiles?|phones?|handsets?|"
    r"flip phones?|iphones?|android phones?|feature phones?|5g phones?|"
    r"galaxy (?:s|a|z|note|m|j)\s?\d+\w*|(?:pixel|moto|redmi|poco|xperia|nord|oneplus|nokia|vivo|oppo|realme|"
    r"motorola|honor|huawei|mate|narzo|iqoo|tecno|infinix)\s+(?:note\s+|edge\s+)?[a-z]{0,2}\d+[a-z]*)(?![\w-])"
)
_NEW_RE = re.compile(r"(?<![\w-])(?:brand[- ]new|new condition|factory new|factory sealed|sealed|(?:only|just) new|"
                     r"new in (?:the )?box|new in (?:its |the )?(?:original )?packaging|unopened|never used|"
                     r"new only|(?:not|no|nothing|never|without|don'?t want(?: a)?) (?:refurbished|renewed|used|"
                     r"pre-?owned|refurb|second[- ]?hand)(?: ones?| phones?)?)(?![\w-])")
_RENEWED_RE = re.compile(r"(?<![\w-])(?:renewed|refurbished|refurb|reconditioned|pre-?owned|second[- ]?hand|"
                         r"open[- ]box|certified used)(?![\w-])")
_USED_RE = re.compile(r"(?<![\w-])used(?=\s+(?:phones?|iphones?|smartphones?|smart ?phones?|ones?|devices?|models?|"
                      r"galaxy|pixel|condition|is fine|are fine|is ok|is okay|works|cell|mobiles?|handsets?|options?|"
                      r"items?|bluetooth|headsets?|headphones?|earbuds|chargers?|cases?|smart ?watch(?:es)?|tablets?|"
                      r"airpods|only)\b|\s*$|\s*[?.!,&])")
_USED_NOT_BEFORE = re.compile(r"\b(?:be|been|being|is|are|was|were|get|gets|got|i|we|you|they|easy to|"
                              r"can|could|commonly|widely|mostly|often|not|never|rarely|being|fully|heavily|"
                              r"frequently|daily|always|just|only|mainly|primarily|to be|commonly)\s+$")

# Carriers: aliases that are also ordinary words only count with phone context.
_CARRIER_CONTEXT_ONLY = {"sprint", "cricket", "boost", "metro", "visible", "straight talk", "total wireless",
                         "simple mobile", "xfinity", "nextel"}
_CARRIER_EXTRA = {"Unlocked": ("factory unlocked", "carrier unlocked", "fully unlocked", "unlocked for all carriers",
                               "sim unlocked", "any carrier", "all carriers"),
                  "Cricket": ("cricket wireless",), "Visible": ("visible wireless", "visible by verizon"),
                  "Boost Mobile": ("boost mobile",)}
_CARRIER_ALIAS_RES: list[tuple[str, str, str, re.Pattern[str]]] = [
    (name, alias, re.findall(r"[a-z0-9]+", alias)[0], re.compile(r"(?<![a-z0-9&-])" + re.escape(alias) + r"(?![a-z0-9&-])"))
    for name, aliases in CARRIERS.items()
    for alias in set(aliases) | set(_CARRIER_EXTRA.get(name, ()))
]
_CARRIER_ALIAS_RES.sort(key=lambda r: (-len(r[1]), r[1]))  # "metro by t-mobile" is Metro, not also T-Mobile
_CARRIER_CONTEXT_BEFORE = re.compile(r"\b(?:locked to|works on|working on|carrier|network|switch(?:ing)? to)\s+$")
_CARRIER_PREP = re.compile(r"(?:\b(?:on|for|with|from|via|through|compatible with)\s+)$")

_COLOR_MODIFIERS = r"(?:light|dark|pale|bright|deep|matte|metallic|space|jet|navy|sky|midnight|royal|baby|hot|neon|" \
                   r"pastel|rose|forest|lime|mint|ice|icy|sierra|pacific|graphite|starlight|phantom|prism|aura|" \
                   r"cosmic|ocean)"
_PRECISE_SYNONYMS = {"grey", "navy", "teal", "turquoise", "lavender", "violet", "maroon", "burgundy", "indigo",
                     "charcoal", "graphite", "crimson", "scarlet", "lilac", "aqua", "cyan", "khaki"}
_COLOR_CONTEXT_AFTER = re.compile(r"^\s*(?:colou?r(?:ed|s)?|ones?|version|finish|phones?|cases?|covers?|models?|"
                                  r"variants?|bands?|straps?|or\b|and\b|,|/|instead|please|too|only|iphone|galaxy|pixel"
                                  r"|smartphone|color way|\?|\.|!|$)")
_COLOR_CONTEXT_BEFORE = re.compile(r"(?:\b(?:in|colou?r|colou?rs|colou?r:|the|a|an|only|or|and|prefer|want|like)|[,/])"
                                   r"\s*$")
_COLOR_NOT_AFTER = re.compile(r"^\s*(?:tea|teas|wine|juice|noise|friday|pepper|peppers|beans?|rice|oil|skin|label|"
                              r"belt|chocolate|board|house|list|hole|market|widow|eye|thumb|light|lights|velvet|"
                              r"onion|onions|cabbage|apple|apples|sugar|flavou?r(?:ed)?|scent(?:ed)?|tones?|"
                              r"heads?|mamba|sea|card|collar|water|lotus|lemonade|tape|screen of death|"
                              r"mirror|pearl|sesame|gold|mold|mould|background|hat)\b")
_COLOR_WORDS = sorted(set(BASE_COLORS) | {"grey"} | set(COLOR_SYNONYMS), key=len, reverse=True)
# A marketing name is one color and its base word wins: "onyx gray" is gray, "white titanium" / "white pearl" white.
_SHADE_WORDS = "|".join(sorted(set(COLOR_SYNONYMS) - set(BASE_COLORS), key=len, reverse=True))
_BASE_WORDS = "|".join(sorted(set(BASE_COLORS) | {"grey"}, key=len, reverse=True))
_COLOR_RE = re.compile(rf"(?<![\w-])(?:{_COLOR_MODIFIERS}\s+|(?:{_SHADE_WORDS})\s+(?=(?:{_BASE_WORDS})(?![\w-])))?"
                       rf"(?P<c>{'|'.join(_COLOR_WORDS)})(?![\w-])"
                       rf"(?P<finish>\s+(?:{_SHADE_WORDS}|metallic|matte|glossy)(?![\w-]))?")
_CLEAR_CONTEXT_AFTER = re.compile(r"^\s*(?:cases?|covers?|ones?|version|finish|phones?|colou?r|back|tpu|silicone|"
                                  r"handsets?|smartphones?|mobiles?)\b")

# Brands.
_TOKEN = re.compile(r"[a-z0-9]+(?:[&'+.\-][a-z0-9]+)*")
_PRODUCT_NEXT = {
    "phone", "phones", "smartphone", "smartphones", "earbuds", "buds", "watch", "watches", "smartwatch", "case",
    "cases", "charger", "chargers", "headphones", "headset", "band", "bands", "powerbank", "cable", "cables",
    "brand", "brands", "ones", "one", "device", "devices", "tablet", "tablets", "laptop", "laptops", "speaker",
    "speakers", "mobile", "mobiles", "cell", "model", "models", "handset", "instead", "products", "product",
    "iphone", "galaxy", "pixel", "airpods", "ipad", "pro", "max", "plus", "ultra", "mini", "note", "fold",
    "flip", "lite", "se", "neo", "edge", "power", "earphones",
}
# Ambiguous brand words that are adjectives: "a simple case" is not a Simple case, so a product word after
# them is not enough brand context (capitalisation, "by Simple", "Simple brand" still are).
_ADJECTIVE_WORDS = {
    "simple", "smart", "cool", "nice", "pure", "classic", "modern", "cute", "easy", "fast", "quick", "soft",
    "solid", "strong", "tough", "thin", "slim", "tiny", "super", "ultra", "true", "ideal", "perfect", "premium",
    "basic", "bold", "bright", "clear", "universal", "unique", "urban", "wild", "young", "sweet", "real", "ready",
    "safe", "secure", "sure", "magic", "native", "original", "happy", "good", "great", "hard", "heavy", "high",
    "hot", "lite", "long", "loud", "mini", "new", "next", "open", "plain", "polar", "prime", "royal", "big",
    "double", "dual", "extra", "fine", "fresh", "free", "grand", "ice", "instant", "iron", "kind", "light",
    "live", "luxe", "luxury", "mega", "micro", "max", "pro", "plus", "elite", "essential", "digital", "active",
}
_BRAND_PREV = {"brand", "brands", "by", "from", "about", "instead", "prefer", "preferably", "than", "maker",
               "made"}
# Brands the vocabulary does not know, named explicitly ("made by popio", "pikkme brand only").
_NAMED_BRAND = re.compile(r"(?:\bmade by|\bmanufactured by|\bbrand(?:ed)?:|\bfrom the brand|\bby the brand)\s+"
                          r"(?P<a>[a-z][a-z0-9&'-]{1,30})\b|\b(?P<b>[a-z][a-z0-9&'-]{1,30})\s+brand\s+only\b")
_NEVER_BRANDS = {"the", "a", "an", "one", "half", "of", "for", "and", "or", "in", "on", "my", "your", "all", "any",
                 "no", "not", "by", "with", "to", "new", "best", "top", "this", "that"}
_COMPONENT_AFTER = re.compile(r"\s+(?:core|processor|processors|cpu|chip|chipset|inside|celeron|pentium|xeon|atom|"
                              r"i[3579]|ryzen|graphics|gpu|sensor|lens|mount)\b")
_PHONE_LINES = {"iphone", "pixel", "galaxy", "moto", "razr", "redmi", "poco", "nord", "xperia", "zenfone", "rog phone"}
_FUZZY_CUE_PREV = {"or", "not", "no", "at", "about", "exclude", "hide", "than", "try", "show", "also", "and", "but",
                   "avoid", "except", "prefer", "actually"}
_FUZZY_NEXT = {"phone", "phones", "smartphone", "smartphones", "brand", "brands", "mobile", "mobiles", "handset"}
_REPLY_FILLERS = {"please", "pls", "then", "instead", "ones", "one", "phones", "phone", "maybe", "ok", "okay", "yes",
                  "how", "about", "what", "only", "just", "too", "also", "the", "a", "an", "thanks", "thank", "you",
                  "show", "me", "it", "is", "let's", "lets", "try", "go", "with", "for", "now"}
_CUE_BEFORE_BRAND = re.compile(r"(?:\bnot|\bno|\bbut|\bexcept|\bor|\balso|\babout|\binstead of|\bprefer|\bonly|"
                               r"\bjust|\bswitch to|\btry|\bmaybe|\bany|\bshow(?: me| us)?(?: some)?|\bsee|\blook at|"
                               r"\bcheck out|\bgo with|\bconsider|\bgive me|\band|\bactually,?|\bmake it|\brather|"
                               r"\bprefer(?:ably)?)\s+$")
# Words after "pixel" / "galaxy" that make them ordinary words ("pixel art", "galaxy projector").
_LINE_NOT_NEXT = {"art", "arts", "perfect", "density", "count", "size", "ratio", "projector", "projectors", "light",
                  "lights", "lamp", "night", "map", "star", "stars", "quest", "style", "game", "games", "editor",
                  "font", "pitch", "shift", "print", "prints", "poster", "theme", "backpack", "sky", "far", "wars",
                  "brain", "tumbler", "shoes", "fox", "color", "colour", "pattern", "design", "painting", "of",
                  "kids", "glitter", "slime", "bath", "bomb", "bombs", "rug", "decor", "shirt", "t-shirt", "dress"}
# After "a pixel" / "a galaxy" these words leave the line the object ("a pixel with 5g"); others may be the
# noun it modifies ("a galaxy projector"), listed or not.
_LINE_AFTER_ARTICLE = {"", "with", "for", "under", "below", "over", "above", "around", "that", "which", "in", "and",
                       "or", "please", "pls", "phone", "phones", "smartphone", "smartphones", "from", "on", "at",
                       "without", "but", "not", "only", "instead", "too", "then", "thanks", "thx", "to", "rated",
                       "priced", "costing", "having", "is", "model", "models", "pro", "plus", "ultra", "max",
                       "mini", "lite", "fold", "flip", "edge", "note", "a", "s", "somewhere", "between", "within",
                       "up", "less", "more", "cheaper", "no", "by", "if", "so", "like", "it", "new", "used",
                       "refurbished", "renewed", "unlocked"}
# Makers of phones: "<maker> phone case" is a case for that maker's phone, "<accessory brand> phone case" theirs.
_PHONE_MAKERS = {brand_key(b) for b in PRODUCT_LINE_BRANDS.values()} | set(BRAND_PARENTS.values()) | {
    "nokia", "tcl", "lg", "huawei", "oppo", "vivo", "realme", "honor", "zte", "blu", "alcatel", "asus", "sony",
    "htc", "nothing", "fairphone", "cat", "kyocera", "umidigi", "ulefone", "doogee", "blackview", "tecno",
    "infinix"}
_DEVICE_NEXT = {"band", "watch", "buds", "tab", "pad", "phone", "smartwatch", "tablet", "earbuds"}
_MODEL_TOKEN = re.compile(r"^[a-z]{0,2}\d+[a-z]{0,3}$")
_EXCLUDE_BEFORE = re.compile(
    r"(?:\bnot|\bno|\bexcept|\bexcluding|\bexclude|\bother than|\banything but|\bbut not|\bbesides|\bapart from|"
    r"\bavoid|\bavoiding|\bwithout|\bnon|\bnever|n'?t want|\bdont want|\binstead of|\brather than|\bnothing from|"
    r"\bnot from|\bnone (?:from|by|of)|\bno more|\bhate|\bdislike|\bskip|\bnothing by|\bnot by|\bnot a|\bnot an|\bnot any|\bnone of|"
    r"\bremove|\bdrop|\bexclude|\bhide|\bnot want(?:ing)?|\bnot (?:a |the |much of a |really a |big )?fan of|\bno fan of|"
    r"\bnot into|(?:n'?t|\bnot) (?:like|love|trust|care for)|\b(?:is|are|was|were)\s?n'?t|\bisnt|\barent|\bnot keen on|\bstay away from|\bsteer clear of|"
    r"\bsick of|\btired of|\bdone with|\bany (?:brand|make|maker|company|manufacturer)s? but|"
    r"\brather\b[^,.;!?]{1,40}?\bth[ae]n)(?:\s+(?:from|a|an|any|the|by|made by|\w+'?s|of))?[\s-]*$"
)
# Colors a shopper rules out ("any color but red", "i hate pink"): ignored, never added as wanted colors.
_COLOR_EXCLUDE_BEFORE = re.compile(
    r"(?:\bexcept|\bexcluding|\bother than|\bbut not|\banything but|\bany colou?rs? but|\bavoid|\bhate|\bdislike|"
    r"n'?t (?:want|like|love)|\bnot want|\bnot (?:a )?fan of|\bnot into|\bnothing in|\bno more|\bsick of|"
    r"\bbesides|\bapart from|\binstead of|\brather than)\s+(?:the\s+|any\s+)?(?:colou?r\s+)?$"
)
_IS_OK_AFTER = re.compile(r"^\s*(?:is|are|'s|'re|would be|will be)\s+(?:also\s+|actually\s+)?(?:ok|okay|fine|alright|good|"
                          r"acceptable)\b")
_SWAP_BEFORE = re.compile(r"(?:\binstead of|\brather than|\brather\b[^,.;!?]{1,40}?\bth[ae]n|\bover)\s+(?:the\s+|a\s+|an\s+)?$")
# "forget samsung, show google", "replace samsung with google", "switch from samsung to google": the brand
# is taken out of the brand list, not excluded (the shopper moves on; they did not say they dislike it).
_SWAP_OUT_BEFORE = re.compile(r"(?:\bforget(?: about)?|\bditch|\bscrap|\bscratch|\benough(?: of)?|\bnever\s?mind|"
                              r"\bnvm|\bswitch(?:ing)? from|\bmove (?:away )?from|\bchange|\breplace|\bswap(?: out)?|"
                              r"\btrade|\bgo from)\s+(?:the\s+)?$")
_OUT_AFTER = re.compile(r"^\s*(?:(?:'s|is|are)\s+)?(?:also\s+)?(?:out(?!\s+of)|off the (?:list|table)|a no(?:-go)?|not an option)"
                       r"(?:\s+(?:too|as well|also))?(?![\w-])")
# "swap samsung for google": the "for" names the new brand, not a phone the accessory fits.
_SWAP_FOR_BEFORE = re.compile(r"\b(?:swap|switch|trade|exchange|replace|change)\s+(?:the\s+)?[\w&'+ -]{1,25}?\s+"
                              r"(?:for|with|to|by)\s+(?:the\s+|a\s+|an\s+)?$")
_UNEXCLUDE_BEFORE = re.compile(r"(?:\bstop excluding|\bdon'?t exclude|\bdo not exclude|\bno longer exclude|"
                               r"\bun-?exclude|\binclude|\bbring back|\badd back|\ballow|\bput back)\s+(?:the\s+)?$")
_CONTINUES_LIST = re.compile(r"^\s*(?:,|or|and|nor|/|&|, or|, and|or even|and also)\s*$")
_COMPAT_BEFORE = re.compile(
    r"(?:\bfor|\bcompatible with|\bcompatible for|\bworks with|\bwork with|\bfits?|\bdesigned for|\bmade for|"
    r"\bmeant for|\bto fit|\bthat fits?|\bsuitable for|\bcompatible to|\bwould fit|\bit'?s for)\s+(?:my\s+|the\s+|a\s+|an\s+|your\s+|his\s+|"
    r"her\s+|our\s+)?(?:new\s+|old\s+)?(?:\d+(?:\.\d+)?\s*(?:mm|millimeters?|inch(?:es)?|in|\")?\s+)?"
    r"(?:(?:size|sized)\s+)?$"
)
# Product lines beyond retrieval.facets.PRODUCT_LINE_BRANDS that accessories name ("band for my apple watch").
_EXTRA_LINES = {"apple watch": "Apple", "galaxy watch": "Samsung", "galaxy buds": "Samsung", "galaxy tab": "Samsung",
                "pixel watch": "Google", "pixel buds": "Google", "macbook": "Apple", "ipad": "Apple",
                "airpods": "Apple"}
_NOT_COMPAT_FOR = re.compile(r"\b(?:look|looking|search|searching|shop|shopping|market|hunt|hunting|go|going|"
                             r"opt|settle|ask|asking|want|need|options|offers|deals)\s+for\s+(?:my\s+|the\s+|a\s+|an\s+)?$")
_COMPAT_AFTER = re.compile(r"^[\s-]*(?:compatible|compatibility|friendly)\b")
_ADDITIVE_BEFORE = re.compile(r"(?:\bor|\balso|\bplus|\bas well as|\band also|\badd|\binclude|\bincluding|"
                              r"\band|\btoo|\beither)(?:\s+(?:show|show me|include|add|try|consider|some|any))?"
                              r"(?:\s+(?:me|us))?\s*$")
_ADDITIVE_AFTER = re.compile(r"^\s*(?:ones\s+)?(?:(?:is|are|'s|would be|will be)\s+(?:also\s+)?(?:ok|okay|fine|good|"
                             r"alright|great)\s+)?(?:too|as well|also|aswell)\b")
_REPLACE_WORDS = re.compile(r"(?<![\w-])(?:instead|rather|switch(?:ing)? to|change (?:it )?to|only|just|what about|"
                            r"how about|actually)(?![\w-])")

_FILLER_START = re.compile(
    r"^(?:(?:hi|hello|hey|ok|okay|so|well|please|pls|and|but|also|now|then|thanks|thank you|um|uh|yes|no|"
    r"actually|great|cool|hmm)\b[\s,!.]*)*"
    r"(?:(?:i\s*'?\s*m|i am|im|we are|we're|were)\s+(?:also\s+)?(?:(?:looking|searching|shopping|hunting)"
    r"(?:\s+for)?|after|interested\s+in|in\s+the\s+market\s+for)|"
    r"(?:i|we)\s*(?:would|'d|d)\s+(?:like|love)(?:\s+to\s+(?:buy|get|find|see|have|purchase))?|"
    r"(?:i|we)\s+(?:want|need|wanna|require)(?:\s+to\s+(?:buy|get|find|see|have|purchase))?|"
    r"(?:can|could|would)\s+you\s+(?:please\s+)?(?:find|show|get|search|recommend|suggest)(?:\s+(?:me|us))?(?:\s+for)?|"
    r"(?:show|find|get|give|recommend|suggest)\s+(?:me|us)|(?:do|does)\s+(?:you|u)\s+(?:have|sell|carry)|"
    r"looking\s+for|searching\s+for|search\s+for|shopping\s+for|find|show|got\s+any|is\s+there|are\s+there|"
    r"what\s+about|how\s+about|what\s+do\s+you\s+have|let\s+me\s+see|i\s+(?:am|m)\s+interested\s+in|"
    r"(?:i\s+)?(?:also\s+)?(?:prefer|preferably)|(?:maybe|perhaps))?\s*"
)
_FILLER_TOKENS = {
    # pronouns and "be" forms: "she is on verizon" leaves no topic, not the topic "she"
    "she", "he", "they", "we", "her", "him", "his", "their", "our", "my", "your", "its", "it's", "she's",
    "he's", "they're", "we're", "i'm", "im", "was", "were", "uses", "use", "using", "on",
    "a", "an", "the", "some", "any", "with", "and", "or", "in", "that", "which", "is", "are", "has", "have", "of",
    "for", "only", "just", "ones", "one", "please", "pls", "instead", "then", "too", "also", "as", "well", "but",
    "to", "me", "something", "anything", "by", "from", "at", "it", "them", "those", "these", "this",
    "that's", "thats", "now", "maybe", "etc", "more", "less", "really", "very", "even", "still", "again", "like",
    "options", "option", "stuff", "thing", "things", "around", "about", "up", "either", "color", "colour",
    "colored", "priced", "price", "costing", "rated", "reviews", "rating", "ratings", "dollars", "let's", "lets",
    "see", "go", "what", "how", "do", "you", "there", "show", "i", "want", "need", "would", "under", "over",
    "than", "not", "no", "ok", "okay", "got", "can", "find", "get", "storage", "range", "brand", "brands", "be",
    "should", "must", "budget", "least", "most", "per", "cost", "costs", "model", "models", "version",
    "type", "kind", "sort", "looking", "so", "good", "great", "nice", "new", "choose", "select", "pick",
    "ideally", "preferably", "possibly", "if", "possible",
}


# ---------------------------------------------------------------------------------------------- gazetteer
@dataclass
class _Gazetteer:
    """Brand (and non-phone subcategory) lookups compiled once per vocabulary."""

    brands: dict[str, str]  # space-joined lower-case tokens -> canonical brand
    first_tokens: set[str]
    ambiguous: set[str]  # keys that are also English words: need brand context
    weak: set[str]  # keys the catalog mostly uses as ordinary title words: need an explicit brand cue
    fuzzy_keys: list[str]  # single-word, unambiguous brand keys that misspellings may snap to
    product_lines: set[str]  # keys that are product lines ("iphone"), not the brand itself
    max_len: int
    subcats: dict[str, str]  # extra (non-phone) subcategory names -> canonical
    has_phone_subcats: bool
    # A catalog without storage (or carriers, colors) gets no such constraints: they would empty the results.
    has_storage: bool = True
    has_carriers: bool = True
    has_colors: bool = True
    open_brands: bool = False  # non-strict vocabulary: "made by X" / "X brand only" accepts an unknown X
    known_tokens: frozenset[str] = frozenset()  # catalog words the typo repair must never touch


def _gazetteer(vocab: Vocabulary) -> _Gazetteer:
    cached = vocab.__dict__.get("_rules_gazetteer")
    sig = (len(vocab.brands), len(vocab.subcategories), id(vocab.brands), vocab.strict, len(vocab.weak_brands))
    if cached is not None and cached[0] == sig:
        return cached[1]
    brands: dict[str, str] = {}
    ambiguous: set[str] = set()
    lines: set[str] = set()
    generic = COMMON_WORDS | set(BASE_COLORS) | {"grey"} | set(COLOR_SYNONYMS) | {"unlocked", "prepaid"}
    carrier_words = {a for aliases in CARRIERS.values() for a in aliases}

    def add(alias: str, canonical: str, product_line: bool = False) -> None:
        toks = _TOKEN.findall(alias.lower())
        if not toks or len(toks) > 5:
            return
        key = " ".join(toks)
        if len(key) < 2 or key.isdigit() or key in carrier_words or key in ("phone", "phones", "case", "cases"):
            return
        brands.setdefault(key, canonical)
        if product_line:
            lines.add(key)
        if len(toks) == 1 and (key in generic or len(key) <= 2):
            ambiguous.add(key)
        elif len(toks) > 1 and all(t in generic for t in toks):
            ambiguous.add(key)

    for b in vocab.brands:
        add(b, b)
        k = brand_key(b)
        if k and k != b.lower():
            add(k, b)
    weak = {" ".join(_TOKEN.findall(b.lower())) for b in vocab.weak_brands} | {
        brand_key(b) for b in vocab.weak_brands}
    for line, parent in list(PRODUCT_LINE_BRANDS.items()) + list(_EXTRA_LINES.items()):
        canonical = vocab.brand(parent)
        if canonical:
            # The parent brand wins over a sub-brand listed on its own ("redmi" -> Xiaomi, not Redmi): a
            # filter on the parent also matches products sold under the sub-brand (facets.brand_keys).
            brands.pop(" ".join(_TOKEN.findall(line.lower())), None)
            add(line, canonical, product_line=True)
    if vocab.brand("OnePlus"):
        add("one plus", vocab.brand("OnePlus"))  # the brand as it is said aloud ("no one plus please")
    for child, parent in BRAND_PARENTS.items():
        canonical = vocab.brand(parent)
        if canonical and child not in brands:
            add(child, canonical, product_line=child in PRODUCT_LINE_BRANDS)
    subcats: dict[str, str] = {}
    for s in vocab.subcategories:
        if s in (PHONES, ACCESSORIES):
            continue
        low = " ".join(_TOKEN.findall(s.lower()))
        if low and low not in generic:
            subcats[low] = s
            subcats[low + "s"] = s
    fuzzy_keys = [k for k in brands if " " not in k and len(k) >= 5 and k.isalpha() and k not in ambiguous
                  and k not in weak]
    g = _Gazetteer(brands=brands, weak=weak - lines, fuzzy_keys=fuzzy_keys, first_tokens={k.split(" ")[0] for k in brands}, ambiguous=ambiguous, product_lines=lines,
                   max_len=max((k.count(" ") + 1 for k in brands), default=1), subcats=subcats,
                   has_phone_subcats=(not vocab.subcategories) or PHONES in vocab.subcategories
                   or ACCESSORIES in vocab.subcategories,
                   has_storage=bool(vocab.storage_gb), has_carriers=bool(vocab.carriers),
                   has_colors=bool(vocab.colors), open_brands=not vocab.strict,
                   known_tokens=frozenset(t for k in list(brands) + list(subcats) for t in k.split(" "))
                   | frozenset(c.lower() for c in vocab.colors) | frozenset(COLOR_SYNONYMS) | frozenset(BASE_COLORS))
    vocab.__dict__["_rules_gazetteer"] = (sig, g)
    return g


# ---------------------------------------------------------------------------------------------- parsing
@dataclass
class _Doc:
    low: str
    cased: str
    consumed: list[tuple[int, int]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def free(self, start: int, end: int) -> bool:
        return all(end <= a or start >= b for a, b in self.consumed)

    def take(self, start: int, end: int) -> None:
        self.consumed.append((start, end))


@dataclass
class ParsedUtterance:
    """Everything the rules read from one utterance."""

    update: StateUpdate
    spans: dict[str, str]
    topic: str | None
    warnings: list[str]


def _normalise(text: Any) -> tuple[str, str, list[str]]:
    warnings: list[str] = []
    if text is None:
        return "", "", warnings
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    s = str(text)
    if len(s) > MAX_CHARS:
        warnings.append(f"utterance is {len(s)} characters; only the first {MAX_CHARS} were read")
        s = s[:MAX_CHARS]
    s = unicodedata.normalize("NFKC", s)
    s = s.replace("’", "'").replace("‘", "'").replace("`", "'").replace("“", '"').replace("”", '"')
    s = re.sub(r"<[^>]{0,200}>", " ", s)  # markup tags
    s = "".join(ch if ch.isprintable() else " " for ch in s)
    s = re.sub(r"\s+", " ", s).strip()
    low = s.lower()
    if len(low) != len(s):  # a few characters change length when lower-cased; lose case info then
        s = low
    return low, s, warnings


def _convert_number_words(low: str, cased: str) -> tuple[str, str]:
    """Digits for number words ("two hundred" -> "200", "4 and a half" -> "4.5"); same edits on both strings."""
    pieces_low: list[str] = []
    pieces_cased: list[str] = []
    last = 0
    for m in _NUMWORD_RUN.finditer(low):
        phrase = m.group(0)
        words = re.split(r"[\s-]+", phrase)
        if len(words) == 1 and words[0] in _SMALL_WORDS | {"ten"}:
            # "one" and friends are ordinary words ("one with a good camera"): only convert before a unit.
            if not _UNIT_AFTER_SMALL.match(low, m.end()):
                continue
        value = words_to_number(phrase)
        if value is None:
            continue
        rep = f"{value:g}"
        pieces_low.append(low[last:m.start()])
        pieces_cased.append(cased[last:m.start()])
        pieces_low.append(rep)
        pieces_cased.append(rep)
        last = m.end()
    if not pieces_low:
        low2, cased2 = low, cased
    else:
        pieces_low.append(low[last:])
        pieces_cased.append(cased[last:])
        low2, cased2 = "".join(pieces_low), "".join(pieces_cased)
    if "half" in low2:
        out_l, out_c, last = [], [], 0
        for m in _HALF.finditer(low2):
            out_l += [low2[last:m.start()], f"{float(m.group(1)) + 0.5:g}"]
            out_c += [cased2[last:m.start()], f"{float(m.group(1)) + 0.5:g}"]
            last = m.end()
        if out_l:
            low2, cased2 = "".join(out_l + [low2[last:]]), "".join(out_c + [cased2[last:]])
    return low2, cased2


def _to_float(num: str, mult: str | None) -> float | None:
    try:
        x = float(num.replace(",", ""))
    except ValueError:
        return None
    if mult in ("k", "grand"):
        x *= 1000
    return x


_QUALITY_ADJ = {"good", "great", "positive", "excellent", "decent", "nice", "bad", "poor", "solid", "amazing",
                "many", "lots", "few", "top", "high", "best", "stellar", "glowing", "awesome", "fantastic", "ok",
                "okay", "strong", "favorable", "favourable", "rave"}


def _cue_before(low: str, end: int, words: int = 5) -> str | None:
    """The attribute named by the nearest cue word among the last few words before `end` (same clause)."""
    window = low[max(0, end - 60):end]
    window = re.split(r"[.;!?]|\band\b(?=\s+(?:a|an|the|with|in|price|rating|at)\b)|,", window)[-1]
    toks = re.findall(r"[a-z$]+", window)[-words:]
    for i in range(len(toks) - 1, -1, -1):
        tok = toks[i]
        if tok in _CUE_WORDS:
            # "good reviews under 300": a quality phrase, not the attribute the number bounds.
            if _CUE_WORDS[tok] in ("reviews", "rating") and i > 0 and toks[i - 1] in _QUALITY_ADJ:
                continue
            return _CUE_WORDS[tok]
    return None


def _next_word(low: str, pos: int) -> str:
    m = re.match(r"\s*([a-z]+|[^\sa-z0-9])?", low[pos:])
    return (m.group(1) or "") if m else ""


def _prefix(low: str, start: int) -> tuple[str | None, str | None, int]:
    """(kind, implied attribute, start of the comparator) of the comparator ending at `start`, if any."""
    window = low[max(0, start - 60):start]
    m = _PREFIX_RE.search(window)
    if not m:
        return None, None, start
    comp = m.group("comp")
    comp_start = start - (len(window) - m.start("comp"))
    if comp in ("max", "plus", "ultra") or comp.startswith("max"):
        # "iphone 14 pro max 256 gb", "xs max 64gb": part of the model name, not "at most"
        if re.search(r"\b(?:pro|xs|note\s*\d*|mate|galaxy\s+\w+|iphone\s+\d+)\s*$", low[max(0, comp_start - 20):comp_start]):
            return None, None, start
    for rx, kind, attr in _PREFIX_KINDS:
        if rx.fullmatch(comp) or rx.search(comp):
            if kind == "bare" and _AROUND_WORDS.match(comp):
                return "around", attr, comp_start
            if kind == "bare" and re.match(r"(?:rated|rating|with a rating)", comp):
                return "bare", "rating", comp_start
            if kind == "bare" and comp in ("for", "priced at", "cost", "costs", "costing"):
                return "bare", "price" if comp != "for" else None, comp_start
            if comp == "from" and not low.startswith("$", start):
                return None, None, start  # "from 12 to 20" is a range; only "from $300" is a floor
            if kind == "max" and re.search(r"budget|price|spend|afford|pay|limit|cap|have|got", comp):
                attr = "price"
            if kind in ("min", "max") and _NEG_FLIP.search(low[max(0, comp_start - 40):comp_start]):
                # "i can't spend over $950", "nothing above 300": a negated bound is the opposite bound.
                kind = "max" if kind == "min" else "min"
                if re.search(r"spend|afford|pay|cost", low[max(0, comp_start - 40):comp_start]):
                    attr = "price"
            return kind, attr, comp_start
    return None, None, start


def _assign(update: StateUpdate, spans: dict[str, str], attr: str, kind: str, value: float, span: str,
            warnings: list[str], value2: float | None = None) -> bool:
    lo_f, hi_f = _FIELDS[attr]
    if attr == "rating" and (value > 5 or (value2 is not None and value2 > 5)):
        warnings.append(f"rating {value:g} in {span!r} is above 5 stars; ignored")
        return False
    if attr == "reviews":
        value = float(round(value))
    if kind == "range":
        lo, hi = sorted((value, value2 if value2 is not None else value))
        update.set[lo_f], update.set[hi_f] = lo, hi
        spans[lo_f] = spans[hi_f] = span
        return True
    if kind == "bare":
        kind = {"price": "max", "rating": "min", "reviews": "min", "storage": "exact"}[attr]
    if kind == "around":
        if attr == "storage":
            kind = "exact"
        elif attr == "rating":
            update.set[lo_f] = max(0.0, round(value - 0.2, 1))
            spans[lo_f] = span
            return True
        else:
            lo, hi = value * (1 - AROUND_TOLERANCE), value * (1 + AROUND_TOLERANCE)
            if attr == "reviews":
                lo, hi = float(round(lo)), float(round(hi))
            else:
                lo, hi = round(lo, 2), round(hi, 2)
            update.set[lo_f], update.set[hi_f] = lo, hi
            spans[lo_f] = spans[hi_f] = span
            return True
    if kind == "exact":
        update.set[lo_f] = update.set[hi_f] = value
        spans[lo_f] = spans[hi_f] = span
        return True
    f = lo_f if kind == "min" else hi_f
    update.set[f] = value
    spans[f] = span
    return True


_RAM_STORAGE = re.compile(r"(?<![\w.])(\d+)\s?(?:gb)?\s?[+/-]\s?(\d+)\s?(?:gb|gigs?)\b(?!\s*(?:of\s+)?ram)")


def _parse_ram_storage(doc: _Doc, update: StateUpdate, spans: dict[str, str]) -> None:
    """ "6-64gb", "4gb+64gb", "32gb+3gb": RAM and storage written together; the storage is the larger one."""
    for m in _RAM_STORAGE.finditer(doc.low):
        a, b = float(m.group(1)), float(m.group(2))
        small, large = sorted((a, b))
        if small <= 16 < 32 <= large and doc.free(m.start(), m.end()):
            if _assign(update, spans, "storage", "exact", large, m.group(0), doc.warnings):
                doc.take(m.start(), m.end())


def _plain_unit(unit: str | None) -> str:
    """ "customer reviews", "user ratings" -> "reviews", "ratings": who wrote them does not change the unit."""
    return re.sub(r"^(?:customer|user|buyer|verified|owner|people)s?'?\s", "", (unit or "").strip())


_VALUE = re.compile(rf"({_NUM})(?:\s?(k|grand)\b)?")


def _parse_ranges(doc: _Doc, update: StateUpdate, spans: dict[str, str]) -> None:
    low = doc.low
    for m in _RANGE_RE.finditer(low):
        if not doc.free(m.start(), m.end()):
            continue
        pre, sep = m.group("pre"), m.group("sep")
        if sep == "and" and pre != "between":
            continue
        q1, q2 = m.group("q1"), m.group("q2")
        v1m, v2m = _VALUE.search(q1), _VALUE.search(q2)
        if not v1m or not v2m:
            continue
        v1, v2 = _to_float(v1m.group(1), v1m.group(2)), _to_float(v2m.group(1), v2m.group(2))
        if v1 is None or v2 is None:
            continue
        if v2m.group(2) and not v1m.group(2) and v1 < 100:  # "1-1.5k": both in thousands
            v1 *= 1000
        after = _QTY.match(low, m.start("q2"))
        unit2 = _plain_unit(after.group("unit")) if after else ""
        end = after.end() if after and after.group("unit") else m.end()
        unit1m = re.search(r"(dollars?|bucks|usd|\$|stars?|gb|tb)$", q1)
        unit = unit2 or (unit1m.group(1) if unit1m else "")
        nxt = _next_word(low, end)
        if not unit and nxt and nxt not in _FREE_AFTER and re.match(r"[a-z]", nxt):
            continue  # "3-5 days", "54-90 in", "2 to 3 phones"... a quantity of something else
        kind_attr = _UNIT_KIND.get(unit.lstrip("-")) if unit else None
        if "$" in q1 or "$" in q2 or "usd" in q1:
            kind_attr = "price"
        if kind_attr is None:
            before = low[max(0, m.start() - 40):m.start()]
            cue = _cue_before(low, m.start())
            if _NAME_BEFORE.search(before[-16:]) or (v1 > v2 and cue is None and not pre):
                continue  # "iphone 12-13"; "1905019-5": a code (a range with no cue runs low to high)
            if cue is None and not pre and max(v1, v2) < 20:
                continue  # "2-3", "9-10": sizes and counts far more often than prices
            if all(1900 <= v <= 2100 and v == int(v) for v in (v1, v2)):
                continue  # "from 2006 - 2012": model years
            if re.search(r"\b(?:size|sizes|age|ages|aged|year|years|kids|months)\b", before):
                continue
            if re.search(r"(?:size|sizes|pack|inch|inches|mm|cm|ft|feet|x|by)\s*$", before[-12:]):
                continue
            kind_attr = cue or "price"
        if kind_attr == "storage" and unit in ("tb", "terabyte", "terabytes"):
            v1, v2 = v1 * 1024, v2 * 1024
        if kind_attr == "price" and max(v1, v2) < 1:
            continue
        if _assign(update, spans, kind_attr, "range", v1, low[m.start():end], doc.warnings, v2):
            doc.take(m.start(), end)


def _parse_quantities(doc: _Doc, update: StateUpdate, spans: dict[str, str]) -> None:
    low = doc.low
    for m in _QTY.finditer(low):
        start, end = m.start(), m.end()
        if not doc.free(start, end):
            continue
        num = m.group("num")
        value = _to_float(num, m.group("mult"))
        if value is None:
            continue
        unit = _plain_unit(m.group("unit"))
        if unit == "g" and (value not in _G_SIZES or m.group("cur") or m.group("mult")):
            continue  # "5g phone", "4g lte": a network, not a size
        # A letter glued to the number that is not a known unit: "5g", "1080p", "s23" -> a name.
        if not unit and end < len(low) and re.match(r"[a-z]", low[end:end + 1]) and not m.group("mult"):
            continue
        plus = bool(m.group("plus") or m.group("plus2"))
        attr: str | None = None
        if unit.startswith("out of") or unit.startswith("/"):
            attr = "rating"
        elif unit:
            attr = _UNIT_KIND.get(unit)
            if unit == "rating":  # "4.5 rating" is stars, "500 rating" a count
                attr = "rating" if value <= 5 else "reviews"
        if m.group("cur"):
            attr = "price"
        after = low[end:]
        if attr == "storage" and re.match(r"\s*(?:of\s+)?(?:ram|lpddr\w*|ddr\w*|memory ram|system memory)\b", after):
            continue  # "8gb ram" is not storage; it stays in the topic as a spec
        if attr == "storage" and re.search(r"\bram\s*$", low[max(0, start - 8):start]):
            continue
        nxt = _next_word(low, end)
        post = _POSTFIX_RE.match(after)
        post_kind = None
        post_end = end
        if post:
            p = post.group("post")
            post_end = end + post.end()
            if p in _POST_KIND:
                post_kind = _POST_KIND[p]
            elif re.match(r"(?:or |and |& )?(?:more|higher|above|greater|better|up|over|bigger|larger)$|plus$|& up$"
                          r"|at (?:the )?least$|minimum$|min$|or better$|(?:and|or) no (?:less|lower|fewer)$", p):
                post_kind = "min"
            else:
                post_kind = "max"
            nxt = _next_word(low, post_end)
        kind, implied, comp_start = _prefix(low, start)
        if kind is None and _NAME_BEFORE.search(low[max(0, start - 16):start]) and not m.group("cur") and not unit:
            continue
        if not unit and not m.group("cur") and nxt and re.match(r"[a-z]", nxt) and nxt not in _FREE_AFTER \
                and not post:
            # "more than 2 cameras", "up to 10 hours": a count of something else.
            continue
        if not unit and nxt in ("%", "x", '"', "'", "/", "-", "°", "*", "by") and not m.group("cur"):
            continue  # "50 by 60 inches", "3x", "20%": dimensions and ratios
        if attr is None:
            attr = implied or _cue_before(low, comp_start if kind else start)
            if attr is None and not m.group("cur") and not m.group("mult") and re.fullmatch(r"[0-5]\.\d", num) \
                    and (kind or post_kind or plus):
                attr = "rating"  # "over 4.5", "4.5+", "4.2 or above": one decimal up to 5 is a star rating
            if attr is None and kind in ("min", "max", "around"):
                attr = "price"  # "under 300": a unitless number after a comparator is a price
            if attr is None and kind in (None, "bare") and implied is None and (post_kind or plus and value >= 20
                                                                       and not low[end:end + 1].isalnum()):
                attr = "price"  # "300 or less", "300 or so", "100+": a bare bound with no unit is a price
        if attr is None:
            continue
        if attr == "rating" and value > 5:
            if kind is None and not unit:
                continue
            attr = "reviews" if unit in ("ratings",) else attr
        if attr == "price" and not unit and not m.group("cur") and value < 1:
            continue
        if attr == "price" and value <= 0:
            continue  # "$0" bounds nothing a shopper wants ("show all prices as $0" is not a budget)
        # Direction: a comparator before the number decides; else a postfix ("or more", "max", "+");
        # else "around"; else the attribute's bare meaning (see _assign).
        if kind in ("min", "max"):
            final_kind = kind
        elif post_kind:
            final_kind = post_kind
        elif plus:
            final_kind = "min"
        elif kind == "around":
            final_kind = "around"
        elif kind == "bare" or unit or m.group("cur"):
            final_kind = "bare"
        elif re.search(r"(?:price|budget|rating|rated|cost|priced)\s*(?:is|of|:|=)?\s*$", low[max(0, start - 20):start]):
            final_kind = "bare"  # unitless without a comparator needs a direct cue: "price 200", "rating 4.5"
        else:
            continue
        if attr == "storage":
            if kind is None and not unit:
                continue
            if unit in ("tb", "terabyte", "terabytes"):
                value *= 1024
            sm = re.match(r"\s*(?:of\s+)?(?:internal\s+)?(?:storage(?:\s+space)?|space|memory|capacity)\b",
                          low[post_end:])
            if sm:
                post_end += sm.end()
        span_start = comp_start if kind else start
        span = low[span_start:post_end].strip()
        if _assign(update, spans, attr, final_kind, value, span, doc.warnings):
            doc.take(span_start, post_end)


def _negated(low: str, start: int) -> bool:
    return bool(_NEG_BEFORE.search(low[max(0, start - 30):start]))


def _parse_levels(doc: _Doc, update: StateUpdate, spans: dict[str, str]) -> None:
    low = doc.low
    for rx, pos, neg in _LEVEL_RES:
        for m in rx.finditer(low):
            if not doc.free(m.start(), m.end()):
                continue
            phrase = m.group(0)
            before, after = low[max(0, m.start() - 30):m.start()], low[m.end():]
            if phrase.startswith("cheap") and (_CHEAP_QUALITY_AFTER.match(after) or _CHEAP_QUALITY_BEFORE.search(before)):
                continue
            if phrase in ("premium", "luxury", "luxurious", "upscale") and not _PREMIUM_OK_AFTER.match(after):
                continue  # "premium quality", "luxury candle": marketing words, not a price level
            if phrase == "budget" and _BUDGET_AS_CUE_AFTER.match(after):
                continue
            if phrase == "popular" and _POPULAR_NOT.match(after):
                continue
            if re.search(r"\bhow\s+$", before):
                continue  # "how many reviews does it have?": a question, not "many reviews"
            if any(f.startswith("storage") for f, _ in pos) and _STORAGE_NOUN_AFTER.match(after):
                continue  # "small storage baskets", "large storage cabinet": furniture, not a phone's storage
            negated = _negated(low, m.start()) and not phrase.startswith(("no ", "not ", "few", "fewer"))
            if not negated and phrase in ("expensive", "costly", "pricey", "pricy") and re.search(
                    r"\b(?:too|so|overly|very)\s+$", before):
                continue  # "too expensive" is handled as a move; "so expensive" is a complaint
            if phrase == "unknown" and not re.match(r"\s*(?:brands?|makers?|companies|ones?)\b", after):
                continue
            if phrase == "sealed" or phrase == "niche" and not re.match(r"\s*(?:brands?|phones?|ones?)\b", after):
                continue
            result = pos
            if negated and phrase in ("expensive", "pricey", "pricy", "costly") and re.search(
                    r"(?:\bnot|n't)\s+$", before):
                neg = [("price_max", "low")]  # "not expensive" = cheap; "not too expensive" = middling
            if negated:
                if neg is None:
                    continue
                result = neg
                nm = _NEG_BEFORE.search(before)
                span_start = m.start() - (len(before) - nm.start()) if nm else m.start()
            else:
                span_start = m.start()
            for f, level in result:
                update.set.setdefault(f, level)
                spans.setdefault(f, low[span_start:m.end()].strip())
            doc.take(span_start, m.end())


def _phone_context(doc: _Doc, state: Filters | None) -> bool:
    return bool(_PHONE_RE.search(doc.low)) or bool(state and state.subcategory == PHONES) or bool(
        state and state.carrier)


# "remove verizon", "drop the black": a value taken out of the list it is in.
_DROP_BEFORE = re.compile(r"(?:\bremove|\bdrop|\bno more|\bforget(?: about)?|\bskip|\btake off|\bget rid of|\bexclude|"
                          r"\bwithout)\s+(?:the\s+)?$")


def _drop_value(update: StateUpdate, spans: dict[str, str], name: str, state: Filters | None, value: str,
                span: str) -> bool:
    """Take `value` out of the state's `name` list; False when the state does not hold it (nothing to drop)."""
    current = list(update.set.get(name, getattr(state, name) if state is not None else []))
    if value not in current:
        return False
    rest = [v for v in current if v != value]
    if rest:
        update.set[name] = rest
    else:
        update.set.pop(name, None)
        update.remove.append(name)
    spans[name] = span
    return True


def _parse_carriers(doc: _Doc, update: StateUpdate, spans: dict[str, str], state: Filters | None) -> None:
    low = doc.low
    found: list[tuple[int, str, int, int]] = []
    phone_ctx = _phone_context(doc, state)
    words = set(re.findall(r"[a-z0-9]+", low))
    for name, alias, first, rx in _CARRIER_ALIAS_RES:
        if first not in words:
            continue
        for m in rx.finditer(low):
            if not doc.free(m.start(), m.end()):
                continue
            if alias in _CARRIER_CONTEXT_ONLY:
                cased = doc.cased[m.start():m.end()]
                capitalised = cased[:1].isupper() and m.start() > 0 and doc.cased[m.start() - 2:m.start()] \
                    not in (". ", "! ", "? ")
                carrier_ctx = bool(_CARRIER_CONTEXT_BEFORE.search(low[max(0, m.start() - 20):m.start()])) or bool(
                    re.match(r"\s+(?:carrier|network|wireless|plan|sim)\b", low[m.end():]))
                # "works on visible", "visible compatible" while phones are discussed: the carrier slot
                slot = bool(re.search(r"\b(?:on|via|through)\s+$", low[max(0, m.start() - 10):m.start()])) or bool(
                    re.match(r"[\s-]+(?:compatible|friendly|ready)\b", low[m.end():]))
                if not (carrier_ctx or phone_ctx and (capitalised or slot or alias not in ("visible", "metro", "boost"))):
                    continue
            if alias == "unlocked" and re.match(r"\s+(?:door|doors|achievement|content|level|character)", low[m.end():]):
                continue
            before25 = low[max(0, m.start() - 25):m.start()]
            ruled_out = _negated(low, m.start()) or bool(_DROP_BEFORE.search(before25)) or bool(
                re.search(r"(?:\bnot|n't|\bno)\s+(?:on|with|through|via|from|for)\s+(?:the\s+)?$", before25)) or bool(
                _SWAP_OUT_BEFORE.search(before25) or re.search(r"\b(?:instead of|rather than)\s+$", before25))
            not_needed = _NOT_NEEDED_BEFORE.search(before25) or _NOT_NEEDED_AFTER.match(low[m.end():])
            if not_needed:  # "doesn't need to be unlocked", "unlocked doesn't matter": the carrier filter goes
                update.remove.append("carrier")
                spans["carrier"] = low[m.start():m.end()]
                doc.take(m.start(), m.end() + (not_needed.end() if not_needed.re is _NOT_NEEDED_AFTER else 0))
                continue
            if ruled_out and name != "Unlocked":
                if not _drop_value(update, spans, "carrier", state, name, low[m.start():m.end()]):
                    doc.warnings.append(f"excluding a carrier ({name}) is not supported; ignored")
                doc.take(m.start(), m.end())
                continue
            start = m.start()
            pm = _CARRIER_PREP.search(low[max(0, start - 20):start])
            if pm:
                start -= len(low[max(0, start - 20):start]) - pm.start()
            found.append((m.start(), name, start, m.end()))
            doc.take(start, m.end())
    if not found:
        return
    found.sort()
    names: list[str] = []
    for _, name, _, _ in found:
        if name not in names:
            names.append(name)
    _set_or_add(doc, update, "carrier", names, state.carrier if state else [], found[0][2], found[-1][3])
    spans["carrier"] = " ... ".join(low[s:e] for _, _, s, e in found)


# "doesn't need to be unlocked", "unlocked isn't necessary", "new doesn't matter": the value is not required, so
# its field is lifted (not set, and not excluded).
_NOT_NEEDED_BEFORE = re.compile(r"(?:doesn'?t|does not|don'?t|do not|needn'?t|won'?t|wouldn'?t)\s+(?:need|have|got)\s+to\s+"
                                r"be\s+(?:a\s+|an\s+)?$|(?:needn'?t|need not)\s+be\s+$|\bnot necessarily\s+$")
_NOT_NEEDED_AFTER = re.compile(r"^\s*(?:or not\s+)?(?:doesn'?t|does not|don'?t)\s+matter\b|^\s*(?:is|'s)\s+(?:not|n't)\s+"
                               r"(?:needed|necessary|required|important|a must)\b|^\s*isn'?t\s+(?:needed|necessary|"
                               r"required|important|a must)\b|^\s*(?:is\s+)?optional\b")
# A question about a shown product ("does it ...", "does the second one ..."), not about the shop ("do you ...").
_PRODUCT_QUESTION = re.compile(r"^\s*(?:and\s+|so\s+|ok\s+|also\s+)?(?:does|do|did|will|would|is|are|can|could|has|have)"
                               r"\s+(?:it|this|that|they|these|those|either|any of them|the\s+(?:[\w-]+\s+){0,3}?"
                               r"(?:one|ones|phone|phones|model|models))\b")
_INCLUDED_BEFORE = re.compile(r"\b(?:come|comes|coming|ship|ships|arrive|arrives)\s+with\s+(?:a\s+|an\s+|any\s+|the\s+)?"
                              r"(?:[\w-]+\s+)?$|\b(?:include|includes|included|bundle|bundled|have|has|got)\s+"
                              r"(?:a\s+|an\s+|any\s+|the\s+)?(?:[\w-]+\s+)?$|\bin the box\b[^?]*$|"
                              r"\b(?:compatible|work|works|working)\s+with\s+(?:a\s+|an\s+|any\s+|the\s+|my\s+)?"
                              r"(?:[\w-]+\s+)?$")


def _parse_subcategory(doc: _Doc, update: StateUpdate, spans: dict[str, str], g: _Gazetteer,
                       state: Filters | None) -> None:
    low = doc.low
    acc = None
    for m in _ACCESSORY_RE.finditer(low):
        word = m.group(0)
        if (_PRODUCT_QUESTION.match(low) or _PHONE_RE.search(low)) and _INCLUDED_BEFORE.search(
                low[max(0, m.start() - 40):m.start()]):
            # "does it come with a charger?", "a phone that comes with a case": what a phone includes or
            # works with, not a request for chargers
            continue
        if word == "case" and _IN_CASE.search(low[max(0, m.start() - 12):m.start()]):
            continue
        if word in ("speaker", "speakers", "hubs", "hub", "grips", "grip", "holders", "holder", "docks", "dock",
                    "mounts", "mount", "covers", "cover", "cords", "cord") and not _PHONE_RE.search(low) \
                and not (state and state.subcategory == ACCESSORIES):
            continue
        if not doc.free(m.start(), m.end()):
            continue
        acc = m
        break
    phone = None
    for m in _PHONE_RE.finditer(low):
        if doc.free(m.start(), m.end()):
            phone = m
            break
    if g.has_phone_subcats:
        if acc is not None:
            update.set["subcategory"] = ACCESSORIES
            spans["subcategory"] = acc.group(0)
            return
        if phone is not None:
            update.set["subcategory"] = PHONES
            spans["subcategory"] = phone.group(0)
            return
    if g.subcats:
        toks = _TOKEN.findall(low)
        for n in (3, 2, 1):
            for i in range(len(toks) - n + 1):
                key = " ".join(toks[i:i + n])
                if key in g.subcats:
                    update.set["subcategory"] = g.subcats[key]
                    spans["subcategory"] = key
                    return


# "refurbished is ok too", "new is fine as well", "or refurbished": the other condition is accepted as well.
_ALSO_OK_AFTER = re.compile(r"^\s*(?:(?:ones?|phones?|devices?)\s+)?(?:(?:is|are|'s|'re|would be|will be|works|do)\s+)?"
                            r"(?:also\s+)?(?:(?:ok|okay|fine|alright|good|acceptable|welcome)\s*)?"
                            r"(?:too|as well|also|after all)\b")
_ALSO_OK_BEFORE = re.compile(r"(?:\bor|\balso|\band|\bor even|\bplus)\s+$")


_EITHER_CONDITION = re.compile(r"(?<![\w-])(?:new|used|refurbished|renewed|pre-?owned|second[- ]hand)\s+(?:or|and|/)\s+"
                               r"(?:new|used|refurbished|renewed|pre-?owned|second[- ]hand)(?![\w-])")


def _tolerates_other(doc: _Doc, start: int, end: int, value: str, state: Filters | None) -> bool:
    """True when the shopper accepts `value` besides another condition: "refurbished is ok too",
    "new or used", "or refurbished" (when new was asked before). Such wording sets no condition."""
    if _EITHER_CONDITION.search(doc.low):
        return True
    if _ALSO_OK_AFTER.match(doc.low[end:]) and re.match(r"^.*?\b(?:too|as well|also)\b", doc.low[end:]):
        return True
    if state is None or state.condition is None or state.condition == value:
        return False
    return bool(_ALSO_OK_AFTER.match(doc.low[end:]) or _ALSO_OK_BEFORE.search(doc.low[max(0, start - 12):start]))


_NEW_NOT_NEEDED = re.compile(r"(?<![\w-])(?:(?:doesn'?t|does not|don'?t|do not|needn'?t|won'?t)\s+(?:need|have|got)\s+to\s+be|"
                             r"needn'?t\s+be|not necessarily)\s+(?:brand[- ])?new(?![\w-])|(?<![\w-])(?:brand[- ])?new\s+"
                             r"(?:isn'?t|is not|'s not)\s+(?:needed|necessary|required|a must|important)(?![\w-])")


def _not_needed(low: str, start: int, end: int) -> bool:
    return bool(_NOT_NEEDED_BEFORE.search(low[max(0, start - 25):start]) or _NOT_NEEDED_AFTER.match(low[end:]))


def _parse_condition(doc: _Doc, update: StateUpdate, spans: dict[str, str], state: Filters | None = None) -> None:
    low = doc.low
    nn = _NEW_NOT_NEEDED.search(low)
    if nn and doc.free(nn.start(), nn.end()):  # "doesn't have to be new": bare "new" is no condition elsewhere
        update.remove.append("condition")
        spans["condition"] = nn.group(0)
        doc.take(nn.start(), nn.end())
        return
    either = _EITHER_CONDITION.search(low)
    if either and doc.free(either.start(), either.end()):  # "new or used", "refurbished or new is fine"
        if state is not None and state.condition is not None:
            update.remove.append("condition")
        spans["condition"] = either.group(0)
        doc.take(either.start(), either.end())
        return
    for m in _NEW_RE.finditer(low):
        if doc.free(m.start(), m.end()):
            if _tolerates_other(doc, m.start(), m.end(), "new", state) or _not_needed(low, m.start(), m.end()):
                update.remove.append("condition")
                spans["condition"] = m.group(0)
                doc.take(m.start(), m.end())
                return
            update.set["condition"] = "new"
            spans["condition"] = m.group(0)
            doc.take(m.start(), m.end())
            return
    for rx in (_RENEWED_RE, _USED_RE):
        for m in rx.finditer(low):
            if not doc.free(m.start(), m.end()):
                continue
            if rx is _USED_RE and _USED_NOT_BEFORE.search(low[max(0, m.start() - 20):m.start()]) and not re.search(
                    r"\b(?:that|which) (?:is|are)\s+$", low[max(0, m.start() - 12):m.start()]):
                # "cases that is used" (a clause ending in the condition) is a condition; "it is used" is not
                continue
            if _not_needed(low, m.start(), m.end()):
                update.remove.append("condition")  # "doesn't have to be refurbished"
            elif _negated(low, m.start()):
                update.set["condition"] = "new"
            elif _tolerates_other(doc, m.start(), m.end(), "renewed", state):
                update.remove.append("condition")
            else:
                update.set["condition"] = "renewed"
            spans["condition"] = m.group(0)
            doc.take(m.start(), m.end())
            return


def _set_or_add(doc: _Doc, update: StateUpdate, name: str, values: list[str], current: list[str],
                first_start: int, last_end: int) -> None:
    """Replace the list unless the wording is additive ("or Apple", "blue too") and a list exists."""
    low = doc.low
    additive = bool(current) and (bool(_ADDITIVE_BEFORE.search(low[max(0, first_start - 25):first_start]))
                                  or bool(_ADDITIVE_AFTER.match(low[last_end:])))
    if additive and not _REPLACE_WORDS.search(low):
        update.add[name] = list(update.add.get(name, [])) + values
    else:
        update.set[name] = values


def _parse_brands(doc: _Doc, update: StateUpdate, spans: dict[str, str], g: _Gazetteer,
                  state: Filters | None) -> None:
    low, cased = doc.low, doc.cased
    # "no iphones", "pixels under 500": a product line in the plural names the same brand.
    toks = [(t[:-1] if t.endswith("s") and t[:-1] in g.product_lines and t not in g.brands else t, a, b)
            for t, a, b in _brand_tokens(low)]
    plural = {a for t, a, b in toks if low[a:b] != t}
    accessory_ctx = update.set.get("subcategory") == ACCESSORIES or (
        "subcategory" not in update.set and bool(state and state.subcategory == ACCESSORIES))
    phone_talk = bool(state and (state.subcategory in (PHONES, ACCESSORIES) or state.brand or state.brand_exclude)) \
        or update.set.get("subcategory") in (PHONES, ACCESSORIES)
    wanted: list[tuple[str, int, int]] = []
    excluded: list[tuple[str, int, int]] = []
    unexcluded: list[str] = []
    swapped_out: list[tuple[str, int, int]] = []
    last_excluded_end = -10
    last_brand_end = -10
    i = 0
    while i < len(toks):
        hit = None
        if toks[i][0] not in g.first_tokens:
            i += 1
            continue
        for n in range(min(g.max_len, len(toks) - i), 0, -1):
            key = " ".join(t for t, _, _ in toks[i:i + n])
            if key in g.brands:
                hit = (key, n)
                break
        if hit is None:
            i += 1
            continue
        key, n = hit
        start, end = toks[i][1], toks[i + n - 1][2]
        i += n
        if not doc.free(start, end):
            continue
        prev_tok = toks[i - n - 1][0] if i - n - 1 >= 0 else ""
        next_tok = toks[i][0] if i < len(toks) else ""
        if key in _NEVER_BRANDS:
            continue  # a catalog whose brand is a title's first word has brands "The", "One", "Half"
        if _COMPONENT_AFTER.match(low[end:]):
            continue  # "intel core i5", "snapdragon processor": a spec of the product, not its brand
        if key == "blu" and next_tok in ("ray", "rays"):
            continue  # "blu ray player"
        if key == "one plus" and next_tok in ("one", "two", "1", "2", "free"):
            continue  # "one plus one deal": an offer, not OnePlus
        in_list = last_brand_end >= 0 and _CONTINUES_LIST.match(low[last_brand_end:start]) is not None
        if key in g.weak and not (prev_tok in ("brand", "by", "from") or next_tok in ("brand", "brands")
                                  or in_list or re.search(r"\b(?:made|manufactured) by\s+$", low[:start])):
            continue  # "pack", "usb", "room" as the brand of one product in the catalog: need an explicit cue
        if key in g.ambiguous:
            at_sentence_start = start == 0 or cased[max(0, start - 2):start] in (". ", "! ", "? ")
            capitalised = cased[start:start + 1].isupper() and not at_sentence_start
            product_next = next_tok in _PRODUCT_NEXT and key not in _ADJECTIVE_WORDS
            context = (prev_tok in _BRAND_PREV or product_next or bool(_MODEL_TOKEN.match(next_tok))
                       or _COMPAT_AFTER.match(low[end:]) is not None or in_list
                       # while phones are being discussed, a cue word or a short reply is enough:
                       # "not apple", "or apple", "apple please", "what about apple"
                       # "i don't want apple", "not a fan of apple": a brand being ruled out
                       or bool(_EXCLUDE_BEFORE.search(low[max(0, start - 40):start]))
                       # "apple and samsung phones", "lg or sony": listed with an unmistakable brand
                       or _listed_with_brand(low[end:], g)
                       # "or apple too?": an alternative offered to something already asked for
                       or (prev_tok == "or" and _ADDITIVE_AFTER.match(low[end:]) is not None)
                       or (phone_talk and (bool(_CUE_BEFORE_BRAND.search(low[max(0, start - 30):start]))
                                           or _ADDITIVE_AFTER.match(low[end:]) is not None
                                           or all(t in _REPLY_FILLERS for t, _, _ in toks if t != key)))
                       # a product line not used as an ordinary word: "pixel with 128gb", "galaxy in blue"
                       or (key in g.product_lines and next_tok not in _LINE_NOT_NEXT
                           and prev_tok not in ("the", "star", "stars", "a"))
                       # "i need a pixel!!", "a galaxy with 5g": after "a" only when nothing names another noun
                       or (key in g.product_lines and prev_tok == "a" and (next_tok in _LINE_AFTER_ARTICLE
                                                                           or _MODEL_TOKEN.match(next_tok))))
            if not (capitalised or context):
                continue
        before = low[max(0, start - 40):start]
        is_line = key in g.product_lines
        # Compatibility ("case for iphone 14", "samsung compatible charger"): names the phone, not the brand.
        canonical = g.brands[key]
        # Accessories were the topic, but this turn asks for the phone itself ("ok, now a pixel", "xperias
        # under 200"): no accessory word here, the line is the object, not "for my pixel".
        new_phone = is_line and "subcategory" not in update.set and (prev_tok in ("a", "an", "some", "any")
                                                                     or start in plural)
        compat = (bool(_COMPAT_BEFORE.search(before)) and not _NOT_COMPAT_FOR.search(before)
                  and not _SWAP_FOR_BEFORE.search(before)) \
            or _COMPAT_AFTER.match(low[end:]) is not None \
            or (accessory_ctx and not new_phone and (
                is_line or bool(_MODEL_TOKEN.match(next_tok))
                # "samsung galaxy case" is for a Galaxy; "iniu galaxy charger" is an Iniu charger
                or (next_tok in g.product_lines and g.brands[next_tok] == canonical)
                # "samsung phone case" is for a Samsung phone; "tozo phone case" is a Tozo case
                or (next_tok in _DEVICE_NEXT and not spans.get("subcategory", "").startswith(next_tok)
                    and (next_tok != "phone" or brand_key(canonical) in _PHONE_MAKERS))
                or re.search(r"\bmy\s+$", before) is not None))
        if compat:
            continue
        if state is not None and canonical in state.brand_exclude and (
                _UNEXCLUDE_BEFORE.search(before) or _ALSO_OK_AFTER.match(low[end:]) or _IS_OK_AFTER.match(low[end:])):
            unexcluded.append(canonical)  # "ugreen is fine after all", "stop excluding ugreen"
            doc.take(start, end)
            continue
        last_brand_end = end
        gap = low[last_excluded_end:start] if last_excluded_end >= 0 else ""
        swap_out = _SWAP_OUT_BEFORE.search(before)
        take_off = re.search(r"\btake\s+(?:the\s+)?$", before) and re.match(r"\s+(?:off|out)\b", low[end:])
        if swap_out or take_off:  # "take samsung off" as well
            swapped_out.append((canonical, start, end))
            doc.take(start - (len(before) - (swap_out or take_off).start()), end)
            continue
        out_after = _OUT_AFTER.match(low[end:])
        if out_after:  # "google's out too", "samsung is off the list"
            excluded.append((canonical, start, end))
            last_excluded_end = end
            doc.take(start, end + out_after.end())
            continue
        # "not samsung, google" swaps; "not samsung, apple or lg" lists: a bare comma continues the
        # exclusion only when the list goes on after this brand.
        continues = last_excluded_end >= 0 and bool(_CONTINUES_LIST.match(gap)) and (
            gap.strip() != "," or bool(re.match(r"\s*(?:,|or\b|and\b|nor\b)", low[end:])))
        if _EXCLUDE_BEFORE.search(before) or continues:
            excluded.append((canonical, start, end))
            last_excluded_end = end
            ex = _EXCLUDE_BEFORE.search(before)
            doc.take(start - (len(before) - ex.start()) if ex else start, end)
        else:
            wanted.append((canonical, start, end))
            if not is_line:  # "iphone", "pixel 7" stay in the topic: they say which model
                doc.take(start, end)
    # Misspelt brands ("samsng phone"): only next to a product word or a brand cue, never free text.
    if g.fuzzy_keys and not wanted and not excluded:
        for k, (tok, start, end) in enumerate(toks):
            nxt = toks[k + 1][0] if k + 1 < len(toks) else ""
            prv = toks[k - 1][0] if k > 0 else ""
            # A short reply about brands while phones are discussed ("or noika too", "not oneplis?",
            # "let's look at nolia") is a brand slot as well: a cue word before, only fillers after.
            reply_slot = phone_talk and prv in _FUZZY_CUE_PREV and all(
                t in _REPLY_FILLERS or t in ("as", "well", "would", "be", "fine", "good") for t, _, _ in toks[k + 1:])
            if (len(tok) < 5 or not tok.isalpha() or tok in COMMON_WORDS or tok in g.brands
                    or not doc.free(start, end) or not (nxt in _FUZZY_NEXT or prv in ("brand", "by") or reply_slot)):
                continue
            hit = _fuzzy(tok, g.fuzzy_keys, 85.0)
            if hit is not None and hit[0] == tok[0] and abs(len(hit) - len(tok)) <= 2:
                before = low[max(0, start - 40):start]
                if _EXCLUDE_BEFORE.search(before) and not _SWAP_BEFORE.search(before):
                    excluded.append((g.brands[hit], start, end))
                else:
                    wanted.append((g.brands[hit], start, end))
                doc.warnings.append(f"read {tok!r} as the brand {g.brands[hit]}")
                doc.take(start, end)
                break
    if wanted and "subcategory" not in update.set and g.has_phone_subcats and any(
            _line_words(low[s:e]) in _PHONE_LINES for _, s, e in wanted):
        update.set["subcategory"] = PHONES  # "google pixel under 600": a phone line names a phone
        spans["subcategory"] = next(low[s:e] for _, s, e in wanted if _line_words(low[s:e]) in _PHONE_LINES)
    if g.open_brands:
        for m in _NAMED_BRAND.finditer(low):
            word = m.group("a") or m.group("b")
            start, end = m.span("a") if m.group("a") else m.span("b")
            if word in COMMON_WORDS or word in g.brands or not doc.free(start, end) or len(word) < 3:
                continue
            wanted.append(("-".join(w.capitalize() for w in word.split("-")), start, end))
            doc.take(m.start(), m.end())
    if wanted and excluded:
        # "google instead of motorola", "rather pixel than samsung": the new brand replaces the old one;
        # the old one is not also put on the exclusion list.
        excluded = [e for e in excluded if not _SWAP_BEFORE.search(low[max(0, e[1] - 45):e[1]])]
        # "not samsung, tcl", "not samsung but google": a correction of the brand, the same swap
        first_wanted = min(s for _, s, _ in wanted)
        if excluded and re.match(r"^\W*(?:(?:no|nope|nah|oh|sorry|actually)\W+)*not\s", low) and all(
                e[2] <= first_wanted for e in excluded) and re.fullmatch(
                r"\s*(?:,|but|, but|;|-)\s*(?:(?:rather|instead|maybe|show(?: me)?|i meant?|make it)\s+)?",
                low[max(e[2] for e in excluded):first_wanted]):
            excluded = []
    if swapped_out:
        _swap_out(doc, update, spans, state, swapped_out, wanted)
    if unexcluded and not excluded:
        update.set["brand_exclude"] = [b for b in state.brand_exclude if b not in unexcluded]
        spans["brand_exclude"] = ", ".join(unexcluded)
    if excluded:
        names = _unique([b for b, _, _ in excluded])
        update.set["brand_exclude"] = _unique(list(state.brand_exclude if state else []) + names)
        spans["brand_exclude"] = " ... ".join(low[s:e] for _, s, e in excluded)
    if wanted:
        names = _unique([b for b, _, _ in wanted])
        if swapped_out:  # "forget samsung, show google": a swap replaces, whatever else the wording says
            update.set["brand"] = names
        else:
            _set_or_add(doc, update, "brand", names, state.brand if state else [], wanted[0][1], wanted[-1][2])
        spans["brand"] = " ... ".join(low[s:e] for _, s, e in wanted)


def _swap_out(doc: _Doc, update: StateUpdate, spans: dict[str, str], state: Filters | None,
              swapped_out: list[tuple[str, int, int]], wanted: list[tuple[str, int, int]]) -> None:
    """Brands after "forget", "switch from", "replace": out of the brand list, and never excluded.

    With a new brand in the same utterance the new one simply replaces the list (done by the caller). Alone
    ("forget samsung"), a chosen brand leaves the list; a brand that was not chosen was only being shown,
    so dismissing it excludes it (the shopper does not want to see it again).
    """
    current = list(state.brand) if state else []
    for name, s, e in swapped_out:
        span = doc.low[s:e]
        if wanted:
            continue
        if name in current:
            _drop_value(update, spans, "brand", state, name, span)
            current = [b for b in current if b != name]
        else:
            update.set["brand_exclude"] = _unique(list(update.set.get("brand_exclude", state.brand_exclude if state
                                                                      else [])) + [name])
            spans["brand_exclude"] = span


def _brand_tokens(low: str) -> list[tuple[str, int, int]]:
    """Tokens for the brand scan; "non-spigen" gives "spigen" (the "non-" stays before it as the exclusion cue)."""
    out: list[tuple[str, int, int]] = []
    for m in _TOKEN.finditer(low):
        tok, a, b = m.group(0), m.start(), m.end()
        if tok.startswith("non-") and len(tok) > 5:
            tok, a = tok[4:], a + 4
        if tok.endswith("'s") and len(tok) > 3:
            tok, b = tok[:-2], b - 2  # "google's out", "samsung's phones": the brand, "'s" left after it
        out.append((tok, a, b))
    return out


def _line_words(text: str) -> str:
    """ "Xperias" -> "xperia": a product line in the plural names the same line."""
    words = " ".join(_TOKEN.findall(text))
    return words[:-1] if words.endswith("s") and words[:-1] in _PHONE_LINES else words


def _listed_with_brand(after: str, g: _Gazetteer) -> bool:
    m = re.match(r"\s*(?:,|and|or|/|&|vs\.?|versus)\s*(?:maybe\s+|even\s+|also\s+)?([a-z0-9&+-]+)", after)
    if not m:
        return False
    word = m.group(1)
    return word in g.brands and word not in g.ambiguous and word not in g.weak and word not in _NEVER_BRANDS


def _fuzzy(word: str, choices: list[str], cutoff: float) -> str | None:
    from rapidfuzz import fuzz, process

    hit = process.extractOne(word, choices, scorer=fuzz.ratio, score_cutoff=cutoff)
    return hit[0] if hit else None


def _unique(values: list[str]) -> list[str]:
    out: list[str] = []
    for v in values:
        if v.lower() not in {o.lower() for o in out}:
            out.append(v)
    return out


def _parse_colors(doc: _Doc, update: StateUpdate, spans: dict[str, str], state: Filters | None) -> None:
    from retrieval.facets import color_families

    low = doc.low
    found: list[tuple[str, int, int]] = []
    for m in _COLOR_RE.finditer(low):
        word = m.group("c")
        # a finish word only belongs to a base color ("white pearl"); "midnight navy" stays two words
        m_end = m.end() if word in BASE_COLORS or word == "grey" else m.end("c")
        if not doc.free(m.start(), m_end):
            continue
        after, before = low[m_end:], low[max(0, m.start() - 20):m.start()]
        if _COLOR_NOT_AFTER.match(after):
            continue
        if word == "clear" and found and re.search(r"(?:\bor|\band|/|,)\s*(?:crystal\s+)?$", before):
            pass  # "black or clear", "prism black/crystal clear": listed with another color
        elif word == "clear" and not (_CLEAR_CONTEXT_AFTER.match(after) or before.endswith("crystal ") or re.search(
                r"\b(?:in|preferably|colou?r:?|the|a)\s+$", before) and re.match(r"\s*(?:[,.!?]|$|ones?\b|and\b|or\b|"
                                                                       r"please\b|nothing\b|only\b|with\b)", after)):
            continue
        if word not in BASE_COLORS and word not in _PRECISE_SYNONYMS and not (
                _COLOR_CONTEXT_AFTER.match(after) or _COLOR_CONTEXT_BEFORE.search(before)):
            continue
        if word == "rose" and not re.match(r"\s*gold\b", after):
            continue
        fams = color_families(low[m.start():m_end])
        if not fams:
            continue
        start = m.start()
        im = re.search(r"\b(?:in|colou?r:?|colou?red)\s+(?:the\s+)?(?:colou?r\s+)?$", before)
        if im:
            start -= len(before) - im.start()
        # "not mineral gray": the negation may stand before a shade word the pattern does not know
        pm = re.search(r"\b([a-z]{3,})\s+$", before)
        neg_at = m.start() - len(pm.group(0)) if pm and pm.group(1) not in _FILLER_TOKENS else m.start()
        if _negated(low, m.start()) or _negated(low, neg_at) \
                or _COLOR_EXCLUDE_BEFORE.search(before + " " if not before.endswith(" ") else before) \
                or _DROP_BEFORE.search(before) or _SWAP_OUT_BEFORE.search(before) \
                or re.search(r"\b(?:instead of|rather than)\s+$", before):  # "swap black for white"
            if all(_drop_value(update, spans, "color", state, fam, m.group(0)) for fam in fams):
                doc.take(start, m.end())  # "not black" while black is asked for: black leaves the list
                continue
            doc.warnings.append(f"excluding a color ({fams[0]}) is not supported; ignored")
            doc.take(start, m.end())
            continue
        end = m_end
        cm = re.match(r"\s*(?:colou?r(?:ed)?|one|ones|version)\b", after)
        if cm:
            end += cm.end()
        for fam in fams:
            found.append((fam, start, end))
        doc.take(start, end)
    if not found:
        # Misspelt colors ("blak ones", "in whte"): only in an unmistakable color slot.
        for m in re.finditer(r"\b(?:in\s+)?([a-z]{4,7})(?=\s+(?:ones?|colou?r|version)\b)|\bin\s+([a-z]{4,7})\s*$", low):
            word = m.group(1) or m.group(2)
            hit = None if word in COMMON_WORDS or not doc.free(m.start(), m.end()) else _fuzzy(
                word, [c for c in BASE_COLORS if len(c) >= 4], 80.0)
            if hit:
                found.append((hit, m.start(), m.end()))
                doc.warnings.append(f"read {word!r} as the color {hit}")
                doc.take(m.start(), m.end())
                break
    if not found:
        return
    names = _unique([c for c, _, _ in found])
    _set_or_add(doc, update, "color", names, state.color if state else [], found[0][1], found[-1][2])
    spans["color"] = " ... ".join(low[s:e] for _, s, e in found)


def _parse_resets_and_removals(doc: _Doc, update: StateUpdate, spans: dict[str, str]) -> None:
    low = doc.low
    for m in _RESET_RE.finditer(low):
        update.reset = True
        spans.setdefault("_reset", m.group(0))
        doc.take(m.start(), m.end())
    opener = _DISMISS_OPENER.match(low)
    # "nvm, cheaper phones" is relative to what is shown: a refinement, not a new search
    if opener and (_NEW_REQUEST.search(low, opener.end()) or _ACCESSORY_RE.search(low, opener.end())) and not any(
            rx.search(low, opener.end()) for rx, _ in _MOVE_RES):
        update.reset = True
        spans.setdefault("_reset", opener.group(0).strip())
        doc.take(opener.start(), opener.end())
    for rx in _REMOVE_RES:
        for m in rx.finditer(low):
            if not doc.free(m.start(), m.end()):
                continue
            if re.search(r"\b(?:hardly|barely|scarcely|without|nor)\s+$|n't\s+(?:have|has|got)\s+$",
                         low[max(0, m.start() - 20):m.start()]):
                continue  # "hardly any reviews" is a level, "without any brand" no removal
            group = next(g for g in m.groups() if g)
            name = _GROUP_FIELD.get(group)
            if name == "rating" and re.search(r"\b(?:number|amount|count)\s+of\b|\bhow many\b", m.group(0)):
                name = "reviews"  # "any number of ratings" counts reviews, not stars
            if name and name not in update.remove:
                update.remove.append(name)
                for f in FIELD_GROUPS.get(name, ()):
                    spans[f] = m.group(0)
            doc.take(m.start(), m.end())
    for m in _DOESNT_MATTER.finditer(low):
        if doc.free(m.start(), m.end()):
            doc.warnings.append(f"{m.group(0)!r} without naming what: nothing removed (say e.g. 'any brand')")
            doc.take(m.start(), m.end())


def _parse_moves(doc: _Doc, update: StateUpdate, spans: dict[str, str]) -> None:
    low = doc.low
    for rx, move in _MOVE_RES:
        for m in rx.finditer(low):
            if not doc.free(m.start(), m.end()):
                continue
            if _negated(low, m.start()) and move != "other_brands":
                continue
            if re.search(r"\b(?:or|and)\s+$", low[max(0, m.start() - 5):m.start()]) and move in (
                    "more_storage", "more_reviews", "better_rated"):
                continue  # "256 gigs or more storage": the bound's postfix, not a move
            if move not in update.moves:
                update.moves.append(move)
                spans[_MOVE_SPAN_FIELD[move]] = m.group(0)
            doc.take(m.start(), m.end())


def _topic(doc: _Doc) -> str | None:
    low = doc.low
    keep = [True] * len(low)
    for a, b in doc.consumed:
        for k in range(max(0, a), min(len(low), b)):
            keep[k] = False
    text = "".join(ch if k else " " for ch, k in zip(low, keep, strict=True))
    text = re.sub(r"[?!;]+|\.(?!\d)", " , ", text)  # sentence ends become commas, so dangling words show
    text = re.sub(r"\s*,[\s,]*", ", ", text)
    text = re.sub(r"\s+", " ", text).strip(" ,.-")
    text = _FILLER_START.sub("", text, count=1).strip(" ,.-")
    toks = text.split()
    while toks and (toks[0].strip(",") in _FILLER_TOKENS):
        toks.pop(0)
    while toks and (toks[-1].strip(",") in _FILLER_TOKENS):
        toks.pop()
    out = " ".join(toks).strip(" ,")
    out = re.sub(r"\s+(?:with|and|or|in|of|for|that|which)\s+(?=(?:with|and|or|in|of|for|that|which)\b)", " ", out)
    # Connectors left dangling by a removed constraint: "galaxy a11 that is [128gb] and has fast charging".
    out = re.sub(r"\s*\b(?:(?:that|which)(?:\s+(?:is|are|has|have)(?:\s+a)?)?|with(?:\s+a)?|in|of|has(?:\s+a)?)"
                 r"(?:\s+(?=(?:and|or)\b)|\s*(?=,))", " ", out)
    out = re.sub(r"\s+,", ",", re.sub(r"\s{2,}", " ", out)).strip(" ,")
    return out or None


_DEFINITION_Q = re.compile(
    r"^\W*(?:(?:and|so|ok|okay|sorry|hmm|quick question|btw)\W+)*(?:"
    # "what does renewed mean?", "what does 'unlocked' stand for"
    r"what(?:'s| does| do| is| are)\s+(?:a\s+|an\s+|the\s+|that\s+|this\s+)?[\w&+'\" -]{1,30}?\s+(?:mean|means|stand for)"
    # "what is unlocked?", "what's a renewed phone?", "what's the difference between renewed and used?"
    r"|(?:what(?:'s| is| are)|whats)\s+(?:a\s+|an\s+)?(?:renewed|refurbished|refurb|unlocked|prepaid|pre-?owned|"
    r"mint|open box|carrier locked|locked)(?:\s+(?:phones?|ones?|devices?|mean))?"
    r"|what(?:'s| is)\s+the\s+difference\s+between\b[^?]*)\s*[?.!]*\s*$")
# "which is cheapest?", "which one has the most storage", "which of these is best rated": a question about the
# products shown; the superlative ranks them, it is not a new filter.
_WHICH_SHOWN = re.compile(r"^\W*(?:(?:so|ok|okay|and|hmm|then)\W+)*which(?:\s+one|\s+ones|\s+of\s+(?:them|these|those|"
                          r"the\s+\w+(?:\s+\w+)?))?(?:\s+(?:is|are|has|have|would|should|do|does|will|'s|one's))\b")
_ONE_PLUS = re.compile(r"(?<![\w.+$])1\+(?=\s*(?:$|[?!.,;]|(?:phones?|smartphones?|models?|ones?|would|is|are|"
                       r"too|instead|please|pls|plz|thx|thanks|or|and|as well|also|only|either|brand|handsets?|"
                       r"devices?|nord|\d{1,2}[a-z]?\b)))", re.IGNORECASE)


# A bare number said back while a budget is in force corrects that budget: "no, more like 300",
# "make that 250", "can we do 400?", "actually 300", "300 would be better".
_BUDGET_CORRECTION = re.compile(
    r"^(?:(?:no|nah|nope|hmm+|ok(?:ay)?|well|sorry|oh|actually|wait|or|and)[,.!]*\s+)*"
    r"(?:(?:more like|closer to|make (?:it|that)|let'?s say|say|what about|how about|can we do|could we do|"
    r"can you do|maybe|change (?:it|that|the budget) to|go (?:up )?to|actually)\s+)?"
    r"(?:\$\s?)?(?P<n>\d[\d,]*(?:\.\d+)?)(?P<k>k)?\s*(?:dollars?|bucks|usd|\$)?"
    r"(?:\s+(?:would be (?:better|fine|ok|good)|instead|then|actually|is (?:fine|ok|better)|works|please|pls|"
    r"is my (?:budget|max|limit)|max|tops|or so|or less))*\s*[?.!]*$")


def _parse_budget_correction(doc: _Doc, update: StateUpdate, spans: dict[str, str], state: Filters | None) -> None:
    if state is None or (state.price_max is None and state.price_min is None):
        return
    m = _BUDGET_CORRECTION.match(doc.low.strip())
    if not m:
        return
    value = _to_float(m.group("n").replace(",", ""), m.group("k"))
    if value is None or value <= 0:
        return
    # The bound in force is the one corrected; with a range, "more like 300" moves the ceiling.
    field_name = "price_min" if state.price_max is None else "price_max"
    update.set[field_name] = value
    if field_name == "price_max" and isinstance(state.price_min, float) and state.price_min > value:
        update.remove.append("price_min")
    spans[field_name] = m.group(0).strip()
    doc.take(0, len(doc.low))


# A constraint in force said to be unnecessary is lifted: "no need for 128gb", "i don't need it to be black",
# "without the samsung filter", "lose the 300 cap". What the words would set is what gets removed.
_NOT_NEEDED = re.compile(
    r"^\W*(?:(?:ok|okay|actually|hmm+|well|and|also|oh)\W+)*(?:"
    r"(?:(?:i|we)\s+)?(?:no need for|(?:do\s*n'?o?t|do not|don't|dont)\s+(?:really\s+)?(?:need|require)|"
    r"(?:it\s+)?(?:does\s*n'?t|doesn't|doesnt|does not)\s+(?:need|have)\s+to\s+(?:be|have)|not\s+(?:necessarily\s+)?needed:?)"
    r"\s+(?:it\s+to\s+(?:be|have)\s+|them\s+to\s+(?:be|have)\s+|the\s+|a\s+|an\s+)?(?P<x>[\w$.,&+' -]{1,40}?)"
    r"(?:\s+(?:filter|limit|cap|requirement|anymore|any more|after all))?"
    r"|(?:without|lose|drop|remove|ditch|get rid of|take off|lift)\s+the\s+(?P<y>[\w$.,&+' -]{1,40}?)\s+"
    r"(?:filter|limit|cap|requirement|constraint|restriction)s?)\W*$")


def _parse_not_needed(doc: _Doc, update: StateUpdate, spans: dict[str, str], vocab: Vocabulary,
                      state: Filters | None) -> None:
    if state is None or state.is_empty():
        return
    m = _NOT_NEEDED.match(doc.low)
    if not m:
        return
    words = (m.group("x") or m.group("y") or "").strip()
    said = _parse(words, vocab, None).update.set if words else {}
    if not said and re.fullmatch(r"\$?\s?\d[\d,.]*k?(?:\s*(?:dollars?|bucks|usd))?", words):
        said = {"price_max": 0.0}  # "lose the 300 cap": a bare amount is the budget
    lifted = False
    for name, value in said.items():
        if name == "subcategory" or getattr(state, name) in (None, [], "new") and name != "condition":
            continue
        if isinstance(value, list):
            for v in value:
                lifted |= _drop_value(update, spans, name, state, v, words)
        elif name in NUMERIC_GROUP:
            group = NUMERIC_GROUP[name]
            in_force = [getattr(state, f) for f, g in NUMERIC_GROUP.items() if g == group]
            if value != 0.0 and value not in in_force:
                continue  # "no need for 256gb" while 128 GB+ is asked: nothing of that is in force
            if group not in update.remove:
                update.remove.append(group)
            spans[name] = words
            lifted = True
        elif getattr(state, name) == value:
            update.remove.append(name)
            spans[name] = words
            lifted = True
    if not said:
        return  # words this reading does not know ("new", "anything fancy"): the other parsers may
    if not lifted:
        doc.warnings.append(f"{words!r} is not a constraint in force; nothing to lift")
    doc.take(0, len(doc.low))  # a message about what is not needed asks for nothing new


NUMERIC_GROUP = {"price_min": "price", "price_max": "price", "average_rating_min": "rating",
                 "average_rating_max": "rating", "review_count_min": "reviews", "review_count_max": "reviews",
                 "storage_gb_min": "storage", "storage_gb_max": "storage"}


def _parse(utterance: Any, vocab: Vocabulary, state: Filters | None) -> ParsedUtterance:
    low, cased, warnings = _normalise(utterance)
    g = _gazetteer(vocab)
    fixed, repairs = repair(cased, g.known_tokens)  # "doollars" -> "dollars", "barnd" -> "brand"
    if repairs:
        warnings += repairs
        cased, low = fixed, fixed.lower()
        if len(low) != len(cased):
            cased = low
    low, cased = _convert_number_words(low, cased)
    if g.brands.get("oneplus") and "1+" in low:
        # "1+" is how shoppers type OnePlus; never when a unit or number follows ("1+ stars", "1+ 2").
        low = _ONE_PLUS.sub("oneplus", low)
        cased = _ONE_PLUS.sub("oneplus", cased)
    doc = _Doc(low=low, cased=cased, warnings=warnings)
    update = StateUpdate()
    spans: dict[str, str] = {}
    if not low:
        return ParsedUtterance(update, spans, None, doc.warnings)
    state = state if isinstance(state, Filters) else None
    if _DEFINITION_Q.search(low) or (_WHICH_SHOWN.search(low) and not re.search(r"\d", low)
                                      and not _PHONE_RE.search(low) and not _ACCESSORY_RE.search(low)):
        # "what does renewed mean?", "what is unlocked?": the shopper asks about a word, not for it
        doc.warnings.append("a question about what a word means: no filter changed")
        return ParsedUtterance(update, spans, None, doc.warnings)
    _parse_resets_and_removals(doc, update, spans)
    if update.reset:
        state = None
    _parse_budget_correction(doc, update, spans, state)
    if not doc.consumed:
        _parse_not_needed(doc, update, spans, vocab, state)
    _parse_moves(doc, update, spans)
    _parse_ram_storage(doc, update, spans)
    _parse_ranges(doc, update, spans)
    _parse_quantities(doc, update, spans)
    if g.has_carriers:
        _parse_carriers(doc, update, spans, state)
    _parse_condition(doc, update, spans, state)
    _parse_levels(doc, update, spans)
    _parse_subcategory(doc, update, spans, g, state)
    _parse_brands(doc, update, spans, g, state)
    if g.has_colors:
        _parse_colors(doc, update, spans, state)
    if not g.has_storage:
        for f in ("storage_gb_min", "storage_gb_max"):
            if update.set.pop(f, None) is not None:
                doc.warnings.append("the catalog has no storage sizes; storage constraint ignored")
        update.moves = [m for m in update.moves if m != "more_storage"]
    if "price" in update.remove and _NO_OBJECT.search(low) and not (state and (
            state.price_min is not None or state.price_max is not None)) and not any(
            f.startswith("price") for f in update.set):
        # "money is no object" with no budget to lift: the shopper wants the top end.
        update.remove.remove("price")
        update.set["price_min"] = "high"
        spans["price_min"] = _NO_OBJECT.search(low).group(0)
    # "any brand, Samsung or Apple" would remove and set in one breath: what is set wins.
    update.remove = [r for r in update.remove if not any(f.startswith(r) for f in update.set)]
    return ParsedUtterance(update, spans, _topic(doc), doc.warnings)


def parse_update(utterance: str, vocab: Vocabulary, state: Filters | None = None) -> tuple[StateUpdate, dict[str, str]]:
    """What one utterance asks to change, and for each field the words it came from."""
    parsed = _parse(utterance, vocab, state)
    return parsed.update, parsed.spans


# ---------------------------------------------------------------------------------------------- extractor
class RuleExtractor(Extractor):
    """Rules + gazetteers from a `Vocabulary`; about a millisecond per utterance (errors: see `base.py`)."""

    name = "rules"

    def __init__(self, vocab: Vocabulary | None = None):
        self.vocab = vocab or Vocabulary.default()
        _gazetteer(self.vocab)  # compile once, up front

    def extract(self, utterance: str, state: Filters | None = None,
                shown: Sequence[Product] = ()) -> ExtractionResult:
        before = state if isinstance(state, Filters) else Filters()
        parsed = _parse(utterance, self.vocab, before)
        new, w_update = apply_update(before, parsed.update, shown)
        snapped, w_snap = self.vocab.snap(new)
        changed = [f for f in Filters.model_fields if getattr(snapped, f) != getattr(before, f)]
        spans = {f: _span_for(f, parsed.spans) for f in changed}
        return ExtractionResult(filters=snapped, spans=spans, warnings=parsed.warnings + w_update + w_snap,
                                reset=parsed.update.reset, topic=parsed.topic)


def _span_for(name: str, spans: dict[str, str]) -> str:
    """The words behind a changed field; a field changed as a side effect gets the words that caused it."""
    if name in spans:
        return spans[name]
    if "_reset" in spans:
        return spans["_reset"]
    pair = name[:-4] + ("_max" if name.endswith("_min") else "_min") if name.endswith(("_min", "_max")) else None
    if pair and pair in spans:
        return spans[pair]  # "under 200" dropped the contradicting price_min
    if name == "brand" and "brand_exclude" in spans:
        return spans["brand_exclude"]
    if name == "brand_exclude" and "brand" in spans:
        return spans["brand"]
    return spans.get("subcategory", "")  # cleared by a switch between phones and accessories


__all__ = ["RuleExtractor", "parse_update", "ParsedUtterance", "MAX_CHARS", "AROUND_TOLERANCE"]
