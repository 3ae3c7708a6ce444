"""Photos a rep uploads appear on the public sheet and in the catalogue as thumbnails."""

from __future__ import annotations

import io

from PIL import Image
from werkzeug.datastructures import FileStorage

from matchmaker.extensions import db
from matchmaker.services.lots.photos import add_photo


def _jpeg(width: int = 1200, height: int = 800) -> FileStorage:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (120, 60, 20)).save(buffer, "JPEG")
    buffer.seek(0)
    return FileStorage(stream=buffer, filename="cacao.jpg", content_type="image/jpeg")


def test_photo_thumbnail_on_sheet_and_card(client, lots, app):
    lot = lots.make(name_en="Photographed lot")
    with app.test_request_context():
        photo = add_photo(lot, _jpeg(), caption_en="Drying beds at Infierno")
    db.session.commit()

    html = client.get(f"/lots/{lot.lot_code}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert f'src="/files/lots/photos/{photo.id}/thumb"' in html
    assert 'alt="Drying beds at Infierno"' in html
    assert f'href="/files/lots/photos/{photo.id}"' in html

    with client.get(f"/files/lots/photos/{photo.id}/thumb") as thumb:
        assert thumb.status_code == 200 and thumb.mimetype.startswith("image/")
        assert max(Image.open(io.BytesIO(thumb.data)).size) <= 480

    catalogue = client.get("/lots/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert f"/files/lots/photos/{photo.id}/thumb" in catalogue


def test_card_photo_is_the_lazy_thumbnail_with_its_own_size(client, lots, app):
    lot = lots.make(name_en="Photographed lot")
    with app.test_request_context():
        first = add_photo(lot, _jpeg(1200, 800))
        add_photo(lot, _jpeg(600, 900))
    db.session.commit()
    catalogue = client.get("/lots/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    card = catalogue.split('class="card lot-card"', 1)[1].split("</li>", 1)[0]
    assert card.count("<img") == 1  # the first photo only
    assert f'src="/files/lots/photos/{first.id}/thumb"' in card
    with client.get(f"/files/lots/photos/{first.id}/thumb") as thumb:
        size = Image.open(io.BytesIO(thumb.data)).size
    assert f'width="{size[0]}" height="{size[1]}"' in card  # the thumbnail's, not 1200 × 800
    assert 'loading="lazy"' in card
