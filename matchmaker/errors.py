"""Domain errors with stable codes, and the HTTP error pages."""

from __future__ import annotations

from flask import Flask, render_template, request
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException


class DomainError(Exception):
    """A business rule refused an operation; `code` is stable, `message` is for people."""

    code = "domain_error"
    status = 422

    def __init__(self, message: str | None = None, *, code: str | None = None, **params):
        self.code = code or self.code
        self.params = params
        self.message = message or str(_l("This action is not allowed."))
        super().__init__(self.message)

    @property
    def field(self) -> str | None:
        """The form field the error is about (`field=` param), if the service named one."""
        return self.params.get("field")

    def __str__(self) -> str:
        return str(self.message)


class NotAllowed(DomainError):
    """The user may not do this to this object."""

    code = "not_allowed"
    status = 403


class Conflict(DomainError):
    """The operation clashes with the current state (taken slot, duplicate, stale data)."""

    code = "conflict"
    status = 409


class ValidationFailed(DomainError):
    """The input breaks a rule the form could not check on its own."""

    code = "invalid"
    status = 422


ERROR_TITLES = {
    400: _l("Bad request"),
    403: _l("You do not have access to this page"),
    404: _l("Page not found"),
    405: _l("Method not allowed"),
    413: _l("The file is too large"),
    429: _l("Too many attempts"),
    500: _l("Something went wrong"),
}


def _description(error: HTTPException, status: int) -> str | None:
    """A translated explanation where the title is not enough (Werkzeug's are English only)."""
    from flask import current_app
    from flask_babel import gettext
    from flask_wtf.csrf import CSRFError

    if isinstance(error, CSRFError):
        # Mostly a form left open on a phone until its token expired.
        return gettext("The form has expired. Reload the page and send it again.")
    if getattr(error, "translated", False):  # our own exceptions carry a translated text
        return error.description
    if status == 413:
        limit = (current_app.config.get("MAX_CONTENT_LENGTH") or 0) // (1024 * 1024)
        return gettext("Send a file of at most %(mb)d MB.", mb=limit)
    return None


def _render_error(error: HTTPException):
    from matchmaker.extensions import db

    status = error.code or 500
    if status >= 500:
        db.session.rollback()
    if request.path.startswith("/api/"):
        return {"error": {"status": status, "title": str(ERROR_TITLES.get(status, error.name))}}, status
    return (
        render_template(
            "errors/error.html",
            status=status,
            title=ERROR_TITLES.get(status, error.name),
            description=_description(error, status),
        ),
        status,
        # Keep what the exception says beyond its body: Retry-After on 429, Allow on 405.
        [(name, value) for name, value in error.get_headers() if name.lower() != "content-type"],
    )


class DoubleSubmit(HTTPException):
    """The database refused a write as a duplicate: mostly the same form sent twice at once."""

    code = 409
    translated = True

    def __init__(self):
        from flask_babel import gettext

        super().__init__(gettext("This was already saved a moment ago, perhaps by the same form "
                                 "sent twice. Reload the page to see the current state."))


class RefusedByDatabase(HTTPException):
    """The database refused a value no form should have let through (a safety net)."""

    code = 400
    translated = True

    def __init__(self):
        from flask_babel import gettext

        super().__init__(gettext("A value you sent is out of range. Check the numbers and dates "
                                 "and send the form again."))


def database_refusal(error: Exception):
    """Last line of defence: a unique violation is a 409, a value the column cannot hold a
    400, never a 500. Services translate the expected ones into DomainErrors themselves."""
    from sqlalchemy.exc import IntegrityError

    from matchmaker.extensions import db

    db.session.rollback()
    from flask import current_app

    current_app.logger.warning("Database refused a write: %s", str(error).splitlines()[0][:300])
    return _render_error(DoubleSubmit() if isinstance(error, IntegrityError) else RefusedByDatabase())


def init_app(app: Flask) -> None:
    """Render every HTTP error with the site's translated error page."""
    from sqlalchemy.exc import DataError, IntegrityError

    app.register_error_handler(HTTPException, _render_error)
    app.register_error_handler(IntegrityError, database_refusal)
    app.register_error_handler(DataError, database_refusal)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        from werkzeug.exceptions import InternalServerError

        if app.config.get("TESTING") and app.config.get("PROPAGATE_TEST_ERRORS", True):
            raise error
        app.logger.exception("Unhandled error", exc_info=error)
        return _render_error(InternalServerError())
