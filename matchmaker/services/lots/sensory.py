"""Sensory evaluations of a lot: 0-10 intensities for the attributes of one protocol."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from flask_babel import gettext as _

from matchmaker.errors import ValidationFailed
from matchmaker.extensions import db
from matchmaker.lotsheet.vocab import SENSORY_ATTRIBUTES, SENSORY_CODES, SENSORY_PROTOCOL
from matchmaker.models import Lot, SensoryEvaluation, SensoryScore
from matchmaker.services.offers.changes import on_lot_changed

EVALUATION_FIELDS = (
    "protocol", "evaluator", "panel_size", "evaluated_on", "roast_profile_es",
    "roast_profile_en", "global_quality", "flavour_notes_es", "flavour_notes_en", "awards_es",
    "awards_en",
)
_PARENT_OF = {child.code: attr for attr in SENSORY_ATTRIBUTES for child in attr.children}
_ATTR_BY_CODE = {attr.code: attr for attr in SENSORY_ATTRIBUTES}


def applicable_attributes(protocol: str):
    """The top-level attributes scored under `protocol`, in sheet order."""
    return [attr for attr in SENSORY_ATTRIBUTES if attr.applies_to(protocol)]


def _in_range(value: Decimal) -> bool:
    return Decimal(0) <= value <= Decimal(10)


def save_evaluation(
    lot: Lot,
    evaluation: SensoryEvaluation | None = None,
    *,
    scores: Mapping[str, Decimal | None],
    **fields,
) -> SensoryEvaluation:
    """Add or update an evaluation with its scores; refresh the lot's global-quality cache.

    Every top-level attribute of the protocol needs an intensity (0 means absent); child
    notes are optional. Global quality is the evaluator's judgement, typed in, never computed.

    Raises:
        ValidationFailed: ``unknown_protocol``, ``protocol_changed``, ``unknown_attribute``,
            ``attribute_not_for_protocol``, ``intensity_out_of_range``,
            ``attributes_missing``, ``global_quality_out_of_range``,
            ``flavour_notes_required``, ``evaluator_required``.
    """
    unknown = set(fields) - set(EVALUATION_FIELDS)
    if unknown:
        raise TypeError(f"not evaluation fields: {sorted(unknown)}")
    fields = {k: v.strip() if isinstance(v, str) else v for k, v in fields.items()}
    protocol = fields.get("protocol") or (evaluation.protocol if evaluation else "")
    if protocol not in SENSORY_PROTOCOL:
        raise ValidationFailed(_("Choose a sensory protocol."), code="unknown_protocol",
                               field="protocol")
    if evaluation is not None and protocol != evaluation.protocol:
        raise ValidationFailed(
            _("The protocol of an evaluation cannot change; add a new evaluation instead."),
            code="protocol_changed", field="protocol")
    fields["protocol"] = protocol
    if not fields.get("evaluator"):
        raise ValidationFailed(_("Name the evaluator or laboratory."), code="evaluator_required",
                               field="evaluator")
    given = {code: Decimal(value) for code, value in scores.items() if value is not None}
    for code, value in given.items():
        if code not in SENSORY_CODES:
            raise ValidationFailed(_("Unknown sensory attribute."), code="unknown_attribute")
        top = _ATTR_BY_CODE.get(code) or _PARENT_OF[code]
        if not top.applies_to(protocol):
            raise ValidationFailed(
                _("%(attribute)s is not scored under this protocol.",
                  attribute=_(SENSORY_CODES.label(code))),
                code="attribute_not_for_protocol", field=f"score_{code}")
        if not _in_range(value):
            raise ValidationFailed(_("Intensities go from 0 (absent) to 10 (maximum)."),
                                   code="intensity_out_of_range", field=f"score_{code}")
    missing = [attr for attr in applicable_attributes(protocol) if attr.code not in given]
    if missing:
        raise ValidationFailed(
            _("Give an intensity (0 if absent) for: %(attributes)s.",
              attributes=", ".join(_(attr.label) for attr in missing)),
            code="attributes_missing", field=f"score_{missing[0].code}",
            missing=[attr.code for attr in missing],
        )
    quality = fields.get("global_quality")
    if quality is None or not _in_range(Decimal(quality)):
        raise ValidationFailed(_("Global quality goes from 0 to 10."),
                               code="global_quality_out_of_range", field="global_quality")
    if not (fields.get("flavour_notes_es") or fields.get("flavour_notes_en")):
        raise ValidationFailed(_("Describe the flavour in Spanish or English."),
                               code="flavour_notes_required", field="flavour_notes_es")

    if evaluation is None:
        evaluation = SensoryEvaluation(lot=lot)
        db.session.add(evaluation)
    for name, value in fields.items():
        setattr(evaluation, name, value)
    evaluation.scores.clear()
    db.session.flush()  # (evaluation, attribute) is unique: old rows go before new ones
    for code in SENSORY_CODES.codes:
        if code in given:
            evaluation.scores.append(SensoryScore(attribute=code, intensity=given[code]))
    db.session.flush()
    refresh_latest_global_quality(lot)
    on_lot_changed(lot)  # material changes reach the offers holding the lot
    return evaluation


def delete_evaluation(evaluation: SensoryEvaluation) -> None:
    """Remove an evaluation and refresh the lot's global-quality cache."""
    lot = evaluation.lot
    db.session.delete(evaluation)
    db.session.flush()
    db.session.expire(lot, ["evaluations"])
    refresh_latest_global_quality(lot)
    on_lot_changed(lot)


def refresh_latest_global_quality(lot: Lot) -> Decimal | None:
    """Copy the latest evaluation's global quality to the lot (the catalogue sorts on it)."""
    latest = db.session.scalar(
        db.select(SensoryEvaluation).where(SensoryEvaluation.lot_id == lot.id)
        .order_by(SensoryEvaluation.evaluated_on.desc(), SensoryEvaluation.id.desc()).limit(1)
    )
    lot.latest_global_quality = latest.global_quality if latest else None
    db.session.flush()
    return lot.latest_global_quality
