"""Writing a buyer's demand through the API: PUT replaces, PATCH changes; the form's bounds and
the service's coded errors; hostile bodies get a 400 or 422, never a 500."""

from __future__ import annotations

import re

import pytest

from matchmaker.extensions import db
from tests.factories import PASSWORD

URL = "/api/v1/me/demand"
FULL = {
    "product_forms": ["dry_fermented", "nibs"], "volume_min_mt": "10", "volume_max_mt": 50,
    "shipment_min_mt": "12.5", "min_iso_grade": "I", "min_fermented_pct": 80,
    "max_moisture_pct": "7.5", "certifications": ["eu_organic"],
    "flavours": ["fresh_fruit", "floral"], "genetics": ["native_amazonian"],
    "incoterms": ["FOB"], "price_ceiling_usd_per_mt": "9000", "delivery_from": "2027-01-01",
    "delivery_to": "2027-06-30", "eudr_required": True,
}


@pytest.fixture
def buyer(factories):
    return factories.user("buyer")


@pytest.fixture
def api(buyer, login_as):
    return login_as(buyer)


def test_put_stores_the_whole_demand_and_answers_it(api, buyer):
    response = api.put(URL, json=FULL)
    assert response.status_code == 200, response.get_json()
    stored = response.get_json()
    assert stored["product_forms"] == ["dry_fermented", "nibs"]
    assert stored["volume_max_mt"] == "50.00" and stored["shipment_min_mt"] == "12.50"
    assert stored["delivery_to"] == "2027-06-30" and stored["eudr_required"] is True
    db.session.expire_all()
    profile = buyer.buyer_profile
    assert profile.certification_codes == ["eu_organic"] and profile.min_iso_grade == "I"
    assert api.get(URL).get_json() == stored


def test_put_clears_what_it_does_not_send_and_patch_keeps_it(api, buyer):
    api.put(URL, json=FULL)
    patched = api.patch(URL, json={"min_fermented_pct": "85", "incoterms": []}).get_json()
    assert patched["min_fermented_pct"] == "85.00" and patched["incoterms"] == []
    assert patched["certifications"] == ["eu_organic"] and patched["eudr_required"] is True
    replaced = api.put(URL, json={"product_forms": ["liquor"]}).get_json()
    assert replaced["product_forms"] == ["liquor"] and replaced["certifications"] == []
    assert replaced["min_fermented_pct"] is None and replaced["eudr_required"] is False


def test_child_flavour_codes_the_form_does_not_show_are_accepted(api):
    response = api.patch(URL, json={"flavours": ["fresh_fruit_berry"]})
    assert response.status_code == 200
    assert response.get_json()["flavours"] == ["fresh_fruit_berry"]


@pytest.mark.parametrize(("body", "field", "code"), [
    ({"volume_min_mt": "-1"}, "volume_min_mt", "invalid"),
    ({"shipment_min_mt": 0}, "shipment_min_mt", "invalid"),
    ({"min_fermented_pct": "101"}, "min_fermented_pct", "invalid"),
    ({"max_moisture_pct": "0"}, "max_moisture_pct", "invalid"),
    ({"price_ceiling_usd_per_mt": "1e30"}, "price_ceiling_usd_per_mt", "invalid"),
    ({"price_ceiling_usd_per_mt": "NaN"}, "price_ceiling_usd_per_mt", "invalid"),
    ({"volume_min_mt": "abc"}, "volume_min_mt", "invalid"),
    ({"volume_min_mt": "20", "volume_max_mt": "10"}, "volume_max_mt", "invalid"),
    ({"delivery_from": "2027-06-01", "delivery_to": "2027-01-01"}, "delivery_to", "invalid"),
    ({"delivery_from": "31/12/2027"}, "delivery_from", "invalid"),
    ({"min_iso_grade": "Z"}, "min_iso_grade", "invalid"),
    ({"product_forms": ["gold"]}, "product_forms", "bad_choice"),
    ({"certifications": ["other"]}, "certifications", "bad_choice"),
    ({"incoterms": ["FOB", "XYZ"]}, "incoterms", "bad_choice"),
])
def test_values_the_form_refuses_are_a_422_naming_the_field(api, buyer, body, field, code):
    api.put(URL, json=FULL)
    response = api.patch(URL, json=body, headers={"Accept-Language": "en"})
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == code and error["status"] == 422
    assert list(error["fields"]) == [field] and error["fields"][field][0]
    db.session.expire_all()
    assert buyer.buyer_profile.min_fermented_pct == 80  # nothing of the refused body stored


def test_service_errors_keep_their_code_and_message(api):
    response = api.put(URL, json={"genetics": ["native_amazonian", "unicorn"]},
                       headers={"Accept-Language": "en"})
    error = response.get_json()["error"]
    assert response.status_code == 422 and error["code"] == "bad_choice"
    assert "unicorn" in error["fields"]["genetics"][0]


@pytest.mark.parametrize("body", [
    [1, 2], "text", 5, None,
    {"volume_min_mt": {"$gt": 1}}, {"product_forms": "beans"}, {"product_forms": [1]},
    {"eudr_required": "yes"}, {"delivery_to": 20270101}, {"volume_min_mt": True},
    {"min_iso_grade": ["I"]}, {"is_admin": True},
])
def test_bodies_of_the_wrong_shape_are_a_400(api, body):
    response = api.put(URL, json=body)
    assert response.status_code == 400
    assert response.get_json()["error"]["status"] == 400


def test_numbers_beyond_floats_and_control_characters_are_refused(api):
    huge = api.put(URL, data='{"volume_min_mt": 1e400}', content_type="application/json")
    assert huge.status_code == 422 and "volume_min_mt" in huge.get_json()["error"]["fields"]
    assert api.put(URL, json={"min_iso_grade": "I\u0000"}).status_code == 400
    assert api.put(URL, data="{not json", content_type="application/json").status_code == 400
    assert api.put(URL, data="volume_min_mt=1").status_code == 400  # a form post, not JSON


def test_only_a_signed_in_buyer_writes_a_demand(client, factories, login_as):
    assert client.put(URL, json=FULL).status_code == 401
    login_as(factories.user("rep"))
    assert client.patch(URL, json=FULL).status_code == 403


def test_a_write_needs_the_csrf_header_like_the_sites_other_json_posts(app, buyer):
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    html = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    client.post("/login", data={"email": buyer.email, "password": PASSWORD, "csrf_token": token})
    refused = client.put(URL, json=FULL)
    assert refused.status_code == 400 and refused.is_json
    assert client.put(URL, json=FULL, headers={"X-CSRFToken": token}).status_code == 200
