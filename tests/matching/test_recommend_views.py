"""Recommendations on the demo fair: services, pages, pre-filled wishes, the CLI, the demand form."""

from __future__ import annotations

import json
from datetime import date

from matchmaker.extensions import db
from matchmaker.models import Organisation
from matchmaker.models.roundtable import Wish, WishDirection
from matchmaker.services.matching import recommend
from matchmaker.services.roundtable.wishes import set_wish
from tests.factories import PASSWORD

ANNA = "anna.becker@schokolade.demo"
ROSA = "rosa.mishaja@infierno.demo"
CLAIRE = "claire.tremblay@cacao.demo"  # no stated demand beyond certifications
INF, OFFER = "PE-MDD-INF-26-001", "OF-AGROBOSQUE-26-001"


def test_demo_buyers_get_recommendations_with_reasons_out_of_the_box(demo, user, app):
    with app.test_request_context():
        result = recommend.for_buyer(user(ANNA), demo, today=date.today())
    codes = [m.supply.code for m in result.fitting]
    assert codes[0] == INF and OFFER in codes
    # Bajo Huallaga holds no organic certificate: Anna requires EU organic.
    assert [m.supply.code for m in result.excluded] == ["PE-SAM-BEL-26-001"]
    assert {f.criterion for f in result.fitting[0].reasons} >= {"certification", "eudr", "flavour"}
    assert [o.name for o in result.to_meet][0].startswith("Asociación Agroforestal")


