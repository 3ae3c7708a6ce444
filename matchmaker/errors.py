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


def init_app(app: Flask) -> None:
    """Render every HTTP error with the site's translated error page."""
    app.register_error_handler(HTTPException, _render_error)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        from werkzeug.exceptions import InternalServerError

        if app.config.get("TESTING") and app.config.get("PROPAGATE_TEST_ERRORS", True):
            raise error
        app.logger.exception("Unhandled error", exc_info=error)
        return _render_error(InternalServerError())
