"""Issue #12 item 1: every absolute link the site sends is built from BASE_URL, never from the
request's Host header; without BASE_URL the app refuses to start outside debug and testing."""

from __future__ import annotations

import io
import re

import pytest
import sqlalchemy as sa
import zxingcpp
from icalendar import Calendar
from PIL import Image

from matchmaker import ConfigurationError, create_app
from matchmaker.config import TestConfig
from matchmaker.extensions import db
from matchmaker.models import Notice, OutboxMessage
from matchmaker.services import qr_codes
from matchmaker.services.meetings.calendar import meeting_ics
from matchmaker.urls import external_url
from tests.factories import PASSWORD, make_meeting, make_user

EVIL = {"Host": "evil.example"}
LINK = re.compile(r"https?://[^\s]+")


def _links(text: str) -> list[str]:
    return LINK.findall(text)


def _login_on(client, user, headers=EVIL):
    """Log in through the forged host, so the cookie is sent on the requests that follow."""
    response = client.post("/login", data={"email": user.email, "password": PASSWORD},
                           headers=headers)
    assert response.status_code == 302


def _only_outbox(kind: str) -> OutboxMessage:
    return db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.kind == kind)).one()


def test_password_reset_link_ignores_a_forged_host(client, factories):
    user = factories.user("buyer", email="lucia@chocolates.example")
    response = client.post("/password/forgot", data={"email": user.email}, headers=EVIL)
    assert response.status_code == 302
    links = _links(_only_outbox("password_reset").body_text)
    assert len(links) == 1 and links[0].startswith("http://fair.test/password/reset/")
    assert "evil.example" not in _only_outbox("password_reset").body_text
    # The link works.
    token = links[0].rsplit("/", 1)[1]
    assert client.get(f"/password/reset/{token}").status_code == 200


def test_invitation_link_ignores_a_forged_host(client, factories):
    rep = factories.user("rep")
    _login_on(client, rep)
    response = client.post("/account/organisation/members", data={"email": "colleague@chocolates.example"},
                           headers=EVIL)
    assert response.status_code == 302
    body = _only_outbox("invitation").body_text
    assert "evil.example" not in body
    assert [link.startswith("http://fair.test/invitations/") for link in _links(body)] == [True]


def test_meeting_mail_notice_and_ics_carry_absolute_links_from_base_url(app):
    buyer = make_user("buyer")
    meeting = make_meeting(buyer=buyer, status="accepted")  # the rep accepts: mail to buyer
    expected = f"http://fair.test/meetings/{meeting.id}"
    message = db.session.scalars(sa.select(OutboxMessage).where(
        OutboxMessage.recipient_user_id == buyer.id)).one()
    assert expected in _links(message.body_text)
    notices = db.session.scalars(sa.select(Notice)).all()
    assert notices and {n.link for n in notices} == {expected}
    calendar = Calendar.from_ical(meeting_ics(meeting, buyer))
    [vevent] = calendar.walk("VEVENT")
    assert expected in str(vevent["DESCRIPTION"])


def test_external_url_works_outside_requests_with_a_path_prefix(app):
    app.config["BASE_URL"] = "https://match.example.org/fair"
    assert external_url("meetings.detail", meeting_id=15) == \
        "https://match.example.org/fair/meetings/15"
    assert external_url("offers.mine", _anchor="requests") == \
        "https://match.example.org/fair/my/offers/#requests"
    assert external_url("agenda.mine", event="expo-2026") == \
        "https://match.example.org/fair/agenda/?event=expo-2026"


def test_qr_codes_ignore_a_forged_host(client, app):
    from tests.factories import make_lot, make_organisation

    lot = make_lot(make_organisation())
    token = qr_codes.lot_token(lot)
    db.session.commit()
    # Outside any request (a background print job): still BASE_URL.
    assert qr_codes.short_url(token) == f"http://fair.test/q/{token.token}"
    response = client.get(f"/qr/{token.token}.png", headers=EVIL)
    [barcode] = zxingcpp.read_barcodes(Image.open(io.BytesIO(response.data)))
    assert barcode.text == f"http://fair.test/q/{token.token}"


def test_calendar_feed_url_ignores_a_forged_host(client):
    buyer = make_user("buyer")
    _login_on(client, buyer)
    client.post("/agenda/calendar/regenerate", headers=EVIL)
    html = client.get("/agenda/", headers=EVIL).get_data(as_text=True)
    assert "evil.example" not in html and "http://fair.test/calendar/" in html


def test_api_links_ignore_a_forged_host(client):
    from tests.factories import make_lot, make_organisation

    lot = make_lot(make_organisation())
    listing = client.get("/api/v1/lots", headers=EVIL)
    assert listing.status_code == 200
    assert "evil.example" not in listing.get_data(as_text=True)
    [row] = listing.get_json()["data"]
    assert row["url"] == f"http://fair.test/api/v1/lots/{lot.lot_code}"


@pytest.mark.parametrize("testing", [False, True])
def test_base_url_is_required_outside_debug_and_testing(database_url, testing):
    class NoBaseUrl(TestConfig):
        SQLALCHEMY_DATABASE_URI = database_url
        BASE_URL = ""
        TESTING = testing

    if testing:
        app = create_app(NoBaseUrl)
        assert app.config["BASE_URL"].startswith("http://")
        return
    with pytest.raises(ConfigurationError, match="BASE_URL is not set"):
        create_app(NoBaseUrl)


@pytest.mark.parametrize("value", ["match.example.org", "ftp://match.example.org",
                                   "https://match.example.org/?x=1"])
def test_base_url_must_be_an_http_address(database_url, value):
    class BadBaseUrl(TestConfig):
        SQLALCHEMY_DATABASE_URI = database_url
        BASE_URL = value

    with pytest.raises(ConfigurationError, match="BASE_URL must be"):
        create_app(BadBaseUrl)


def test_trailing_slash_is_dropped(database_url):
    class Slash(TestConfig):
        SQLALCHEMY_DATABASE_URI = database_url
        BASE_URL = "https://match.example.org/"

    assert create_app(Slash).config["BASE_URL"] == "https://match.example.org"


def test_maintenance_commands_load_without_base_url_but_build_no_links(database_url):
    """`flask db upgrade` or `flask i18n-build` need no BASE_URL; a command that would send a
    link (reminders, expiry) fails instead of sending a wrong one; `flask run` refuses."""
    import click

    class NoBaseUrl(TestConfig):
        SQLALCHEMY_DATABASE_URI = database_url
        BASE_URL = ""
        TESTING = False

    with click.Context(click.Command("upgrade"), info_name="upgrade"):
        app = create_app(NoBaseUrl)
    assert app.config["BASE_URL"] == ""
    with app.app_context(), pytest.raises(ConfigurationError, match="BASE_URL is not set"):
        external_url("meetings.detail", meeting_id=1)
    with click.Context(click.Command("run"), info_name="run"), \
            pytest.raises(ConfigurationError, match="BASE_URL is not set"):
        create_app(NoBaseUrl)
