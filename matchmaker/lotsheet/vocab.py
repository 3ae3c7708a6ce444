"""Stable codes and English labels for the lot sheet's enumerations, in select-box order.

Labels are marked with `N_` (extract with `pybabel extract -k N_`) but not translated
here, so the module imports without Flask. Translate at render time:
`gettext(PRODUCT_FORM.label(code))`. Codes are stored in the database: never rename one;
add a new code and stop offering the old one instead.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass


def N_(message: str) -> str:
    """Mark `message` for extraction; return it unchanged."""
    return message


@dataclass(frozen=True)
class Choice:
    """One enumeration value: a stable `code` and its untranslated English `label`."""

    code: str
    label: str


class Vocabulary:
    """An ordered, immutable set of choices with lookup by code."""

    def __init__(self, name: str, *choices: Choice) -> None:
        codes = [c.code for c in choices]
        if len(set(codes)) != len(codes):
            raise ValueError(f"duplicate code in vocabulary {name}")
        self.name = name
        self._choices = choices
        self._by_code = {c.code: c for c in choices}

    def __iter__(self) -> Iterator[Choice]:
        return iter(self._choices)

    def __len__(self) -> int:
        return len(self._choices)

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    @property
    def codes(self) -> tuple[str, ...]:
        """All codes in display order."""
        return tuple(self._by_code)

    def label(self, code: str) -> str:
        """The untranslated label for `code`. Raises: KeyError for an unknown code."""
        return self._by_code[code].label

    def choices(self) -> list[tuple[str, str]]:
        """(code, untranslated label) pairs for a form's select field."""
        return [(c.code, c.label) for c in self._choices]


def _vocab(name: str, *pairs: tuple[str, str]) -> Vocabulary:
    return Vocabulary(name, *(Choice(code, label) for code, label in pairs))


PRODUCT_FORM = _vocab(
    "product_form",
    ("dry_fermented", N_("Dry fermented beans")),
    ("wet", N_("Wet beans (cacao en baba)")),
    ("nibs", N_("Nibs")),
    ("liquor", N_("Liquor (cocoa mass)")),
)

BAG_TYPE = _vocab(
    "bag_type",
    ("jute", N_("New jute bag")),
    ("jute_hermetic", N_("Jute bag with hermetic liner")),
    ("bulk", N_("Bulk")),
)

GENETICS = _vocab(
    "genetics",
    ("native_amazonian", N_("Native Amazonian")),
    ("criollo", N_("Criollo")),
    ("trinitario", N_("Trinitario")),
    ("forastero_amazon", N_("Forastero / Amazon")),
    ("nacional", N_("Nacional")),
    ("ccn51", N_("CCN-51")),
    ("named_clone", N_("Named clone (ICS, TSH…)")),
    ("mixed_unknown", N_("Mixed / unknown")),
)

PRODUCTION_SYSTEM = _vocab(
    "production_system",
    ("agroforestry", N_("Agroforestry")),
    ("full_sun", N_("Full sun")),
    ("wild", N_("Wild")),
)

PROCESSING_SITE = _vocab(
    "processing_site",
    ("central_plant", N_("Central processing plant")),
    ("on_farm", N_("On farm")),
)

FERMENT_VESSEL = _vocab(
    "ferment_vessel",
    ("wooden_box", N_("Wooden box (cajón)")),
    ("stepped_boxes", N_("Stepped boxes")),
    ("rohan_tray", N_("Rohan tray")),
    ("heap", N_("Heap")),
    ("sack", N_("Sack")),
    ("plastic_bin", N_("Plastic bin")),
)

DRY_METHOD = _vocab(
    "dry_method",
    ("sun_beds", N_("Raised sun beds (tendal)")),
    ("solar_dryer", N_("Solar dryer (marquesina)")),
    ("mechanical", N_("Mechanical dryer")),
    ("mixed", N_("Mixed")),
)

SENSORY_PROTOCOL = _vocab(
    "sensory_protocol",
    ("fcci_unroasted", N_("FCCI coarse-powder screening of unroasted beans")),
    ("coex_liquor", N_("Cocoa of Excellence cocoa mass (liquor)")),
    ("chocolate", N_("Chocolate")),
)

CERT_SCHEME = _vocab(
    "cert_scheme",
    ("eu_organic", N_("EU organic (Reg. 2018/848)")),
    ("usda_nop", N_("USDA organic (NOP)")),
    ("jas", N_("JAS organic")),
    ("fairtrade", N_("Fairtrade")),
    ("rainforest_alliance", N_("Rainforest Alliance")),
    ("other", N_("Other")),
)

