"""Buyer-side vocabularies: product forms buyers ask for (a superset of the lot sheet's)."""

from __future__ import annotations

from matchmaker.lotsheet.vocab import (
    CERT_SCHEME,
    GENETICS,
    INCOTERM,
    N_,
    PRODUCT_FORM,
    SENSORY_ATTRIBUTES,
    SENSORY_CODES,
    Choice,
    Vocabulary,
)

# Lots are sold as the lot sheet's forms; buyers also ask for semi-finished products, so an
# association that starts pressing butter or powder finds its demand already recorded.
BUYER_PRODUCT_FORM = Vocabulary(
    "buyer_product_form",
    *PRODUCT_FORM,
    Choice("butter", N_("Cocoa butter")),
    Choice("powder", N_("Cocoa powder")),
)

# Flavour interests: the sensory sheet's attributes and their child notes, off-flavours excluded.
FLAVOUR_INTEREST = Vocabulary(
    "flavour_interest",
    *(choice for attr in SENSORY_ATTRIBUTES if attr.code not in ("off_flavours", "roast_degree")
      for choice in (Choice(attr.code, attr.label), *attr.children)),
)

ISO_GRADE_MINIMUM = Vocabulary(
    "iso_grade_minimum",
    Choice("I", N_("Grade I")),
    Choice("II", N_("Grade II or better")),
)


def product_form_label(code: str) -> str:
    return BUYER_PRODUCT_FORM.label(code) if code in BUYER_PRODUCT_FORM else code


def scheme_label(code: str) -> str:
    return CERT_SCHEME.label(code) if code in CERT_SCHEME else code


def genetics_label(code: str) -> str:
    return GENETICS.label(code) if code in GENETICS else code


def flavour_label(code: str) -> str:
    return SENSORY_CODES.label(code) if code in SENSORY_CODES else code


__all__ = ["BUYER_PRODUCT_FORM", "FLAVOUR_INTEREST", "INCOTERM", "ISO_GRADE_MINIMUM",
           "flavour_label", "genetics_label", "product_form_label", "scheme_label"]
