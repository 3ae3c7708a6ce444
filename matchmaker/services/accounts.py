"""Account use cases: sign-up, log-in, password reset, invitations, rep approval."""

from __future__ import annotations

import secrets
from contextlib import contextmanager
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from matchmaker.errors import Conflict, NotAllowed, ValidationFailed
from matchmaker.extensions import db
from matchmaker.models import BuyerProfile, Invitation, Organisation, Role, User
from matchmaker.models.base import utcnow
from matchmaker.services.mail import queue_mail


def normalise_email(email: str) -> str:
    """E-mail addresses compare case-insensitively; we store them lower-cased."""
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(db.select(User).where(User.email == normalise_email(email)))


def _ensure_email_free(email: str) -> None:
    if find_user_by_email(email) is not None:
        raise _email_taken()


def _email_taken() -> Conflict:
    return Conflict(_("An account with this e-mail address already exists."), code="email_taken")


@contextmanager
def _new_user():
    """Build and insert a user inside a savepoint: a double-submitted sign-up that passed the
    check above at the same moment hits the unique index, and becomes ``email_taken``
    instead of a 500. (The user is built inside, so the savepoint's own flush never meets a
    half-attached user.)"""
    try:
        with db.session.begin_nested():
            yield
            db.session.flush()
    except IntegrityError as error:
        raise _email_taken() from error


@dataclass
class BuyerSignup:
    """What a buyer types when signing up."""

    name: str
    email: str
    password: str
    company: str
    country: str
    buyer_type: str
    volume_min_mt: float | None = None
    volume_max_mt: float | None = None
    certifications_needed: list[str] | None = None
    languages: list[str] | None = None
    phone: str = ""
    website: str = ""
    locale: str = "es"
    share_contact_default: bool = True


def register_buyer(signup: BuyerSignup) -> User:
    """Create a buyer account with its profile.

    Raises:
        Conflict: code ``email_taken`` when the address is already registered (also when a
        double-submitted form registers it a moment earlier).
    """
    _ensure_email_free(signup.email)
    with _new_user():
        user = User(
            email=normalise_email(signup.email),
            name=signup.name.strip(),
            role=Role.BUYER,
            phone=signup.phone.strip(),
            locale=signup.locale,
        )
        user.set_password(signup.password)
        user.buyer_profile = BuyerProfile(
            company=signup.company.strip(),
            country=signup.country,
            buyer_type=signup.buyer_type,
            volume_min_mt=signup.volume_min_mt,
            volume_max_mt=signup.volume_max_mt,
            certifications_needed=",".join(signup.certifications_needed or []),
            languages=",".join(signup.languages or []),
            website=signup.website.strip(),
            share_contact_default=signup.share_contact_default,
        )
        db.session.add(user)
    return user


def create_user(
    *, email: str, name: str, password: str, role: str, organisation: Organisation | None = None,
    is_approved: bool = True, locale: str = "es", phone: str = "",
) -> User:
    """Create an organiser or rep account (organisers and seed data use it).

    Raises:
        Conflict: code ``email_taken``.
    """
    _ensure_email_free(email)
    with _new_user():
        user = User(
            email=normalise_email(email), name=name.strip(), role=role, organisation=organisation,
            is_approved=is_approved, locale=locale, phone=phone,
        )
        user.set_password(password)
        db.session.add(user)
    return user


_DUMMY_HASHES: dict[str, str] = {}


def _dummy_hash() -> str:
    """A hash of a random password made with the configured method (once per method)."""
    method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
    if method not in _DUMMY_HASHES:
        _DUMMY_HASHES[method] = generate_password_hash(secrets.token_urlsafe(16), method=method)
    return _DUMMY_HASHES[method]


def authenticate(email: str, password: str) -> User:
    """Return the user whose credentials these are.

    Raises:
        ValidationFailed: code ``bad_credentials`` (same message whether the e-mail exists);
            ``not_approved`` for reps awaiting an organiser; ``inactive`` for disabled accounts.
    """
    user = find_user_by_email(email)
    if user is None:
        # Hash anyway, so an unknown address answers as slowly as a wrong password and the
        # log-in form cannot tell which addresses have accounts.
        check_password_hash(_dummy_hash(), password)
        raise ValidationFailed(_("E-mail or password is not correct."), code="bad_credentials")
    if not user.check_password(password):
        raise ValidationFailed(_("E-mail or password is not correct."), code="bad_credentials")
    if not user.is_active:
        raise NotAllowed(_("This account has been disabled."), code="inactive")
    if user.is_rep and not user.is_approved:
        raise NotAllowed(
            _("Your account is waiting for an organiser's approval."), code="not_approved"
        )
    user.last_login_at = utcnow()
    return user


def _reset_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="password-reset")


def password_reset_token(user: User) -> str:
    # Binding the token to the current hash makes it single-use: a new password voids it.
    return _reset_serializer().dumps({"uid": user.id, "h": user.password_hash[-16:]})


