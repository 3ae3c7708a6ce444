"""Bad input gets a clear Spanish message, keeps what was typed and writes nothing."""

from __future__ import annotations

import io

import pytest

from matchmaker.models import BuyerProfile, Event, Exhibitor, Organisation, User
from matchmaker.services.events import register_exhibitor
from tests.factories import PASSWORD, login
from tests.foundation.test_accounts import signup_form
from tests.foundation.test_events_admin import event_form, organisation_form

ES = {"Accept-Language": "es-PE,es;q=0.9"}


def count(db, model) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def test_duplicate_email_differing_only_in_case(client, db, factories):
    factories.user("buyer", email="Anna@X.example")
    response = client.post("/signup", data=signup_form(email="anna@x.example", company="Segunda Empresa SAC"),
                           headers=ES)
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Ya existe una cuenta con este correo electrónico." in html
    assert 'value="Segunda Empresa SAC"' in html and 'value="anna@x.example"' in html
    assert count(db, User) == 1 and count(db, BuyerProfile) == 1


@pytest.mark.parametrize(
    ("password", "confirm", "message"),
    [
        ("corta", "corta", "Use al menos 10 caracteres."),
        ("1234567890", "1234567890", "Esta contraseña es demasiado fácil de adivinar."),
        ("aaaaaaaaaaaa", "aaaaaaaaaaaa", "Esta contraseña es demasiado fácil de adivinar."),
        ("annabecker-2026", "annabecker-2026", "No use su nombre ni su correo electrónico en la contraseña."),
        (PASSWORD, PASSWORD + "!", "Las contraseñas no coinciden."),
    ],
)
def test_weak_or_mismatched_password(client, db, password, confirm, message):
    response = client.post("/signup", data=signup_form(email="annabecker@edelkakao.example",
                                                       password=password, confirm=confirm), headers=ES)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html
    assert "Corrija los campos marcados." in html
    assert 'value="Edelkakao Manufaktur"' in html and 'value="annabecker@edelkakao.example"' in html
    assert password not in html  # passwords are never echoed back
    assert count(db, User) == 0


def test_over_long_fields(client, db):
    long_name = "N" * 121
    response = client.post("/signup", data=signup_form(name=long_name, company="C" * 161), headers=ES)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "120" in html and "160" in html
    assert "caracteres" in html  # WTForms' own message, in Spanish
    assert f'value="{long_name}"' in html
    assert count(db, User) == 0


def test_missing_required_field_in_spanish(client, db):
    response = client.post("/signup", data=signup_form(company=""), headers=ES)
    assert response.status_code == 422
    assert "Este campo es obligatorio." in response.get_data(as_text=True)
    assert count(db, User) == 0


def test_invalid_email_and_volume_range(client, db):
    response = client.post("/signup", data=signup_form(email="anna-at-edelkakao", volume_min_mt="20",
                                                       volume_max_mt="5"), headers=ES)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "El volumen máximo no puede ser menor que el mínimo." in html
    assert 'value="anna-at-edelkakao"' in html
    assert count(db, User) == 0


def test_event_ending_before_it_starts(client, db, factories):
    login(client, factories.user("organiser", locale="es"))
    response = client.post("/admin/events/new", data=event_form(
        name="Feria Al Revés", starts_on="2027-07-18", ends_on="2027-07-15"))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "La feria no puede terminar antes de empezar." in html
    assert 'value="Feria Al Revés"' in html and 'value="2027-07-18"' in html
    assert count(db, Event) == 0


def test_editing_an_event_into_reversed_dates_changes_nothing(client, db, factories):
    event = factories.event(name="Feria Intacta")
    login(client, factories.user("organiser", locale="es"))
    response = client.post(f"/admin/events/{event.slug}/edit", data=event_form(
        name="Feria Cambiada", starts_on="2027-07-18", ends_on="2027-07-15"))
    assert response.status_code == 422
    assert 'value="Feria Cambiada"' in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Event, event.id).name == "Feria Intacta"


def test_duplicate_booth(client, db, factories):
    event = factories.event()
    register_exhibitor(event, factories.organisation(), "A-01")
    db.session.commit()
    second = factories.organisation(name="Asociación Segunda")
    login(client, factories.user("organiser", locale="es"))
    response = client.post(f"/admin/events/{event.slug}", data={"organisation_id": second.id, "booth": "a-01"})
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "El stand A-01 ya está asignado." in html
    assert 'value="a-01"' in html
    assert f'<option selected value="{second.id}">' in html or f'value="{second.id}" selected' in html
    assert count(db, Exhibitor) == 1


def test_exhibitor_without_organisation(client, db, factories):
    event = factories.event()
    login(client, factories.user("organiser", locale="es"))
    response = client.post(f"/admin/events/{event.slug}", data={"organisation_id": "0", "booth": "B-01"})
    assert response.status_code == 422
    assert count(db, Exhibitor) == 0


def test_bad_ruc_and_duplicate_organisation_name(client, db, factories):
    factories.organisation(name="Asociación Existente")
    login(client, factories.user("organiser", locale="es"))
    response = client.post("/organisations/new", data=organisation_form(ruc="12345"))
    assert response.status_code == 422
    assert "El RUC tiene 11 dígitos" in response.get_data(as_text=True)
    response = client.post("/organisations/new", data=organisation_form(name="asociación existente"))
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Ya existe otra organización con este nombre." in html
    assert "Cacao agroforestal Ese Eja." in html
    assert count(db, Organisation) == 1


def test_rejected_logo_keeps_the_rest_of_the_form(client, db, factories):
    login(client, factories.user("organiser", locale="es"))
    data = organisation_form(name="Asociación Con Logo Roto")
    data["logo"] = (io.BytesIO(b"%PDF-1.4 not an image"), "logo.png", "image/png")
    response = client.post("/organisations/new", data=data, content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "No se puede leer este archivo como imagen." in html
    assert 'value="Asociación Con Logo Roto"' in html and "Cacao agroforestal Ese Eja." in html
    assert count(db, Organisation) == 0


def test_login_errors_in_spanish_keep_the_email(client, factories):
    user = factories.user("buyer")
    response = client.post("/login", data={"email": user.email, "password": "incorrecta-123"}, headers=ES)
    html = response.get_data(as_text=True)
    assert "El correo electrónico o la contraseña no son correctos." in html
    assert f'value="{user.email}"' in html
