"""What is stored per process for logged-in pages (the layout per person, the person's row,
checked session cookies, signed CSRF tokens) never shows one person's things to another,
and follows every change at once: names, notices, interests, languages, log-out."""

from __future__ import annotations

import re
import time

import pytest
from flask import Flask

from matchmaker.extensions import db
from matchmaker.models import InterestKind, LotInterest, Notice, User
from matchmaker.sessions import ReusingSessionInterface
from tests.factories import login

TOKEN = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def _fresh_session():
    # The tests' app context (and so its ORM session) outlives a request; in production each
    # request starts with an empty session, the case where the person's stored row is used.
    db.session.expunge_all()


def _page(client, path: str) -> str:
    _fresh_session()
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response.get_data(as_text=True)


def _notice(user_id: int, subject: str = "Meeting requested") -> None:
    db.session.add(Notice(user_id=user_id, subject=subject))
    db.session.commit()


@pytest.fixture
def two_buyers(app, factories, lots):
    lot = lots.make(name_en="Shared lot", name_es="Lote compartido")
    ana = factories.user("buyer", name="Ana Alpha", locale="en", company="Alpha Chocolate")
    bruno = factories.user("buyer", name="Bruno Beta", locale="es", company="Beta Cacao")
    for _ in range(3):
        _notice(ana.id)
    db.session.add(LotInterest(lot_id=lot.id, buyer_id=ana.id, kind=InterestKind.INTERESTED))
    db.session.commit()
    code, ids = lot.lot_code, (ana.id, bruno.id)
    ana_client, bruno_client = app.test_client(), app.test_client()
    login(ana_client, ana)
    login(bruno_client, bruno)
    # The log-in's "Welcome" message is shown (and taken) once.
    for client in (ana_client, bruno_client):
        _page(client, "/lots/")
    # Requests start with an empty ORM session here: tests use codes and ids, and load rows
    # again (`_user`) to change them.
    return code, (ids[0], ana_client), (ids[1], bruno_client)


def _user(user_id: int) -> User:
    return db.session.get(User, user_id)


@pytest.mark.parametrize("path", ["/lots/{code}", "/lots/", "/agenda/", "/lots/?sort=price"])
def test_two_buyers_each_see_their_own_name_notices_language_and_token(app, two_buyers, path):
    code, (_ana, ana_client), (_bruno, bruno_client) = two_buyers
    path = path.format(code=code)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        # Alternating, twice each: the second round is served from everything stored.
        for _ in range(2):
            ana_page = _page(ana_client, path)
            bruno_page = _page(bruno_client, path)
            assert "Ana Alpha" in ana_page and "Bruno Beta" not in ana_page
            assert "Bruno Beta" in bruno_page and "Ana Alpha" not in bruno_page
            assert "Notices (3)" in ana_page
            assert "Avisos (0)" in bruno_page
            assert '<html lang="en">' in ana_page and '<html lang="es">' in bruno_page
            ana_tokens, bruno_tokens = set(TOKEN.findall(ana_page)), set(TOKEN.findall(bruno_page))
            assert len(ana_tokens) == 1 and len(bruno_tokens) == 1
            assert ana_tokens != bruno_tokens
            assert "\ue000" not in ana_page + bruno_page  # no slot left unfilled
        # Each token works for its own session only: CSRF is still checked on POST.
        (ana_token,), (bruno_token,) = ana_tokens, bruno_tokens
        assert bruno_client.post("/language", data={"lang": "en", "csrf_token": ana_token,
                                                     "next": "/lots/"}).status_code == 400
        assert bruno_client.post("/language", data={"lang": "es", "next": "/lots/"}
                                 ).status_code == 400
        assert bruno_client.post("/language", data={"lang": "es", "csrf_token": bruno_token,
                                                     "next": "/lots/"}).status_code == 302
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_own_interest_shows_only_on_that_buyers_lot_page(two_buyers):
    code, (_ana, ana_client), (_bruno, bruno_client) = two_buyers
    for _ in range(2):
        assert "You are interested in this lot" in _page(ana_client, f"/lots/{code}")
        bruno_page = _page(bruno_client, f"/lots/{code}")
        assert "Le interesa este lote" not in bruno_page
        assert "You are interested in this lot" not in bruno_page


