"""Physical quality analyses of a lot: raw cut-test counts in, percentages and grade derived."""

from __future__ import annotations

from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage

from matchmaker.errors import ValidationFailed
from matchmaker.extensions import db
from matchmaker.lotsheet import errors_only, quality, units
from matchmaker.models import Lot, QualityAnalysis
from matchmaker.services.offers.changes import on_lot_changed
from matchmaker.uploads import save_image, save_pdf

COUNT_FIELDS = quality.COUNT_FIELDS
PERCENT_FIELDS = (
    "foreign_matter_pct", "cocoa_related_matter_pct", "flat_beans_pct", "sievings_pct",
    "ffa_pct", "fat_pct", "shell_pct",
)
ANALYSIS_FIELDS = (
    "analysis_date", "lab", "sample_kg", "moisture_pct", "bean_count_per_100g", "cut_test_n",
    *COUNT_FIELDS, *PERCENT_FIELDS, "fermentation_index", "cadmium_mg_kg",
)
# Report files a lab may send: field name on the model → kind used in URLs.
REPORT_FILES = {
    "report": "report_path", "ota_report": "ota_report_path", "pah_report": "pah_report_path",
    "pesticides_report": "pesticides_report_path",
}
# Model fields with the same name minus "_pct" in lotsheet.quality's messages.
_FIELD_ALIASES = {"n": "cut_test_n", "moisture": "moisture_pct",
                  "bean_count": "bean_count_per_100g"}


def _file_given(file: FileStorage | None) -> bool:
    return bool(file is not None and getattr(file, "filename", ""))


def check_analysis(fields: dict) -> None:
    """Every rule of lotsheet.quality on the typed values.

    Raises:
        ValidationFailed: the first problem's code (``counts_sum_mismatch``,
            ``negative_count``, ``sample_size_not_positive``, ``moisture_out_of_range``,
            ``bean_count_not_positive``, ``fermentation_index_negative``,
            ``percent_out_of_range``), with ``field`` and every problem in ``problems``.
    """
    cut = quality.CutTest(**{name: fields[name] for name in COUNT_FIELDS}, n=fields["cut_test_n"])
    problems = errors_only(quality.validate_analysis(
        cut_test=cut, moisture=fields["moisture_pct"], bean_count=fields["bean_count_per_100g"],
        fermentation_index=fields.get("fermentation_index"),
        percentages={name: fields.get(name) for name in PERCENT_FIELDS},
    ))
    cadmium = fields.get("cadmium_mg_kg")
    if not problems and cadmium is not None and cadmium < 0:
        raise ValidationFailed(_("Enter a number that is not negative."), code="negative_value",
                               field="cadmium_mg_kg")
    if problems:
        first = problems[0]
        field = _FIELD_ALIASES.get(first.field or "", first.field)
        raise ValidationFailed(
            _(first.template, **first.params), code=first.code, field=field,
            problems=[(_FIELD_ALIASES.get(p.field or "", p.field), _(p.template, **p.params))
                      for p in problems],
        )


def save_analysis(
    lot: Lot,
    analysis: QualityAnalysis | None = None,
    *,
    files: dict[str, FileStorage | None] | None = None,
    cut_test_photo: FileStorage | None = None,
    **fields,
) -> QualityAnalysis:
    """Add or update an analysis; fermented % and ISO grade are derived, the lot's grade cache
    refreshed. `files` maps keys of REPORT_FILES to uploaded PDFs; absent keys keep old files.

    Raises:
        ValidationFailed: see check_analysis; ``not_a_pdf``, ``not_an_image``, ``too_large``
            and ``empty_file`` from the uploads.
    """
    unknown = set(fields) - set(ANALYSIS_FIELDS)
    if unknown:
        raise TypeError(f"not analysis fields: {sorted(unknown)}")
    if fields.get("cut_test_n") is None:
        fields["cut_test_n"] = quality.DEFAULT_CUT_TEST_N
    for name in COUNT_FIELDS:
        fields[name] = fields.get(name) or 0
    fields["lab"] = (fields.get("lab") or "").strip()
    check_analysis(fields)
    result = quality.analyse_cut_test(
        quality.CutTest(**{name: fields[name] for name in COUNT_FIELDS}, n=fields["cut_test_n"])
    )
    # Store every file before touching the row: a refused file leaves the analysis as it was.
    stored = {}
    for key, file in (files or {}).items():
        if _file_given(file):
            try:
                stored[REPORT_FILES[key]] = save_pdf(file, f"lots/{lot.id}/analyses")
            except ValidationFailed as error:
                error.params.setdefault("field", key)
                raise
    if _file_given(cut_test_photo):
        try:
            stored["cut_test_photo_path"] = save_image(
                cut_test_photo, f"lots/{lot.id}/analyses").path
        except ValidationFailed as error:
            error.params.setdefault("field", "cut_test_photo")
            raise
    if analysis is None:
        analysis = QualityAnalysis(lot=lot)
        db.session.add(analysis)
    for name, value in {**fields, **stored}.items():
        setattr(analysis, name, value)
    analysis.fermented_pct = units.round_half_up(result.fermented, 2)
    analysis.iso_grade = result.iso_grade.value
    db.session.flush()
    refresh_latest_grade(lot)
    on_lot_changed(lot)  # material changes reach the offers holding the lot
    return analysis


def delete_analysis(analysis: QualityAnalysis) -> None:
    """Remove an analysis and refresh the lot's grade cache."""
    lot = analysis.lot
    db.session.delete(analysis)
    db.session.flush()
    db.session.expire(lot, ["analyses"])
    refresh_latest_grade(lot)
    on_lot_changed(lot)


def latest_analysis(lot: Lot) -> QualityAnalysis | None:
    """The most recent analysis by date (then by entry), which the sheet shows."""
    return db.session.scalar(
        db.select(QualityAnalysis).where(QualityAnalysis.lot_id == lot.id)
        .order_by(QualityAnalysis.analysis_date.desc(), QualityAnalysis.id.desc()).limit(1)
    )


def refresh_latest_grade(lot: Lot) -> str | None:
    """Copy the latest analysis's grade to Lot.latest_iso_grade (the catalogue filters on it)."""
    latest = latest_analysis(lot)
    lot.latest_iso_grade = latest.iso_grade if latest else None
    db.session.flush()
    return lot.latest_iso_grade


def derived(analysis: QualityAnalysis) -> dict:
    """Display values derived from the stored counts: percentages, grades, size, moisture check."""
    result = quality.analyse_cut_test(quality.CutTest(
        **{name: getattr(analysis, name) for name in COUNT_FIELDS}, n=analysis.cut_test_n))
    return {
        "percentages": {k: units.round_half_up(v, 1) for k, v in result.percentages.items()},
        "fermented_pct": units.round_half_up(result.fermented, 1),
        "defects_pct": units.round_half_up(result.insect_germinated_flat, 1),
        "iso_grade": result.iso_grade.value,
        "trade_grade": result.trade_grade.value if result.trade_grade else None,
        "bean_size": quality.bean_size(analysis.bean_count_per_100g).value,
        "moisture_ok": quality.moisture_ok(analysis.moisture_pct),
        "fermentation_adequate": (None if analysis.fermentation_index is None
                                  else quality.adequately_fermented(analysis.fermentation_index)),
    }

