"""Importing participants: the service on real files, the wizard's pages, the CLI."""

from __future__ import annotations

import io
import re
from pathlib import Path

from matchmaker.extensions import db
from matchmaker.importing.reading import read_table
from matchmaker.models import Exhibitor, ImportMapping, Organisation, OutboxMessage, User
from matchmaker.services.imports import participants
from tests.factories import PASSWORD

FILES = Path(__file__).parent / "files"
ORGANISER = "organiser@expoamazonica.demo"


def _users(domain: str) -> list[User]:
    return list(db.session.scalars(db.select(User).where(User.email.like(f"%{domain}"))))


def _invitations() -> list[OutboxMessage]:
    return list(db.session.scalars(db.select(OutboxMessage).where(
        OutboxMessage.kind == "invitation")))


def test_dry_run_writes_and_sends_nothing_then_the_import_is_idempotent(demo, runner):
    dry = runner.invoke(args=["import-participants", demo.slug, str(FILES / "buyers_bom.csv"),
                              "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "2 to create" in dry.output and "3 refused" in dry.output
    assert "Unknown country \"Narnia\"" in dry.output and "appears twice" in dry.output
    assert _users("example") == [] and _invitations() == []
    done = runner.invoke(args=["import-participants", demo.slug, str(FILES / "buyers_bom.csv")])
    assert done.exit_code == 0, done.output
    inigo = next(u for u in _users("example") if u.email.startswith("inigo"))
    assert inigo.name == "Íñigo Peña" and inigo.locale == "es"
    assert inigo.buyer_profile.country == "ES"
    assert inigo.buyer_profile.certification_codes == ["eu_organic", "fairtrade"]
    assert float(inigo.buyer_profile.shipment_min_mt) == 2.5 and inigo.buyer_profile.eudr_required
    assert len(_invitations()) == 2
    # The same people exported by Excel on Windows (cp1252): nothing changes, nothing is sent.
    again = runner.invoke(args=["import-participants", demo.slug,
                                str(FILES / "buyers_cp1252.csv")])
    assert again.exit_code == 0 and "2 unchanged" in again.output
    assert len(_users("example")) == 2 and len(_invitations()) == 2


def test_invitation_is_in_the_persons_language_and_sets_the_password(demo, runner, client, app):
    runner.invoke(args=["import-participants", demo.slug, str(FILES / "buyers_bom.csv")])
    message = next(m for m in _invitations() if m.recipient.startswith("inigo"))
    assert "Elija su contraseña" in message.body_text  # Íñigo's row is from Spain
    link = re.search(r"https?://\S+/welcome/\S+", message.body_text).group(0)
    assert link.startswith(app.config["BASE_URL"].rstrip("/"))
    path = link[len(app.config["BASE_URL"].rstrip("/")):]
    response = client.post(path, data={"password": PASSWORD, "confirm": PASSWORD})
    assert response.status_code == 302 and "/matches/demand" in response.headers["Location"]
    user = db.session.scalar(db.select(User).where(User.email == message.recipient))
    db.session.refresh(user)
    assert user.check_password(PASSWORD)
    # The link works once.
    client.post("/logout")
    used = client.post(path, data={"password": PASSWORD + "x", "confirm": PASSWORD + "x"})
    assert used.status_code == 422


def test_exhibitors_from_xlsx_create_organisations_booths_and_reps(demo, runner):
    result = runner.invoke(args=["import-participants", demo.slug,
                                 str(FILES / "exhibitors.xlsx"), "--kind", "exhibitors"])
    assert result.exit_code == 0, result.output
    nunoa = db.session.scalar(db.select(Organisation).where(Organisation.ruc == "20601234561"))
    assert nunoa.name == "Asociación Cacao Ñuñoa" and nunoa.kind == "association"
    booth = db.session.scalar(db.select(Exhibitor.booth).where(
        Exhibitor.organisation_id == nunoa.id, Exhibitor.event_id == demo.id))
    assert booth == "C-01"
    rep = db.session.scalar(db.select(User).where(User.email == "begona@nunoa.example"))
    assert rep.is_rep and rep.organisation_id == nunoa.id and rep.name == "Begoña Quispe"
    again = runner.invoke(args=["import-participants", demo.slug,
                                str(FILES / "exhibitors.xlsx"), "--kind", "exhibitors"])
    assert "2 unchanged" in again.output


def test_a_failure_half_way_leaves_nothing_written(demo, app, monkeypatch):
    with app.test_request_context():
        table = read_table("b.csv", (FILES / "buyers_bom.csv").read_bytes())
        mapping = {"name": "Nombres y apellidos", "email": "Correo electrónico",
                   "company": "Empresa", "country": "País"}
        plan = participants.plan(demo, "buyers", table, mapping)
        calls = []
        real = participants._apply_buyer

        def failing(row, event):
            calls.append(row.number)
            if len(calls) == 2:
                raise RuntimeError("disk full")
            real(row, event)

        monkeypatch.setattr(participants, "_apply_buyer", failing)
        try:
            participants.apply(demo, plan)
        except RuntimeError:
            db.session.rollback()
    assert calls == [2, 3]
    assert _users("example") == [] and _invitations() == []


def _upload(client, demo, path: Path, kind: str = "buyers"):
    return client.post(f"/admin/events/{demo.slug}/import", data={
        "kind": kind, "file": (io.BytesIO(path.read_bytes()), path.name)},
        content_type="multipart/form-data")


def test_wizard_maps_remembers_reviews_and_imports(demo, demo_login):
    client = demo_login(ORGANISER)
    response = _upload(client, demo, FILES / "buyers_cp1252.csv")
    assert response.status_code == 302
    columns = response.headers["Location"]
    page = client.get(columns).get_data(as_text=True)
    assert 'value="Correo electrónico" selected' in page  # guessed from the header
    response = client.post(columns, data={
        "field-name": "Nombres y apellidos", "field-email": "Correo electrónico",
        "field-company": "Empresa", "field-country": "País", "field-phone": "Teléfono"})
    assert response.status_code == 302
    saved = db.session.scalar(db.select(ImportMapping))
    assert saved.kind == "buyers" and "Teléfono" in saved.columns_json
    review = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Narnia" in review and _users("example") == [] and _invitations() == []
    done = client.post(response.headers["Location"])
    assert done.status_code == 302
    assert len(_users("example")) == 2 and len(_invitations()) == 2


def test_wizard_refuses_bad_files_with_a_clear_message(demo, demo_login, app):
    client = demo_login(ORGANISER)
    response = _upload(client, demo, FILES / "formula.xlsx")
    assert response.status_code == 422
    assert "formula" in response.get_data(as_text=True).lower()
    # A 50 MB sheet meets the request limit (MAX_UPLOAD_MB) before any view; the limit is
    # lowered here so the test client keeps the body in memory.
    app.config["MAX_CONTENT_LENGTH"] = 100_000
    try:
        too_big = client.post(f"/admin/events/{demo.slug}/import", data={
            "kind": "buyers", "file": (io.BytesIO(b"a" * 200_000), "big.csv")},
            content_type="multipart/form-data", headers={"Accept-Language": "en"})
    finally:
        app.config["MAX_CONTENT_LENGTH"] = 12 * 1024 * 1024
    assert too_big.status_code == 413
    assert " MB" in too_big.get_data(as_text=True)  # "Envíe un archivo de … MB como máximo"
    empty = client.post(f"/admin/events/{demo.slug}/import", data={
        "kind": "buyers", "file": (io.BytesIO(b""), "empty.csv")},
        content_type="multipart/form-data")
    assert empty.status_code == 422


def test_wizard_needs_the_required_columns(demo, demo_login):
    client = demo_login(ORGANISER)
    columns = _upload(client, demo, FILES / "buyers_bom.csv").headers["Location"]
    response = client.post(columns, data={"field-name": "Nombres y apellidos"})
    assert response.status_code == 422
    assert db.session.scalar(db.select(ImportMapping)) is None


def test_wizard_is_for_organisers_only(demo, demo_login):
    client = demo_login("anna.becker@schokolade.demo")
    assert client.get(f"/admin/events/{demo.slug}/import").status_code == 403
    assert client.get(f"/admin/events/{demo.slug}/import/{'0' * 32}/review").status_code == 403


def test_an_unknown_upload_token_is_404(demo, demo_login):
    client = demo_login(ORGANISER)
    assert client.get(f"/admin/events/{demo.slug}/import/{'0' * 32}/review").status_code == 404
    assert client.get(f"/admin/events/{demo.slug}/import/..%2Fx/review").status_code == 404