@pytest.mark.parametrize("path", ["/lots/{code}", "/lots/", "/agenda/"])
def test_notices_name_and_language_follow_changes_at_once(two_buyers, path):
    # Bruno has not acted on the lot, so his lot page is made of stored parts.
    code, _ana, (bruno_id, bruno_client) = two_buyers
    path = path.format(code=code)
    for _ in range(2):
        assert "Avisos (0)" in _page(bruno_client, path)
    _notice(bruno_id, "Another one")
    _user(bruno_id).name = "Bruno Renamed"
    db.session.commit()
    page = _page(bruno_client, path)
    assert "Avisos (1)" in page and "Bruno Renamed" in page and "Bruno Beta" not in page
    bruno_client.post("/language", data={"lang": "en", "next": path})
    page = _page(bruno_client, path)
    assert '<html lang="en">' in page and "Notices (1)" in page


def test_the_form_on_each_page_returns_to_that_page(two_buyers):
    code, (_ana, ana_client), _bruno = two_buyers
    first = _page(ana_client, f"/lots/{code}")
    second = _page(ana_client, "/lots/?q=a%22b&sort=price")
    assert f'name="next" value="/lots/{code}"' in first
    # The address is escaped as the template would escape it.
    assert 'name="next" value="/lots/?q=a%22b&amp;sort=price"' in second


def test_log_out_everywhere_voids_a_cookie_checked_before(two_buyers):
    code, (ana_id, ana_client), (_bruno, bruno_client) = two_buyers
    path = f"/lots/{code}"
    assert "Ana Alpha" in _page(ana_client, path)
    _user(ana_id).end_sessions()
    db.session.commit()
    page = _page(ana_client, path)
    assert "Ana Alpha" not in page
    assert 'class="visitor-login"' in page  # a visitor's header
    _fresh_session()
    assert ana_client.get("/agenda/").status_code == 302  # to the log-in page
    assert "Bruno Beta" in _page(bruno_client, path)


def test_a_changed_role_changes_the_menu_at_once(two_buyers, factories):
    _code, (ana_id, ana_client), _bruno = two_buyers
    assert "My badge" in _page(ana_client, "/lots/")
    _user(ana_id).role = "organiser"
    db.session.commit()
    page = _page(ana_client, "/lots/")
    assert "My badge" not in page and "Organiser" in page


def test_a_stored_buyer_lot_page_costs_two_statements(two_buyers, count_queries):
    code, _ana, (_bruno, bruno_client) = two_buyers
    path = f"/lots/{code}"
    _page(bruno_client, path)
    _fresh_session()
    with count_queries() as queries:
        page = bruno_client.get(path).get_data(as_text=True)
    assert "Bruno Beta" in page and "Avisos (0)" in page
    # The person with their profile and notice count; the lot's stamp.
    assert queries.count == 2, queries.statements


def test_a_pending_message_is_shown_once_inside_the_stored_layout(app, two_buyers,
                                                                  count_queries):
    """A page opened right after an action (log-in, a request sent) carries its message: the
    stored layout takes it in its slot instead of being rendered again."""
    code, (_ana, ana_client), (_bruno, bruno_client) = two_buyers
    path = f"/lots/{code}"
    _page(bruno_client, path)  # Bruno's layout and the page's blocks are stored
    with bruno_client.session_transaction() as session:
        session["_flashes"] = [("success", "Bruno's message <b>kept</b> safe")]
    _fresh_session()
    with count_queries() as queries:
        page = bruno_client.get(path).get_data(as_text=True)
    assert queries.count == 2, queries.statements  # served from what is stored
    assert page.count("Bruno&#39;s message &lt;b&gt;kept&lt;/b&gt; safe") == 1
    assert '<div class="flashes" role="status">' in page and "Bruno Beta" in page
    assert page.index('class="flashes"') < page.index('id="main"') + 200
    # Taken once: not on the next page, nor ever on another buyer's.
    again = _page(bruno_client, path)
    assert "message" not in again.split('id="main"')[1][:300] and "flashes" not in again
    assert "Bruno" not in _page(ana_client, path).split("</header>")[1]


