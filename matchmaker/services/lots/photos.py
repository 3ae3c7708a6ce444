"""Lot photos: uploaded through uploads.save_image (content checked, EXIF and GPS stripped)."""

from __future__ import annotations

from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage

from matchmaker.errors import ValidationFailed
from matchmaker.extensions import db
from matchmaker.models import Lot, LotPhoto
from matchmaker.uploads import save_image

MAX_PHOTOS = 12


def add_photo(lot: Lot, file: FileStorage | None, *, caption_es: str = "",
              caption_en: str = "") -> LotPhoto:
    """Store a photo (re-encoded, metadata dropped, thumbnail made) at the end of the lot's list.

    Raises:
        ValidationFailed: ``photo_required``, ``too_many_photos``, and from the image checks
            ``not_an_image``, ``image_too_large``, ``too_large``, ``empty_file``.
    """
    if file is None or not getattr(file, "filename", ""):
        raise ValidationFailed(_("Choose a photo to upload."), code="photo_required", field="photo")
    if len(lot.photos) >= MAX_PHOTOS:
        raise ValidationFailed(_("A lot can have at most %(n)d photos.", n=MAX_PHOTOS),
                               code="too_many_photos", field="photo")
    try:
        stored = save_image(file, f"lots/{lot.id}/photos")
    except ValidationFailed as error:
        error.params.setdefault("field", "photo")
        raise
    position = max((p.position for p in lot.photos), default=-1) + 1
    photo = LotPhoto(path=stored.path, thumb_path=stored.thumb_path, width=stored.width,
                     height=stored.height, caption_es=caption_es.strip(),
                     caption_en=caption_en.strip(), position=position)
    lot.photos.append(photo)
    db.session.flush()
    return photo


def update_captions(photo: LotPhoto, *, caption_es: str, caption_en: str) -> LotPhoto:
    """Change a photo's captions."""
    photo.caption_es, photo.caption_en = caption_es.strip(), caption_en.strip()
    db.session.flush()
    return photo


def move_photo(photo: LotPhoto, step: int) -> None:
    """Swap the photo with its neighbour (step -1: earlier, +1: later); ends stay put."""
    ordered = sorted(photo.lot.photos, key=lambda p: (p.position, p.id))
    for position, item in enumerate(ordered):
        item.position = position
    index = ordered.index(photo)
    other = index + (1 if step > 0 else -1)
    if 0 <= other < len(ordered):
        ordered[index].position, ordered[other].position = other, index
    db.session.flush()


def delete_photo(photo: LotPhoto) -> list[str]:
    """Remove the photo's row; returns the stored files to delete once the change is committed."""
    paths = [photo.path, photo.thumb_path]
    lot = photo.lot
    db.session.delete(photo)
    db.session.flush()
    db.session.expire(lot, ["photos"])
    return paths
