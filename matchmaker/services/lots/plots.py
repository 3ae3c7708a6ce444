"""Production plots for EUDR geolocation: typed GPS points or uploaded GeoJSON, all-or-nothing."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage

from matchmaker.errors import Conflict, ValidationFailed
from matchmaker.extensions import db
from matchmaker.lotsheet import Problem, errors_only, geo
from matchmaker.models import Lot, ProductionPlot

MAX_GEOJSON_BYTES = 2 * 1024 * 1024


def problem_messages(problems: list[Problem]) -> list[str]:
    """Each problem translated and filled in (they name the plot and the rule)."""
    return [_(p.template, **p.params) for p in problems]


def _refuse(problems: list[Problem], code: str = "invalid_geometry", field: str = "geometry"):
    messages = problem_messages(problems)
    return ValidationFailed(" ".join(messages), code=code, field=field, messages=messages,
                            problems=[p.code for p in problems])


def _declared(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        area = Decimal(str(value))
    except InvalidOperation:
        return None
    return area if area.is_finite() else None


def _areas(value: Any, geometry: Mapping[str, Any]) -> tuple[Decimal | None, Decimal | None]:
    """(area used, declared area): a polygon's measured area wins over what was declared,
    which is kept apart; a point has only its declared area."""
    declared = _declared(value)
    if geometry.get("type") == "Polygon":
        measured = Decimal(repr(geo.polygon_area_ha(geometry))).quantize(Decimal("0.0001"))
        return measured, declared
    return declared, None


def _warnings(problems: list[Problem]) -> list[Problem]:
    """The non-blocking problems; callers translate them with `problem_messages`."""
    return [p for p in problems if not p.is_error]


def _check_refs(lot: Lot, refs: list[str]) -> None:
    existing = {p.plot_ref for p in lot.plots}
    seen: set[str] = set()
    for ref in refs:
        if not ref:
            raise ValidationFailed(_("Give every plot an identifier."), code="plot_ref_required",
                                   field="plot_ref")
        if ref in existing or ref in seen:
            raise Conflict(_("The lot already has a plot called %(ref)s.", ref=ref),
                           code="plot_ref_taken", field="plot_ref")
        seen.add(ref)


def add_plot_from_coordinates(
    lot: Lot, *, plot_ref: str, producer_name: str, production_place: str = "",
    area_ha: Decimal | None = None, coordinates: str,
) -> ProductionPlot:
    """A plot from "lat, lon" lines as a GPS shows them: one line a Point, more a Polygon.

    Raises:
        ValidationFailed: ``invalid_coordinates_text`` (lines that are not coordinates),
            ``invalid_geometry`` (EUDR rules: decimals, Peru, closure, crossing, point size),
            ``plot_ref_required``, ``producer_required``.
        Conflict: ``plot_ref_taken``.
    """
    plot_ref, producer_name = plot_ref.strip(), producer_name.strip()
    geometry, problems = geo.parse_lat_lon_lines(coordinates)
    if geometry is None:
        raise _refuse(problems, code="invalid_coordinates_text", field="coordinates")
    if not producer_name:
        raise ValidationFailed(_("Name the producer of this plot."), code="producer_required",
                               field="producer_name")
    _check_refs(lot, [plot_ref])
    area, declared = _areas(area_ha, geometry)
    found = geo.validate_geometry(geometry, area_ha=declared if declared is not None else area,
                                  feature=plot_ref, typed=True, department=lot.region)
    found += geo.padding_problems([geometry])
    problems = errors_only(found)
    if problems:
        raise _refuse(problems, field="coordinates")
    plot = _add(lot, plot_ref, producer_name, production_place.strip(), area, geometry, declared)
    plot.warnings = _warnings(found)
    return plot


def _add(lot, plot_ref, producer_name, production_place, area, geometry,
         declared=None) -> ProductionPlot:
    plot = ProductionPlot(
        plot_ref=str(plot_ref), producer_name=producer_name, production_place=production_place,
        area_ha=area, declared_area_ha=declared, geometry_type=geometry["type"],
        # Written digit for digit from Decimals: the six-plus decimals survive storage.
        geometry_json=geo.dumps_geojson(geometry),
    )
    plot.warnings = []  # filled by the callers; not stored
    lot.plots.append(plot)
    return plot


def read_geojson_upload(file: FileStorage) -> str:
    """The text of an uploaded .geojson file.

    Raises:
        ValidationFailed: ``empty_file``, ``too_large``, ``not_text``.
    """
    content = file.stream.read(MAX_GEOJSON_BYTES + 1)
    if not content:
        raise ValidationFailed(_("The file is empty."), code="empty_file", field="file")
    if len(content) > MAX_GEOJSON_BYTES:
        raise ValidationFailed(_("The file is larger than %(mb)d MB.", mb=2), code="too_large",
                               field="file")
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValidationFailed(_("The file is not a GeoJSON text file."), code="not_text",
                               field="file") from error


def import_geojson(
    lot: Lot, source: str, *, producer_name: str = "", production_place: str = "",
    area_ha: Decimal | None = None,
) -> list[ProductionPlot]:
    """Plots from GeoJSON text (a FeatureCollection adds one plot per feature): all or none.

    Properties ProducerName, ProductionPlace and Area (the EU TRACES names) win over the
    defaults given; a plot's reference is the feature's id, plot_id or name, else P<n>.

    Raises:
        ValidationFailed: ``invalid_geojson`` (messages name each plot and the rule it
            breaks), ``producer_required``, ``plot_ref_required``.
        Conflict: ``plot_ref_taken``.
    """
    found = geo.validate_geojson(source, area_ha=area_ha, department=lot.region)
    problems = errors_only(found)
    if problems:
        raise _refuse(problems, code="invalid_geojson", field="geojson")
    doc = geo.load_geojson(source)
    if doc.get("type") == "FeatureCollection":
        features = doc["features"]
    elif doc.get("type") == "Feature":
        features = [doc]
    else:
        features = [{"type": "Feature", "geometry": doc, "properties": {}}]
    existing = len(lot.plots)
    rows = []
    for index, feature in enumerate(features, start=1):
        properties = feature.get("properties") or {}
        ref = feature.get("id") or properties.get("plot_id") or properties.get("name") \
            or f"P{existing + index:02d}"
        producer = str(properties.get("ProducerName") or producer_name).strip()
        if not producer:
            raise ValidationFailed(
                _("Plot %(feature)s has no producer name; fill in the producer field.",
                  feature=ref), code="producer_required", field="producer_name")
        place = str(properties.get("ProductionPlace") or production_place).strip()
        area, declared = _areas(properties.get("Area", area_ha), feature["geometry"])
        rows.append((str(ref).strip(), producer, place, area, feature["geometry"], declared))
    _check_refs(lot, [row[0] for row in rows])
    plots = [_add(lot, *row) for row in rows]
    if plots:
        # Warnings (declared area far from the measured one, near the border, padded
        # decimals…) travel with the first new plot for the page to show.
        plots[0].warnings = _warnings(found)
    db.session.flush()
    return plots


def delete_plot(plot: ProductionPlot) -> None:
    """Remove a plot from its lot."""
    lot = plot.lot
    db.session.delete(plot)
    db.session.flush()
    db.session.expire(lot, ["plots"])


def eudr_plots(lot: Lot) -> list[geo.Plot]:
    """The lot's plots in the shape lotsheet.geo exports."""
    return [geo.Plot(p.plot_ref, p.producer_name, p.production_place, p.area_ha, p.geometry_json,
                     p.declared_area_ha)
            for p in lot.plots]
