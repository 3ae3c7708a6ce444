"""Organisers create and edit events, register exhibitors, read the outbox; organisations."""

from __future__ import annotations

import io
from datetime import date

from PIL import Image

from matchmaker.models import Event, Exhibitor, Organisation
from matchmaker.services.mail import queue_mail
from tests.factories import login


def event_form(**overrides) -> dict:
    data = {
        "name": "ExpoAmazónica 2027", "city": "Puerto Maldonado",
        "venue": "Centro de Convenciones", "starts_on": "2027-07-15", "ends_on": "2027-07-18",
        "timezone": "America/Lima", "description_es": "Rueda de negocios de cacao.",
        "description_en": "Cacao business roundtable.", "is_published": "y",
    }
    data.update(overrides)
    return data


def test_new_event_form_defaults_to_lima_time(client, factories):
    login(client, factories.user("organiser"))
    html = client.get("/admin/events/new").get_data(as_text=True)
    assert '<option selected value="America/Lima">' in html or 'value="America/Lima" selected' in html


def test_organiser_creates_and_edits_an_event(client, db, factories):
    login(client, factories.user("organiser"))
    response = client.post("/admin/events/new", data=event_form())
    assert response.status_code == 302
    event = db.session.scalar(db.select(Event))
    assert response.headers["Location"] == f"/admin/events/{event.slug}"
    assert event.slug == "expoamazonica-2027"
    assert (event.starts_on, event.ends_on) == (date(2027, 7, 15), date(2027, 7, 18))
    assert event.timezone == "America/Lima" and event.is_published
    assert event.description_en == "Cacao business roundtable."

    response = client.post(f"/admin/events/{event.slug}/edit", data=event_form(
        city="Tarapoto", timezone="America/Bogota", ends_on="2027-07-16", is_published=""))
    assert response.status_code == 302
    db.session.expire_all()
    event = db.session.get(Event, event.id)
    assert (event.city, event.timezone, event.ends_on) == ("Tarapoto", "America/Bogota", date(2027, 7, 16))
    assert event.is_published is False
    assert event.slug == "expoamazonica-2027"  # links printed on QR codes keep working


def test_two_events_with_the_same_name_get_distinct_slugs(client, db, factories):
    login(client, factories.user("organiser"))
    client.post("/admin/events/new", data=event_form())
    client.post("/admin/events/new", data=event_form())
    slugs = sorted(db.session.scalars(db.select(Event.slug)))
    assert slugs == ["expoamazonica-2027", "expoamazonica-2027-2"]


def test_organiser_registers_exhibitors_and_removes_one(client, db, factories):
    event = factories.event()
    infierno = factories.organisation(name="Asociación Infierno")
    tahuamanu = factories.organisation(name="Asociación Tahuamanu")
    login(client, factories.user("organiser", locale="en"))
    response = client.post(f"/admin/events/{event.slug}", data={"organisation_id": infierno.id, "booth": " a-01 "})
    assert response.status_code == 302
    client.post(f"/admin/events/{event.slug}", data={"organisation_id": tahuamanu.id, "booth": "B-02"})
    html = client.get(f"/admin/events/{event.slug}").get_data(as_text=True)
    assert "Asociación Infierno" in html and "A-01" in html and "B-02" in html
    # Organisations already exhibiting are no longer offered in the select.
    select = html.split('id="organisation_id"', 1)[1].split("</select>", 1)[0]
    assert "Asociación Infierno" not in select
    exhibitor = db.session.scalar(db.select(Exhibitor).where(Exhibitor.booth == "A-01"))
    response = client.post(f"/admin/events/{event.slug}/exhibitors/{exhibitor.id}/remove")
    assert response.status_code == 302
    assert [e.booth for e in db.session.scalars(db.select(Exhibitor))] == ["B-02"]
    # The public home page lists the remaining exhibitor.
    home = client.get("/").get_data(as_text=True)
    assert "Asociación Tahuamanu" in home and "Asociación Infierno" not in home


