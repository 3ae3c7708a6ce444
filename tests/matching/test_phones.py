"""Phone numbers in E.164 and WhatsApp links: the pure helper, the profile form, the import,
and the link a rep sees on a lead whose buyer shares contact details."""

from __future__ import annotations

from urllib.parse import unquote

import pytest

from matchmaker.extensions import db
from matchmaker.models import Lead, Role, User
from matchmaker.phones import readable, to_e164, whatsapp_link
from matchmaker.services.leads.consent import set_consent, shares_contact


@pytest.mark.parametrize(("raw", "region", "e164"), [
    ("+51 982 000 111", "PE", "+51982000111"),
    ("982-000-111", "PE", "+51982000111"),
    ("0049 30 1234567", "PE", "+49301234567"),
    ("030 1234567", "DE", "+49301234567"),
    ("12", "PE", None),
    ("not a phone", "PE", None),
    ("", "PE", None),
])
def test_to_e164(raw, region, e164):
    assert to_e164(raw, region) == e164


def test_whatsapp_link_and_readable_form():
    link = whatsapp_link("+51982000111", "Hola, ¿el lote PE-1?")
    assert link == "https://wa.me/51982000111?text=Hola%2C%20%C2%BFel%20lote%20PE-1%3F"
    assert whatsapp_link("+5198", "x") is None
    assert readable("+51982000111") == "+51 982 000 111"


def test_profile_stores_e164_and_refuses_a_bad_number(demo, demo_login, user):
    client = demo_login("diego.ramirez@cacaolima.demo")
    base = {"name": "Diego Ramírez", "company": "Cacao Lima SAC", "country": "PE",
            "buyer_type": "chocolate_maker", "locale": "es"}
    bad = client.post("/account/profile", data={**base, "phone": "12345"})
    assert bad.status_code == 422 and 'value="12345"' in bad.get_data(as_text=True)
    good = client.post("/account/profile", data={**base, "phone": "982 000 111"})
    assert good.status_code == 302
    diego = user("diego.ramirez@cacaolima.demo")
    db.session.refresh(diego)
    assert diego.phone == "+51982000111"


def test_rep_sees_a_whatsapp_link_naming_the_lot_when_the_buyer_shares(demo, demo_login):
    lead = db.session.scalars(db.select(Lead).order_by(Lead.id)).first()
    buyer = lead.buyer
    buyer.phone = "+4915112345678"
    set_consent(buyer, lead.organisation, True)
    db.session.commit()
    rep = db.session.scalar(db.select(User).where(
        User.organisation_id == lead.organisation_id, User.role == Role.REP,
        User.is_approved.is_(True)))
    client = demo_login(rep.email)
    html = client.get(f"/leads/{lead.id}").get_data(as_text=True)
    start = html.index("https://wa.me/4915112345678?text=")
    text = unquote(html[start:html.index('"', start)].split("text=")[1])
    assert buyer.name in text and lead.organisation.name in text
    if lead.lots:
        assert lead.lots[0].lot_code in text
    # Without the buyer's consent: no number, no link.
    set_consent(buyer, lead.organisation, False)
    db.session.commit()
    assert not shares_contact(buyer, lead.organisation)
    assert "wa.me" not in client.get(f"/leads/{lead.id}").get_data(as_text=True)