# "Expired" is not a status: it is derived from valid_to, so it can never be stale.
CERT_STATUS = _vocab(
    "cert_status",
    ("certified", N_("Certified")),
    ("in_conversion", N_("In conversion")),
    ("suspended", N_("Suspended")),
)

# Harmonized System headings 1801–1806 (cocoa and cocoa preparations), at the six-digit
# subheadings a cacao lot can be shipped under; the codes are the subheadings themselves.
HS_CODE = _vocab(
    "hs_code",
    ("1801.00", N_("1801.00 – Cocoa beans, whole or broken, raw or roasted")),
    ("1802.00", N_("1802.00 – Cocoa shells, husks, skins and other cocoa waste")),
    ("1803.10", N_("1803.10 – Cocoa paste (liquor), not defatted")),
    ("1803.20", N_("1803.20 – Cocoa paste, wholly or partly defatted")),
    ("1804.00", N_("1804.00 – Cocoa butter, fat and oil")),
    ("1805.00", N_("1805.00 – Cocoa powder, no added sugar")),
    ("1806.10", N_("1806.10 – Cocoa powder with added sugar")),
    ("1806.20", N_("1806.20 – Chocolate preparations in blocks or bulk over 2 kg")),
    ("1806.31", N_("1806.31 – Chocolate in blocks or bars, filled")),
    ("1806.32", N_("1806.32 – Chocolate in blocks or bars, not filled")),
    ("1806.90", N_("1806.90 – Other chocolate and cocoa preparations")),
)

# Incoterm codes are the ICC's own, so they stay upper case.
INCOTERM = _vocab(
    "incoterm",
    ("EXW", N_("EXW – Ex Works")),
    ("FCA", N_("FCA – Free Carrier")),
    ("FOB", N_("FOB – Free On Board")),
    ("CFR", N_("CFR – Cost and Freight")),
    ("CIF", N_("CIF – Cost, Insurance and Freight")),
    ("DAP", N_("DAP – Delivered At Place")),
)

# "differential_ice_ny" (before markets were a field of their own) became "differential"
# with market "ice_ny" in migration c4e1a7d2b9f0.
PRICE_BASIS = _vocab(
    "price_basis",
    ("fixed", N_("Fixed price")),
    ("differential", N_("Differential to a futures market")),
)

PRICE_MARKET = _vocab(
    "price_market",
    ("ice_ny", N_("ICE New York")),
    ("ice_london", N_("ICE London")),
    ("other", N_("Other reference")),
)

PRICE_PREMIUM = _vocab(
    "price_premium",
    ("organic", N_("Organic premium")),
    ("fairtrade", N_("Fairtrade premium")),
    ("organic_fairtrade", N_("Organic and Fairtrade premium")),
    ("quality", N_("Quality premium")),
    ("other", N_("Other premium")),
)

EXPORT_DOCS = _vocab(
    "export_docs",
    ("commercial_invoice", N_("Commercial invoice")),
    ("packing_list", N_("Packing list")),
    ("certificate_of_origin", N_("Certificate of origin")),
    ("phytosanitary_senasa", N_("SENASA phytosanitary certificate")),
    ("quality_certificate", N_("Quality certificate")),
    ("organic_coi", N_("Organic certificate of inspection")),
)

# Codes match matchmaker.lotsheet.quality's enums (a test keeps them in step).
ISO_GRADE = _vocab(
    "iso_grade",
    ("I", N_("Grade I")),
    ("II", N_("Grade II")),
    ("SS", N_("Sub-standard")),
)

TRADE_GRADE = _vocab(
    "trade_grade",
    ("good_fermented", N_("Good Fermented")),
    ("fair_fermented", N_("Fair Fermented")),
)

BEAN_SIZE = _vocab(
    "bean_size",
    ("large", N_("Large")),
    ("medium", N_("Medium")),
    ("small", N_("Small")),
)

# Field names of quality.CutTest, in the order lab reports list them.
CUT_TEST_CATEGORY = _vocab(
    "cut_test_category",
    ("well_fermented", N_("Well fermented")),
    ("partly_fermented", N_("Partly fermented (purple-brown)")),
    ("purple", N_("Purple / violet")),
    ("slaty", N_("Slaty")),
    ("mouldy", N_("Mouldy")),
    ("insect_damaged", N_("Insect-damaged")),
    ("germinated", N_("Germinated")),
    ("flat", N_("Flat")),
)


