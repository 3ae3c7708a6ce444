"""notify(): preferences, in-app notices, dedupe, the recipient's language, and no loss when
SMTP fails then recovers (a real aiosmtpd server started by the test)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from matchmaker.models import Notice, OutboxMessage
from matchmaker.services import notifications
from matchmaker.services.mail import deliver_pending
from tests.factories import make_meeting, make_user
from tests.foundation.conftest import SmtpSink, free_port


def outbox(db, user):
    return db.session.scalars(db.select(OutboxMessage).where(
        OutboxMessage.recipient_user_id == user.id).order_by(OutboxMessage.id)).all()


def notices(db, user):
    return db.session.scalars(db.select(Notice).where(Notice.user_id == user.id)).all()


def test_notify_writes_a_notice_and_queues_mail_by_default(app, db):
    user = make_user("buyer")
    notifications.notify(user, "meeting_requested", "Asunto", "Cuerpo", link="https://x/meetings/1")
    db.session.commit()
    [mail] = outbox(db, user)
    assert mail.kind == "meeting_requested" and mail.body_text.endswith("https://x/meetings/1")
    [notice] = notices(db, user)
    assert notice.is_visible and notice.read_at is None
    assert notifications.unread_count(user) == 1


def test_preferences_switch_channels_and_aliases_follow_them(app, db):
    user = make_user("buyer")
    notifications.save_preferences(user, {"meeting_rescheduled": (False, True),
                                          "meeting_accepted": (True, False)})
    notifications.notify(user, "meeting_proposed", "Otra hora", "…")  # alias of rescheduled
    notifications.notify(user, "meeting_walkin", "Confirmada", "…")  # alias of accepted
    db.session.commit()
    assert [m.subject for m in outbox(db, user)] == ["Confirmada"]
    assert [n.subject for n in notices(db, user)] == ["Otra hora"]


def test_badge_scans_reach_the_buyer_only_after_opting_in(app, db):
    buyer = make_user("buyer")
    assert notifications.notify(buyer, "badge_scan", "Escaneo", "…") is None
    db.session.commit()
    assert outbox(db, buyer) == [] and notices(db, buyer) == []
    notifications.save_preferences(buyer, {"badge_scan": (True, True)})
    notifications.notify(buyer, "badge_scan", "Escaneo", "…")
    db.session.commit()
    assert len(outbox(db, buyer)) == 1 and len(notices(db, buyer)) == 1


def test_dedupe_key_sends_once_even_when_only_email_is_wanted(app, db):
    user = make_user("buyer")
    notifications.save_preferences(user, {"meeting_reminder": (True, False)})
    for _ in range(2):
        notifications.notify(user, "meeting_reminder", "Pronto", "…", dedupe_key="r:1")
    db.session.commit()
    assert len(outbox(db, user)) == 1
    assert notifications.unread_count(user) == 0  # the marker row is not shown


def test_meeting_request_notice_is_in_each_recipients_language(app, db):
    buyer = make_user("buyer", locale="en")
    meeting = make_meeting(buyer=buyer)
    rep = make_user("rep", organisation=meeting.organisation, locale="es")
    from matchmaker.services.meetings.notify import notify_other_side

    notify_other_side(meeting, "cancelled", None)
    db.session.commit()
    assert notices(db, buyer)[-1].subject.startswith("Meeting with")
    assert notices(db, rep)[-1].subject.startswith("Reunión con")
    assert outbox(db, buyer)[-1].attachment_name == f"meeting-{meeting.id}.ics"


def test_notices_page_lists_and_marks_read_and_preferences_save(app, db, login_as):
    user = make_user("buyer", locale="en")
    other = make_user("buyer")
    mine = notifications.notify(user, "meeting_accepted", "Meeting confirmed with X", "Table 4")
    theirs = notifications.notify(other, "meeting_accepted", "Not yours", "…")
    db.session.commit()
    client = login_as(user)
    page = client.get("/notices/").get_data(as_text=True)
    assert "Meeting confirmed with X" in page and "Not yours" not in page
    assert "(1)" in page  # the menu count
    client.post(f"/notices/{theirs.id}/read")
    client.post(f"/notices/{mine.id}/read")
    db.session.expire_all()
    assert db.session.get(Notice, mine.id).read_at is not None
    assert db.session.get(Notice, theirs.id).read_at is None
    response = client.post("/notices/preferences", data={"app-meeting_requested": "1"})
    assert response.status_code == 302
    prefs = notifications.preferences(user)
    assert prefs["meeting_requested"] == (False, True) and prefs["meeting_accepted"] == (False, False)


@pytest.fixture
def smtp_app(app):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_USE_TLS=False, MAIL_USE_SSL=False,
                      MAIL_USERNAME="", MAIL_MAX_ATTEMPTS=5,
                      MAIL_DEFAULT_SENDER="ExpoAmazónica <feria@expoamazonica.example>")
    return app


def test_notification_survives_an_smtp_server_that_fails_then_recovers(smtp_app, db):
    port = free_port()  # nothing listens yet: the first delivery fails
    smtp_app.config["MAIL_PORT"] = port
    buyer = make_user("buyer", email="lucia@chocolates.example", locale="es")
    with notifications.recipient_locale(buyer):
        from flask_babel import gettext as _

        subject = _("Notices")
    notifications.notify(buyer, "meeting_accepted", f"{subject}: mesa 4", "Mesa 4 · 10:30",
                         attachment=("cita.ics", "text/calendar", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"))
    db.session.commit()
    start = datetime.now(UTC)
    assert deliver_pending(now=start) == (0, 1)
    db.session.expire_all()
    [pending] = outbox(db, buyer)
    assert pending.status == "pending" and pending.attempts == 1
    sink = SmtpSink(port).start()
    try:
        assert deliver_pending(now=start + timedelta(minutes=2)) == (1, 0)
    finally:
        sink.stop()
    [(recipients, email)] = sink.messages
    assert recipients == ["lucia@chocolates.example"]
    assert email["Subject"] == "Avisos: mesa 4"
    assert [a.get_filename() for a in email.iter_attachments()] == ["cita.ics"]
    db.session.expire_all()
    assert outbox(db, buyer)[0].status == "sent"