def test_removing_an_exhibitor_of_another_event_is_404(client, db, factories):
    first, second = factories.event(), factories.event()
    organisation = factories.organisation()
    from matchmaker.services.events import register_exhibitor

    exhibitor = register_exhibitor(second, organisation, "C-01")
    db.session.commit()
    login(client, factories.user("organiser"))
    assert client.post(f"/admin/events/{first.slug}/exhibitors/{exhibitor.id}/remove").status_code == 404
    assert db.session.scalar(db.select(db.func.count()).select_from(Exhibitor)) == 1


def test_outbox_lists_messages_and_shows_one(client, db, factories):
    message = queue_mail("buyer@cacao.example", "Su cita de mañana", "Mesa 4, 10:30.")
    db.session.commit()
    login(client, factories.user("organiser", locale="es"))
    html = client.get("/admin/outbox").get_data(as_text=True)
    assert "buyer@cacao.example" in html and "Su cita de mañana" in html and "pendiente" in html
    html = client.get(f"/admin/outbox/{message.id}").get_data(as_text=True)
    assert "Mesa 4, 10:30." in html
    assert client.get("/admin/outbox/999999").status_code == 404


def test_users_page_filters_by_role(client, factories):
    factories.user("buyer", name="Anna Becker")
    factories.user("rep", name="Rosa Mishaja")
    login(client, factories.user("organiser", name="Patricia Flores"))
    html = client.get("/admin/users?role=buyer").get_data(as_text=True)
    assert "Anna Becker" in html and "Rosa Mishaja" not in html
    html = client.get("/admin/users?role=rep").get_data(as_text=True)
    assert "Rosa Mishaja" in html and "Anna Becker" not in html


def png_bytes(size=(300, 200)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (120, 70, 30)).save(buffer, "PNG")
    return buffer.getvalue()


def organisation_form(**overrides) -> dict:
    data = {
        "name": "Asociación Agroforestal de la Comunidad Nativa Infierno", "kind": "association",
        "ruc": "20490000022", "region": "Madre de Dios", "province": "Tambopata",
        "community": "Comunidad Nativa Infierno", "description_es": "Cacao agroforestal Ese Eja.",
        "description_en": "Ese Eja agroforestry cacao.", "contact_email": "cacao@infierno.example",
        "contact_phone": "+51 982 000 111", "website": "https://infierno.example", "cooperative_id": "0",
    }
    data.update(overrides)
    return data


def test_organiser_creates_an_organisation_with_logo(client, db, factories):
    cooperative = factories.organisation(name="Cooperativa Agrobosque", kind="cooperative")
    login(client, factories.user("organiser", locale="en"))
    data = organisation_form(cooperative_id=str(cooperative.id))
    data["logo"] = (io.BytesIO(png_bytes()), "logo.png", "image/png")
    response = client.post("/organisations/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 302
    organisation = db.session.scalar(db.select(Organisation).where(Organisation.ruc == "20490000022"))
    assert organisation.cooperative_id == cooperative.id and organisation.community == "Comunidad Nativa Infierno"
    assert organisation.logo_path
    logo = client.get(f"/organisations/{organisation.slug}/logo")
    assert logo.status_code == 200
    with Image.open(io.BytesIO(logo.data)) as image:
        assert max(image.size) <= 480
    logo.close()
    html = client.get(f"/organisations/{organisation.slug}").get_data(as_text=True)
    assert "Ese Eja agroforestry cacao." in html and "Cooperativa Agrobosque" in html


def test_rep_edits_own_organisation(client, db, factories):
    organisation = factories.organisation(name="Asociación Bajo Huallaga")
    login(client, factories.user("rep", organisation=organisation))
    response = client.post(f"/organisations/{organisation.slug}/edit", data=organisation_form(
        name="Asociación Bajo Huallaga", ruc="", description_en="Fine-flavour cacao."))
    assert response.status_code == 302
    db.session.expire_all()
    organisation = db.session.get(Organisation, organisation.id)
    assert organisation.description_en == "Fine-flavour cacao." and organisation.ruc is None
