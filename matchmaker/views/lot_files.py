"""Files of lots, by id: photos and thumbnails, lab reports, certificates, EUDR evidence.

A published lot's files are public (buyers read the sheet without an account); an
unpublished lot's only for those who may edit it, and to everyone else they do not exist.
Images never change under an id (a new upload is a new photo), so they are cached for a
year; documents can be replaced under the same id and are revalidated daily.
"""

from __future__ import annotations

from flask import Blueprint, abort, send_file
from flask_login import current_user

from matchmaker.access import can_edit_lots_of
from matchmaker.extensions import db
from matchmaker.models import Certificate, Lot, LotPhoto, QualityAnalysis
from matchmaker.services.lots.analyses import REPORT_FILES
from matchmaker.uploads import resolve

bp = Blueprint("lot_files", __name__, url_prefix="/files/lots")

YEAR = 365 * 24 * 3600
DAY = 24 * 3600
EUDR_FILES = {"no-deforestation": "no_deforestation_evidence_path",
              "legality": "legality_evidence_path"}


def _visible(lot: Lot) -> None:
    if not (lot.is_published or can_edit_lots_of(current_user, lot.organisation_id)):
        abort(404)


def _send(path: str | None, *, lot: Lot, max_age: int, download_name: str | None = None):
    stored = resolve(path) if path else None
    if stored is None:
        abort(404)
    response = send_file(stored, max_age=max_age, download_name=download_name,
                         as_attachment=False, conditional=True)
    # Unpublished files must not sit in shared caches; published images never change.
    if lot.is_published:
        response.cache_control.public = True
        if max_age == YEAR:
            response.cache_control.immutable = True
    else:
        response.cache_control.private = True
    return response


@bp.get("/photos/<int:photo_id>")
def photo(photo_id: int):
    item = db.get_or_404(LotPhoto, photo_id)
    _visible(item.lot)
    return _send(item.path, lot=item.lot, max_age=YEAR)


@bp.get("/photos/<int:photo_id>/thumb")
def thumb(photo_id: int):
    item = db.get_or_404(LotPhoto, photo_id)
    _visible(item.lot)
    return _send(item.thumb_path, lot=item.lot, max_age=YEAR)


@bp.get("/analyses/<int:analysis_id>/<any(report, ota_report, pah_report, pesticides_report, cut_test_photo):kind>")
def analysis_file(analysis_id: int, kind: str):
    analysis = db.get_or_404(QualityAnalysis, analysis_id)
    _visible(analysis.lot)
    if kind == "cut_test_photo":
        return _send(analysis.cut_test_photo_path, lot=analysis.lot, max_age=YEAR)
    return _send(getattr(analysis, REPORT_FILES[kind]), lot=analysis.lot, max_age=DAY,
                 download_name=f"{analysis.lot.lot_code}-{kind}.pdf")


@bp.get("/certificates/<int:certificate_id>")
def certificate_file(certificate_id: int):
    certificate = db.get_or_404(Certificate, certificate_id)
    _visible(certificate.lot)
    return _send(certificate.file_path, lot=certificate.lot, max_age=DAY,
                 download_name=f"{certificate.lot.lot_code}-{certificate.scheme}.pdf")


@bp.get("/<int:lot_id>/eudr/<any('no-deforestation', legality):kind>")
def eudr_file(lot_id: int, kind: str):
    lot = db.get_or_404(Lot, lot_id)
    _visible(lot)
    return _send(getattr(lot, EUDR_FILES[kind]), lot=lot, max_age=DAY,
                 download_name=f"{lot.lot_code}-{kind}.pdf")
