"""Every weight of the matching score, in one place.

A met soft requirement adds its weight (scaled where the fit is a matter of degree, such as
the share of wanted genetics or the intensity of a wanted flavour); a missed one subtracts
the weight times its `MISS_FACTOR`. Minimum grade, fermentation and moisture are
thresholds, as traders use them: meeting one earns little (every good lot meets it), missing
one costs much, so flavour and genetics are what set fitting lots apart. Hard requirements (product form, certification, EUDR,
volume that no offer can reach) exclude the supply outright, whatever its score.
"""

from __future__ import annotations

WEIGHTS: dict[str, float] = {
    "product_form": 4.0,
    "certification": 8.0,   # per required scheme
    "eudr": 6.0,
    "volume": 4.0,
    "grade": 4.0,
    "fermentation": 4.0,
    "moisture": 2.0,
    "flavour": 24.0,        # shared by the wanted attributes, scaled by intensity / 10
    "genetics": 14.0,       # scaled by the wanted genetics' share of the volume
    "incoterm": 4.0,
    "price": 10.0,
    "delivery": 5.0,
    "global_quality": 8.0,  # scaled by the evaluator's global quality / 10, always counted
    "off_flavours": 8.0,    # subtracted when off-flavours reach OFF_FLAVOUR_LIMIT
    "spanish": 2.0,         # a rep's side: the buyer speaks Spanish
}

# How much of its weight a missed soft requirement costs.
MISS_FACTOR: dict[str, float] = {
    "volume": 1.5,          # the lot is too small, but an offer containing it is not
    "grade": 2.5,
    "fermentation": 2.5,
    "moisture": 2.5,
    "flavour": 0.25,        # per wanted attribute clearly absent
    "no_sensory": 0.3,
    "no_analysis": 1.5,
    "genetics": 0.4,
    "incoterm": 0.5,
    "price": 1.0,
    "no_price": 0.3,
    "delivery": 1.0,
    "certificate_expires": 0.5,
}

# Behaviour signals, labelled as such on the page.
SIGNALS: dict[str, float] = {
    "interested": 6.0,
    "sample_request": 8.0,
    "scan": 3.0,
    "meeting": 4.0,
}

FLAVOUR_REASON_AT = 5     # 5/10 and up: "clearly characterising" → a reason
FLAVOUR_MISS_BELOW = 3    # under 3/10: "trace or low" → a miss
OFF_FLAVOUR_LIMIT = 3     # off-flavours this strong cost points whatever the buyer wants
TOP_N = 10                # the list a buyer sees; the overview counts who is in it

# Similar lots: how far apart two lots are (Euclidean over these scaled features).
SIMILARITY_SCALE: dict[str, float] = {
    "flavour": 1.0,         # each radar axis, 0–10
    "fermented_pct": 0.1,   # 10 points of fermentation ≈ one flavour step
    "grade": 2.0,           # one ISO grade apart ≈ two flavour steps
    "global_quality": 1.0,
    "other_form": 6.0,      # a different product form is far away
    "unknown": 3.0,         # a feature one lot has and the other lacks
}
