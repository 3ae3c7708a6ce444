"""Uploaded files: images checked by content, EXIF stripped, thumbnails made; PDFs only."""

from __future__ import annotations

import secrets
import warnings
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError
from werkzeug.datastructures import FileStorage

from matchmaker.errors import ValidationFailed
from matchmaker.models.lots import THUMB_SIDE

MAX_IMAGE_BYTES = 8 * 1024 * 1024
MAX_PDF_BYTES = 10 * 1024 * 1024
MAX_IMAGE_PIXELS = 40_000_000
IMAGE_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
FULL_SIZE = 1600
THUMB_SIZE = THUMB_SIDE


@dataclass(frozen=True)
class StoredImage:
    """Where an accepted image and its thumbnail were written (paths relative to uploads)."""

    path: str
    thumb_path: str
    width: int
    height: int


def upload_root() -> Path:
    root = current_app.config.get("UPLOAD_FOLDER") or str(Path(current_app.instance_path) / "uploads")
    path = Path(root)
    path.mkdir(parents=True, exist_ok=True)
    return path


def _read_limited(file: FileStorage, limit: int) -> bytes:
    content = file.stream.read(limit + 1)
    if len(content) > limit:
        raise ValidationFailed(
            _("The file is larger than %(mb)d MB.", mb=limit // (1024 * 1024)), code="too_large"
        )
    if not content:
        raise ValidationFailed(_("The file is empty."), code="empty_file")
    return content


def clean_image(content: bytes) -> tuple[Image.Image, str]:
    """Open image bytes safely: real image, sane size, orientation applied, metadata dropped.

    Raises:
        ValidationFailed: code ``not_an_image`` or ``image_too_large``.
    """
    try:
        with Image.open(BytesIO(content)) as probe:
            probe.verify()
        image = Image.open(BytesIO(content))
        fmt = image.format or ""
        if fmt not in IMAGE_FORMATS:
            raise ValidationFailed(_("Use a JPEG, PNG or WebP image."), code="not_an_image")
        if image.width * image.height > MAX_IMAGE_PIXELS:
            raise ValidationFailed(_("The image has too many pixels."), code="image_too_large")
        image = ImageOps.exif_transpose(image)
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as error:
        raise ValidationFailed(_("This file is not an image we can read."),
                               code="not_an_image") from error
    # Re-encoding from pixels alone drops EXIF, including the GPS position of a farmer's plot.
    if image.mode not in ("RGB", "RGBA"):
        image = image.convert("RGBA" if "transparency" in image.info else "RGB")
    return image, fmt


def _encode(image: Image.Image, max_side: int) -> bytes:
    copy = image.copy()
    copy.thumbnail((max_side, max_side))
    out = BytesIO()
    if copy.mode == "RGBA":
        copy.save(out, "WEBP", quality=82)
    else:
        copy.save(out, "JPEG", quality=82, optimize=True, progressive=True)
    return out.getvalue()


def save_image(file: FileStorage, folder: str) -> StoredImage:
    """Validate and store an uploaded image with its thumbnail.

    Raises:
        ValidationFailed: ``too_large``, ``empty_file``, ``not_an_image``, ``image_too_large``.
    """
    image, _fmt = clean_image(_read_limited(file, MAX_IMAGE_BYTES))
    ext = "webp" if image.mode == "RGBA" else "jpg"
    name = secrets.token_urlsafe(12)
    target = upload_root() / folder
    target.mkdir(parents=True, exist_ok=True)
    (target / f"{name}.{ext}").write_bytes(_encode(image, FULL_SIZE))
    (target / f"{name}.thumb.{ext}").write_bytes(_encode(image, THUMB_SIZE))
    return StoredImage(
        path=f"{folder}/{name}.{ext}", thumb_path=f"{folder}/{name}.thumb.{ext}",
        width=image.width, height=image.height,
    )


def check_pdf(content: bytes) -> None:
    """Refuse bytes that are not a PDF a reader can open: parsed by pypdf, not just sniffed
    (a file that only starts with %PDF- could be anything, and buyers' viewers open these).

    Raises:
        ValidationFailed: ``not_a_pdf``, ``pdf_encrypted``.
    """
    if not content.startswith(b"%PDF-"):
        raise ValidationFailed(_("Only PDF documents are accepted."), code="not_a_pdf")
    from pypdf import PdfReader  # ~18 MB: imported by the worker that receives a PDF, not all

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # pypdf warns about every repairable blemish
            reader = PdfReader(BytesIO(content), strict=False)
            encrypted = reader.is_encrypted
            if not encrypted:
                len(reader.pages)
    except Exception as error:  # noqa: BLE001 - pypdf raises many types on garbage; all mean "not a PDF"
        raise ValidationFailed(_("Only PDF documents are accepted."), code="not_a_pdf") from error
    if encrypted:
        raise ValidationFailed(_("Send the PDF without a password."), code="pdf_encrypted")


def save_pdf(file: FileStorage, folder: str) -> str:
    """Store an uploaded PDF (checked by its content, not its name); returns its path.

    Raises:
        ValidationFailed: ``too_large``, ``empty_file``, ``not_a_pdf``, ``pdf_encrypted``.
    """
    content = _read_limited(file, MAX_PDF_BYTES)
    check_pdf(content)
    target = upload_root() / folder
    target.mkdir(parents=True, exist_ok=True)
    name = f"{secrets.token_urlsafe(12)}.pdf"
    (target / name).write_bytes(content)
    return f"{folder}/{name}"


def resolve(relative_path: str) -> Path | None:
    """The absolute path of a stored upload, refusing anything outside the upload root."""
    root = upload_root().resolve()
    candidate = (root / relative_path).resolve()
    if root not in candidate.parents or not candidate.is_file():
        return None
    return candidate
