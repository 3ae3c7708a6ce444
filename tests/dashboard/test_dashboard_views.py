"""Dashboard pages, chart SVG/CSV endpoints, reports and the permission matrix."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.dashboard.conftest import report_file
from tests.factories import make_user


def test_organiser_sees_the_event_dashboard_with_every_chart(fair, login_as):
    client = login_as(fair.organiser)
    response = client.get(f"/dashboard/events/{fair.event.slug}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.count('role="img"') == 11
    assert f"/dashboard/events/{fair.event.slug}/charts/meetings.csv" in html
    assert "style=" not in html and "<script>" not in html


def test_rep_lands_on_their_organisation_and_cannot_see_others(fair, login_as):
    client = login_as(fair.other_rep)
    response = client.get(f"/dashboard/events/{fair.event.slug}")
    assert response.status_code == 200
    assert fair.other.name in response.get_data(as_text=True)
    slug = fair.event.slug
    assert client.get(f"/dashboard/events/{slug}?org={fair.infierno.slug}").status_code == 403
    assert client.get(f"/dashboard/events/{slug}/charts/meetings.csv?org={fair.infierno.slug}").status_code == 403
    assert report_file(client, slug, "pdf", "es", org=fair.infierno.slug).status_code == 403
    # Their own CSV holds their numbers only: one held meeting.
    text = client.get(f"/dashboard/events/{slug}/charts/meetings.csv?org={fair.other.slug}").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[1:] == [["Solicitada", "1"], ["Aceptada", "1"], ["Realizada", "1"], ["No se presentó", "0"]] or \
        [row[1] for row in rows[1:]] == ["1", "1", "1", "0"]


@pytest.mark.parametrize("path", [
    "/dashboard/events/{slug}", "/dashboard/events/{slug}/charts/meetings.svg",
    "/dashboard/events/{slug}/charts/meetings.csv", "/dashboard/events/{slug}/buyers",
])
def test_buyers_are_refused(fair, login_as, path):
    client = login_as(fair.buyers[0])
    assert client.get(path.format(slug=fair.event.slug)).status_code == 403


@pytest.mark.parametrize("kind", ["pdf", "xlsx"])
def test_buyers_cannot_ask_for_the_report(fair, login_as, kind):
    assert report_file(login_as(fair.buyers[0]), fair.event.slug, kind, "en").status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(fair, client):
    response = client.get(f"/dashboard/events/{fair.event.slug}")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_chart_endpoint_serves_valid_svg_and_csv_matches(fair, login_as):
    client = login_as(fair.organiser)
    response = client.get(f"/dashboard/events/{fair.event.slug}/charts/scans_by_lot.svg")
    assert response.mimetype == "image/svg+xml"
    root = ET.fromstring(response.get_data())  # noqa: S314 - our own output
    bars = [r for r in root.iter("{http://www.w3.org/2000/svg}rect") if r.get("class") == "bar"]
    assert [(b.get("data-label"), b.get("data-value")) for b in bars] == [
        (fair.lot_a.lot_code, "3"), (fair.lot_b.lot_code, "1")]
    text = client.get(f"/dashboard/events/{fair.event.slug}/charts/scans_by_lot.csv").get_data(as_text=True)
    assert list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))[1:] == [
        [fair.lot_a.lot_code, "3"], [fair.lot_b.lot_code, "1"]]
    table = client.get(f"/dashboard/events/{fair.event.slug}/charts/scans_by_lot").get_data(as_text=True)
    assert "<th scope=\"row\">" + fair.lot_a.lot_code in table
    assert client.get(f"/dashboard/events/{fair.event.slug}/charts/nope.svg").status_code == 404


@pytest.mark.parametrize("lang, words", [("es", "Informe posferia"), ("en", "Post-fair report")])
def test_report_pdf_opens_with_event_name_and_figures(fair, login_as, lang, words):
    client = login_as(fair.organiser)
    response = report_file(client, fair.event.slug, "pdf", lang)
    assert response.mimetype == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.get_data())).pages)
    assert fair.event.name in text
    assert words in text
    assert fair.lot_a.lot_code in text  # top lots by interest
    assert ("Exhibitors 2" if lang == "en" else "Expositores 2") in text
    flat = " ".join(text.split())
    assert ("Meetings held 2" if lang == "en" else "Reuniones realizadas 2") in flat


def test_report_xlsx_holds_the_underlying_tables(fair, login_as):
    client = login_as(fair.rep)
    response = report_file(client, fair.event.slug, "xlsx", "en", org=fair.infierno.slug)
    workbook = load_workbook(io.BytesIO(response.get_data()), read_only=True)
    assert workbook.sheetnames[0] == "Headline figures"
    headline = {row[0]: row[1] for row in workbook["Headline figures"].iter_rows(min_row=2, values_only=True)}
    assert headline["Meetings held"] == 1 and headline["Leads"] == 2
    meetings = list(workbook["Meetings"].iter_rows(values_only=True))
    assert meetings == [("Stage", "Count"), ("Requested", 4), ("Accepted", 3), ("Held", 1), ("No-show", 1)]
    summary = list(workbook["Lead summary"].iter_rows(min_row=2, values_only=True))
    assert summary == [(fair.infierno.name, 2, 1, 0, 0, 0)]
    workbook.close()


def test_organiser_checks_a_buyer_in_once(fair, login_as, db):
    from matchmaker.models import CheckIn

    client = login_as(fair.organiser)
    page = client.get(f"/dashboard/events/{fair.event.slug}/buyers").get_data(as_text=True)
    assert fair.buyers[3].name in page
    for _ in range(2):
        response = client.post(f"/dashboard/events/{fair.event.slug}/buyers/{fair.buyers[3].id}/check-in")
        assert response.status_code == 302
    assert db.session.scalar(db.select(db.func.count()).select_from(CheckIn)
                             .where(CheckIn.event_id == fair.event.id)) == 4


def test_archived_event_leaves_the_home_page_but_organisers_still_read_it(fair, login_as, db, client):
    from matchmaker.services.events import current as current_event

    organiser = login_as(fair.organiser)
    assert organiser.post(f"/dashboard/events/{fair.event.slug}/archive", data={"archived": "1"}).status_code == 302
    db.session.expire_all()
    assert fair.event.is_archived
    assert current_event() is None or current_event().id != fair.event.id
    assert organiser.get(f"/dashboard/events/{fair.event.slug}").status_code == 200
    organiser.post(f"/dashboard/events/{fair.event.slug}/archive", data={"archived": "0"})
    db.session.expire_all()
    assert not fair.event.is_archived


def test_unapproved_rep_is_refused(fair, login_as, db):
    rep = make_user("rep", organisation=fair.infierno)
    client = login_as(rep)
    rep.is_approved = False
    db.session.commit()
    assert client.get(f"/dashboard/events/{fair.event.slug}?org={fair.infierno.slug}").status_code == 403
