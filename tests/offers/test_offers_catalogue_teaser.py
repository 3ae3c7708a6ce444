"""Consolidated offers show up in the lot catalogue, beside single lots."""

from __future__ import annotations


def test_catalogue_lists_published_offers_with_their_volume(client, app):
    from matchmaker.extensions import db
    from matchmaker.models.offers import ConsolidatedOffer
    from tests.demo_snapshot import load_demo

    load_demo()
    offer = db.session.scalar(db.select(ConsolidatedOffer).where(ConsolidatedOffer.status == "published"))
    assert offer is not None
    html = client.get("/lots/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Export-sized consolidated offers" in html
    assert f"/offers/{offer.offer_code}" in html
    assert f"{offer.approved_kg / 1000:.1f} MT" in html
    assert "/offers/suggest" in html