def test_buyer_page_shows_reasons_misses_and_who_to_meet(demo, demo_login):
    client = demo_login(ANNA)
    page = client.get(f"/matches/{demo.slug}/", headers={"Accept-Language": "en"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Fermented 92 %, you want ≥ 80 %" in html
    assert "ISO 2451 Grade II, you want Grade I or better" in html  # the offer's miss
    assert "Who to meet at the roundtable" in html
    assert "1 lot or offer ruled out by a requirement" in html


def test_buyer_page_in_spanish(demo, demo_login, client):
    demo_login(ANNA)
    client.post("/language", data={"lang": "es"})
    html = client.get(f"/matches/{demo.slug}/").get_data(as_text=True)
    assert "Fermentado 92 %, usted busca ≥ 80 %" in html
    assert "A quién conocer en la rueda de negocios" in html


def test_prefill_turns_top_recommendations_into_like_wishes_and_keeps_existing(demo, demo_login,
                                                                              user):
    anna = user(ANNA)
    db.session.query(Wish).filter(Wish.buyer_id == anna.id).delete()
    tahuamanu = db.session.scalar(db.select(Organisation).where(
        Organisation.name.like("%Tahuamanu%")))
    set_wish(demo, anna, tahuamanu, WishDirection.BUYER, "no")
    db.session.commit()
    client = demo_login(ANNA)
    response = client.post(f"/matches/{demo.slug}/wishes")
    assert response.status_code == 302 and "/wishes" in response.headers["Location"]
    levels = {w.organisation_id: w.level for w in db.session.scalars(
        db.select(Wish).where(Wish.buyer_id == anna.id, Wish.direction == WishDirection.BUYER))}
    assert levels[tahuamanu.id] == "no"  # the buyer's own "no" stays
    assert sorted(levels.values()) == ["like", "like", "no"]
    again = client.post(f"/matches/{demo.slug}/wishes")
    assert again.status_code == 302
    assert len(db.session.scalars(db.select(Wish).where(Wish.buyer_id == anna.id)).all()) \
        == len(levels) + sum(1 for w in db.session.scalars(db.select(Wish).where(
            Wish.buyer_id == anna.id, Wish.direction == WishDirection.ORGANISATION)))


def test_rep_sees_the_buyers_whose_demand_fits(demo, demo_login):
    client = demo_login(ROSA)
    html = client.get(f"/matches/{demo.slug}/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Compradores que vale la pena conocer" in html  # Rosa reads Spanish
    assert "Edelkakao Manufaktur" in html
    assert "Alpen Kakao" not in html  # wants 5 t shipments: Infierno's 2.4 t and no offer reach it
    # The reasons are about the buyer, worded for the rep.
    assert "Anna busca ≥ 80 %" in html and "usted busca" not in html


def test_rep_reads_reasons_about_the_buyer_in_english(demo, demo_login):
    client = demo_login(ROSA)
    with client.session_transaction() as session:
        session["lang"] = "en"
    html = client.get(f"/matches/{demo.slug}/").get_data(as_text=True)
    assert "Buyers worth meeting" in html
    assert "Fermented 92 %, Anna wants ≥ 80 %" in html
    assert "you want" not in html and "as you buy" not in html


def test_organiser_overview_lists_unmet_demand(demo, demo_login):
    client = demo_login("organiser@expoamazonica.demo")
    html = client.get(f"/matches/{demo.slug}/overview",
                      headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Demanda que ningún lote ni oferta cubre" in html  # the organiser reads Spanish
    assert "Tanaka Chocolate" in html  # JAS organic: no lot holds it


def test_overview_is_for_organisers_only(demo, demo_login):
    client = demo_login(ANNA)
    assert client.get(f"/matches/{demo.slug}/overview").status_code == 403


def test_anonymous_is_sent_to_log_in(demo, client):
    response = client.get(f"/matches/{demo.slug}/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_prefill_needs_csrf(demo, demo_login, app):
    client = demo_login(ANNA)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post(f"/matches/{demo.slug}/wishes")
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert response.status_code == 400


def test_similar_lots_page(demo, client):
    html = client.get(f"/matches/lots/{INF}/similar",
                      headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "PE-MDD-TAH-26-001" in html and "PE-SAM-BEL-26-001" in html
    assert client.get("/matches/lots/NOPE/similar").status_code == 404


def test_cli_recommend_json_for_a_buyer(demo, runner):
    result = runner.invoke(args=["recommend", ANNA, "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["recommended"][0]["code"] == INF
    assert "Fermented 92 %, you want ≥ 80 %" in payload["recommended"][0]["reasons"]
    assert payload["excluded"][0]["excluded_by"] == [
        "No valid EU organic (Reg. 2018/848) certificate"]


def test_cli_recommend_text_for_a_rep_and_errors(demo, runner):
    result = runner.invoke(args=["recommend", ROSA, "--event", demo.slug])
    assert result.exit_code == 0, result.output
    assert "Edelkakao Manufaktur" in result.output
    assert "Fermented 92 %, Anna wants ≥ 80 %" in result.output and "you want" not in result.output
    assert runner.invoke(args=["recommend", "nobody@example.test"]).exit_code != 0
    assert runner.invoke(args=["recommend", ANNA, "--event", "nope"]).exit_code != 0


def test_demand_form_saves_and_keeps_input_on_error(demo, demo_login, user):
    client = demo_login(CLAIRE)
    bad = client.post("/matches/demand", data={"product_forms": ["nibs"],
                                              "delivery_from": "2027-05-01",
                                              "delivery_to": "2027-01-01",
                                              "min_fermented_pct": "85"})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422
    assert 'value="85' in html
    good = client.post("/matches/demand", data={
        "product_forms": ["dry_fermented"], "shipment_min_mt": "2",
        "certifications": ["eu_organic"], "flavours": ["floral"], "eudr_required": "y",
        "min_iso_grade": "I"})
    assert good.status_code == 302
    profile = user(CLAIRE).buyer_profile
    db.session.refresh(profile)
    assert profile.product_form_codes == ["dry_fermented"] and profile.eudr_required
    assert profile.certification_codes == ["eu_organic"] and profile.min_iso_grade == "I"


def test_signup_leads_to_the_demand_step(demo, client):
    response = client.post("/signup", data={
        "name": "Nina Berg", "email": "nina@bergkakao.example", "password": PASSWORD,
        "confirm": PASSWORD, "company": "Berg Kakao", "country": "AT",
        "buyer_type": "chocolate_maker", "locale": "en"})
    assert response.status_code == 302
    assert "/matches/demand?welcome=1" in response.headers["Location"]


def test_home_page_shows_a_buyers_top_recommendations(demo, demo_login):
    client = demo_login(ANNA)
    html = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Recommended for you" in html and "Native agroforestry cacao" in html


def test_api_gives_the_buyers_demand_and_recommendations(demo, demo_login, client):
    assert client.get("/api/v1/me/demand").status_code == 401
    demo_login(ANNA)
    demand = client.get("/api/v1/me/demand").get_json()
    assert demand["product_forms"] == ["dry_fermented"] and demand["eudr_required"] is True
    assert demand["min_fermented_pct"] == "80.00" and demand["min_iso_grade"] == "I"
    recs = client.get("/api/v1/me/recommendations").get_json()
    assert recs["recommended"][0]["code"] == INF
    assert recs["excluded"][0]["code"] == "PE-SAM-BEL-26-001"


def test_api_demand_is_for_buyers(demo, demo_login, client):
    demo_login(ROSA)
    assert client.get("/api/v1/me/demand").status_code == 403