@pytest.mark.parametrize("path", ["/lots/{code}", "/lots/", "/agenda/"])
def test_stored_blocks_carry_no_real_token_into_another_session(app, two_buyers, path):
    """The stored blocks are served to other sessions (the same person's next log-in, other
    buyers): every form on them must carry the token of the session reading the page."""
    code, (ana_id, ana_client), _bruno = two_buyers
    path = path.format(code=code)
    second_client = app.test_client()
    login(second_client, _user(ana_id))
    _page(second_client, "/lots/")  # takes the log-in's message
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        first = _page(ana_client, path)
        second = _page(second_client, path)
        first_tokens, second_tokens = set(TOKEN.findall(first)), set(TOKEN.findall(second))
        assert len(first_tokens) == 1 and len(second_tokens) == 1, (first_tokens, second_tokens)
        assert first_tokens != second_tokens
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


# The session cookie: checked once per value, never more permissive ----------------------

def _cookie_app(lifetime_s: int = 3600) -> Flask:
    app = Flask(__name__)
    app.secret_key = "a-test-key"  # noqa: S105
    app.config["PERMANENT_SESSION_LIFETIME"] = lifetime_s
    app.session_interface = ReusingSessionInterface()

    @app.get("/set")
    def set_value():
        from flask import session

        session["who"] = "ana"
        session["_flashes"] = [("info", "hello")]
        return "ok"

    @app.get("/plain")
    def set_plain():
        from flask import session

        session.pop("_flashes", None)
        return "ok"

    @app.get("/who")
    def who():
        from flask import session

        flashes = session.get("_flashes")
        if flashes is not None:
            flashes.append(("info", "changed in place"))  # as flask.flash does
        return f"{session.get('who')}|{len(flashes or [])}"

    return app


def test_a_tampered_cookie_is_refused_even_after_its_original_was_remembered():
    app = _cookie_app()
    client = app.test_client()
    client.get("/set")
    client.get("/plain")
    assert client.get("/who").get_data(as_text=True) == "ana|0"  # remembered now
    cookie = client.get_cookie("session").value
    forged = cookie[:-2] + ("AA" if not cookie.endswith("AA") else "BB")
    client.set_cookie("session", forged)
    assert client.get("/who").get_data(as_text=True) == "None|0"


def test_a_remembered_cookie_still_expires(monkeypatch):
    app = _cookie_app(lifetime_s=60)
    client = app.test_client()
    client.get("/set")
    client.get("/plain")
    assert client.get("/who").get_data(as_text=True) == "ana|0"
    later = time.time() + 120
    monkeypatch.setattr("matchmaker.sessions.time.time", lambda: later)
    assert client.get("/who").get_data(as_text=True) == "None|0"


def test_sessions_with_lists_are_not_shared_between_requests():
    app = _cookie_app()
    client = app.test_client()
    client.get("/set")
    # /who changes the flashes list in place without the session noticing; a remembered
    # copy would grow with every request.
    assert client.get("/who").get_data(as_text=True) == "ana|2"
    assert client.get("/who").get_data(as_text=True) == "ana|2"


def test_within_the_recheck_window_a_buyers_own_action_still_shows_at_once(
        app, two_buyers, count_queries):
    # As in production (PAGE_CACHE_RECHECK_SECONDS = 1; 60 here so the window cannot close
    # during the test): a lot page found current is served again without the lot's stamp.
    code, (_ana, ana_client), (_bruno, bruno_client) = two_buyers
    path = f"/lots/{code}"
    app.config["PAGE_CACHE_RECHECK_SECONDS"] = 60
    _page(bruno_client, path)
    _fresh_session()
    with count_queries() as queries:
        page = bruno_client.get(path).get_data(as_text=True)
    assert "Bruno Beta" in page and "Le interesa este lote" not in page
    assert queries.count == 1, queries.statements  # the person, with their actions' version
    _fresh_session()
    assert bruno_client.post(f"{path}/interest", data={"message": ""}).status_code == 302
    page = _page(bruno_client, path)
    assert "Le interesa este lote" in page and "Bruno Beta" in page
    # Ana's page, served from the window too, is hers.
    for _ in range(2):
        page = _page(ana_client, path)
        assert "Ana Alpha" in page and "You are interested in this lot" in page
