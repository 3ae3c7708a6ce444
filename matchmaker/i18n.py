"""Translation catalogues: Spanish parts merged and compiled; extraction for completeness checks.

Spanish translations live in ``translations/es/parts/*.po``, one file per area, so that people
working on different features never edit the same catalogue. ``flask i18n-build`` (run by
``run.sh``, ``test.sh`` and the test suite) merges them into ``messages.po`` and compiles
``messages.mo``. English is the source language, so it needs no catalogue.
"""

from __future__ import annotations

import os
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "translations"
KEYWORDS = {
    "_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None,
    "N_": None, "pgettext": ((1, "c"), 2), "lazy_ngettext": (1, 2),
}
METHOD_MAP = [
    ("matchmaker/**.py", "python"),
    ("templates/**.html", "jinja2"),
    ("templates/**.txt", "jinja2"),
]
JINJA_OPTIONS = {"extensions": "jinja2.ext.do", "silent": "false"}


def merged_catalog(locale: str) -> Catalog:
    """All parts of one language merged; a later part wins on a repeated message id."""
    catalog = Catalog(locale=locale, domain="messages", project="matchmaker")
    for part in sorted((TRANSLATIONS / locale / "parts").glob("*.po")):
        with part.open("rb") as handle:
            for message in read_po(handle, locale=locale):
                if message.id:
                    # Babel's __setitem__ merges into an existing entry and keeps its old
                    # translation, so remove it first for the later part to win. The
                    # context (pgettext) is part of the key: "Published" of a lot is not
                    # "Published" of an offer.
                    if catalog.get(message.id, context=message.context) is not None:
                        catalog.delete(message.id, context=message.context)
                    catalog[message.id] = message
    return catalog


def build(locales: tuple[str, ...] = ("es",)) -> None:
    """Write messages.po and messages.mo for each language."""
    for locale in locales:
        catalog = merged_catalog(locale)
        target = TRANSLATIONS / locale / "LC_MESSAGES"
        target.mkdir(parents=True, exist_ok=True)
        with (target / "messages.po").open("wb") as handle:
            write_po(handle, catalog, width=100, sort_output=True)
        with (target / "messages.mo").open("wb") as handle:
            write_mo(handle, catalog)


def _scanned_directory(dirpath: str) -> bool:
    # Babel's default filter skips every folder starting with "_", which would hide
    # templates/_macros; walk only the code and template trees, minus caches.
    relative = Path(os.path.relpath(dirpath, ROOT)).parts
    if relative in ((), (".",)):
        return True
    return relative[0] in ("matchmaker", "templates") and not any(
        part.startswith(".") or part == "__pycache__" for part in relative
    )


def extract_message_ids() -> dict[str | tuple[str, ...], list[str]]:
    """Every translatable message in code and templates, with where it appears."""
    found: dict[str | tuple[str, ...], list[str]] = {}
    options = {"templates/**.html": JINJA_OPTIONS, "templates/**.txt": JINJA_OPTIONS}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map=METHOD_MAP, options_map=options, keywords=KEYWORDS,
        directory_filter=_scanned_directory,
    ):
        if filename.startswith(("tests", ".venv", "bench", "migrations")):
            continue
        found.setdefault(message, []).append(f"{filename}:{lineno}")
    return found


def missing_translations(locale: str = "es") -> dict[str, list[str]]:
    """Messages with no translation in `locale`, keyed by message id."""
    catalog = merged_catalog(locale)
    missing: dict[str, list[str]] = {}
    for message_id, places in extract_message_ids().items():
        key = message_id[0] if isinstance(message_id, tuple) else message_id
        entry = catalog.get(key)
        strings = entry.string if entry else None
        translated = all(strings) if isinstance(strings, tuple | list) else bool(strings)
        if not translated:
            missing[key] = places
    return missing


def write_missing_part(locale: str, part_name: str, only: tuple[str, ...] = ()) -> int:
    """Append stubs for untranslated messages to one part (a translator fills them in).

    With `only`, just the messages found in files whose path starts with one of those prefixes.
    """
    missing = missing_translations(locale)
    if only:
        missing = {k: v for k, v in missing.items() if any(p.startswith(only) for p in v)}
    path = TRANSLATIONS / locale / "parts" / f"{part_name}.po"
    catalog = Catalog(locale=locale)
    if path.exists():
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=locale)
    ids = extract_message_ids()
    for key, places in missing.items():
        original = next((m for m in ids if (m[0] if isinstance(m, tuple) else m) == key), key)
        if key not in catalog:
            catalog.add(original, string=("", "") if isinstance(original, tuple) else "",
                        locations=[(p.rsplit(":", 1)[0], int(p.rsplit(":", 1)[1])) for p in places[:3]])
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, catalog, width=100)
    return len(missing)
