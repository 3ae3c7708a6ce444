"""The request kernel: every view runs load → access → form → service → one commit → redirect.

Views call the helpers below instead of writing the plumbing out by hand:

- `load(Model, id, allowed=...)` / `load_first(select, allowed=...)`: the object or 404,
  then 403 unless `allowed(current_user, obj)`.
- `require_action()`: a bare POST button's CSRF check (400 without a valid token).
- `refused(error, form)`: a service said no. Undo the request's writes, show the message on
  the form field the error names (`DomainError(field=...)`) or as a flash, and return the HTTP
  status to re-render with; the form still holds what the user typed.
- `done(message, endpoint, **values)`: flash the success and redirect (POST/redirect/GET).
- `after_commit(callback)`: work that must wait for the commit (unlink a file, start a job).

`init_app` installs the policy the views rely on:

- One commit per request: a POST/PUT/PATCH/DELETE that answers below 400 is committed once,
  after the view returns; any other answer, and any exception, rolls back. Views and services
  never commit. A unique violation the commit itself meets is a 409, never a 500.
- GETs never write: an INSERT/UPDATE/DELETE sent to the database while a GET, HEAD or OPTIONS
  request is served is refused (`GET_WRITES = "raise"`, in tests and debug) or logged and
  left uncommitted (`"log"`, the production default: a stray write must not cost a buyer the
  page on a fair day, but the log names the endpoint and the statement). The few GETs whose
  whole point is a write (a QR scan counted) say so with `@writes_on_get(reason)`; a service
  that must issue a token on first view wraps that insert in `write_guard.permitted(reason)`.
- A `DomainError` that escapes a view is answered like `refused` would, with the error page.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, TypeVar

from flask import (
    Flask,
    Response,
    abort,
    current_app,
    flash,
    has_request_context,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DataError, IntegrityError

from matchmaker.errors import DomainError, database_refusal
from matchmaker.extensions import db
from matchmaker.write_guard import permitted_reason

T = TypeVar("T")
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE|MERGE|CREATE|DROP|ALTER|TRUNCATE)\b",
                    re.IGNORECASE)

# Marks on the WSGI environ (per request; `g` outlives requests when an app context is shared,
# as in tests): the request is being dispatched, and a permitted write happened during it.
_SERVING = "matchmaker.serving"
_PERMITTED_WRITE = "matchmaker.permitted_get_write"
_AFTER_COMMIT = "matchmaker.after_commit"
_REFUSED_WRITE = "matchmaker.refused_get_write"


class WriteDuringGet(RuntimeError):
    """A GET request tried to change the database."""


# Loading -----------------------------------------------------------------------------------

def load(model: type[T], ident: Any, allowed: Callable[[Any, T], bool] | None = None) -> T:
    """The `model` row with primary key `ident` (404), if `allowed(current_user, row)` (403)."""
    row = db.get_or_404(model, ident)
    if allowed is not None and not allowed(current_user, row):
        abort(403)
    return row


def load_first(statement, allowed: Callable[[Any, Any], bool] | None = None):
    """The first row `statement` selects (404), if `allowed(current_user, row)` (403)."""
    row = db.first_or_404(statement)
    if allowed is not None and not allowed(current_user, row):
        abort(403)
    return row


def require_action() -> None:
    """Abort with 400 unless this POST carries a valid CSRF token (bare buttons)."""
    from matchmaker.forms import ActionForm

    if not ActionForm().validate_on_submit():
        abort(400)


# Answering ---------------------------------------------------------------------------------

def status_of(error: DomainError) -> int:
    """The status for a refused request: a form naming an unknown or withdrawn thing (a badge
    code, say) is bad input (422), not a missing page."""
    return 422 if error.status in (404, 410) else error.status


def undo(error: DomainError) -> int:
    """Roll the request back for `error` and return its status; the caller shows the message
    itself (next to one row of a list, say)."""
    db.session.rollback()
    return status_of(error)


def refused(error: DomainError, form=None, *, fallback: str | None = None,
            category: str = "error", message: str | None = None) -> int:
    """Undo the request's writes and show `error`; returns the status to re-render with.

    The message goes on `form[error.field]` when the form has that field (with every message
    in `error.params["messages"]` when the service gave several), else on the `fallback`
    field (a one-field form: the badge code), else into a flash (`message` words it).
    """
    status = undo(error)
    name = error.field
    if form is not None and not (name and name in form) and fallback in form:
        name = fallback
    field = form[name] if form is not None and name and name in form else None
    if field is not None:
        field.errors = [*field.errors, *(error.params.get("messages") or [error.message])]
    else:
        flash(message or error.message, category)
    return status


def refused_json(error: DomainError):
    """`refused` for a JSON endpoint: roll back and answer {"error": {code, message}}."""
    db.session.rollback()
    return jsonify(error={"code": error.code, "message": error.message}), status_of(error)


def invalid_status(form) -> int:
    """200 for a form shown for the first time, 422 for one sent back with errors."""
    return 422 if form.is_submitted() else 200


def done(message: str | None, endpoint: str, category: str = "success", **values) -> Response:
    """Flash `message` (if any) and redirect to `endpoint`: the end of every successful POST."""
    if message:
        flash(message, category)
    return redirect(url_for(endpoint, **values))


def after_commit(callback: Callable[[], Any]) -> None:
    """Run `callback` once the kernel has committed this request (delete a stored file, start
    a job thread that reads the new row); it never runs if the request rolls back."""
    request.environ.setdefault(_AFTER_COMMIT, []).append(callback)


def writes_on_get(reason: str):
    """Mark a GET view whose purpose is a write (counting a scan); `reason` says why."""

    def decorator(view):
        view.writes_on_get = reason
        return view

    return decorator


# The policy --------------------------------------------------------------------------------

def _endpoint_writes_on_get() -> bool:
    view = current_app.view_functions.get(request.endpoint or "")
    return bool(getattr(view, "writes_on_get", None))


def _serving() -> None:
    # Set when a request is dispatched, not when code merely runs in a request context
    # (tests and scripts that call services inside `test_request_context()`).
    request.environ[_SERVING] = True


def _commit_once(response: Response) -> Response:
    if request.method in SAFE_METHODS:
        # Nothing to commit unless a permitted write happened; a refused one ("log" mode) is
        # dropped when the session is removed at the end of the request.
        if request.environ.get(_REFUSED_WRITE):
            db.session.rollback()  # never commit a refused write along with a permitted one
        elif _endpoint_writes_on_get() or request.environ.get(_PERMITTED_WRITE):
            return _commit_or_rollback(response)
        return response
    return _commit_or_rollback(response)


def _commit_or_rollback(response: Response) -> Response:
    if response.status_code >= 400:
        db.session.rollback()
        return response
    try:
        db.session.commit()
    except (IntegrityError, DataError) as error:
        # Raised here, after the view, no error handler would see it and the visitor would get
        # a 500: a unique violation is a 409 (the same form sent twice at once), a value the
        # column cannot hold a 400, as when a view's own flush meets them.
        return make_response(database_refusal(error))
    except Exception:
        db.session.rollback()
        raise
    for callback in request.environ.pop(_AFTER_COMMIT, []):
        callback()
    return response


def _rollback_on_error(error: BaseException | None) -> None:
    if error is not None:
        db.session.rollback()


def _domain_error(error: DomainError):
    # A view that did not catch the refusal: still no half-written state and never a 500.
    db.session.rollback()
    status = status_of(error)
    if request.path.startswith("/api/"):
        return {"error": {"status": status, "code": error.code, "title": error.message}}, status
    return render_template("errors/error.html", status=status, title=error.message,
                           description=None), status


@event.listens_for(Engine, "before_cursor_execute")
def _refuse_writes_during_get(conn, cursor, statement, parameters, context, executemany):
    if (not has_request_context() or request.method not in SAFE_METHODS
            or not request.environ.get(_SERVING)):
        return
    mode = current_app.config.get("GET_WRITES", "log")
    if not mode or mode == "allow" or not _WRITE.match(statement) or _endpoint_writes_on_get():
        return
    if permitted_reason():
        request.environ[_PERMITTED_WRITE] = True  # commit it at the end of the request
        return
    message = f"{request.method} {request.path} ({request.endpoint}) wrote: {statement[:200]}"
    if mode == "raise":
        raise WriteDuringGet(message)
    request.environ[_REFUSED_WRITE] = True
    current_app.logger.error("Write during a GET request refused: %s", message)


def _sync_functions_known(app: Flask) -> None:
    # Flask asks `inspect.iscoroutinefunction` of every hook and view on every request (a
    # dozen per request here); the answer for a given function never changes.
    checked: dict = {}
    ensure_sync = app.ensure_sync

    def known_ensure_sync(func):
        try:
            return checked[func]
        except (KeyError, TypeError):
            wrapped = ensure_sync(func)
            try:
                if len(checked) > 5000:  # a bound, should callers pass new objects each time
                    checked.clear()
                checked[func] = wrapped
            except TypeError:  # unhashable
                pass
            return wrapped

    app.ensure_sync = known_ensure_sync


def init_app(app: Flask) -> None:
    """One commit per state-changing request, no writes in GETs, DomainErrors answered."""
    if app.debug:
        app.config["GET_WRITES"] = "raise"
    _sync_functions_known(app)
    app.before_request(_serving)
    app.after_request(_commit_once)
    app.teardown_request(_rollback_on_error)
    app.register_error_handler(DomainError, _domain_error)
