"""Organisation use cases: create and edit profiles, with their logo."""

from __future__ import annotations

from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage

from matchmaker.errors import Conflict
from matchmaker.extensions import db
from matchmaker.models import Organisation
from matchmaker.slugs import unique_slug
from matchmaker.uploads import save_image


def save_organisation(
    organisation: Organisation | None, *, logo: FileStorage | None = None, **fields
) -> Organisation:
    """Create or update an organisation; a logo, if given, is checked and stored.

    Raises:
        Conflict: ``name_taken`` or ``ruc_taken``.
        ValidationFailed: from the image checks.
    """
    name = fields["name"].strip()
    clash = db.session.scalar(
        db.select(Organisation).where(db.func.lower(Organisation.name) == name.lower())
    )
    if clash is not None and clash is not organisation:
        raise Conflict(_("Another organisation already has this name."), code="name_taken")
    if fields.get("ruc"):
        clash = db.session.scalar(db.select(Organisation).where(Organisation.ruc == fields["ruc"]))
        if clash is not None and clash is not organisation:
            raise Conflict(_("Another organisation already has this RUC."), code="ruc_taken")
    # Store the image before touching the row: a rejected logo leaves the record as it was.
    stored = save_image(logo, "logos") if logo and getattr(logo, "filename", "") else None
    if organisation is None:
        organisation = Organisation(slug=unique_slug(Organisation, name))
        db.session.add(organisation)
    fields["name"] = name
    for key, value in fields.items():
        setattr(organisation, key, value)
    if stored:
        organisation.logo_path = stored.thumb_path
    db.session.flush()
    return organisation
