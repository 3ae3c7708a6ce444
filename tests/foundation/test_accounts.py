"""Buyers sign up, log in and out, edit their profile and reset a password; reps join."""

from __future__ import annotations

import re

import itsdangerous
import pytest

from matchmaker.models import BuyerProfile, Invitation, OutboxMessage, User
from tests.factories import PASSWORD, login

NEW_PASSWORD = "mango-selva-lluvia-42"


def signup_form(**overrides) -> dict:
    data = {
        "name": "Anna Becker", "email": "anna@edelkakao.example", "phone": "+49 30 1234567",
        "password": PASSWORD, "confirm": PASSWORD, "company": "Edelkakao Manufaktur",
        "country": "DE", "buyer_type": "chocolate_maker", "volume_min_mt": "2",
        "volume_max_mt": "12.5", "certifications_needed": ["eu_organic", "fairtrade"],
        "languages": ["de", "en", "es"], "website": "https://edelkakao.test",
        "locale": "en", "share_contact_default": "y",
    }
    data.update(overrides)
    return data


def only_link(body: str, path: str) -> str:
    links = re.findall(r"https?://\S+", body)
    matching = [link for link in links if path in link]
    assert len(matching) == 1, body
    return matching[0]


def outbox(db, kind: str) -> list[OutboxMessage]:
    return db.session.scalars(
        db.select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)
    ).all()


def test_buyer_signs_up_with_full_profile_and_is_logged_in(client, db):
    response = client.post("/signup", data=signup_form())
    assert response.status_code == 302
    user = db.session.scalar(db.select(User).where(User.email == "anna@edelkakao.example"))
    assert user.role == "buyer" and user.locale == "en" and user.phone == "+49301234567"  # E.164
    profile = user.buyer_profile
    assert profile.company == "Edelkakao Manufaktur" and profile.country == "DE"
    assert profile.buyer_type == "chocolate_maker"
    assert float(profile.volume_min_mt) == 2 and float(profile.volume_max_mt) == 12.5
    assert profile.certification_codes == ["eu_organic", "fairtrade"]
    assert profile.language_codes == ["de", "en", "es"]
    assert profile.share_contact_default is True
    assert client.get("/account/profile").status_code == 200


def test_signup_stores_email_lower_case(client, db):
    client.post("/signup", data=signup_form(email="  Anna@EdelKakao.EXAMPLE "))
    assert db.session.scalar(db.select(User.email)) == "anna@edelkakao.example"


