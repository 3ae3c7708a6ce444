"""Fixtures: an app per test on a clean database, on SQLite and (when configured) PostgreSQL."""

from __future__ import annotations

import os
import re
import shutil
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import g, request_started
from werkzeug.serving import make_server

from matchmaker import create_app
from matchmaker.config import TestConfig
from matchmaker.extensions import db as _db
from matchmaker.models import Base

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_URL = os.environ.get("TEST_DATABASE_URL", "")
REQUIRE_POSTGRES = os.environ.get("REQUIRE_POSTGRES") == "1"
REQUIRE_BROWSER = os.environ.get("REQUIRE_BROWSER") == "1"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
BACKENDS = ["sqlite"] + (["postgres"] if POSTGRES_URL else [])
# Unique per process: parallel test runs (xdist workers, or people) never share a schema.
WORKER = f'{os.environ.get("PYTEST_XDIST_WORKER", "main")}_{os.getpid()}'

pytest_plugins = ["tests.factories"]


def pytest_configure(config) -> None:
    if REQUIRE_POSTGRES and not POSTGRES_URL:
        raise pytest.UsageError("REQUIRE_POSTGRES=1 but TEST_DATABASE_URL is not set")
    from matchmaker import i18n

    i18n.build()


def pytest_collection_modifyitems(config, items) -> None:
    """Drop backend variants that cannot apply, so no test is skipped for that reason.

    Browser tests drive one live server on SQLite; `postgres_only` tests (races that SQLite's
    single writer lock makes impossible) run only against PostgreSQL when it is configured;
    `one_backend` tests (the whole-site fuzz walks) run once, on PostgreSQL when it is
    configured and on SQLite otherwise.
    """
    keep, drop = [], []
    for item in items:
        backend = getattr(item, "callspec", None) and item.callspec.params.get("database_url")
        is_browser = "live_server" in getattr(item, "fixturenames", ())
        if (is_browser and backend == "postgres") or (
            POSTGRES_URL and backend == "sqlite"
            and (item.get_closest_marker("postgres_only") or item.get_closest_marker("one_backend"))
        ):
            drop.append(item)
        else:
            keep.append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def postgres_url(schema: str) -> str:
    """The PostgreSQL test URL, with psycopg 3 and a private schema on the search path."""
    url = re.sub(r"^postgres(ql)?(\+\w+)?://", "postgresql+psycopg://", POSTGRES_URL)
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}options=-csearch_path%3D{schema}"


def drop_postgres_schema(schema: str) -> None:
    url = re.sub(r"^postgres(ql)?(\+\w+)?://", "postgresql+psycopg://", POSTGRES_URL)
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    engine.dispose()


def fresh_database_url(backend: str, name: str, tmp_dir: Path) -> str:
    """An empty database of the given backend, private to this test process."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_dir / f'{name}.sqlite'}"
    return postgres_url(f"mm_{name}_{WORKER}")


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request, tmp_path_factory) -> str:
    """A schema built once per backend; tests clean it up after themselves."""
    url = fresh_database_url(request.param, "test", tmp_path_factory.mktemp(request.param))
    engine = sa.create_engine(url)
    Base.metadata.create_all(engine)
    engine.dispose()
    yield url
    if request.param == "postgres":
        drop_postgres_schema(f"mm_test_{WORKER}")


def _clean(engine: sa.Engine) -> None:
    """Empty the tables this test wrote to and restart the used id sequences.

    One query asks which tables hold rows; only those are emptied (children first). On
    PostgreSQL this replaces TRUNCATE of every table, which creates new files for each table
    and index and cost ~1 s per test on the loaded CI box (docs/performance.md).
    """
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    probe = " UNION ALL ".join(
        f"SELECT '{table}' WHERE EXISTS (SELECT 1 FROM \"{table}\")" for table in tables)
    with engine.begin() as conn:
        dirty = set(conn.execute(sa.text(probe)).scalars())
        for table in tables:
            if table in dirty:
                conn.execute(sa.text(f'DELETE FROM "{table}"'))
        if engine.dialect.name == "postgresql":
            # What TRUNCATE … RESTART IDENTITY did: ids start at 1 again in the next test.
            # This worker's sequences first, in a materialised step: the planner may otherwise
            # call pg_sequence_last_value on another worker's sequence while that worker drops
            # its schema ("could not open relation with OID …").
            used = conn.execute(sa.text(
                "WITH mine AS MATERIALIZED (SELECT c.oid FROM pg_class c"
                " WHERE c.relkind = 'S' AND c.relnamespace = current_schema()::regnamespace)"
                " SELECT oid::regclass::text FROM mine"
                " WHERE pg_sequence_last_value(oid) IS NOT NULL")).scalars().all()
            for sequence in used:
                conn.execute(sa.text("SELECT setval(:sequence, 1, false)"), {"sequence": sequence})


@pytest.fixture(scope="session")
def shared_app(database_url, tmp_path_factory):
    """One app per backend for the whole run: building one compiles ~170 URL rules (~0.3 s),
    which would otherwise dominate the suite. Tests get it through `app`, which restores
    its configuration and extension state afterwards."""

    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = database_url
        UPLOAD_FOLDER = str(tmp_path_factory.mktemp("uploads"))

    app = create_app(Config)

    def fresh_request_globals(sender, **extra):
        # The test's app context stays open and Flask reuses it for each request, so `g`
        # would carry Flask-Login's user and Flask-Babel's locale from one request to the next.
        g.pop("_login_user", None)
        g.pop("_flask_babel", None)
        g.pop("csrf_token", None)  # Flask-WTF's signed token of the previous request's session

    # weak=False: the handler is a local function and must outlive this fixture.
    request_started.connect(fresh_request_globals, app, weak=False)
    return app


@pytest.fixture
def app(shared_app, tmp_path):
    from matchmaker.extensions import limiter

    saved_config = dict(shared_app.config)
    shared_app.config["UPLOAD_FOLDER"] = str(tmp_path / "uploads")
    shared_app.config["JOB_FILES_FOLDER"] = str(tmp_path / "job-files")
    with shared_app.app_context():
        yield shared_app
        _db.session.remove()
        _clean(_db.engine)
        _db.engine.dispose()
    shared_app.config.clear()
    shared_app.config.update(saved_config)
    # Per-app caches and counters must not carry one test's state into the next.
    shared_app.extensions.pop("lot_page_cache", None)
    limiter.reset()


@pytest.fixture
def db(app):
    return _db


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def backend(database_url) -> str:
    return "postgres" if database_url.startswith("postgresql") else "sqlite"


# Browser tests ---------------------------------------------------------------------------

class LiveServer:
    """The app served over real HTTP in a background thread."""

    def __init__(self, app):
        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.thread.join(5)


@pytest.fixture
def live_server(app, backend):
    if backend != "sqlite":
        pytest.skip("browser tests run against the SQLite server only")
    app.config["BASE_URL"] = ""
    with LiveServer(app) as server:
        app.config["BASE_URL"] = server.url
        yield server


@pytest.fixture(scope="session")
def browser():
    if not (Path(CHROMIUM).exists() or shutil.which("chromium")):
        if REQUIRE_BROWSER:
            pytest.fail(f"Chromium not found at {CHROMIUM}; install Debian's chromium package")
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install -y chromium to run browser tests)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium"),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(locale="en-GB", base_url=live_server.url)
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def phone_page(browser, live_server):
    context = browser.new_context(
        locale="es-PE", base_url=live_server.url, viewport={"width": 390, "height": 844},
        is_mobile=True, has_touch=True, device_scale_factor=2,
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()
