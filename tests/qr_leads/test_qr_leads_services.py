"""Service rules: tokens, scans, the one-lead rule, idempotent badge scans, consent."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from matchmaker.errors import DomainError
from matchmaker.extensions import db
from matchmaker.models.leads import ContactConsent, Lead, LeadSource
from matchmaker.models.qr import QrToken, Scan
from matchmaker.services import qr_codes
from matchmaker.services.leads import consent, recording
from matchmaker.services.leads.annotate import normalise_tags, update_lead
from matchmaker.services.leads.badges import scan_badge
from tests.factories import make_event, make_lot, make_organisation, make_user
from tests.qr_leads.conftest import days_ago

pytestmark = pytest.mark.usefixtures("request_context")


def _count(model, *where) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def test_token_is_opaque_unique_per_target_and_reissue_revokes(fair):
    token = qr_codes.lot_token(fair.lot)
    db.session.commit()
    assert qr_codes.lot_token(fair.lot).id == token.id
    assert str(fair.lot.id) != token.token and fair.lot.lot_code not in token.token
    assert len(token.token) == 11
    assert qr_codes.short_url(token) == f"http://fair.test/q/{token.token}"

    fresh = qr_codes.reissue(token)
    db.session.commit()
    assert fresh.token != token.token and fresh.is_active
    assert token.is_active is False and token.revoked_at is not None
    with pytest.raises(DomainError) as error:
        qr_codes.resolve(token.token)
    assert error.value.code == "token_revoked"
    assert qr_codes.resolve(fresh.token).id == fresh.id
    with pytest.raises(DomainError) as error:
        qr_codes.reissue(token)
    assert error.value.code == "token_revoked"


def test_database_refuses_two_active_tokens_for_one_lot(fair):
    qr_codes.lot_token(fair.lot)
    db.session.commit()
    db.session.add(QrToken(token="duplicateXX", kind="lot", lot_id=fair.lot.id, is_active=True))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()


@pytest.mark.parametrize("text", ["", "nope", "x" * 40, "../etc", "a b"])
def test_unknown_or_malformed_tokens_are_rejected(fair, text):
    with pytest.raises(DomainError) as error:
        qr_codes.resolve(text)
    assert error.value.code == "token_unknown"


def test_token_from_scan_accepts_urls_and_bare_tokens():
    assert qr_codes.token_from_scan("https://fair.test/q/AbC-_12?x=1") == "AbC-_12"
    assert qr_codes.token_from_scan("  AbC12 ") == "AbC12"


def test_badge_token_only_for_buyers(fair):
    with pytest.raises(DomainError) as error:
        qr_codes.badge_token(fair.event, fair.rep)
    assert error.value.code == "not_a_buyer"


def test_anonymous_scan_is_counted_without_lead(fair):
    token = qr_codes.booth_token(fair.exhibitor)
    qr_codes.record_scan(token, "visitor-1", None)
    qr_codes.record_scan(token, "visitor-1", None)
    db.session.commit()
    assert qr_codes.scan_counts([token.id]) == {token.id: 2}
    scan = db.session.scalar(sa.select(Scan))
    assert scan.event_id == fair.event.id and scan.user_id is None
    assert _count(Lead) == 0


def test_buyer_scan_becomes_lead_only_when_asked_and_with_consent(fair):
    token = qr_codes.lot_token(fair.lot)
    qr_codes.record_scan(token, "v", fair.buyer)
    db.session.commit()
    assert _count(Lead) == 0  # the scan alone never makes a lead
    assert qr_codes.lead_offer(token, fair.buyer) == fair.organisation
    qr_codes.lead_from_scan(token, fair.buyer)
    db.session.commit()
    assert qr_codes.lead_offer(token, fair.buyer) is None  # already a lead
    lead = db.session.scalar(sa.select(Lead))
    assert (lead.event_id, lead.organisation_id, lead.buyer_id) == (
        fair.event.id, fair.organisation.id, fair.buyer.id)
    assert [s.kind for s in lead.sources] == ["lot_scan"]
    assert [lot.id for lot in lead.lots] == [fair.lot.id]

    other_buyer = make_user("buyer")
    consent.set_consent(other_buyer, fair.organisation, False)
    qr_codes.record_scan(token, "w", other_buyer)
    assert qr_codes.lead_offer(token, other_buyer) is None
    with pytest.raises(DomainError) as error:
        qr_codes.lead_from_scan(token, other_buyer)
    assert error.value.code == "no_lead"
    db.session.commit()
    assert _count(Lead, Lead.buyer_id == other_buyer.id) == 0
    assert _count(Scan) == 2


def test_every_source_lands_on_one_lead_with_history(fair):
    first = recording.record_lead(fair.buyer, fair.organisation, "interest", lot=fair.lot,
                                  at=days_ago(3))
    second = recording.record_lead(fair.buyer, fair.organisation, "badge_scan",
                                   by_user=fair.rep, at=days_ago(1))
    third = recording.record_lead(fair.buyer, fair.organisation, "meeting_request",
                                  at=days_ago(5))
    db.session.commit()
    assert first.id == second.id == third.id
    assert _count(Lead) == 1
    lead = db.session.get(Lead, first.id)
    assert [s.kind for s in lead.sources] == ["meeting_request", "interest", "badge_scan"]
    assert lead.first_contact_at.date() == days_ago(5).date()
    assert lead.last_contact_at.date() == days_ago(1).date()


def test_lead_needs_an_event_where_the_organisation_exhibits(fair):
    from tests.factories import make_organisation

    loner = make_organisation()
    assert recording.record_lead(fair.buyer, loner, "interest") is None
    with pytest.raises(DomainError) as error:
        recording.record_lead(fair.buyer, loner, "interest", lot=fair.lot)
    assert error.value.code == "foreign_lot"
    with pytest.raises(DomainError) as error:
        recording.record_lead(fair.buyer, fair.organisation, "carrier_pigeon")
    assert error.value.code == "unknown_source"


def test_scanning_the_same_badge_twice_updates_never_duplicates(fair):
    token = qr_codes.badge_token(fair.event, fair.buyer)
    db.session.commit()
    url = qr_codes.short_url(token)
    lead_one = scan_badge(fair.rep, url)
    lead_two = scan_badge(fair.rep, token.token)
    db.session.commit()
    assert lead_one.id == lead_two.id
    assert _count(Lead) == 1
    assert _count(LeadSource, LeadSource.kind == "badge_scan") == 2


def test_resent_offline_scan_with_same_key_is_recorded_once(fair):
    token = qr_codes.badge_token(fair.event, fair.buyer)
    db.session.commit()
    scan_badge(fair.rep, token.token, client_key="3f2a-uuid")
    db.session.commit()
    scan_badge(fair.rep, token.token, client_key="3f2a-uuid")
    db.session.commit()
    assert _count(LeadSource) == 1


def test_concurrent_lead_insert_is_retried_as_update(fair, app):
    """A lead inserted by another transaction between our look-up and insert is reused."""
    # Simulate the race: a separate connection commits the lead after our session
    # decided none existed, by calling the private insert path directly.
    from matchmaker.services.leads.recording import _get_or_create_lead

    now = days_ago(0)
    with db.engine.begin() as other:
        other.execute(sa.insert(Lead).values(
            event_id=fair.event.id, organisation_id=fair.organisation.id, buyer_id=fair.buyer.id,
            first_contact_at=now, last_contact_at=now, tags="", notes="", follow_up_action="",
            created_at=now, updated_at=now))
    original_find = recording._find_lead
    calls = []

    def blind_first(*args):
        calls.append(args)
        return None if len(calls) == 1 else original_find(*args)

    recording._find_lead = blind_first
    try:
        lead = _get_or_create_lead(fair.event, fair.organisation, fair.buyer, now)
    finally:
        recording._find_lead = original_find
    db.session.commit()
    assert len(calls) == 2
    assert _count(Lead) == 1 and lead.buyer_id == fair.buyer.id


def test_badge_scan_rules(fair, other_org_rep):
    token = qr_codes.badge_token(fair.event, fair.buyer)
    lot_token = qr_codes.lot_token(fair.lot)
    db.session.commit()
    with pytest.raises(DomainError) as error:
        scan_badge(fair.buyer, token.token)
    assert error.value.code == "not_a_rep"
    with pytest.raises(DomainError) as error:
        scan_badge(fair.rep, lot_token.token)
    assert error.value.code == "not_a_badge"
    other_event = make_event()
    elsewhere = qr_codes.badge_token(other_event, fair.buyer)
    db.session.commit()
    with pytest.raises(DomainError) as error:
        scan_badge(fair.rep, elsewhere.token)
    assert error.value.code == "not_exhibiting"
    # A second exhibitor scanning the same badge gets its own lead.
    scan_badge(fair.rep, token.token)
    scan_badge(other_org_rep, token.token)
    db.session.commit()
    assert _count(Lead) == 2


def test_consent_default_override_and_holders(fair):
    assert consent.shares_contact(fair.buyer, fair.organisation) is True  # profile default
    consent.set_default(fair.buyer, False)
    assert consent.shares_contact(fair.buyer, fair.organisation) is False
    consent.set_consent(fair.buyer, fair.organisation, True)
    consent.set_consent(fair.buyer, fair.organisation, True)
    db.session.commit()
    assert _count(ContactConsent) == 1
    assert consent.shares_contact(fair.buyer, fair.organisation) is True
    recording.record_lead(fair.buyer, fair.organisation, "interest")
    db.session.commit()
    holders = consent.contact_holders(fair.buyer)
    assert [(h.organisation.id, h.shares, h.lead_count) for h in holders] == [
        (fair.organisation.id, True, 1)]
    consent.set_consent(fair.buyer, fair.organisation, False)
    db.session.commit()
    assert consent.contact_holders(fair.buyer)[0].shares is False


def test_annotation_rules(fair):
    lead = recording.record_lead(fair.buyer, fair.organisation, "interest")
    second_lot = make_lot(fair.organisation)
    update_lead(lead, rating="hot", tags="Organic, export ,organic", notes=" call ",
                follow_up_action="Send sample", follow_up_due=None,
                lot_ids=[fair.lot.id, second_lot.id])
    db.session.commit()
    assert (lead.rating, lead.tags, lead.notes) == ("hot", "organic,export", "call")
    assert {lot.id for lot in lead.lots} == {fair.lot.id, second_lot.id}
    update_lead(lead, rating="", tags="", notes="", follow_up_action="", follow_up_due=None,
                lot_ids=[second_lot.id])
    db.session.commit()
    assert lead.rating is None and [lot.id for lot in lead.lots] == [second_lot.id]
    foreign = make_lot(make_organisation())
    for kwargs, code in [({"rating": "lukewarm"}, "bad_rating"),
                         ({"lot_ids": [foreign.id]}, "foreign_lot")]:
        fields = {"rating": None, "tags": "", "notes": "", "follow_up_action": "",
                  "follow_up_due": None, "lot_ids": []} | kwargs
        with pytest.raises(DomainError) as error:
            update_lead(lead, **fields)
        assert error.value.code == code
    with pytest.raises(DomainError) as error:
        normalise_tags(",".join(f"t{i}" for i in range(20)))
    assert error.value.code == "too_many_tags"
