"""Issue #12 item 3: an organisation's kind and cooperative membership are organisers'
decisions, and a pending offer line (awaiting the lot owner's consent) holds no kilograms,
so no cooperative can lock other organisations' volume with requests."""

from __future__ import annotations

from decimal import Decimal

import pytest

from matchmaker.errors import DomainError
from matchmaker.extensions import db
from matchmaker.models import Organisation
from matchmaker.services.offers import composing
from matchmaker.services.offers.availability import available_kg
from tests.factories import login, make_lot


@pytest.fixture
def orgs(factories):
    coop = factories.organisation(name="Cooperativa Central", kind="cooperative")
    other_coop = factories.organisation(name="Cooperativa Lejana", kind="cooperative")
    association = factories.organisation(name="Asociación del Río", cooperative_id=coop.id)
    return coop, other_coop, association


def _form(organisation: Organisation, **changes) -> dict:
    data = {"name": organisation.name, "region": organisation.region,
            "province": organisation.province, "community": organisation.community,
            "description_es": "", "description_en": "", "contact_email": "",
            "contact_phone": "", "website": "", "ruc": ""}
    data.update(changes)
    return data


def test_a_rep_cannot_make_their_association_a_cooperative(client, factories, orgs):
    coop, other_coop, association = orgs
    rep = factories.user("rep", organisation=association, locale="en")
    login(client, rep)
    page = client.get(f"/organisations/{association.slug}/edit",
                      headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert 'name="kind"' not in page and 'name="cooperative_id"' not in page
    assert "The organisers set the type and the cooperative" in page
    response = client.post(f"/organisations/{association.slug}/edit", data=_form(
        association, kind="cooperative", cooperative_id=str(other_coop.id),
        community="Nueva comunidad"))
    assert response.status_code == 302
    db.session.expire_all()
    association = db.session.get(Organisation, association.id)
    assert association.community == "Nueva comunidad"  # the rest of the form is saved
    assert association.kind == "association" and association.cooperative_id == coop.id


def test_an_organiser_decides_kind_and_membership(client, factories, orgs):
    coop, other_coop, association = orgs
    login(client, factories.user("organiser"))
    page = client.get(f"/organisations/{association.slug}/edit").get_data(as_text=True)
    assert 'name="kind"' in page and 'name="cooperative_id"' in page
    response = client.post(f"/organisations/{association.slug}/edit", data=_form(
        association, kind="association", cooperative_id=str(other_coop.id)))
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Organisation, association.id).cooperative_id == other_coop.id


def test_a_rep_made_cooperative_cannot_compose_offers(client, factories, orgs):
    _coop, _other, association = orgs
    rep = factories.user("rep", organisation=association)
    login(client, rep)
    client.post(f"/organisations/{association.slug}/edit",
                data=_form(association, kind="cooperative"))
    with client.application.test_request_context(), pytest.raises(DomainError) as error:
        composing.create_offer(db.session.get(Organisation, association.id))
    assert error.value.code == "not_a_cooperative"


@pytest.fixture
def ctx(app):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield


def _offer(coop, code):
    return composing.create_offer(coop, offer_code=code, name_en="Blend",
                                  target_volume_kg="10000")


@pytest.mark.usefixtures("ctx")
def test_pending_lines_hold_no_volume(factories, orgs):
    coop, other_coop, association = orgs
    coop_rep = factories.user("rep", organisation=coop)
    owner = factories.user("rep", organisation=association)
    lot = make_lot(association, volume_kg=Decimal("1000"))
    # Two cooperatives ask for all of it; neither request blocks the other, nor the owner.
    first = composing.set_line(_offer(coop, "OF-A-001"), lot, "1000", actor=coop_rep)
    second = composing.set_line(_offer(other_coop, "OF-B-001"), lot, "1000")
    db.session.commit()
    assert first.approval == second.approval == "pending"
    assert available_kg(lot) == Decimal("1000")
    # Approving commits the kilograms ...
    composing.answer_line(first, owner, approve=True)
    db.session.commit()
    assert available_kg(lot) == Decimal("0")
    # ... so the second approval finds nothing left and is refused, not oversold.
    with pytest.raises(DomainError) as error:
        composing.answer_line(second, owner, approve=True)
    assert error.value.code == "oversold" and error.value.params["available_kg"] == 0
    db.session.rollback()
    assert db.session.get(type(second), second.id).approval == "pending"
    composing.answer_line(db.session.get(type(second), second.id), owner, approve=False)
    db.session.commit()
    assert available_kg(lot) == Decimal("0")


@pytest.mark.usefixtures("ctx")
def test_the_owner_may_lower_a_lot_below_pending_requests(factories, orgs):
    from matchmaker.services.offers.availability import committed_kg

    coop, _other, association = orgs
    lot = make_lot(association, volume_kg=Decimal("1000"))
    composing.set_line(_offer(coop, "OF-A-002"), lot, "900")
    db.session.commit()
    assert committed_kg([lot.id]) == {lot.id: Decimal("0")}


@pytest.mark.postgres_only
def test_concurrent_approvals_cannot_oversell(app, backend, factories, orgs):
    """Two owners' reps approve two pending requests at once; the lot holds only one."""
    import threading

    from matchmaker.errors import Conflict
    from matchmaker.models.offers import OfferLot

    if backend != "postgres":
        pytest.skip("row locks are a PostgreSQL matter; SQLite serialises writers itself")
    coop, other_coop, association = orgs
    reps = [factories.user("rep", organisation=association) for _ in range(2)]
    lot = make_lot(association, volume_kg=Decimal("5000"))
    with app.test_request_context():
        lines = [composing.set_line(_offer(c, f"OF-R-00{i}"), lot, "3000")
                 for i, c in enumerate((coop, other_coop))]
        db.session.commit()
    line_ids, rep_ids, lot_id = [line.id for line in lines], [rep.id for rep in reps], lot.id
    db.session.remove()
    ready = threading.Barrier(2)
    outcomes: list[str] = []

    def approve(line_id: int, rep_id: int) -> None:
        from matchmaker.models import User

        with app.app_context(), app.test_request_context():
            line = db.session.get(OfferLot, line_id)
            rep = db.session.get(User, rep_id)
            _ = line.lot, line.offer  # loaded before the race
            ready.wait(timeout=20)
            try:
                composing.answer_line(line, rep, approve=True)
                db.session.commit()
                outcomes.append("ok")
            except Conflict as error:
                db.session.rollback()
                outcomes.append(error.code)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=approve, args=pair) for pair in zip(line_ids, rep_ids, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(outcomes) == ["ok", "oversold"]
    from matchmaker.models import Lot

    assert available_kg(db.session.get(Lot, lot_id)) == Decimal("2000")
