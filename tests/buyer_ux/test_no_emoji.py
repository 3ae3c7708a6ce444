"""No emoji in templates, mails or translations: kiosks without an emoji font show boxes."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Emoji and pictographs, dingbats and miscellaneous symbols, and the emoji presentation
# selector; arrows and punctuation (↔, …, ·) are ordinary text glyphs and stay allowed.
EMOJI = re.compile("[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF\uFE0F]")


def _files():
    yield from (ROOT / "templates").rglob("*.html")
    yield from (ROOT / "templates").rglob("*.txt")
    yield from (ROOT / "translations").rglob("*.po")
    # Mails are written in the services (subject and body through gettext).
    yield from (ROOT / "matchmaker" / "services").rglob("*.py")


def test_no_template_mail_or_translation_contains_emoji():
    found = []
    for path in _files():
        if path.name == "printouts.py":
            continue  # PDF tick boxes, drawn with the embedded DejaVu font
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if EMOJI.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()[:80]}")
    assert found == []


def test_icons_are_inline_svg_with_text(app, client):
    html = app.jinja_env.from_string(
        '{% from "_macros/icons.html" import icon %}{{ icon("pin") }}').render()
    assert html.startswith("<svg") and 'aria-hidden="true"' in html and "<path" in html
