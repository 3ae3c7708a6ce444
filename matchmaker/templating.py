"""Template globals, filters and context: navigation, language, safe redirects, localized
fields, event-local times, meeting labels and the notice count."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

import flask_babel
from flask import Flask, current_app, request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from matchmaker.forms import ActionForm
from matchmaker.labels import country_name, meeting_status_label, table_title
from matchmaker.number_format import format_decimal, format_percent
from matchmaker.services import notifications
from matchmaker.services.events import booking_event
from matchmaker.services.meetings.localtime import day_label, hhmm, slot_label


@dataclass(frozen=True)
class NavItem:
    """One entry of the main menu, shown when `visible(user)` holds."""

    endpoint: str
    label: object
    visible: Callable[[object], bool]


def _anyone(user) -> bool:
    return True


def _organiser(user) -> bool:
    return user.is_authenticated and user.is_organiser


def _rep(user) -> bool:
    return user.is_approved_rep


# Features add their entries here, in menu order.
NAV_ITEMS: list[NavItem] = [
    NavItem("main.home", _l("Event"), _anyone),
    NavItem("lots.catalogue", _l("Catalogue"), _anyone),
    NavItem("offers.index", _l("Offers"), _anyone),
    NavItem("organisations.index", _l("Producers"), _anyone),
    NavItem("lot_editor.index", _l("My lots"), lambda user: _rep(user) or _organiser(user)),
    NavItem("offers.mine", _l("My offers"), lambda user: _rep(user) or _organiser(user)),
    NavItem("account.members", _l("My organisation"), _rep),
    NavItem("desk.today", _l("Today"), _rep),
    NavItem("meetings.index", _l("My meetings"),
            lambda user: user.is_authenticated and (user.is_buyer or _rep(user))),
    NavItem("agenda.mine", _l("Agenda"),
            lambda user: user.is_authenticated and (user.is_buyer or _rep(user))),
    NavItem("matching.home", _l("Recommendations"),
            lambda user: user.is_authenticated and (user.is_buyer or _rep(user) or user.is_organiser)),
    NavItem("roundtable.wishes_home", _l("Roundtable wishes"),
            lambda user: user.is_authenticated and (user.is_buyer or _rep(user))),
    NavItem("leads.index", _l("Leads"), lambda user: _rep(user) or _organiser(user)),
    NavItem("leads.scan", _l("Scan a badge"), _rep),
    NavItem("leads.contacts", _l("My contacts shared"),
            lambda user: user.is_authenticated and user.is_buyer),
    NavItem("lots.my_requests", _l("My requests"),
            lambda user: user.is_authenticated and user.is_buyer),
    NavItem("qr.my_badge", _l("My badge"), lambda user: user.is_authenticated and user.is_buyer),
    NavItem("dashboard.index", _l("Dashboard"), lambda user: _rep(user) or _organiser(user)),
    NavItem("dashboard.follow_up", _l("Follow-up"), lambda user: _rep(user) or _organiser(user)),
    NavItem("admin.index", _l("Organiser"), _organiser),
]


# Reps and organisers have long menus: they come grouped (a disclosure each, static/js/menu.js).
# Entries not named here go in "Fair".
NAV_GROUPS: list[tuple[str, object, set[str]]] = [
    ("lots", _l("My lots"), {"lot_editor.index", "offers.mine", "matching.home"}),
    ("meetings", _l("Meetings"), {"desk.today", "meetings.index", "agenda.mine",
                                  "roundtable.wishes_home", "leads.index", "leads.scan",
                                  "dashboard.follow_up"}),
    ("fair", _l("Fair"), set()),
    ("account", _l("Account"), {"account.members"}),
]


def nav_groups() -> list[dict]:
    """The menu in groups for reps and organisers (empty for everyone else: a flat menu)."""
    if not (current_user.is_authenticated and (current_user.is_rep or current_user.is_organiser)):
        return []
    groups = {key: {"key": key, "label": label, "items": []} for key, label, _ in NAV_GROUPS}
    for item in NAV_ITEMS:
        if item.visible(current_user):
            key = next((k for k, _, endpoints in NAV_GROUPS if item.endpoint in endpoints), "fair")
            groups[key]["items"].append({"url": url_for(item.endpoint), "label": item.label})
    return [group for group in groups.values() if group["items"]]


def is_safe_next(target: str | None) -> bool:
    """Only local paths are followed after log-in, never another host."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def safe_next(default_endpoint: str = "main.home") -> str:
    target = request.args.get("next") or request.form.get("next")
    return target if is_safe_next(target) else url_for(default_endpoint)


