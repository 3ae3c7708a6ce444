"""One way to tell a user something: an in-app notice and/or a queued e-mail, as they chose.

Callers compose the subject and body in the recipient's language (`with recipient_locale(user):`)
and call `notify(user, kind, subject, body, …)`. Nothing is sent during the request: the e-mail
goes to the outbox, which `flask send-mail` delivers with retries, so a slow or failing SMTP
server never blocks a page and loses nothing.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from matchmaker.extensions import db
from matchmaker.models import Notice, NotificationPreference, User
from matchmaker.models.base import utcnow
from matchmaker.models.notifications import NoticeKind
from matchmaker.services.mail import queue_mail

# What users can switch, in the order of the preferences page, with (e-mail, in-app) defaults.
# Badge scans reach the buyer only if they opt in: a rep scanning a badge is not news to most.
KINDS: OrderedDict[str, tuple[object, bool, bool]] = OrderedDict([
    (NoticeKind.MEETING_REQUESTED, (_l("A meeting is requested"), True, True)),
    (NoticeKind.MEETING_ACCEPTED, (_l("A meeting is confirmed"), True, True)),
    (NoticeKind.MEETING_DECLINED, (_l("A meeting is declined"), True, True)),
    (NoticeKind.MEETING_RESCHEDULED, (_l("Another time is proposed"), True, True)),
    (NoticeKind.MEETING_CANCELLED, (_l("A meeting is cancelled"), True, True)),
    (NoticeKind.MEETING_EXPIRING, (_l("A request is about to expire or expired"), True, True)),
    (NoticeKind.SCHEDULE_PUBLISHED, (_l("The roundtable timetable is published"), True, True)),
    (NoticeKind.MEETING_REMINDER, (_l("Reminder before each meeting"), True, True)),
    (NoticeKind.BADGE_SCAN, (_l("An exhibitor scanned my badge"), False, False)),
])

# Callers' mail kinds (kept in the outbox as they were) mapped to the kind users switch.
ALIASES = {
    "meeting_proposed": NoticeKind.MEETING_RESCHEDULED,
    "meeting_walkin": NoticeKind.MEETING_ACCEPTED,
    "meeting_scheduled": NoticeKind.MEETING_ACCEPTED,
    "meeting_expired": NoticeKind.MEETING_EXPIRING,
    "roundtable_published": NoticeKind.SCHEDULE_PUBLISHED,
}


def preference_kind(kind: str) -> str:
    """The switchable kind a caller's kind belongs to (itself when it is one)."""
    return ALIASES.get(kind, kind)


@contextmanager
def recipient_locale(user: User) -> Iterator[None]:
    """Compose texts for `user` inside this block: gettext then speaks their language."""
    with force_locale(user.locale or "es"):
        yield


def preferences(user: User) -> dict[str, tuple[bool, bool]]:
    """(by e-mail, in the app) for every switchable kind, defaults filled in."""
    chosen = {p.kind: (p.by_email, p.in_app) for p in db.session.scalars(
        db.select(NotificationPreference).where(NotificationPreference.user_id == user.id))}
    return {kind: chosen.get(kind, (email, in_app)) for kind, (_label, email, in_app) in KINDS.items()}


def save_preferences(user: User, choices: dict[str, tuple[bool, bool]]) -> None:
    """Store the user's choice for each kind given; unknown kinds are ignored."""
    existing = {p.kind: p for p in db.session.scalars(
        db.select(NotificationPreference).where(NotificationPreference.user_id == user.id))}
    for kind, (by_email, in_app) in choices.items():
        if kind not in KINDS:
            continue
        row = existing.get(kind) or NotificationPreference(user_id=user.id, kind=kind)
        row.by_email, row.in_app = bool(by_email), bool(in_app)
        db.session.add(row)
    db.session.flush()


def _channels(user: User, kind: str) -> tuple[bool, bool]:
    switchable = preference_kind(kind)
    if switchable not in KINDS:
        return True, True  # service messages (password resets, offers) are not switchable
    row = db.session.scalar(db.select(NotificationPreference).where(
        NotificationPreference.user_id == user.id, NotificationPreference.kind == switchable))
    if row is None:
        _label, by_email, in_app = KINDS[switchable]
        return by_email, in_app
    return row.by_email, row.in_app


def notify(user: User, kind: str, subject: str, body: str, *,
           attachment: tuple[str, str, bytes] | None = None, link: str | None = None,
           dedupe_key: str | None = None) -> Notice | None:
    """Tell `user`: an in-app notice and/or a queued e-mail, as their preferences say.

    `kind` is stored on the outbox message as given; its switchable kind decides the
    channels. With `dedupe_key`, a second call with the same key does nothing (the notice
    row holds the key under a unique index, even when the user only wants e-mail).
    Returns the notice row, or None when nothing was written.
    """
    if dedupe_key and db.session.scalar(
            db.select(Notice.id).where(Notice.dedupe_key == dedupe_key)) is not None:
        return None
    by_email, in_app = _channels(user, kind)
    notice = None
    if in_app or dedupe_key:
        notice = Notice(user_id=user.id, kind=preference_kind(kind), subject=subject[:255],
                        body=body, link=(link or "")[:255], is_visible=in_app,
                        dedupe_key=dedupe_key, created_at=utcnow())
        try:
            with db.session.begin_nested():
                db.session.add(notice)
                db.session.flush()
        except IntegrityError:
            return None  # the same key was written concurrently: it is already sent
    if by_email and user.is_active:
        text = f"{body}\n\n{link}" if link and link not in body else body
        queue_mail(user, subject, text, kind=kind, attachment=attachment)
    return notice


_UNREAD = (db.select(db.func.count()).select_from(Notice.__table__).where(
    Notice.__table__.c.user_id == db.bindparam("user"), Notice.__table__.c.is_visible.is_(True),
    Notice.__table__.c.read_at.is_(None)))


def unread_count(user: User) -> int:
    """The menu's count, on every logged-in page: a prebuilt Core statement on the session's
    connection (the same transaction, so a notice just read is counted as read)."""
    db.session.flush()  # what the ORM's autoflush would do before a query; a no-op on reads
    return db.session.connection().execute(_UNREAD, {"user": user.id}).scalar() or 0


def notices_query(user: User):
    return (db.select(Notice).where(Notice.user_id == user.id, Notice.is_visible.is_(True))
            .order_by(Notice.created_at.desc(), Notice.id.desc()))


def mark_read(user: User, notice_id: int | None = None) -> int:
    """Mark one of the user's notices (or all of them) read; returns how many changed."""
    query = db.update(Notice).where(Notice.user_id == user.id, Notice.read_at.is_(None))
    if notice_id is not None:
        query = query.where(Notice.id == notice_id)
    result = db.session.execute(query.values(read_at=utcnow()))
    return result.rowcount or 0


def notify_badge_scan(lead) -> Notice | None:
    """Tell a buyer (who opted in) that an exhibitor scanned their badge: once per lead."""
    from flask_babel import gettext as _

    from matchmaker.urls import external_url

    if lead is None:
        return None
    buyer, organisation = lead.buyer, lead.organisation
    with recipient_locale(buyer):
        subject = _("%(organisation)s scanned your badge", organisation=organisation.name)
        body = _("%(organisation)s scanned your badge at %(event)s and now has you as a "
                 "contact. You decide what they see on your shared-contacts page.",
                 organisation=organisation.name, event=lead.event.name)
    link = external_url("organisations.detail", slug=organisation.slug)
    return notify(buyer, NoticeKind.BADGE_SCAN, subject, body, link=link,
                  dedupe_key=f"badge_scan:{lead.id}")
