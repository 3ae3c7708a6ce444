"""Spanish catalogue: complete for the foundation, placeholders intact in every part."""

from __future__ import annotations

import re
from collections import defaultdict

import pytest
from babel.messages.pofile import read_po

from matchmaker import i18n

FOUNDATION_FILES = (
    "matchmaker/__init__.py", "matchmaker/access.py", "matchmaker/cli.py", "matchmaker/errors.py",
    "matchmaker/extensions.py", "matchmaker/uploads.py",
    "matchmaker/views/main.py", "matchmaker/views/auth.py", "matchmaker/views/account.py",
    "matchmaker/views/admin.py", "matchmaker/views/organisations.py",
    "matchmaker/forms/__init__.py", "matchmaker/forms/accounts.py", "matchmaker/forms/choices.py",
    "matchmaker/forms/events.py", "matchmaker/forms/organisations.py",
    "matchmaker/services/accounts.py", "matchmaker/services/events.py",
    "matchmaker/services/mail.py", "matchmaker/services/organisations.py",
    "matchmaker/services/passwords.py",
    "templates/base.html", "templates/_macros/", "templates/main/", "templates/auth/",
    "templates/account/", "templates/organisations/", "templates/admin/_nav.html",
    "templates/admin/event.html", "templates/admin/event_form.html", "templates/admin/index.html",
    "templates/admin/outbox.html", "templates/admin/outbox_message.html",
    "templates/admin/users.html", "templates/errors/",
)
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]")


@pytest.fixture(scope="module")
def missing():
    return i18n.missing_translations("es")


def by_file(missing: dict[str, list[str]]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = defaultdict(list)
    for message, places in missing.items():
        for place in {p.rsplit(":", 1)[0] for p in places}:
            grouped[place].append(message)
    return grouped


def test_macros_and_templates_are_extracted():
    ids = i18n.extract_message_ids()
    assert "Please correct the marked fields." in ids  # templates/_macros is scanned
    assert "Skip to content" in ids


def foundation_messages(missing: dict[str, list[str]]) -> dict[str, list[str]]:
    """Messages only the foundation uses, plus its own menu entries.

    Other areas add strings to shared files (menu entries in templating.py, tools in
    admin/event.html); a message that also appears in their files is theirs to translate.
    """
    from matchmaker.templating import NAV_ITEMS

    own_menu = {
        str(item.label._args[0]) if hasattr(item.label, "_args") else str(item.label)
        for item in NAV_ITEMS
        if item.endpoint.split(".")[0] in ("main", "organisations", "account", "admin")
    }
    return {
        message: places for message, places in missing.items()
        if all(place.startswith(FOUNDATION_FILES) for place in places) or message in own_menu
    }


def test_foundation_messages_are_all_translated(missing):
    foundation = foundation_messages(missing)
    assert foundation == {}, "\n".join(
        f"{place}: {message!r}" for place, messages in sorted(by_file(foundation).items())
        for message in messages
    )


def test_foundation_menu_entries_are_checked():
    assert "Producers" in foundation_messages({"Producers": ["matchmaker/templating.py:42"]})
    assert foundation_messages({"Leads": ["matchmaker/templating.py:54"]}) == {}


def test_whole_site_is_translated(missing):
    """Every area's messages; the report names the files, so each engineer sees their own."""
    if missing:
        report = "\n".join(
            f"{place} ({len(messages)}): " + "; ".join(repr(m) for m in sorted(messages)[:5])
            + (" …" if len(messages) > 5 else "")
            for place, messages in sorted(by_file(missing).items())
        )
        pytest.fail(f"{len(missing)} messages lack a Spanish translation, by file:\n{report}")


def parts():
    return sorted((i18n.TRANSLATIONS / "es" / "parts").glob("*.po"))


@pytest.mark.parametrize("part", parts(), ids=lambda p: p.name)
def test_placeholders_match(part):
    with part.open("rb") as handle:
        catalog = read_po(handle, locale="es")
    wrong = []
    for message in catalog:
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = set(PLACEHOLDER.findall(ids[-1])) | set(PLACEHOLDER.findall(ids[0]))
        for string in strings:
            if string and set(PLACEHOLDER.findall(string)) != expected:
                wrong.append(f"{ids[0]!r} -> {string!r}")
    assert wrong == []


def test_foundation_part_reads_naturally():
    with (i18n.TRANSLATIONS / "es" / "parts" / "foundation.po").open("rb") as handle:
        catalog = read_po(handle, locale="es")
    assert catalog["Log in"].string == "Iniciar sesión"
    assert catalog["Booth %(booth)s"].string == "Stand %(booth)s"
    # One register: "usted", never "tú" forms.
    informal = re.compile(r"\b(tu|tus|tienes|puedes|quieres|inicia|crea|elige)\b", re.IGNORECASE)
    assert [m.id for m in catalog if m.id and isinstance(m.string, str) and informal.search(m.string)] == []


def test_compiled_catalogue_serves_spanish(client):
    html = client.get("/login", headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert "¿Olvidó su contraseña?" in html and "Cree su cuenta de comprador" in html
