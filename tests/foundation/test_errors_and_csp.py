"""Error pages in both languages, and every foundation page satisfies the strict CSP."""

from __future__ import annotations

import pytest

from matchmaker import create_app
from matchmaker.config import TestConfig
from matchmaker.services.events import register_exhibitor
from tests.factories import login
from tests.foundation.conftest import csp_problems


@pytest.fixture
def crashing_app(database_url):
    """An app that renders unexpected exceptions as the 500 page instead of raising them."""

    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = database_url
        PROPAGATE_TEST_ERRORS = False

    app = create_app(Config)

    @app.get("/boom")
    def boom():
        raise RuntimeError("test-only failure")

    return app


@pytest.mark.parametrize(
    ("lang", "title", "text"),
    [
        ("es", "Algo salió mal", "Vuelva a intentarlo en un momento."),
        ("en", "Something went wrong", "Please try again in a moment."),
    ],
)
def test_500_page_in_both_languages(crashing_app, lang, title, text, caplog):
    with caplog.at_level("ERROR"):
        response = crashing_app.test_client().get("/boom", headers={"Accept-Language": lang})
    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert title in html and text in html
    assert "test-only failure" not in html  # no internals shown
    assert "test-only failure" in caplog.text  # but logged
    assert response.headers["Content-Security-Policy"]
    assert csp_problems(html) == []


def test_unexpected_errors_propagate_in_ordinary_tests(database_url):
    app = create_app(type("Config", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": database_url}))

    @app.get("/boom-propagates")
    def boom():
        raise RuntimeError("visible to pytest")

    with pytest.raises(RuntimeError, match="visible to pytest"):
        app.test_client().get("/boom-propagates")


@pytest.mark.parametrize(
    ("lang", "title"), [("es", "Página no encontrada"), ("en", "Page not found")]
)
def test_404_page_in_both_languages(client, lang, title):
    response = client.get("/no-such-page", headers={"Accept-Language": lang})
    assert response.status_code == 404
    assert title in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("locale", "title", "text"),
    [("es", "No tiene acceso a esta página", "consulte con el organizador"),
     ("en", "You do not have access to this page", "ask the event organiser")],
)
def test_403_page_in_both_languages(client, factories, locale, title, text):
    login(client, factories.user("buyer", locale=locale))
    response = client.get("/admin/")
    html = response.get_data(as_text=True)
    assert response.status_code == 403
    assert title in html and text in html


def test_405_page(client):
    response = client.get("/logout", headers={"Accept-Language": "es"})
    assert response.status_code == 405
    assert "Método no permitido" in response.get_data(as_text=True)
    assert "POST" in response.headers["Allow"]  # the error page keeps the exception's headers


# CSP compliance --------------------------------------------------------------------------

def test_audit_catches_what_csp_would_block():
    bad = ('<div style="color:red" onclick="x()"><script>alert(1)</script>'
           '<script src="https://cdn.example/x.js"></script>'
           '<link rel="stylesheet" href="//cdn.example/x.css"></div>')
    problems = csp_problems(bad)
    assert len(problems) == 5, problems
    assert csp_problems('<script src="/static/js/app.js"></script><p class="x">ok</p>') == []


@pytest.fixture
def site(db, factories):
    event = factories.event(name="ExpoAmazónica CSP")
    organisation = factories.organisation(name="Asociación CSP", website="https://csp.example")
    register_exhibitor(event, organisation, "A-01")
    db.session.commit()
    from matchmaker.services.mail import queue_mail

    message = queue_mail("someone@cacao.example", "Hola", "Cuerpo del mensaje.")
    db.session.commit()
    return {
        "event": event, "org": organisation, "message": message,
        "buyer": factories.user("buyer"),
        "rep": factories.user("rep", organisation=organisation),
        "organiser": factories.user("organiser"),
        "pending": factories.user("rep", organisation=organisation, is_approved=False),
    }


PAGES = {
    None: ["/", "/events/{event}", "/organisations/", "/organisations/{org}", "/login", "/signup",
           "/signup/rep", "/password/forgot", "/password/reset/not-a-token", "/no-such-page"],
    "buyer": ["/account/profile", "/account/password", "/admin/"],
    "rep": ["/account/profile", "/account/organisation/members", "/organisations/{org}/edit"],
    "organiser": ["/admin/", "/admin/users", "/admin/users?pending=1", "/admin/outbox",
                  "/admin/outbox/{message}", "/admin/events/new", "/admin/events/{event}",
                  "/admin/events/{event}/edit", "/organisations/new", "/organisations/{org}/edit",
                  "/account/profile"],
}


@pytest.mark.parametrize("lang", ["es", "en"])
def test_every_foundation_page_satisfies_the_csp(client, site, lang):
    checked = 0
    for role, paths in PAGES.items():
        if role:
            login(client, site[role])
        for template in paths:
            path = template.format(event=site["event"].slug, org=site["org"].slug,
                                   message=site["message"].id)
            response = client.get(path, headers={"Accept-Language": lang})
            assert response.status_code in (200, 403, 404), (path, response.status_code)
            assert response.mimetype == "text/html"
            html = response.get_data(as_text=True)
            assert csp_problems(html) == [], path
            checked += 1
        if role:
            client.post("/logout")
    assert checked == sum(len(p) for p in PAGES.values())


def test_error_page_with_form_errors_satisfies_the_csp(client, factories):
    login(client, factories.user("organiser"))
    response = client.post("/admin/events/new", data={"name": ""})
    assert response.status_code == 422
    assert csp_problems(response.get_data(as_text=True)) == []


def test_static_assets_are_local(client):
    html = client.get("/").get_data(as_text=True)
    assert "/static/css/app.css" in html
    for path in ("/static/css/app.css", "/static/img/favicon.svg"):
        response = client.get(path)
        assert response.status_code == 200 and response.data
        response.close()