@dataclass(frozen=True)
class SensoryAttribute:
    """A top-level sensory attribute with its child notes, rated 0–10."""

    code: str
    label: str
    children: tuple[Choice, ...] = ()
    # Empty means every protocol; sweetness only makes sense for chocolate.
    protocols: frozenset[str] = frozenset()

    def applies_to(self, protocol: str) -> bool:
        """True if this attribute is scored under `protocol`."""
        return not self.protocols or protocol in self.protocols


def _attr(
    code: str, label: str, *children: tuple[str, str], protocols: frozenset[str] = frozenset()
) -> SensoryAttribute:
    # Child codes carry the parent's code so they stay unique and self-describing flat.
    return SensoryAttribute(
        code, label, tuple(Choice(f"{code}_{c}", lbl) for c, lbl in children), protocols
    )


SENSORY_ATTRIBUTES: tuple[SensoryAttribute, ...] = (
    _attr("cacao", N_("Cacao")),
    _attr(
        "acidity",
        N_("Total acidity"),
        ("fruit", N_("Fruity acidity")),
        ("acetic", N_("Acetic")),
        ("lactic", N_("Lactic")),
        ("mineral_butyric", N_("Mineral / butyric")),
    ),
    _attr("bitterness", N_("Bitterness")),
    _attr("astringency", N_("Astringency")),
    _attr(
        "fresh_fruit",
        N_("Fresh fruit"),
        ("berry", N_("Berry")),
        ("citrus", N_("Citrus")),
        ("dark", N_("Dark fruit")),
        ("yellow_orange_white", N_("Yellow / orange / white flesh")),
        ("tropical", N_("Tropical")),
    ),
    _attr(
        "browned_fruit",
        N_("Browned fruit"),
        ("dried", N_("Dried fruit")),
        ("brown", N_("Brown fruit")),
        ("over_ripe", N_("Over-ripe fruit")),
    ),
    _attr(
        "vegetal",
        N_("Vegetal"),
        ("grassy_herbal", N_("Grassy / herbal")),
        ("earthy_mushroom", N_("Earthy / mushroom")),
    ),
    _attr(
        "floral",
        N_("Floral"),
        ("orange_blossom", N_("Orange blossom")),
        ("flowers", N_("Flowers")),
    ),
    _attr(
        "woody",
        N_("Woody"),
        ("light", N_("Light wood")),
        ("dark", N_("Dark wood")),
        ("resin", N_("Resin")),
    ),
    _attr(
        "spice",
        N_("Spice"),
        ("spices", N_("Spices")),
        ("tobacco", N_("Tobacco")),
        ("savoury_umami", N_("Savoury / umami")),
    ),
    _attr(
        "nutty",
        N_("Nutty"),
        ("nut_flesh", N_("Nut flesh")),
        ("nut_skins", N_("Nut skins")),
    ),
    _attr("caramel_panela", N_("Caramel / panela")),
    _attr("sweetness", N_("Sweetness"), protocols=frozenset({"chocolate"})),
    # Unroasted FCCI screening has no roast to judge.
    _attr("roast_degree", N_("Roast degree"), protocols=frozenset({"coex_liquor", "chocolate"})),
    _attr(
        "off_flavours",
        N_("Off-flavours"),
        ("dirty_dusty", N_("Dirty / dusty")),
        ("musty", N_("Musty")),
        ("mouldy", N_("Mouldy")),
        ("meaty_animal_leather", N_("Meaty / animal / leather")),
        ("over_fermented", N_("Over-fermented")),
        ("putrid_manure", N_("Putrid / manure")),
        ("smoky", N_("Smoky")),
        ("other", N_("Other off-flavour")),
    ),
)

SENSORY_BY_CODE: dict[str, SensoryAttribute] = {a.code: a for a in SENSORY_ATTRIBUTES}

# Every attribute and child code in one flat vocabulary, for storage validation.
SENSORY_CODES = Vocabulary(
    "sensory_code",
    *(
        choice
        for attr in SENSORY_ATTRIBUTES
        for choice in (Choice(attr.code, attr.label), *attr.children)
    ),
)

# The axes of the flavour radar, in drawing order (clockwise from the top).
RADAR_AXES: tuple[str, ...] = (
    "cacao",
    "acidity",
    "bitterness",
    "astringency",
    "fresh_fruit",
    "browned_fruit",
    "vegetal",
    "floral",
    "woody",
    "spice",
    "nutty",
    "caramel_panela",
    "off_flavours",
)
