"""URL slugs derived from names (accents folded, unique per table)."""

from __future__ import annotations

import re
import unicodedata


def slugify(text: str, max_length: int = 60) -> str:
    """'Comunidad Nativa Infierno' -> 'comunidad-nativa-infierno'."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")
    return slug[:max_length].strip("-") or "item"


def unique_slug(model, text: str) -> str:
    """A slug for `text` that no row of `model` uses yet."""
    from matchmaker.extensions import db

    base = slugify(text)
    taken = set(
        db.session.scalars(db.select(model.slug).where(model.slug.like(f"{base}%")))
    )
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"
