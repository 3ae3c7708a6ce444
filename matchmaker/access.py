"""Permission checks: one helper per resource; views call them, templates never decide."""

from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from matchmaker.extensions import db
from matchmaker.models import Event, Organisation, User


def role_required(*roles: str):
    """Log-in required, then 403 unless the user has one of `roles`."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


organiser_required = role_required("organiser")


def can_edit_organisation(user: User, organisation: Organisation) -> bool:
    return user.is_organiser or user.represents(organisation)


def can_edit_lots_of(user: User, organisation_id: int) -> bool:
    """Organisers edit every lot; approved reps only their own organisation's."""
    return user.is_organiser or user.represents(organisation_id)


def get_organisation(slug: str, *, edit: bool = False) -> Organisation:
    """Load an organisation by slug or 404; with edit=True, 403 unless the user may edit it."""
    organisation = db.first_or_404(db.select(Organisation).where(Organisation.slug == slug))
    if edit and not can_edit_organisation(current_user, organisation):
        abort(403)
    return organisation


def get_event(slug: str, *, manage: bool = False) -> Event:
    """Load an event by slug or 404; unpublished events are visible to organisers only."""
    event = db.first_or_404(db.select(Event).where(Event.slug == slug))
    is_organiser = current_user.is_authenticated and current_user.is_organiser
    if (manage or not event.is_published) and not is_organiser:
        abort(403 if manage else 404)
    return event
