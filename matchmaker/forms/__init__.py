"""Flask-WTF forms, one module per area."""

from flask_wtf import FlaskForm


class ActionForm(FlaskForm):
    """An empty form: gives every POST-only button (log out, delete, approve) a CSRF token."""
