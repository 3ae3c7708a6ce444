"""Rules with one home: which event is current, who represents an organisation, how old an
offline scan may be."""

from __future__ import annotations

from datetime import date, timedelta

from flask_login import AnonymousUserMixin

from matchmaker.access import can_edit_lots_of, can_edit_organisation
from matchmaker.extensions import login_manager
from matchmaker.models.base import utcnow
from matchmaker.services import events, offline_scans
from tests.factories import make_event, make_exhibitor, make_organisation, make_user


def test_current_event_is_running_then_next_then_latest_and_never_a_draft(app):
    today = date.today()
    assert events.current() is None
    past = make_event(starts_on=today - timedelta(days=30))
    assert events.current() == past
    later = make_event(starts_on=today + timedelta(days=60))
    sooner = make_event(starts_on=today + timedelta(days=20))
    make_event(starts_on=today + timedelta(days=1), is_published=False)
    assert events.current() == sooner
    running = make_event(starts_on=today - timedelta(days=1))
    assert events.current() == running
    assert events.current(include_past=False) == running
    assert {later, past}  # kept for the organisation's scope below

    organisation = make_organisation()
    assert events.current(organisation_id=organisation.id) is None
    make_exhibitor(past, organisation)
    assert events.current(organisation_id=organisation.id) == past
    assert events.current(organisation_id=organisation.id, include_past=False) is None
    make_exhibitor(later, organisation)
    assert events.current(organisation_id=organisation.id) == later
    assert events.exhibited_by(organisation.id, later.slug) == later
    assert events.exhibited_by(organisation.id, sooner.slug) is None


def test_represents_is_an_approved_rep_of_that_organisation(app):
    organisation, other = make_organisation(), make_organisation()
    rep = make_user("rep", organisation=organisation)
    pending = make_user("rep", organisation=organisation, is_approved=False)
    buyer, organiser = make_user("buyer"), make_user("organiser")
    assert rep.represents(organisation) and rep.represents(organisation.id)
    assert not rep.represents(other) and not rep.represents(None)
    assert not pending.represents(organisation) and not pending.is_approved_rep
    assert not buyer.represents(organisation) and not organiser.represents(organisation)
    anonymous = login_manager.anonymous_user()
    assert isinstance(anonymous, AnonymousUserMixin) and not anonymous.represents(organisation)
    # Organisers act for every organisation where the rule allows it, said at the call site.
    assert can_edit_lots_of(organiser, organisation.id) and can_edit_organisation(organiser, other)
    assert can_edit_lots_of(rep, organisation.id) and not can_edit_lots_of(rep, other.id)
    assert not can_edit_lots_of(pending, organisation.id)
    assert not can_edit_lots_of(anonymous, organisation.id)


def test_one_offline_scan_age_for_the_lead_scanner_and_the_entrance(app):
    now = utcnow()
    assert app.config["OFFLINE_SCAN_MAX_AGE_DAYS"] == 14
    ten_days = (now - timedelta(days=10)).isoformat()
    assert offline_scans.scanned_at(ten_days, now=now) == now - timedelta(days=10)
    assert offline_scans.scanned_at((now - timedelta(days=15)).isoformat(), now=now) is None
    assert offline_scans.scanned_at((now + timedelta(hours=1)).isoformat(), now=now) is None
    assert offline_scans.scanned_at("2026-01-01T10:00:00", now=now) is None  # no zone
    assert offline_scans.scanned_at(None) is None and offline_scans.scanned_at("soon") is None
    app.config["OFFLINE_SCAN_MAX_AGE_DAYS"] = 7
    assert offline_scans.scanned_at(ten_days, now=now) is None
