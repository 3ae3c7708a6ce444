"""Lead exports read like the fair: event-local times with their zone, real date cells in
XLSX, phone numbers without a formula guard's apostrophe (formulas still neutralised)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from openpyxl import load_workbook

from matchmaker.extensions import db
from tests.qr_leads.test_qr_leads_lead_views import _client_as, _lead


def _fixture(fair):
    lead = _lead(fair, lot=fair.lot)
    fair.event.timezone = "America/Lima"  # UTC-5, no summer time
    lead.first_contact_at = datetime(2026, 5, 14, 15, 30, tzinfo=UTC)
    lead.last_contact_at = datetime(2026, 5, 15, 2, 5, tzinfo=UTC)  # still the 14th in Lima
    fair.buyer.phone = "+51982000111"
    fair.buyer.name = "=cmd|' /C calc'!A0"
    db.session.commit()


def _record(rows):
    header, row = rows
    return dict(zip(header, row, strict=True))


def test_csv_export_has_event_local_times_zone_and_a_clean_phone(app, fair):
    _fixture(fair)
    body = _client_as(app, fair.rep).get("/leads/export.csv").data.decode("utf-8-sig")
    record = _record(list(csv.reader(io.StringIO(body))))
    assert record["First contact"] == "2026-05-14 10:30"
    assert record["Last contact"] == "2026-05-14 21:05"
    assert record["Time zone"] == "America/Lima"
    assert record["Phone"] == "+51982000111"
    assert record["Buyer"] == "'=cmd|' /C calc'!A0"


def test_xlsx_export_has_date_cells_in_event_time_and_a_clean_phone(app, fair):
    _fixture(fair)
    response = _client_as(app, fair.organiser).get("/leads/export.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    header = [cell.value for cell in sheet[1]]
    cells = dict(zip(header, sheet[2], strict=True))
    assert cells["First contact"].is_date
    assert cells["First contact"].value == datetime(2026, 5, 14, 10, 30)
    assert cells["Last contact"].value == datetime(2026, 5, 14, 21, 5)
    assert cells["Time zone"].value == "America/Lima"
    assert cells["Phone"].value == "+51982000111"
    assert cells["Phone"].data_type == "s"
    assert cells["Buyer"].value == "'=cmd|' /C calc'!A0"
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
