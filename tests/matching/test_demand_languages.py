"""The buyer's languages as part of their demand: one stored list shared by the profile form,
the demand form, the API and the import; and recommendations over the API in the buyer's
language."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from matchmaker.extensions import db
from matchmaker.importing.fields import guess_mapping
from matchmaker.models import User
from matchmaker.services.imports.participants import language_codes
from tests.factories import PASSWORD

URL = "/api/v1/me/demand"
ANNA = "anna.becker@schokolade.demo"


@pytest.fixture
def buyer(factories):
    return factories.user("buyer", languages=["de", "en"])


# The demand form ---------------------------------------------------------------------------

def test_demand_page_shows_and_edits_the_profiles_languages(buyer, login_as):
    client = login_as(buyer)
    page = client.get("/matches/demand", headers={"Accept-Language": "en"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Languages you speak" in html
    assert _checked(html) == {"de", "en"}
    saved = client.post("/matches/demand", data={"product_forms": ["nibs"], "min_iso_grade": "",
                                                 "languages": ["es", "fr"]})
    assert saved.status_code == 302
    db.session.expire_all()
    assert buyer.buyer_profile.language_codes == ["es", "fr"]
    assert buyer.buyer_profile.product_form_codes == ["nibs"]
    # The profile form reads the same stored value: nobody types it twice.
    profile_page = client.get("/account/profile").get_data(as_text=True)
    assert _checked(profile_page) == {"es", "fr"}


def test_languages_ticked_at_sign_up_are_ticked_on_its_second_step(app, client):
    response = client.post("/signup", data={
        "name": "Nina Berg", "email": "nina@bergkakao.example", "password": PASSWORD,
        "confirm": PASSWORD, "company": "Berg Kakao", "country": "AT",
        "buyer_type": "chocolate_maker", "locale": "en", "languages": ["de", "it"]})
    assert response.status_code == 302 and "welcome=1" in response.headers["Location"]
    step_two = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Step 2 of 2" in step_two and _checked(step_two) == {"de", "it"}


def _checked(html: str) -> set[str]:
    """The language checkboxes that are ticked on a page."""
    found = set()
    for tag in re.findall(r"<input[^>]*name=\"languages\"[^>]*>", html):
        if " checked" in tag:
            found.add(re.search(r'value="([^"]+)"', tag).group(1))
    return found


def test_demand_page_refuses_an_unknown_language_and_keeps_the_stored_one(buyer, login_as):
    client = login_as(buyer)
    response = client.post("/matches/demand", data={"languages": ["en", "tlh"], "min_iso_grade": ""},
                           headers={"Accept-Language": "en"})
    assert response.status_code == 422
    db.session.expire_all()
    assert buyer.buyer_profile.language_codes == ["de", "en"]


# The API -----------------------------------------------------------------------------------

def test_api_reads_the_languages_and_patch_keeps_or_changes_them(buyer, login_as):
    api = login_as(buyer)
    assert api.get(URL).get_json()["languages"] == ["de", "en"]
    kept = api.patch(URL, json={"min_fermented_pct": "75"})
    assert kept.status_code == 200 and kept.get_json()["languages"] == ["de", "en"]
    changed = api.patch(URL, json={"languages": ["es", "es", "pt"]})
    assert changed.status_code == 200 and changed.get_json()["languages"] == ["es", "pt"]
    db.session.expire_all()
    assert buyer.buyer_profile.languages == "es,pt"
    assert api.get(URL).get_json()["min_fermented_pct"] == "75.00"
    # PUT replaces the whole demand: a member left out is cleared, languages too.
    assert api.put(URL, json={"product_forms": ["nibs"]}).get_json()["languages"] == []


@pytest.mark.parametrize("languages", [["en", "klingon"], ["EN"], [""]])
def test_api_refuses_an_unknown_language_code(buyer, login_as, languages):
    api = login_as(buyer)
    response = api.patch(URL, json={"languages": languages}, headers={"Accept-Language": "en"})
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "bad_choice" and list(error["fields"]) == ["languages"]
    db.session.expire_all()
    assert buyer.buyer_profile.language_codes == ["de", "en"]


def test_api_refuses_languages_of_the_wrong_type(buyer, login_as):
    api = login_as(buyer)
    response = api.patch(URL, json={"languages": "en"})
    assert response.status_code == 400 and response.get_json()["error"]["members"] == ["languages"]


def test_openapi_documents_the_languages_and_its_new_version(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["info"]["version"] == "1.3.0"
    schemas = document["components"]["schemas"]
    assert "languages" in schemas["Demand"]["required"]
    assert "de" in schemas["DemandChange"]["properties"]["languages"]["items"]["enum"]
    recommendations = document["paths"]["/me/recommendations"]["get"]
    assert "stored language" in recommendations["description"]


# The import --------------------------------------------------------------------------------

@pytest.mark.parametrize(("cell", "codes"), [
    ("English; Español; Deutsch", ["en", "es", "de"]),
    ("en, PT / français", ["en", "pt", "fr"]),
    ("Inglés, castellano, alemán, Klingon", ["en", "es", "de"]),
    ("Nederlands | Japanese | chino | italiano", ["nl", "ja", "zh", "it"]),
    ("", []),
])
def test_language_cells_are_read_as_codes_or_names(cell, codes):
    assert language_codes(cell) == codes


def test_languages_column_is_told_apart_from_the_site_language():
    mapping = guess_mapping("buyers", ["Nombre", "Correo", "Empresa", "País", "Idioma",
                                       "Idiomas que habla"])
    assert mapping["locale"] == "Idioma" and mapping["languages"] == "Idiomas que habla"
    english = guess_mapping("buyers", ["Name", "Email", "Company", "Country", "Languages"])
    assert english["languages"] == "Languages" and "locale" not in english


def _sheet(tmp_path: Path, rows: list[list[str]]) -> Path:
    """A registration sheet as a spreadsheet exports it (BOM, semicolons, quoted cells)."""
    path = tmp_path / "buyers.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as file:
        csv.writer(file, delimiter=";").writerows(
            [["Name", "Email", "Company", "Country", "Languages"], *rows])
    return path


KAI = ["Kai Brandt", "kai@brandt.example", "Brandt Kakao", "Germany"]
LEA = ["Léa Roux", "lea@roux.example", "Roux Chocolat", "Francia"]


def _buyer(email: str) -> User:
    return db.session.scalar(db.select(User).where(User.email == email))


def test_import_dry_run_then_import_then_update_the_languages(demo, runner, tmp_path):
    sheet = _sheet(tmp_path, [KAI + ["English; Español; Deutsch"], LEA + ["fr"]])
    dry = runner.invoke(args=["import-participants", demo.slug, str(sheet), "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "2 to create" in dry.output and _buyer("kai@brandt.example") is None
    done = runner.invoke(args=["import-participants", demo.slug, str(sheet)])
    assert done.exit_code == 0, done.output
    assert _buyer("kai@brandt.example").buyer_profile.language_codes == ["en", "es", "de"]
    assert _buyer("lea@roux.example").buyer_profile.language_codes == ["fr"]
    again = runner.invoke(args=["import-participants", demo.slug, str(sheet)])
    assert "2 unchanged" in again.output
    # Léa now also speaks English; Kai's cell is empty, which never erases what is stored.
    changed = _sheet(tmp_path, [KAI + [""], LEA + ["fr, en"]])
    dry = runner.invoke(args=["import-participants", demo.slug, str(changed), "--dry-run"])
    assert "1 to update, 1 unchanged" in dry.output and "languages" in dry.output
    runner.invoke(args=["import-participants", demo.slug, str(changed)])
    db.session.expire_all()
    assert _buyer("lea@roux.example").buyer_profile.language_codes == ["fr", "en"]
    assert _buyer("kai@brandt.example").buyer_profile.language_codes == ["en", "es", "de"]


# Recommendations over the API in the buyer's language ----------------------------------------

@pytest.mark.parametrize(("locale", "browser", "reason"), [
    ("es", "en", "Fermentado 92 %, usted busca ≥ 80 %"),
    ("en", "es", "Fermented 92 %, you want ≥ 80 %"),
])
def test_api_recommendations_are_worded_in_the_buyers_stored_language(
        demo, demo_login, user, locale, browser, reason):
    anna = user(ANNA)
    anna.locale = locale
    db.session.commit()
    client = demo_login(ANNA)
    response = client.get("/api/v1/me/recommendations", headers={"Accept-Language": browser})
    assert response.status_code == 200 and response.headers["Content-Language"] == locale
    top = response.get_json()["recommended"][0]
    assert reason in top["reasons"]


def test_wizard_guesses_the_languages_column_and_imports_it(demo, demo_login, tmp_path):
    path = tmp_path / "inscritos.csv"
    with path.open("w", encoding="cp1252", newline="") as file:  # Excel on Windows
        csv.writer(file, delimiter=";").writerows([
            ["Nombre", "Correo", "Empresa", "País", "Idioma", "Idiomas que habla"],
            ["Íñigo Peña", "inigo@pena.example", "Chocolates Peña", "España", "es",
             "Español, Inglés, Francés"]])
    client = demo_login("organiser@expoamazonica.demo")
    client.post("/language", data={"lang": "es"})
    upload = client.post(f"/admin/events/{demo.slug}/import", data={
        "kind": "buyers", "file": (io.BytesIO(path.read_bytes()), path.name)},
        content_type="multipart/form-data")
    columns = upload.headers["Location"]
    page = client.get(columns).get_data(as_text=True)
    assert ">Idiomas que habla</label>" in page  # the field's label, in Spanish
    chosen = re.search(r'(?s)<select name="field-languages".*?</select>', page).group(0)
    assert '<option value="Idiomas que habla" selected>' in chosen
    mapping = {f"field-{code}": header for code, header in {
        "name": "Nombre", "email": "Correo", "company": "Empresa", "country": "País",
        "locale": "Idioma", "languages": "Idiomas que habla"}.items()}
    review = client.post(columns, data=mapping).headers["Location"]
    assert client.post(review).status_code == 302
    inigo = _buyer("inigo@pena.example")
    assert inigo.locale == "es" and inigo.buyer_profile.language_codes == ["es", "en", "fr"]
