"""The one mail service: queue every message in the outbox, deliver it from a worker."""

from __future__ import annotations

import contextlib
import smtplib
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from email.message import EmailMessage

from flask import current_app, has_app_context
from sqlalchemy import event, update
from sqlalchemy.orm import Session

from matchmaker.extensions import db
from matchmaker.models import OutboxMessage, User
from matchmaker.models.base import utcnow


def queue_mail(
    recipient: str | User,
    subject: str,
    body_text: str,
    *,
    kind: str = "general",
    attachment: tuple[str, str, bytes] | None = None,
) -> OutboxMessage:
    """Queue one message; the caller's commit makes it durable together with its cause."""
    user = recipient if isinstance(recipient, User) else None
    message = OutboxMessage(
        recipient=user.email if user else str(recipient),
        recipient_user_id=user.id if user else None,
        subject=subject[:255],
        body_text=body_text,
        kind=kind,
    )
    if attachment:
        message.attachment_name, message.attachment_type, message.attachment = attachment
    db.session.add(message)
    db.session.flush()
    db.session.info[_MAIL_QUEUED] = True  # deliver right after this transaction commits
    return message


# Set on a session that queued mail; its commit then enqueues a delivery at once (the
# once-a-minute sweep stays the safety net, and retries failed messages).
_MAIL_QUEUED = "matchmaker.mail_queued"
# What to call then: matchmaker/jobs/tasks.py adds its delivery task (the jobs package
# depends on this module, never the other way round).
after_mail_committed: list[Callable[[], object]] = []


@event.listens_for(Session, "after_commit")
def _deliver_after_commit(session: Session) -> None:
    if not session.info.pop(_MAIL_QUEUED, False) or not has_app_context():
        return
    if not current_app.config.get("MAIL_SEND_ON_COMMIT", True):
        return
    for deliver in after_mail_committed:
        try:
            deliver()
        except Exception:  # the mail is committed: the periodic sweep will send it
            current_app.logger.exception("Could not enqueue mail delivery; the sweep will")


@event.listens_for(Session, "after_rollback")
def _forget_queued_mail(session: Session) -> None:
    session.info.pop(_MAIL_QUEUED, None)  # the messages were rolled back with the rest


def smtp_configured(config: Mapping) -> bool:
    """Whether an SMTP server is set; without one, messages stay readable in the outbox."""
    return bool(config.get("MAIL_SERVER"))


def _to_email(message: OutboxMessage, sender: str) -> EmailMessage:
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email.set_content(message.body_text)
    if message.attachment and message.attachment_name:
        maintype, _, subtype = (message.attachment_type or "application/octet-stream").partition("/")
        email.add_attachment(
            message.attachment, maintype=maintype, subtype=subtype, filename=message.attachment_name
        )
    return email


def _connect(config: Mapping) -> smtplib.SMTP:
    server_class = smtplib.SMTP_SSL if config.get("MAIL_USE_SSL") else smtplib.SMTP
    smtp = server_class(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=20)
    if config.get("MAIL_USE_TLS") and not config.get("MAIL_USE_SSL"):
        smtp.starttls()
    if config.get("MAIL_USERNAME"):
        smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
    return smtp


def retry_delay(attempts: int) -> timedelta:
    """Back off exponentially: 1, 2, 4 … minutes, at most an hour."""
    return timedelta(minutes=min(60, 2 ** max(0, attempts - 1)))


# Several workers run the mail task: each message is claimed by pushing its next attempt out
# first, so only one of them sends it, and a worker killed mid-send lets it come due again.
SEND_CLAIM = timedelta(minutes=10)


def _claim(message: OutboxMessage, now: datetime) -> bool:
    claimed = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message.id, OutboxMessage.status == "pending",
               OutboxMessage.next_attempt_at <= now)
        .values(next_attempt_at=now + SEND_CLAIM)
        .execution_options(synchronize_session=False)).rowcount == 1
    db.session.commit()
    return claimed


def deliver_pending(*, now: datetime | None = None, limit: int = 100) -> tuple[int, int]:
    """Send due messages over SMTP, committing each; returns (sent, failed this round)."""
    config = current_app.config
    if not smtp_configured(config):
        return (0, 0)
    now = now or utcnow()
    due = db.session.scalars(
        db.select(OutboxMessage)
        .where(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.id)
        .limit(limit)
    ).all()
    sent = failed = 0
    smtp: smtplib.SMTP | None = None
    try:
        for message in due:
            if not _claim(message, now):
                continue  # another worker is sending it
            try:
                if smtp is None:
                    smtp = _connect(config)
                smtp.send_message(_to_email(message, config["MAIL_DEFAULT_SENDER"]))
            except (OSError, smtplib.SMTPException) as error:
                smtp = None  # reconnect for the next one: the connection may be dead
                message.attempts += 1
                message.last_error = f"{type(error).__name__}: {error}"[:2000]
                if message.attempts >= config["MAIL_MAX_ATTEMPTS"]:
                    message.status = "failed"
                else:
                    message.next_attempt_at = now + retry_delay(message.attempts)
                failed += 1
            else:
                message.attempts += 1
                message.status = "sent"
                message.sent_at = utcnow()
                message.last_error = ""
                sent += 1
            db.session.commit()
    finally:
        if smtp is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                smtp.quit()
    return (sent, failed)
