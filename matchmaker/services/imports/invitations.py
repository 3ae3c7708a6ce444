"""Invitations for imported people: a link to set their password, in their language."""

from __future__ import annotations

import secrets

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from matchmaker.errors import ValidationFailed
from matchmaker.extensions import db
from matchmaker.models import User
from matchmaker.services.mail import queue_mail
from matchmaker.urls import external_url

INVITATION_MAX_AGE = 30 * 24 * 3600  # registration sheets arrive weeks before the fair


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="participant-invitation")


def unusable_password() -> str:
    """A random password nobody knows, until the invited person sets their own."""
    return secrets.token_urlsafe(32)


def invitation_token(user: User) -> str:
    # Bound to the current hash: once the password is set, the link no longer works.
    return _serializer().dumps({"uid": user.id, "h": user.password_hash[-16:]})


def invitation_link(token: str) -> str:
    """The absolute link from BASE_URL."""
    return external_url("imports.welcome", token=token)


def send_invitation(user: User, event_name: str) -> None:
    """Queue the invitation in the person's language (nothing is sent on a dry run)."""
    link = invitation_link(invitation_token(user))
    with force_locale(user.locale or "es"):
        if user.is_rep:
            body = _("Hello %(name)s,\n\nThe organisers of %(event)s have registered you as a "
                     "representative of %(org)s on matchmaker, where buyers find your cacao lots "
                     "and book meetings at the fair.\n\nChoose your password here (the link "
                     "works for 30 days):\n%(link)s",
                     name=user.name, event=event_name,
                     org=user.organisation.name if user.organisation else "", link=link)
        else:
            body = _("Hello %(name)s,\n\nThe organisers of %(event)s have registered you as a "
                     "buyer on matchmaker, where you find cacao lots from the Peruvian Amazon that "
                     "fit what you buy and book meetings at the fair.\n\nChoose your password "
                     "here (the link works for 30 days):\n%(link)s",
                     name=user.name, event=event_name, link=link)
        subject = _("Your matchmaker account for %(event)s", event=event_name)
    queue_mail(user, subject, body, kind="invitation")


def accept(token: str, password: str) -> User:
    """Set the invited person's password.

    Raises:
        ValidationFailed: ``bad_token`` (invalid, used or expired link).
    """
    try:
        payload = _serializer().loads(token, max_age=INVITATION_MAX_AGE)
    except (SignatureExpired, BadSignature):
        payload = None
    user = db.session.get(User, payload["uid"]) if payload else None
    if user is None or user.password_hash[-16:] != payload["h"] or not user.is_active:
        raise ValidationFailed(_("This link is invalid or has expired. Ask for a new one."),
                               code="bad_token")
    user.set_password(password)
    db.session.flush()
    return user
