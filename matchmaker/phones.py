"""Phone numbers in E.164 (with the `phonenumbers` library) and WhatsApp click-to-chat links.

Pure helpers: no Flask. People type numbers the way their country writes them
("982 000 111", "+51 982-000-111", "0049 30 1234567"); we store "+51982000111".
"""

from __future__ import annotations

from urllib.parse import quote

import phonenumbers


def to_e164(raw: str, region: str | None = "PE") -> str | None:
    """`raw` as E.164, reading national numbers as `region`'s; None when it is no valid number."""
    text = (raw or "").strip()
    if not text:
        return None
    if text.startswith("00"):
        text = "+" + text[2:]
    try:
        number = phonenumbers.parse(text, None if text.startswith("+") else (region or "PE"))
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def readable(e164: str) -> str:
    """An E.164 number as people read it ("+51 982 000 111"); unchanged if it does not parse."""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def whatsapp_link(e164: str, message: str = "") -> str | None:
    """https://wa.me/<digits>?text=<message>, or None for a number that is not valid E.164."""
    if to_e164(e164, None) != e164:
        return None
    link = f"https://wa.me/{e164.lstrip('+')}"
    return f"{link}?text={quote(message)}" if message else link