def nav_items() -> list[dict]:
    """The menu for this viewer, built once per kind of account and language (every logged-in
    page shows it: the visibility rules, URLs and translated labels add up)."""
    user = current_user
    key = (getattr(user, "id", None), getattr(user, "role", None),
           getattr(user, "is_approved", None), user.organisation_id, _locale(),
           request.script_root)
    menus = current_app.extensions.setdefault("nav_menus", {})
    menu = menus.get(key)
    if menu is None:
        if len(menus) > 5000:  # a bound; rebuilding a menu is cheap
            menus.clear()
        menu = menus[key] = [
            {"url": url_for(item.endpoint), "label": str(item.label)}
            for item in NAV_ITEMS
            if item.visible(user)
        ]
    return menu


def _locale() -> str:
    return str(get_locale() or "es")


def unread_notices() -> int:
    """The menu's notice count; called only when someone is logged in: one COUNT on an index,
    loaded with the user on page views (`extensions.load_user`)."""
    if not current_user.is_authenticated:
        return 0
    from matchmaker.extensions import UNREAD_NOTICES

    preloaded = request.environ.get(UNREAD_NOTICES)
    if preloaded is not None and preloaded[0] == current_user.id:
        return preloaded[1]
    return notifications.unread_count(current_user)


def init_app(app: Flask) -> None:
    """Expose helpers every template uses."""
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.globals["nav_items"] = nav_items
    app.jinja_env.globals["nav_groups"] = nav_groups
    app.jinja_env.globals.update(
        format_date=flask_babel.format_date,
        format_datetime=flask_babel.format_datetime,
        format_time=flask_babel.format_time,
        format_decimal=format_decimal,
        format_percent=format_percent,
    )

    @app.context_processor
    def _globals():
        locale = get_locale()
        # formdata=None: this form only carries the CSRF token, and reading the request body
        # here would break every page on a JSON body that is not an object (and the 413 page
        # of an oversized upload).
        return {"current_locale": str(locale) if locale else "es",
                "action_form": ActionForm(formdata=None),
                "unread_notices": unread_notices,
                "meeting_status_label": meeting_status_label,
                "table_title": table_title,
                "meeting_booking_event": booking_event}

    @app.template_filter("finding")
    def _finding(finding, audience: str = "buyer", buyer: str | None = None) -> str:
        """A matching finding as a sentence in the reader's language, worded for the buyer or,
        with audience "rep", for a rep reading about the buyer called `buyer`."""
        from matchmaker.services.matching.text import finding_text

        return finding_text(finding, audience, buyer)

    @app.template_filter("problem")
    def _problem(problem) -> str:
        """Why an import row is refused, in the reader's language."""
        from matchmaker.services.imports.participants import problem_text

        return problem_text(problem)

    @app.template_global("whatsapp_for_lead")
    def _whatsapp_for_lead(lead):
        """The signed-in rep's WhatsApp link to a lead's buyer (where the buyer shares)."""
        from flask_login import current_user

        from matchmaker.services.matching.contact import whatsapp_for_lead

        return whatsapp_for_lead(lead, current_user)

    @app.template_filter("localized")
    def _localized(obj, field: str) -> str:
        """`obj|localized('description')` picks field_es/field_en by the visitor's language."""
        locale = str(get_locale() or "es")
        other = "en" if locale == "es" else "es"
        return getattr(obj, f"{field}_{locale}", "") or getattr(obj, f"{field}_{other}", "") or ""

    @app.template_filter("badge_code")
    def _badge_code(code: str) -> str:
        """A badge's manual code as printed: "K7MQ-2XRD"."""
        from matchmaker.printing.qr import format_manual_code

        return format_manual_code(code)

    @app.template_filter("country")
    def _country(code: str) -> str:
        return country_name(code)

    @app.template_filter("event_time")
    def _event_time(moment, event) -> str:
        """`slot.starts_at|event_time(event)` → "10:20" in the event's zone."""
        return hhmm(moment, event, _locale())

    @app.template_filter("event_day")
    def _event_day(moment, event) -> str:
        return day_label(moment, event, _locale())

    @app.template_filter("slot_label")
    def _slot_label(slot, event) -> str:
        return slot_label(slot.starts_at, slot.ends_at, event, _locale())
