"""Buyer → rep contact: where the buyer shares their details with an organisation and a rep
of it chose to show theirs, the buyer sees the rep's e-mail, phone and a WhatsApp link whose
message (in the rep's language) names the lot."""

from __future__ import annotations

from urllib.parse import unquote

import pytest
from flask import g

from matchmaker.extensions import db
from matchmaker.services.leads.consent import set_consent
from matchmaker.services.matching.contact import rep_contacts
from tests.factories import login, make_lot, make_meeting, make_organisation, make_user

PHONE = "+51982000111"


@pytest.fixture
def org(app):
    return make_organisation(name="Asociación Nuevo Amanecer")


@pytest.fixture
def rep(org):
    user = make_user("rep", organisation=org, name="Rosa Mishaja", phone=PHONE, locale="es")
    user.shares_contact_with_buyers = True
    db.session.commit()
    return user


@pytest.fixture
def buyer(app):
    return make_user("buyer", name="Anna Becker", company="Edelkakao Manufaktur", locale="en")


def _text(link: str) -> str:
    return unquote(link.split("?text=", 1)[1])


def test_both_agreed_the_buyer_gets_the_reps_details_and_a_whatsapp_link(app, org, rep, buyer):
    lot = make_lot(org, lot_code="PE-MDD-NAM-26-001")
    with app.test_request_context():
        (found,) = rep_contacts(buyer, org, lot)
    assert found.rep.email == rep.email and found.phone == "+51 982 000 111"
    assert found.whatsapp.startswith("https://wa.me/51982000111?text=")
    message = _text(found.whatsapp)  # in the rep's language (Spanish), naming the lot
    assert message.startswith("Hola, Rosa Mishaja: le escribe Anna Becker, de Edelkakao")
    assert "sobre su lote PE-MDD-NAM-26-001" in message


def test_english_for_a_rep_who_reads_english_and_the_organisation_without_a_lot(app, org, rep,
                                                                               buyer):
    rep.locale = "en"
    db.session.commit()
    with app.test_request_context():
        (found,) = rep_contacts(buyer, org)
    assert _text(found.whatsapp) == ("Hello Rosa Mishaja, this is Anna Becker of Edelkakao "
                                     "Manufaktur (matchmaker). I am writing about the lots of "
                                     "Asociación Nuevo Amanecer.")


def test_nothing_unless_both_agreed(app, org, rep, buyer):
    with app.test_request_context():
        set_consent(buyer, org, False)  # the buyer withdrew
        assert rep_contacts(buyer, org) == []
        set_consent(buyer, org, True)
        rep.shares_contact_with_buyers = False  # the rep did not agree
        assert rep_contacts(buyer, org) == []
        rep.shares_contact_with_buyers = True
        rep.phone = ""  # agreed without a phone: e-mail only, no link
        (found,) = rep_contacts(buyer, org)
        assert found.whatsapp is None and found.phone == ""


def test_meeting_page_shows_the_buyer_the_reps_whatsapp_beside_email_and_phone(
        app, org, rep, buyer, client, login_as):
    lot = make_lot(org, lot_code="PE-MDD-NAM-26-002")
    meeting = make_meeting(buyer=buyer, organisation=org, lots=[lot])
    login_as(buyer)
    html = client.get(f"/meetings/{meeting.id}", headers={"Accept-Language": "en"}).get_data(
        as_text=True)
    assert f'href="mailto:{rep.email}"' in html and "+51 982 000 111" in html
    assert 'class="whatsapp" href="https://wa.me/51982000111?text=' in html
    assert "PE-MDD-NAM-26-002" in unquote(html.split("wa.me/51982000111?text=")[1].split('"')[0])
    g.pop("_login_user", None)
    as_rep = app.test_client()
    login(as_rep, rep)  # the rep's own view of the meeting lists no rep contacts
    rep_view = as_rep.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Anna Becker" in rep_view
    assert "wa.me/51982000111" not in rep_view


def test_my_contacts_page_lists_the_reps_who_agreed(app, org, rep, buyer, client, login_as):
    with app.test_request_context():
        set_consent(buyer, org, True)
    db.session.commit()
    login_as(buyer)
    html = client.get("/my-contacts", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Rosa Mishaja" in html and "https://wa.me/51982000111?text=" in html


def test_a_rep_agrees_on_the_profile_page(app, org, client, login_as):
    rep = make_user("rep", organisation=org, phone=PHONE)
    assert rep.shares_contact_with_buyers is False  # off until the rep says so
    login_as(rep)
    html = client.get("/account/profile", headers={"Accept-Language": "en"}).get_data(
        as_text=True)
    assert "Mostrar mi correo, teléfono y WhatsApp a los compradores" in html  # she reads Spanish
    response = client.post("/account/profile", data={
        "name": rep.name, "phone": PHONE, "locale": "es", "shares_contact_with_buyers": "y"})
    assert response.status_code == 302
    db.session.expire_all()
    assert rep.shares_contact_with_buyers is True
