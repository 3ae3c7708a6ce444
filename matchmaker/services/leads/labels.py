"""Translated labels of lead sources and ratings, shared by pages and exports."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

SOURCE_LABELS = {
    "lot_scan": _l("Lot QR scan"),
    "offer_scan": _l("Offer QR scan"),
    "booth_scan": _l("Booth QR scan"),
    "badge_scan": _l("Badge scan"),
    "meeting_request": _l("Meeting request"),
    "sample_request": _l("Sample request"),
    "interest": _l("Interested"),
}

RATING_LABELS = {"hot": _l("Hot"), "warm": _l("Warm"), "cold": _l("Cold")}
