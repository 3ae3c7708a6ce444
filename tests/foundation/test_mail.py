"""The outbox delivered over real SMTP (aiosmtpd), with retries, back-off and giving up."""

from __future__ import annotations

from datetime import timedelta

import pytest

from matchmaker.models import OutboxMessage
from matchmaker.models.base import utcnow
from matchmaker.services.mail import deliver_pending, queue_mail, retry_delay
from tests.foundation.conftest import SmtpSink, free_port


@pytest.fixture
def smtp_app(app):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_USE_TLS=False, MAIL_USE_SSL=False,
                      MAIL_USERNAME="", MAIL_MAX_ATTEMPTS=3,
                      MAIL_DEFAULT_SENDER="ExpoAmazónica <feria@expoamazonica.example>")
    return app


def reload(db, message) -> OutboxMessage:
    db.session.expire_all()
    return db.session.get(OutboxMessage, message.id)


def test_without_smtp_messages_stay_in_the_outbox(app, db):
    message = queue_mail("anna@edelkakao.example", "Asunto", "Cuerpo")
    db.session.commit()
    assert deliver_pending() == (0, 0)
    assert reload(db, message).status == "pending"


def test_delivery_to_a_real_smtp_server(smtp_app, db, smtp_sink, factories):
    smtp_app.config["MAIL_PORT"] = smtp_sink.port
    user = factories.user("buyer", email="anna@edelkakao.example")
    message = queue_mail(user, "Su cita en la rueda de negocios", "Mesa 4 · 10:30 · Asociación Infierno",
                         kind="meeting", attachment=("cita.ics", "text/calendar", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"))
    other = queue_mail("pieter@cocoatrade.example", "Hello", "Plain ASCII body")
    db.session.commit()

    assert deliver_pending() == (2, 0)

    assert len(smtp_sink.messages) == 2
    recipients, email = smtp_sink.messages[0]
    assert recipients == ["anna@edelkakao.example"]
    assert email["Subject"] == "Su cita en la rueda de negocios"
    assert "feria@expoamazonica.example" in email["From"]
    body = email.get_body(("plain",)).get_content()
    assert "Mesa 4 · 10:30 · Asociación Infierno" in body
    [attachment] = list(email.iter_attachments())
    assert attachment.get_filename() == "cita.ics"
    assert attachment.get_content_type() == "text/calendar"
    assert smtp_sink.messages[1][0] == ["pieter@cocoatrade.example"]
    for sent in (reload(db, message), reload(db, other)):
        assert sent.status == "sent" and sent.attempts == 1 and sent.sent_at is not None
        assert sent.last_error == ""
    assert deliver_pending() == (0, 0)  # nothing is sent twice
    assert len(smtp_sink.messages) == 2


def test_refused_delivery_is_retried_with_back_off_then_recovers(smtp_app, db):
    port = free_port()  # nobody listens here yet
    smtp_app.config["MAIL_PORT"] = port
    message = queue_mail("lucia@chocolates.example", "Muestra enviada", "Su muestra sale hoy.")
    db.session.commit()
    start = utcnow()

    assert deliver_pending(now=start) == (0, 1)
    pending = reload(db, message)
    assert pending.status == "pending" and pending.attempts == 1
    assert "refused" in pending.last_error.lower() or "Errno" in pending.last_error
    assert pending.next_attempt_at == start + timedelta(minutes=1)
    # Not due yet: the worker leaves it alone.
    assert deliver_pending(now=start + timedelta(seconds=30)) == (0, 0)
    assert reload(db, message).attempts == 1

    sink = SmtpSink(port).start()
    try:
        assert deliver_pending(now=start + timedelta(minutes=2)) == (1, 0)
    finally:
        sink.stop()
    delivered = reload(db, message)
    assert delivered.status == "sent" and delivered.attempts == 2 and delivered.last_error == ""
    assert sink.messages[0][1]["Subject"] == "Muestra enviada"


def test_gives_up_after_max_attempts(smtp_app, db):
    smtp_app.config["MAIL_PORT"] = free_port()
    message = queue_mail("nobody@nowhere.example", "Asunto", "Cuerpo")
    db.session.commit()
    now = utcnow()
    for attempt in range(1, 4):
        assert deliver_pending(now=now) == (0, 1)
        current = reload(db, message)
        assert current.attempts == attempt
        now = current.next_attempt_at + timedelta(seconds=1)
    failed = reload(db, message)
    assert failed.status == "failed" and failed.last_error
    assert deliver_pending(now=now + timedelta(days=1)) == (0, 0)
    assert reload(db, message).attempts == 3


def test_retry_delay_doubles_up_to_an_hour():
    assert [retry_delay(n) for n in (1, 2, 3, 4)] == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert retry_delay(12) == timedelta(hours=1)


def test_send_mail_command(smtp_app, db, runner, smtp_sink):
    smtp_app.config["MAIL_PORT"] = smtp_sink.port
    queue_mail("anna@edelkakao.example", "Bienvenida", "Hola")
    db.session.commit()
    result = runner.invoke(args=["send-mail"])
    assert result.exit_code == 0, result.output
    assert "sent 1, failed 0" in result.output
    assert len(smtp_sink.messages) == 1


def test_send_mail_command_without_smtp_explains_the_outbox(app, runner):
    result = runner.invoke(args=["send-mail"])
    assert result.exit_code == 0
    assert "MAIL_SERVER is not set" in result.output


def test_reset_mail_is_delivered_end_to_end(smtp_app, db, client, smtp_sink, factories):
    smtp_app.config["MAIL_PORT"] = smtp_sink.port
    factories.user("buyer", email="claire@cacaonord.example", name="Claire Tremblay", locale="en")
    client.post("/password/forgot", data={"email": "claire@cacaonord.example"})
    assert deliver_pending() == (1, 0)
    email = smtp_sink.messages[0][1]
    assert "/password/reset/" in email.get_body(("plain",)).get_content()


def test_a_reset_enqueues_delivery_right_after_its_commit(app, db, client, factories,
                                                          monkeypatch):
    from matchmaker.jobs import tasks
    from matchmaker.services import mail

    app.config["MAIL_SEND_ON_COMMIT"] = True
    assert tasks.deliver_mail_soon in mail.after_mail_committed  # the worker's task
    enqueued = []
    monkeypatch.setattr(mail, "after_mail_committed", [lambda: enqueued.append("deliver")])
    factories.user("buyer", email="claire@cacaonord.example", locale="en")
    client.post("/password/forgot", data={"email": "nobody@cacaonord.example"})
    assert enqueued == []  # no mail queued, nothing to deliver
    client.post("/password/forgot", data={"email": "claire@cacaonord.example"})
    assert enqueued == ["deliver"]
    queue_mail("someone@example.test", "Subject", "Body")
    db.session.rollback()  # the message is gone with its transaction: nothing to deliver
    db.session.commit()
    assert enqueued == ["deliver"]


def test_a_reset_mail_leaves_at_once_without_waiting_for_the_sweep(smtp_app, client,
                                                                   smtp_sink, factories):
    smtp_app.config.update(MAIL_PORT=smtp_sink.port, MAIL_SEND_ON_COMMIT=True)
    factories.user("buyer", email="claire@cacaonord.example", name="Claire Tremblay", locale="en")
    client.post("/password/forgot", data={"email": "claire@cacaonord.example"})
    # JOBS_IMMEDIATE runs the enqueued delivery task at once, as a worker would shortly.
    assert len(smtp_sink.messages) == 1
    assert deliver_pending() == (0, 0)  # nothing left for the sweep
