"""Vocabularies: stable codes, select-box order, lookups, the sensory tree."""

import re

import pytest

from matchmaker.lotsheet import vocab

ALL = [v for v in vars(vocab).values() if isinstance(v, vocab.Vocabulary)]
CODE = re.compile(r"^[a-z0-9_]+$|^[A-Z]{3}$|^(I|II|SS)$|^\d{4}\.\d{2}$")  # HS subheadings: 1801.00


def test_every_vocabulary_is_found():
    assert len(ALL) >= 18


@pytest.mark.parametrize("vocabulary", ALL, ids=lambda v: v.name)
def test_codes_are_stable_identifiers_with_labels(vocabulary):
    assert len(vocabulary) > 0
    for choice in vocabulary:
        assert CODE.match(choice.code), choice.code
        assert choice.label.strip() and choice.label == vocabulary.label(choice.code)


@pytest.mark.parametrize(
    ("vocabulary", "codes"),
    [
        (vocab.PRODUCT_FORM, ("dry_fermented", "wet", "nibs", "liquor")),
        (vocab.CERT_STATUS, ("certified", "in_conversion", "suspended")),
        (vocab.INCOTERM, ("EXW", "FCA", "FOB", "CFR", "CIF", "DAP")),
        (vocab.PRICE_BASIS, ("fixed", "differential")),
        (vocab.PRICE_MARKET, ("ice_ny", "ice_london", "other")),
    ],
)
def test_order_is_kept_for_select_boxes(vocabulary, codes):
    assert vocabulary.codes == codes
    assert [code for code, _ in vocabulary.choices()] == list(codes)


def test_lookup_and_membership():
    assert "wet" in vocab.PRODUCT_FORM
    assert "frozen" not in vocab.PRODUCT_FORM
    assert vocab.PRODUCT_FORM.label("wet") == "Wet beans (cacao en baba)"
    with pytest.raises(KeyError):
        vocab.PRODUCT_FORM.label("frozen")


def test_duplicate_codes_are_refused():
    with pytest.raises(ValueError):
        vocab.Vocabulary("x", vocab.Choice("a", "A"), vocab.Choice("a", "B"))


def test_marker_returns_text_untranslated():
    assert vocab.N_("Moisture") == "Moisture"


def test_sensory_children_carry_their_parent_code():
    fresh = vocab.SENSORY_BY_CODE["fresh_fruit"]
    assert [c.code for c in fresh.children] == [
        "fresh_fruit_berry",
        "fresh_fruit_citrus",
        "fresh_fruit_dark",
        "fresh_fruit_yellow_orange_white",
        "fresh_fruit_tropical",
    ]
    assert all(
        c.code.startswith(f"{a.code}_") for a in vocab.SENSORY_ATTRIBUTES for c in a.children
    )
    assert len(vocab.SENSORY_CODES) == len(vocab.SENSORY_ATTRIBUTES) + sum(
        len(a.children) for a in vocab.SENSORY_ATTRIBUTES
    )


@pytest.mark.parametrize(
    ("code", "protocol", "applies"),
    [
        ("sweetness", "chocolate", True),
        ("sweetness", "coex_liquor", False),
        ("roast_degree", "fcci_unroasted", False),
        ("cacao", "fcci_unroasted", True),
    ],
)
def test_attributes_apply_to_their_protocols(code, protocol, applies):
    assert protocol in vocab.SENSORY_PROTOCOL
    assert vocab.SENSORY_BY_CODE[code].applies_to(protocol) is applies


def test_radar_axes_are_top_level_attributes():
    assert len(vocab.RADAR_AXES) == 13
    assert all(code in vocab.SENSORY_BY_CODE for code in vocab.RADAR_AXES)
