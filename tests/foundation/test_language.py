"""The bilingual home page; language from the browser, the switcher, the session and profile."""

from __future__ import annotations

from matchmaker.models import User
from matchmaker.services.events import register_exhibitor
from tests.factories import login


def test_home_follows_accept_language(client, db, factories):
    event = factories.event(name="ExpoAmazónica 2026", description_es="La feria anual amazónica.",
                            description_en="The yearly Amazon fair.")
    organisation = factories.organisation(name="Asociación Infierno", description_es="Cacao de la comunidad Ese Eja.",
                                          description_en="Cacao from the Ese Eja community.")
    register_exhibitor(event, organisation, "a-01")
    db.session.commit()

    spanish = client.get("/", headers={"Accept-Language": "es-PE,es;q=0.9"}).get_data(as_text=True)
    assert '<html lang="es">' in spanish
    assert "La feria anual amazónica." in spanish and "The yearly Amazon fair." not in spanish
    assert "Expositores" in spanish and "Stand A-01" in spanish
    assert "Cacao de la comunidad Ese Eja." in spanish

    english = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.8"}).get_data(as_text=True)
    assert '<html lang="en">' in english
    assert "The yearly Amazon fair." in english and "Exhibitors" in english and "Booth A-01" in english
    assert "Cacao from the Ese Eja community." in english


def test_unknown_browser_language_falls_back_to_spanish(client):
    html = client.get("/", headers={"Accept-Language": "de-DE"}).get_data(as_text=True)
    assert "Aún no hay ninguna feria publicada." in html


def test_description_falls_back_to_the_other_language(client, factories):
    factories.event(description_es="Solo en castellano.", description_en="")
    html = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Solo en castellano." in html


def test_switcher_changes_language_and_remembers_it(client):
    response = client.post("/language", data={"lang": "en", "next": "/login"},
                           headers={"Accept-Language": "es"})
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    html = client.get("/login", headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert "Forgot your password?" in html
    html = client.get("/signup", headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert "Create a buyer account" in html
    client.post("/language", data={"lang": "es", "next": "/signup"})
    assert "Cree su cuenta de comprador" in client.get("/signup", headers={"Accept-Language": "en"}).get_data(as_text=True)


def test_switcher_ignores_unknown_language_and_foreign_next(client):
    response = client.post("/language", data={"lang": "xx", "next": "https://evil.example/"},
                           headers={"Accept-Language": "en"})
    assert response.headers["Location"] == "/"
    assert "No fair is published yet." in client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)


def test_switcher_saves_the_logged_in_users_locale(client, db, factories):
    user = factories.user("buyer", locale="en")
    login(client, user)
    client.post("/language", data={"lang": "es", "next": "/account/profile"})
    db.session.expire_all()
    assert db.session.get(User, user.id).locale == "es"


def test_profile_locale_applies_on_a_new_device(client, factories):
    user = factories.user("buyer", locale="en")
    login(client, user)
    html = client.get("/account/profile", headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert "Your profile" in html


def test_profile_language_change_confirms_in_the_new_language(client, factories):
    user = factories.user("organiser", locale="en", name="Patricia Flores")
    login(client, user)
    response = client.post("/account/profile", data={"name": "Patricia Flores", "phone": "", "locale": "es"},
                           follow_redirects=True)
    assert "Su perfil se guardó." in response.get_data(as_text=True)
