"""Spanish words: agreement, "usted", collation, labels, spreadsheet tabs, .ics language and
the agenda PDF's status column."""

from __future__ import annotations

import io
import re
from pathlib import Path
from types import SimpleNamespace

from babel.messages.pofile import read_po
from flask_babel import force_locale
from openpyxl import load_workbook
from pypdf import PdfReader

from matchmaker.extensions import db
from matchmaker.labels import collation_key, country_choices, table_title
from matchmaker.services import report
from tests.factories import (
    login,
    make_event,
    make_lot,
    make_meeting,
    make_organisation,
    make_user,
)

PARTS = Path(__file__).resolve().parents[2] / "translations" / "es" / "parts"
# Informal "tú" words, and tú imperatives at the start of a sentence.
TU = re.compile(r"\b(tu|tus|tú|ti|contigo|puedes|tienes|quieres|estás|eres|debes|necesitas|"
                r"podrás|verás|tendrás|recibirás|recibes|prefieres)\b", re.I)
TU_IMPERATIVE = re.compile(
    r"(?:^|[.:!?¿¡]\s+|\n)(Haz|Revisa|Inicia|Elige|Escribe|Completa|Añade|Sube|Pulsa|Introduce|"
    r"Mira|Vuelve|Confirma|Descarga|Abre|Cambia|Guarda|Comprueba|Envía|Usa|Crea|Selecciona|"
    r"Indica|Marca|Ingresa|Regístrate|Accede|Visita|Pide|Solicita|Responde|Acepta|Cancela|"
    r"Imprime|Agrega|Consulta|Llama|Escanea|Espera|Intenta)\b")


def test_spanish_addresses_everyone_as_usted():
    informal = []
    for part in sorted(PARTS.glob("*.po")):
        with part.open("rb") as handle:
            for message in read_po(handle, locale="es"):
                strings = message.string if isinstance(message.string, tuple | list) \
                    else [message.string]
                informal += [f"{part.name}: {text}" for text in strings
                             if text and (TU.search(text) or TU_IMPERATIVE.search(text))]
    assert informal == []


def test_lot_status_agrees_with_lote_and_offer_status_with_oferta(app):
    from flask_babel import pgettext

    with app.test_request_context(), force_locale("es"):
        assert pgettext("lot status", "Published") == "Publicado"
        assert pgettext("offer status", "Published") == "Publicada"
        assert pgettext("offer status", "Suspended") == "Suspendida"
        assert pgettext("offer status", "Withdrawn") == "Retirada"
    organisation = make_organisation()
    make_lot(organisation)
    client = app.test_client()
    login(client, make_user("rep", organisation=organisation, locale="es"))
    html = client.get("/my/lots/").get_data(as_text=True)
    assert '<span class="badge">Publicado</span>' in html and "Publicada" not in html


def test_countries_sort_as_readers_expect(app):
    assert sorted(["Bután", "Bélgica", "Belice"], key=lambda n: collation_key(n, "es")) == [
        "Bélgica", "Belice", "Bután"]
    assert sorted(["Nueva Zelanda", "Ñandú", "Omán"], key=lambda n: collation_key(n, "es")) == [
        "Nueva Zelanda", "Ñandú", "Omán"]
    # Modern Spanish (RAE 1994, ICU's "es"): ch and ll are no letters of their own.
    assert sorted(["Colombia", "Chile", "Cuba", "Canadá", "Chad"],
                  key=lambda n: collation_key(n, "es")) == [
        "Canadá", "Chad", "Chile", "Colombia", "Cuba"]
    assert sorted(["Luxemburgo", "Llanos", "Lituania"], key=lambda n: collation_key(n, "es")) == [
        "Lituania", "Llanos", "Luxemburgo"]
    for language, first, second in (("es", "Bélgica", "Bután"), ("en", "Åland Islands", "Albania"),
                                    ("es", "Austria", "Azerbaiyán"), ("es", "Chile", "Colombia"),
                                    ("es", "Canadá", "Chad"), ("es", "Níger", "Nigeria"),
                                    ("es", "Côte d’Ivoire", "Croacia"),
                                    ("en", "Côte d’Ivoire", "Croatia")):
        with app.test_request_context(), force_locale(language):
            names = [name for _code, name in country_choices()]
        assert names.index(first) < names.index(second), (language, first, second)


def test_session_form_and_table_titles_read_naturally(app):
    from matchmaker.forms.meetings import SessionForm

    with app.test_request_context(), force_locale("es"):
        assert str(SessionForm().expiry_hours.label.text) == \
            "Horas antes de que venza una solicitud sin respuesta"
        assert table_title(SimpleNamespace(label="Sala virtual", number=9)) == "Sala virtual"
        assert table_title(SimpleNamespace(label="", number=3)) == "Mesa 3"


def test_report_sheet_names_are_whole_words(app):
    event = make_event()
    with app.test_request_context(), force_locale("es"):
        book = load_workbook(io.BytesIO(report.report_xlsx(report.build_report(event))))
        expected = {"Cifras principales"} | {str(name) for name in report.SHEET_NAMES.values()}
    assert set(book.sheetnames) <= expected and len(book.sheetnames) > 3
    assert all(len(name) <= 28 for name in expected)


def _ics_summary(body: bytes) -> str:
    return body.decode().replace("\r\n ", "")


def test_ics_follows_the_language_the_buyer_reads(app):
    organisation = make_organisation(name="Asociación Tahuamanu")
    lot = make_lot(organisation, name_es="Cacao fino de aroma", name_en="Fine flavour cacao")
    buyer = make_user("buyer", locale="es")
    meeting = make_meeting(buyer=buyer, organisation=organisation, lots=[lot])
    db.session.commit()
    client = app.test_client()
    login(client, buyer)
    spanish = _ics_summary(client.get(f"/meetings/{meeting.id}.ics").data)
    assert "Reunión con Asociación Tahuamanu" in spanish and "Cacao fino de aroma" in spanish
    client.get("/language/en")
    english = _ics_summary(client.get(f"/meetings/{meeting.id}.ics").data)
    assert "Meeting with Asociación Tahuamanu" in english and "Fine flavour cacao" in english
    assert "Cacao fino de aroma" not in english


def test_agenda_pdf_status_uses_the_screens_words(app):
    buyer = make_user("buyer", locale="es")
    meeting = make_meeting(buyer=buyer, status="accepted")
    make_meeting(meeting.slot.session.slots[2], buyer)
    client = app.test_client()
    login(client, buyer)
    pdf = client.get(f"/agenda/{meeting.event.slug}.pdf")
    text = " ".join(PdfReader(io.BytesIO(pdf.data)).pages[0].extract_text().split())
    screen = client.get(f"/agenda/?event={meeting.event.slug}").get_data(as_text=True)
    for word in ("Confirmada", "Solicitada"):
        assert word in screen and word in text
