"""Certificates covering a lot; validity on a day is derived from status and dates."""

from __future__ import annotations

import re

from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage

from matchmaker.errors import ValidationFailed
from matchmaker.extensions import db
from matchmaker.lotsheet.vocab import CERT_SCHEME, CERT_STATUS
from matchmaker.models import Certificate, Lot
from matchmaker.services.offers.changes import on_lot_changed
from matchmaker.uploads import save_pdf

CERTIFICATE_FIELDS = (
    "scheme", "scheme_other", "holder", "certificate_no", "certifier_name", "certifier_code",
    "status", "valid_from", "valid_to", "verify_url",
)
# EU organic control bodies: country, "BIO" (or the language's equivalent), number.
EU_CERTIFIER_CODE = re.compile(r"^[A-Z]{2}-[A-Z]{3}-\d{3}$")
_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.I)


def save_certificate(
    lot: Lot, certificate: Certificate | None = None, *, file: FileStorage | None = None,
    **fields,
) -> Certificate:
    """Add or update a certificate; a PDF, if given, replaces the stored one.

    The holder is whoever the certificate names: for a group certificate that is the
    cooperative (e.g. Agrobosque), not the association selling the lot.

    Raises:
        ValidationFailed: ``unknown_choice``, ``scheme_other_required``, ``field_required``,
            ``certifier_code_format``, ``validity_out_of_order``, ``verify_url_invalid``,
            ``certificate_proof_required``, and the upload codes (``not_a_pdf`` …).
    """
    unknown = set(fields) - set(CERTIFICATE_FIELDS)
    if unknown:
        raise TypeError(f"not certificate fields: {sorted(unknown)}")
    fields = {k: v.strip() if isinstance(v, str) else v for k, v in fields.items()}
    fields["certifier_code"] = (fields.get("certifier_code") or "").upper()
    if fields.get("scheme") not in CERT_SCHEME:
        raise ValidationFailed(_("Choose a value from the list."), code="unknown_choice",
                               field="scheme")
    if fields.get("status") not in CERT_STATUS:
        raise ValidationFailed(_("Choose a value from the list."), code="unknown_choice",
                               field="status")
    if fields["scheme"] == "other" and not fields.get("scheme_other"):
        raise ValidationFailed(_("Name the certification scheme."), code="scheme_other_required",
                               field="scheme_other")
    if fields["scheme"] != "other":
        fields["scheme_other"] = ""
    for name in ("holder", "certificate_no", "certifier_name", "valid_from", "valid_to"):
        if not fields.get(name):
            raise ValidationFailed(_("This field is required."), code="field_required", field=name)
    code = fields["certifier_code"]
    if fields["scheme"] == "eu_organic" and not EU_CERTIFIER_CODE.match(code):
        raise ValidationFailed(
            _("EU control body codes look like PE-BIO-149 (country, three letters, three digits)."),
            code="certifier_code_format", field="certifier_code")
    if fields["valid_to"] < fields["valid_from"]:
        raise ValidationFailed(_("The certificate cannot expire before it starts."),
                               code="validity_out_of_order", field="valid_to")
    url = fields.get("verify_url") or ""
    if url and not _URL.match(url):
        raise ValidationFailed(_("Enter a web address starting with https://."),
                               code="verify_url_invalid", field="verify_url")
    has_file = bool(file is not None and getattr(file, "filename", ""))
    if not (has_file or url or (certificate and certificate.file_path)):
        raise ValidationFailed(
            _("Attach the certificate as a PDF or give a link where buyers can verify it."),
            code="certificate_proof_required", field="file")
    stored = None
    if has_file:
        try:
            stored = save_pdf(file, f"lots/{lot.id}/certificates")
        except ValidationFailed as error:
            error.params.setdefault("field", "file")
            raise
    if certificate is None:
        certificate = Certificate(lot=lot)
        db.session.add(certificate)
    for name, value in fields.items():
        setattr(certificate, name, value)
    if stored:
        certificate.file_path = stored
    db.session.flush()
    on_lot_changed(lot)  # material changes reach the offers holding the lot
    return certificate


def delete_certificate(certificate: Certificate) -> None:
    """Remove a certificate from its lot."""
    lot = certificate.lot
    db.session.delete(certificate)
    db.session.flush()
    db.session.expire(lot, ["certificates"])
    on_lot_changed(lot)
