"""matchmaker: trade-fair matchmaking for small cacao producers."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from matchmaker.config import Config

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: type[Config] | Config | None = None) -> Flask:
    """Build the application: configuration, extensions, blueprints, errors, CLI."""
    app = Flask(
        __name__,
        instance_path=str(ROOT / "instance"),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    configure(app, config or Config)
    register_extensions(app)
    register_input_guard(app)
    register_jobs(app)
    register_blueprints(app)
    register_request_kernel(app)
    register_errorhandlers(app)
    register_security(app)
    register_template_helpers(app)
    register_commands(app)
    return app


def configure(app: Flask, config: type[Config] | Config) -> None:
    from matchmaker.config import load_secret_key

    app.config.from_object(config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = load_secret_key(Path(app.instance_path))
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = (
            f"sqlite:///{Path(app.instance_path) / 'matchmaker.sqlite'}"
        )
    app.config["BASE_URL"] = checked_base_url(app)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # A local file never drops the connection; pinging it would double every query.
        options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
        options.pop("pool_pre_ping", None)
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options


class ConfigurationError(RuntimeError):
    """A setting the site cannot run without is missing or wrong."""


# Local development (`flask run --debug`, ./run.sh sets its own) and tests may omit BASE_URL.
DEVELOPMENT_BASE_URL = "http://127.0.0.1:5000"


MISSING_BASE_URL = (
    "BASE_URL is not set. Set it to the public address of the site, e.g. "
    "BASE_URL=https://match.example.org: e-mails, calendars and QR codes link there "
    "(for local development, ./run.sh sets it, or use FLASK_DEBUG=1)."
)


def _maintenance_command() -> bool:
    """Whether a `flask` command other than `run` is loading the app (db upgrade, i18n-build,
    db heads …): those may run without BASE_URL; any link they try to build fails instead."""
    import click

    context = click.get_current_context(silent=True)
    return context is not None and context.info_name not in (None, "run")


def checked_base_url(app: Flask) -> str:
    """BASE_URL without its trailing slash; the server refuses to start without it outside
    debug and testing.

    Raises:
        ConfigurationError: BASE_URL missing in production, or not an http(s) address.
    """
    from urllib.parse import urlsplit

    base = (app.config.get("BASE_URL") or "").strip().rstrip("/")
    if not base:
        if app.debug or app.testing:
            return DEVELOPMENT_BASE_URL
        if _maintenance_command():
            return ""  # matchmaker.urls refuses to build a link without it
        raise ConfigurationError(MISSING_BASE_URL)
    parts = urlsplit(base)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ConfigurationError(
            f"BASE_URL must be an http:// or https:// address such as "
            f"https://match.example.org, not {base!r}."
        )
    return base


def register_extensions(app: Flask) -> None:
    from matchmaker import extensions, user_loading

    extensions.init_app(app, ROOT)
    user_loading.init_app(app)


def register_input_guard(app: Flask) -> None:
    from matchmaker import input_guard

    input_guard.init_app(app)


def register_jobs(app: Flask) -> None:
    from matchmaker import jobs

    jobs.init_app(app)


def register_blueprints(app: Flask) -> None:
    from matchmaker.views import BLUEPRINTS

    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)


def register_request_kernel(app: Flask) -> None:
    from matchmaker import web

    web.init_app(app)


def register_errorhandlers(app: Flask) -> None:
    from matchmaker import errors

    errors.init_app(app)


def register_security(app: Flask) -> None:
    from matchmaker import security

    security.init_app(app)


def register_template_helpers(app: Flask) -> None:
    from matchmaker import templating

    templating.init_app(app)


def register_commands(app: Flask) -> None:
    from matchmaker import cli

    cli.init_app(app)