def test_signup_form_lists_translated_choices(client):
    html = client.get("/signup", headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert "Chocolatero" in html and "Alemania" in html and "Neerlandés" in html


def test_login_and_logout(client, factories):
    user = factories.user("buyer", name="Pieter de Jong")
    response = client.post("/login", data={"email": user.email.upper(), "password": PASSWORD},
                           headers={"Accept-Language": "en"}, follow_redirects=True)
    assert "Welcome, Pieter de Jong." in response.get_data(as_text=True)
    assert client.get("/account/profile").status_code == 200
    assert client.get("/logout").status_code == 405  # log-out is a POST only
    response = client.post("/logout", follow_redirects=True, headers={"Accept-Language": "en"})
    assert "You have logged out." in response.get_data(as_text=True)
    assert client.get("/account/profile").status_code == 302


def test_login_with_wrong_password_is_refused(client, factories):
    user = factories.user("buyer")
    response = client.post("/login", data={"email": user.email, "password": "wrong-password-x"},
                           headers={"Accept-Language": "en"})
    assert response.status_code == 422
    assert "E-mail or password is not correct." in response.get_data(as_text=True)
    assert client.get("/account/profile").status_code == 302


def test_login_follows_only_local_next(client, factories):
    user = factories.user("buyer")
    response = client.post("/login?next=//evil.test/x", data={"email": user.email, "password": PASSWORD})
    assert response.headers["Location"] == "/"
    client.post("/logout")
    response = client.post("/login?next=/account/profile", data={"email": user.email, "password": PASSWORD})
    assert response.headers["Location"] == "/account/profile"


def test_buyer_edits_profile(client, db, factories):
    user = factories.user("buyer")
    login(client, user)
    response = client.post("/account/profile", data=signup_form(
        name="Anna B.", company="Neue Schokolade GmbH", country="AT", buyer_type="importer",
        certifications_needed=["usda_nop"], languages=["en"], locale="es",
        share_contact_default="",
    ))
    assert response.status_code == 302
    db.session.expire_all()
    user = db.session.get(User, user.id)
    assert user.name == "Anna B." and user.locale == "es"
    profile = user.buyer_profile
    assert (profile.company, profile.country, profile.buyer_type) == ("Neue Schokolade GmbH", "AT", "importer")
    assert profile.certification_codes == ["usda_nop"] and profile.share_contact_default is False
    # The new profile language is the site language from now on.
    assert "Su perfil" in client.get("/account/profile").get_data(as_text=True)


def test_profile_form_shows_saved_values(client, factories):
    user = factories.user("buyer", company="Cacao Nord", country="CA")
    login(client, user)
    html = client.get("/account/profile").get_data(as_text=True)
    assert 'value="Cacao Nord"' in html
    assert re.search(r'<option selected value="CA">|<option value="CA" selected>', html)


def test_password_reset_through_the_outbox_link(client, db, factories):
    user = factories.user("buyer", name="Lucía García", email="lucia@chocolates.example")
    response = client.post("/password/forgot", data={"email": "Lucia@Chocolates.example"})
    assert response.status_code == 302
    [message] = outbox(db, "password_reset")
    assert message.recipient == "lucia@chocolates.example" and message.status == "pending"
    assert message.recipient_user_id == user.id
    link = only_link(message.body_text, "/password/reset/")
    path = link.split("://", 1)[1].split("/", 1)[1]
    assert client.get("/" + path).status_code == 200
    response = client.post("/" + path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    login(client, user, NEW_PASSWORD)
    client.post("/logout")
    # Single use: the same link cannot set another password.
    response = client.post("/" + path, data={"password": "otra-clave-segura-9", "confirm": "otra-clave-segura-9"},
                           headers={"Accept-Language": "es"})
    assert response.status_code == 422
    assert "Este enlace no es válido o ha caducado." in response.get_data(as_text=True)
    login(client, user, NEW_PASSWORD)


def test_password_reset_link_expires(client, db, factories, monkeypatch):
    user = factories.user("buyer", email="marco@cioccolato.example")
    client.post("/password/forgot", data={"email": user.email})
    [message] = outbox(db, "password_reset")
    path = "/" + only_link(message.body_text, "/password/reset/").split("/", 3)[3]
    issued = itsdangerous.TimestampSigner.get_timestamp
    later = 2 * 3600 + 60
    monkeypatch.setattr(itsdangerous.TimestampSigner, "get_timestamp",
                        lambda self: issued(self) + later)
    response = client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 422
    db.session.expire_all()
    assert db.session.get(User, user.id).check_password(PASSWORD)


def test_forgot_password_for_unknown_address_says_the_same_and_sends_nothing(client, db):
    response = client.post("/password/forgot", data={"email": "nobody@nowhere.example"},
                           headers={"Accept-Language": "en"}, follow_redirects=True)
    assert "If this address has an account" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(OutboxMessage)) == 0


def test_rep_invites_a_colleague_who_joins_the_same_organisation(client, db, factories):
    organisation = factories.organisation(name="Asociación Agroforestal Infierno")
    rep = factories.user("rep", organisation=organisation, name="Rosa Mishaja")
    login(client, rep)
    response = client.post("/account/organisation/members", data={"email": "Julio@Infierno.example"})
    assert response.status_code == 302
    [message] = outbox(db, "invitation")
    assert message.recipient == "julio@infierno.example"
    assert "Rosa Mishaja" in message.body_text and "Asociación Agroforestal Infierno" in message.body_text
    path = "/" + only_link(message.body_text, "/invitations/").split("/", 3)[3]
    client.post("/logout")

    assert "julio@infierno.example" in client.get(path).get_data(as_text=True)
    response = client.post(path, data={"name": "Julio Huajohuajo", "password": NEW_PASSWORD,
                                       "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    julio = db.session.scalar(db.select(User).where(User.email == "julio@infierno.example"))
    assert julio.role == "rep" and julio.organisation_id == organisation.id and julio.is_approved
    assert client.get("/account/organisation/members").status_code == 200  # logged in
    invitation = db.session.scalar(db.select(Invitation))
    assert invitation.accepted_at is not None and invitation.uses == 1
    client.post("/logout")
    # The link works once only.
    response = client.get(path)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    response = client.post(path, data={"name": "Intruso", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert db.session.scalar(db.select(db.func.count()).select_from(User).where(User.role == "rep")) == 2


def test_invitation_to_an_existing_account_is_refused(client, db, factories):
    rep = factories.user("rep")
    factories.user("buyer", email="anna@x.example")
    login(client, rep)
    response = client.post("/account/organisation/members", data={"email": "Anna@X.example"},
                           headers={"Accept-Language": "es"})
    assert response.status_code == 409
    assert "Ya existe una cuenta con este correo electrónico." in response.get_data(as_text=True)
    assert outbox(db, "invitation") == []


def test_self_signed_rep_waits_for_approval(client, db, factories):
    organisation = factories.organisation(name="Asociación Tahuamanu")
    response = client.post("/signup/rep", data={
        "name": "Luis Vargas", "email": "luis@tahuamanu.example", "organisation_id": organisation.id,
        "password": PASSWORD, "confirm": PASSWORD,
    })
    assert response.status_code == 302
    luis = db.session.scalar(db.select(User).where(User.email == "luis@tahuamanu.example"))
    assert luis.role == "rep" and not luis.is_approved and luis.organisation_id == organisation.id

    response = client.post("/login", data={"email": luis.email, "password": PASSWORD},
                           headers={"Accept-Language": "es"})
    assert response.status_code == 403
    assert "Su cuenta está pendiente de aprobación" in response.get_data(as_text=True)

    login(client, factories.user("organiser"))
    html = client.get("/admin/users?pending=1").get_data(as_text=True)
    assert "Luis Vargas" in html
    assert client.post(f"/admin/users/{luis.id}/approve").status_code == 302
    client.post("/logout")
    login(client, luis)
    assert client.get("/account/organisation/members").status_code == 200


def test_organiser_deactivates_and_reactivates_a_user(client, db, factories):
    buyer = factories.user("buyer")
    organiser = factories.user("organiser")
    buyer_client = client.application.test_client()
    login(buyer_client, buyer)
    login(client, organiser)
    assert client.post(f"/admin/users/{buyer.id}/deactivate").status_code == 302
    db.session.expire_all()
    assert db.session.get(User, buyer.id).is_active is False
    # The open session stops working and a new log-in is refused.
    assert buyer_client.get("/account/profile").status_code == 302
    response = buyer_client.post("/login", data={"email": buyer.email, "password": PASSWORD})
    assert response.status_code == 403
    assert client.post(f"/admin/users/{buyer.id}/activate").status_code == 302
    login(buyer_client, buyer)


def test_organiser_cannot_deactivate_themself(client, db, factories):
    organiser = factories.user("organiser")
    login(client, organiser)
    client.post(f"/admin/users/{organiser.id}/deactivate")
    db.session.expire_all()
    assert db.session.get(User, organiser.id).is_active is True


def test_approving_a_buyer_is_refused_with_a_message(client, db, factories):
    buyer = factories.user("buyer")
    login(client, factories.user("organiser", locale="en"))
    response = client.post(f"/admin/users/{buyer.id}/approve", follow_redirects=True)
    assert "Only reps need approval." in response.get_data(as_text=True)


@pytest.mark.parametrize("role", ["buyer", "organiser"])
def test_change_password_requires_the_current_one(client, db, factories, role):
    user = factories.user(role)
    login(client, user)
    response = client.post("/account/password", data={
        "current_password": "not-my-password", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 422
    response = client.post("/account/password", data={
        "current_password": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).check_password(NEW_PASSWORD)


def test_buyer_profile_row_is_removed_with_the_user(db, factories):
    user = factories.user("buyer")
    db.session.delete(user)
    db.session.commit()
    assert db.session.scalar(db.select(db.func.count()).select_from(BuyerProfile)) == 0
