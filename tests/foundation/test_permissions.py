"""Who may open which foundation page: anonymous → log-in, wrong role → 403."""

from __future__ import annotations

import pytest

from tests.factories import login

ROLES = ("anonymous", "buyer", "own_rep", "other_rep", "organiser")
LOGIN = "login"

# url → expected outcome per role (own_rep belongs to the organisation in the URL).
MATRIX = {
    "/admin/": dict(buyer=403, own_rep=403, other_rep=403, organiser=200),
    "/admin/users": dict(buyer=403, own_rep=403, other_rep=403, organiser=200),
    "/admin/outbox": dict(buyer=403, own_rep=403, other_rep=403, organiser=200),
    "/admin/events/new": dict(buyer=403, own_rep=403, other_rep=403, organiser=200),
    "/admin/events/{event}": dict(buyer=403, own_rep=403, other_rep=403, organiser=200),
    "/admin/events/{event}/edit": dict(buyer=403, own_rep=403, other_rep=403, organiser=200),
    "/organisations/new": dict(buyer=403, own_rep=403, other_rep=403, organiser=200),
    "/organisations/{org}/edit": dict(buyer=403, own_rep=200, other_rep=403, organiser=200),
    "/account/profile": dict(buyer=200, own_rep=200, other_rep=200, organiser=200),
    "/account/organisation/members": dict(buyer=403, own_rep=200, other_rep=200, organiser=403),
}
CASES = [
    pytest.param(url, role, LOGIN if role == "anonymous" else expected[role], id=f"{role}:{url}")
    for url, expected in MATRIX.items()
    for role in ROLES
]


@pytest.fixture
def world(factories):
    organisation = factories.organisation(name="Asociación Permisos")
    other = factories.organisation(name="Asociación Ajena")
    return {
        "event": factories.event(name="Feria Permisos"),
        "org": organisation,
        "buyer": factories.user("buyer"),
        "own_rep": factories.user("rep", organisation=organisation),
        "other_rep": factories.user("rep", organisation=other),
        "organiser": factories.user("organiser"),
    }


@pytest.mark.parametrize(("url", "role", "expected"), CASES)
def test_permission_matrix(client, world, url, role, expected):
    path = url.format(event=world["event"].slug, org=world["org"].slug)
    if role != "anonymous":
        login(client, world[role])
    response = client.get(path)
    if expected == LOGIN:
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login?next=")
    else:
        assert response.status_code == expected, response.get_data(as_text=True)[:300]


@pytest.mark.parametrize(
    "path",
    ["/admin/users/{uid}/deactivate", "/admin/users/{uid}/approve",
     "/admin/events/{event}/exhibitors/1/remove"],
)
@pytest.mark.parametrize("role", ["buyer", "own_rep"])
def test_admin_post_actions_refuse_other_roles(client, db, world, path, role):
    from matchmaker.models import User

    login(client, world[role])
    target = world["other_rep"]
    response = client.post(path.format(uid=target.id, event=world["event"].slug))
    assert response.status_code == 403
    db.session.expire_all()
    refreshed = db.session.get(User, target.id)
    assert refreshed.is_active and refreshed.is_approved


def test_anonymous_admin_post_goes_to_login(client, world):
    response = client.post(f"/admin/users/{world['buyer'].id}/deactivate")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_unpublished_event_is_visible_to_organisers_only(client, factories):
    event = factories.event(is_published=False)
    assert client.get(f"/events/{event.slug}").status_code == 404
    login(client, factories.user("buyer"))
    assert client.get(f"/events/{event.slug}").status_code == 404
    client.post("/logout")
    login(client, factories.user("organiser"))
    assert client.get(f"/events/{event.slug}").status_code == 200


def test_unknown_slugs_are_404_for_organisers(client, factories):
    login(client, factories.user("organiser"))
    assert client.get("/admin/events/no-such-fair").status_code == 404
    assert client.get("/organisations/no-such-org/edit").status_code == 404


def test_suspended_rep_loses_rep_pages(client, db, factories):
    organisation = factories.organisation()
    rep = factories.user("rep", organisation=organisation)
    login(client, rep)
    assert client.get("/account/organisation/members").status_code == 200
    rep.is_approved = False
    db.session.commit()
    assert client.get("/account/organisation/members").status_code == 403
    assert client.get(f"/organisations/{organisation.slug}/edit").status_code == 403