def request_password_reset(email: str, reset_url_for) -> None:
    """Mail a reset link if the address belongs to someone; silent either way."""
    user = find_user_by_email(email)
    if user is None or not user.is_active:
        return
    link = reset_url_for(password_reset_token(user))
    queue_mail(
        user,
        _("Reset your matchmaker password"),
        _(
            "Hello %(name)s,\n\nSomeone asked to reset the password of your matchmaker "
            "account. To choose a new password, open this link within two hours:\n\n%(link)s\n\n"
            "If it was not you, ignore this message: your password stays the same.",
            name=user.name, link=link,
        ),
        kind="password_reset",
    )


def reset_password(token: str, new_password: str) -> User:
    """Set a new password from a reset token.

    Raises:
        ValidationFailed: code ``bad_token`` (invalid, used or expired link).
    """
    max_age = current_app.config["PASSWORD_RESET_MAX_AGE"]
    try:
        payload = _reset_serializer().loads(token, max_age=max_age)
    except (SignatureExpired, BadSignature):
        payload = None
    user = db.session.get(User, payload["uid"]) if payload else None
    if user is None or user.password_hash[-16:] != payload["h"]:
        raise ValidationFailed(
            _("This link is invalid or has expired. Ask for a new one."), code="bad_token"
        )
    user.set_password(new_password)
    user.end_sessions()  # whoever knew the old password is logged out everywhere
    db.session.flush()
    return user


def change_password(user: User, current_password: str, new_password: str) -> User:
    """Replace the password after checking the current one; every session of the account ends
    (the caller logs the current one in again).

    Raises:
        ValidationFailed: code ``wrong_password`` (field ``current_password``).
    """
    if not user.check_password(current_password):
        raise ValidationFailed(_("This is not your current password."), code="wrong_password",
                               field="current_password")
    user.set_password(new_password)
    user.end_sessions()
    db.session.flush()
    return user


def end_all_sessions(user: User) -> None:
    """Log the account out on every device (log-out, "log out everywhere")."""
    user.end_sessions()
    db.session.flush()


def set_active(user: User, active: bool) -> None:
    """An organiser switches an account on or off; switching off ends its sessions."""
    user.is_active = active
    if not active:
        user.end_sessions()
    db.session.flush()


def invite_member(inviter: User, email: str, accept_url_for) -> Invitation:
    """Invite a colleague into the inviter's organisation and mail them the link.

    Raises:
        NotAllowed: code ``not_a_rep`` unless the inviter is an approved rep.
        Conflict: code ``email_taken`` when the address already has an account.
    """
    if not inviter.is_rep or inviter.organisation is None:
        raise NotAllowed(_("Only association reps can invite members."), code="not_a_rep")
    _ensure_email_free(email)
    invitation = Invitation(
        organisation=inviter.organisation,
        email=normalise_email(email),
        token=secrets.token_urlsafe(24),
        invited_by=inviter,
    )
    db.session.add(invitation)
    db.session.flush()
    queue_mail(
        invitation.email,
        _("%(org)s invites you to matchmaker", org=inviter.organisation.name),
        _(
            "%(name)s invites you to represent %(org)s on matchmaker, where buyers find our "
            "cacao and book meetings at fairs.\n\nCreate your account here:\n%(link)s",
            name=inviter.name, org=inviter.organisation.name, link=accept_url_for(invitation.token),
        ),
        kind="invitation",
    )
    return invitation


def find_open_invitation(token: str) -> Invitation | None:
    invitation = db.session.scalar(db.select(Invitation).where(Invitation.token == token))
    if invitation is None or invitation.accepted_at is not None:
        return None
    return invitation


def accept_invitation(invitation: Invitation, *, name: str, password: str, locale: str) -> User:
    """Turn an invitation into an approved rep account of the inviting organisation.

    Raises:
        Conflict: ``invitation_used`` or ``email_taken``.
    """
    if invitation.accepted_at is not None:
        raise Conflict(_("This invitation has already been used."), code="invitation_used")
    user = create_user(
        email=invitation.email, name=name, password=password, role=Role.REP,
        organisation=invitation.organisation, is_approved=True, locale=locale,
    )
    invitation.accepted_at = utcnow()
    invitation.uses += 1
    return user


def register_rep(*, email: str, name: str, password: str, organisation: Organisation,
                 locale: str) -> User:
    """A rep who signs up on their own waits for an organiser's approval."""
    return create_user(
        email=email, name=name, password=password, role=Role.REP,
        organisation=organisation, is_approved=False, locale=locale,
    )


def set_approval(user: User, approved: bool) -> None:
    """Approve or suspend a rep; suspension ends every session of the account.

    Raises:
        ValidationFailed: code ``not_a_rep``.
    """
    if not user.is_rep:
        raise ValidationFailed(_("Only reps need approval."), code="not_a_rep")
    user.is_approved = approved
    if not approved:
        user.end_sessions()  # a suspended rep is logged out at once, on every device
    db.session.flush()
