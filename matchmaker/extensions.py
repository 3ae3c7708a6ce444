"""Flask extensions, created unbound so that any module may import them without cycles."""

from __future__ import annotations

import functools
import re
import sqlite3
from pathlib import Path

import click
from babel import Locale
from flask import Flask, request, session
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import event
from sqlalchemy.engine import Engine

from matchmaker.models.base import Base

db = SQLAlchemy(model_class=Base)
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
limiter = Limiter(key_func=get_remote_address, default_limits=[])


def select_locale() -> Locale:
    """The visitor's language: explicit choice, then profile, then browser, then Spanish.

    Answers with one shared `Locale` per language (Flask-Babel parses a code anew on every
    request) and remembers the best match per Accept-Language header (browsers send few).
    """
    from flask import current_app
    from flask_login import current_user

    config = current_app.config
    languages = config["LANGUAGES"]
    chosen = session.get("lang")
    if chosen not in languages:
        chosen = None
        if current_user and current_user.is_authenticated and current_user.locale in languages:
            chosen = current_user.locale
    if chosen is None:
        header = request.headers.get("Accept-Language", "")
        best = _best_languages.get((header, languages))
        if best is None:
            best = request.accept_languages.best_match(languages) \
                or config["BABEL_DEFAULT_LOCALE"]
            if len(_best_languages) > 1000:  # a bound; matching again is cheap
                _best_languages.clear()
            _best_languages[(header, languages)] = best
        chosen = best
    locale = _locales.get(chosen)
    if locale is None:
        locale = _locales[chosen] = Locale.parse(chosen)
    return locale


_best_languages: dict[tuple[str, tuple[str, ...]], str] = {}
_locales: dict[str, Locale] = {}


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # SQLite ignores foreign keys unless asked, and fails at once on a busy file without a timeout.
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()
        # pysqlite opens a transaction only before an INSERT/UPDATE/DELETE, so a SAVEPOINT sent
        # first opened it and its RELEASE committed it: a later rollback undid nothing. As
        # SQLAlchemy documents for pysqlite, the driver's own handling is turned off and the
        # BEGIN is sent here (`_sqlite_begin`). A PRAGMA that must run outside a transaction
        # (migrations/env.py) goes to the driver's connection before any write.
        dbapi_connection.isolation_level = None


# Statements that need the transaction: writes, savepoints and schema changes.
_TRANSACTIONAL = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE|SAVEPOINT|CREATE|DROP|ALTER)\b",
                            re.IGNORECASE)


@event.listens_for(Engine, "before_cursor_execute")
def _sqlite_begin(connection, cursor, statement, _parameters, _context, _executemany) -> None:
    # SQLAlchemy's recipe says BEGIN on its "begin" event, that is before the first SELECT.
    # On SQLite without WAL a reader's open transaction holds a SHARED lock until it ends, so
    # every session that had read anything (a worker's job, a test, the live server's
    # requests) made other writers wait and fail with "database is locked". BEGIN is sent
    # before the first statement that needs it instead: reads outside a write behave as they
    # always did, and a savepoint is always inside the transaction a rollback undoes.
    if is_pysqlite(connection) and _TRANSACTIONAL.match(statement):
        driver = connection.connection.driver_connection
        if not driver.in_transaction:
            driver.execute("BEGIN")


def is_pysqlite(connection) -> bool:
    """True for a SQLAlchemy connection to SQLite through the standard library's driver."""
    return connection.dialect.name == "sqlite" and connection.dialect.driver == "pysqlite"


@limiter.request_filter
def _reads_are_unlimited() -> bool:
    """The only limits are on POSTs (log-in); resolving limits for every page view costs more
    than serving a cached page. A limit on a GET added later needs this filter revisited."""
    return request.method in ("GET", "HEAD", "OPTIONS")


class _MigrationConfig:
    """What Flask-Migrate's `init_app` keeps in `app.extensions["migrate"]` (read by its
    commands and by migrations/env.py), without importing Flask-Migrate and Alembic (~10 MB
    of every web worker) until a migration runs."""

    def __init__(self, directory: str) -> None:
        self.db = db
        self.directory = directory

    @functools.cached_property
    def migrate(self):
        from flask_migrate import Migrate

        return Migrate(db=db, directory=self.directory)

    @property
    def configure_args(self) -> dict:
        return self.migrate.alembic_ctx_kwargs

    @property
    def metadata(self):
        return db.metadata


class _MigrationCommands(click.Group):
    """`flask db …`: Flask-Migrate's command group, imported when a `db` command runs."""

    def __init__(self) -> None:
        super().__init__("db", help="Perform database migrations.")

    def make_context(self, info_name, args, parent=None, **extra):
        # The parent group invokes the command of the context made here: Flask-Migrate's own.
        from flask_migrate.cli import db as commands

        return commands.make_context(info_name, args, parent=parent, **extra)


def _init_migrations(app: Flask, directory: str) -> None:
    app.extensions["migrate"] = _MigrationConfig(directory)
    app.cli.add_command(_MigrationCommands())


def _limit_writes_only(app: Flask) -> None:
    """Run Flask-Limiter's request hooks for POSTs and other writes only.

    Its before-request hook resolves the endpoint's limits (and only then asks the request
    filter above), its after-request hook looks for limit headers and its teardown resets
    its context: together more than serving a stored page. Every limit here is on a POST.
    """
    def ours(hook) -> bool:
        target = hook.func if isinstance(hook, functools.partial) else hook
        owner = getattr(target, "__self__", None)
        return owner is limiter or (isinstance(hook, functools.partial)
                                    and hook.args[:1] == (limiter,))

    def for_writes(hook):
        @functools.wraps(hook)
        def hook_for_writes(*args):
            if request.method in ("GET", "HEAD", "OPTIONS"):
                return args[0] if args else None  # an after-request hook returns the response
            return hook(*args)
        return hook_for_writes

    for hooks in (app.before_request_funcs, app.after_request_funcs,
                  app.teardown_request_funcs):
        for scope, functions in hooks.items():
            hooks[scope] = [for_writes(f) if ours(f) else f for f in functions]


def init_app(app: Flask, root: Path) -> None:
    """Bind every extension to the app; root is the project folder (migrations, translations)."""
    from matchmaker.sessions import ReusingSessionInterface

    app.session_interface = ReusingSessionInterface()
    db.init_app(app)
    _init_migrations(app, str(root / "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    _limit_writes_only(app)
    babel.init_app(
        app,
        locale_selector=select_locale,
        default_translation_directories=str(root / "translations"),
    )
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "strong"
    from flask_babel import lazy_gettext

    login_manager.login_message = lazy_gettext("Please log in to continue.")
    login_manager.login_message_category = "info"

    from matchmaker.models.accounts import Anonymous

    login_manager.anonymous_user = Anonymous  # has the role checks, all False
    # The user loader is matchmaker.user_loading's (registered by create_app).


# The unread-notice count loaded with the user, as (user id, count), on the WSGI environ: one
# request's, whatever app context or session the request shares (tests share theirs).
UNREAD_NOTICES = "matchmaker.unread_notices"
