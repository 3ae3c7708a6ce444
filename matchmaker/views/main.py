"""Home page, event pages and the language switch."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for

from matchmaker.access import get_event
from matchmaker.services import events
from matchmaker.templating import is_safe_next

bp = Blueprint("main", __name__)


@bp.get("/")
def home():
    event = events.current()
    exhibitors = events.exhibitors_of(event) if event else []
    return render_template("main/home.html", event=event, exhibitors=exhibitors,
                           recommendations=_buyer_recommendations(event))


def _buyer_recommendations(event):
    """A buyer's top matches at the fair, for the home page (None for everyone else)."""
    from datetime import date

    from flask_babel import get_locale
    from flask_login import current_user

    from matchmaker.services.matching.recommend import for_buyer

    if event is None or not (current_user.is_authenticated and current_user.is_buyer):
        return None
    return for_buyer(current_user, event, today=date.today(), locale=str(get_locale()))


@bp.get("/events/<slug>")
def event(slug: str):
    event = get_event(slug)
    return render_template("main/event.html", event=event, exhibitors=events.exhibitors_of(event))


@bp.get("/language/<lang>")
def choose_language(lang: str):
    """A visitor's language choice: a session preference only, so a plain link will do."""
    if lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
    target = request.args.get("next")
    return redirect(target if is_safe_next(target) else url_for("main.home"))


@bp.post("/language")
def set_language():
    """Remember the chosen language in the session (and the profile, for e-mails)."""
    from flask_login import current_user


    lang = request.form.get("lang", "")
    if lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
        if current_user.is_authenticated:
            current_user.locale = lang
    target = request.form.get("next")
    return redirect(target if is_safe_next(target) else url_for("main.home"))
