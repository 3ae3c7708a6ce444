"""A unique violation met by the kernel's one commit (after the view returned) is a 409 with a
clear message, never a 500, and nothing of the request is kept."""

from __future__ import annotations

from matchmaker.extensions import db
from matchmaker.models import Organisation
from matchmaker.views import account


def _duplicate_on_commit(name: str):
    """Adds an organisation whose name is taken, left for the commit to flush."""
    def add(*args, **kwargs):
        db.session.add(Organisation(name=name, slug="another-slug"))
    return add


def test_a_unique_violation_at_commit_is_a_409_page(app, factories, login_as, monkeypatch):
    app.config.update(PROPAGATE_TEST_ERRORS=False)
    taken = factories.organisation()
    user = factories.user("buyer")
    client = login_as(user)
    monkeypatch.setattr(account, "refresh", _duplicate_on_commit(taken.name))
    response = client.post("/account/profile", headers={"Accept-Language": "en"}, data={
        "name": "A new name", "company": "Co", "country": "DE", "buyer_type": "chocolate_maker",
        "locale": "en"})
    assert response.status_code == 409
    assert "already saved a moment ago" in response.get_data(as_text=True)
    db.session.expire_all()
    assert user.name != "A new name"  # the whole request was rolled back
    assert db.session.scalar(db.select(db.func.count()).select_from(Organisation)) == 1


def test_the_api_answers_a_conflict_in_json(app, factories, login_as, monkeypatch):
    from matchmaker.services.matching import demand

    app.config.update(PROPAGATE_TEST_ERRORS=False)
    taken = factories.organisation()
    client = login_as(factories.user("buyer"))
    # The view flushes to answer the stored values: the same refusal, met there.
    monkeypatch.setattr(demand, "save_demand", _duplicate_on_commit(taken.name))
    response = client.patch("/api/v1/me/demand", json={"eudr_required": True})
    assert response.status_code == 409 and response.get_json()["error"]["status"] == 409
