"""EUDR evidence of a lot: no-deforestation and legality documents, DDS references."""

from __future__ import annotations

import re

from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage

from matchmaker.errors import ValidationFailed
from matchmaker.extensions import db
from matchmaker.models import Lot
from matchmaker.uploads import save_pdf

_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.I)


def _given(file: FileStorage | None) -> bool:
    return bool(file is not None and getattr(file, "filename", ""))


def save_eudr_evidence(
    lot: Lot, *, no_deforestation_file: FileStorage | None = None,
    legality_file: FileStorage | None = None, no_deforestation_evidence_url: str = "",
    dds_reference: str = "", dds_verification: str = "",
) -> Lot:
    """Store evidence files (PDF) and links; a file not given keeps the one stored before.

    Raises:
        ValidationFailed: ``evidence_url_invalid`` and the upload codes (``not_a_pdf`` …),
            with ``field`` naming the file input.
    """
    url = (no_deforestation_evidence_url or "").strip()
    if url and not _URL.match(url):
        raise ValidationFailed(_("Enter a web address starting with https://."),
                               code="evidence_url_invalid", field="no_deforestation_evidence_url")
    stored = {}
    for field, file, attribute in (
        ("no_deforestation_file", no_deforestation_file, "no_deforestation_evidence_path"),
        ("legality_file", legality_file, "legality_evidence_path"),
    ):
        if _given(file):
            try:
                stored[attribute] = save_pdf(file, f"lots/{lot.id}/eudr")
            except ValidationFailed as error:
                error.params.setdefault("field", field)
                raise
    lot.no_deforestation_evidence_url = url
    lot.dds_reference = (dds_reference or "").strip()
    lot.dds_verification = (dds_verification or "").strip()
    for attribute, path in stored.items():
        setattr(lot, attribute, path)
    db.session.flush()
    return lot
