"""Deleting a buyer's personal data leaves none behind (every table is searched) but keeps
anonymous counts."""

from __future__ import annotations

import sqlalchemy as sa

from matchmaker.models import Base, Lead, Meeting, User
from matchmaker.services import notifications, qr_codes
from matchmaker.services.dashboard import event_figures
from matchmaker.services.privacy import delete_buyer_personal_data
from tests.factories import make_meeting


def rows_mentioning(db, needle: str) -> list[str]:
    found = []
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, sa.String | sa.Text):
                hit = db.session.execute(sa.select(sa.func.count()).select_from(table)
                                         .where(column.contains(needle, autoescape=True))).scalar()
            elif isinstance(column.type, sa.LargeBinary):
                hit = sum(1 for (blob,) in db.session.execute(sa.select(column).where(column.is_not(None)))
                          if needle.encode() in blob)
            else:
                continue
            if hit:
                found.append(f"{table.name}.{column.name}")
    return found


def test_deletion_leaves_no_personal_data_and_keeps_counts(fair, db, request_context):
    from matchmaker.services.leads.consent import set_consent
    from matchmaker.services.meetings.calendar import regenerate_feed

    anna = fair.buyers[0]
    company = anna.buyer_profile.company
    needles = [anna.email, anna.name, anna.phone, company]
    # Leave traces everywhere: e-mails to reps naming her (with .ics), notices, consent,
    # calendar feed, badge, a rep's notes, her message on a meeting request.
    meeting = make_meeting(buyer=anna, organisation=fair.other, message=f"Soy {anna.name}, llámeme al {anna.phone}")
    notifications.notify(fair.rep, "general", f"Lead {anna.name}", f"{company} · {anna.email}")
    set_consent(anna, fair.infierno, True)
    regenerate_feed(anna)
    qr_codes.badge_token(fair.event, anna)
    lead = db.session.scalar(sa.select(Lead).where(Lead.buyer_id == anna.id, Lead.organisation_id == fair.infierno.id))
    lead.notes = f"{anna.name} wants 5 t; call {anna.phone}"
    db.session.commit()
    before = event_figures(fair.event)
    assert all(rows_mentioning(db, needle) for needle in needles)

    delete_buyer_personal_data(db.session.get(User, anna.id))
    db.session.commit()
    db.session.expire_all()

    for needle in needles:
        assert rows_mentioning(db, needle) == [], needle
    anna = db.session.get(User, anna.id)
    assert not anna.is_active and anna.email.endswith("@deleted.invalid")
    assert not anna.check_password("correct-horse-battery")
    after = event_figures(fair.event)
    assert after.leads_total == before.leads_total
    assert after.leads_by_rating == before.leads_by_rating
    assert after.leads_by_source == before.leads_by_source
    assert after.buyer_countries == before.buyer_countries
    assert db.session.get(Meeting, meeting.id).message == ""
