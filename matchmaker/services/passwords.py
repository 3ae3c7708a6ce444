"""Password strength rules shared by sign-up, reset and invitations."""

from __future__ import annotations

from flask_babel import gettext as _

MIN_LENGTH = 10
# The handful that people at a fair actually try; a breached-password API is out of reach
# offline, and length does most of the work.
COMMON = {
    "1234567890", "123456789a", "password12", "password123", "qwertyuiop", "contraseña",
    "contrasena", "cacao12345", "matchmaker", "0987654321", "iloveyou12", "peru123456",
}


def password_problem(password: str, *, email: str = "", name: str = "") -> str | None:
    """A translated reason why the password is weak, or None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return _("Use at least %(n)d characters.", n=MIN_LENGTH)
    lowered = password.lower()
    if lowered in COMMON or len(set(lowered)) < 4:
        return _("This password is too easy to guess.")
    local = email.split("@")[0].lower()
    if (local and len(local) >= 4 and local in lowered) or (name and name.lower() == lowered):
        return _("Do not use your name or e-mail address in the password.")
    return None
