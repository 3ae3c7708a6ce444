"""Render a page's blocks once and serve them to many viewers inside a fresh layout.

A logged-in buyer's lot page is the anonymous page plus a few per-viewer bits: the menu,
the CSRF tokens of its forms, whether they already said they are interested. Rendering the
product sheet is most of the work, so `render_blocks` renders a template's blocks (title,
content) with the CSRF token replaced by a placeholder; the view keeps those strings in a
`PageCache` under a key that names everything else the blocks depend on, and `serve_blocks`
puts them into `_cached_page.html` (the real layout) with this request's token. Nothing in
the page's own template changes, so fields added to it later are cached with it.

The layout itself (header, menu, language form, footer) is the same on every page a person
opens, except for a few values that change between requests: the notice count, the CSRF
token, the page's own address in the language form, pending flash messages. It is rendered
once per person (name, role, approval, organisation, session version), language and menu
entry, with slots for those values, and kept as a list of strings (`StoredLayout`); a request
joins the strings with its own values (a pending message is rendered by `_flashes.html`
alone). Anything new in `base.html` that varies per request must be a slot here.
"""

from __future__ import annotations

import re
import secrets
import threading
from collections import OrderedDict

from flask import current_app, g, get_flashed_messages, render_template, request, session
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

# Not a valid token and not something a template would print by itself; it only ever lives
# in cached strings and is replaced before a response leaves.
CSRF_PLACEHOLDER = "csrf-placeholder-1f6c0e9a"

BLOCKS = ("title", "head", "content", "scripts")

# Slots in a stored layout: a private-use character around a tag drawn per process, so that
# no text a user types (a name) can pose as one.
_TAG = secrets.token_hex(8)
_SLOT = re.compile("\ue000" + _TAG + r":(\w+)\ue000")
# The notice count is formatted with %d by its message, so its slot is a number nobody can
# guess, turned into a slot after rendering.
_NOTICES_SENTINEL = 10**15 + secrets.randbelow(10**15)


def _slot(name: str) -> str:
    return f"\ue000{_TAG}:{name}\ue000"


def _placeholder_token() -> str:
    return CSRF_PLACEHOLDER


def session_csrf_token() -> str:
    """This session's signed CSRF token, signed once per session and process.

    Flask-WTF signs the session's secret afresh for every request (an HMAC and a timestamp);
    any of its signatures is as valid as another while `WTF_CSRF_TIME_LIMIT` is None, so the
    first one is kept, keyed by the session's own secret. The token is as personal as
    the secret it is keyed by; POSTs are checked exactly as before.
    """
    if "csrf_token" in g:
        return g.csrf_token
    raw = session.get("csrf_token")
    tokens = _signed_tokens()
    if raw and current_app.config.get("WTF_CSRF_TIME_LIMIT") is None:
        token = tokens.get((current_app.secret_key, raw))
        if token is not None:
            g.csrf_token = token
            return token
    token = generate_csrf()
    if current_app.config.get("WTF_CSRF_TIME_LIMIT") is None:
        if len(tokens) > 20_000:  # a bound; signing again is cheap
            tokens.clear()
        tokens[(current_app.secret_key, session["csrf_token"])] = token
    return token


def _signed_tokens() -> dict:
    return current_app.extensions.setdefault("signed_csrf_tokens", {})


def render_blocks(template_name: str, blocks: tuple[str, ...], **context) -> dict[str, str]:
    """The named blocks of `template_name` rendered with `context` (plus the app's context
    processors), CSRF tokens as `CSRF_PLACEHOLDER`."""
    app = current_app._get_current_object()
    template = app.jinja_env.get_template(template_name)
    context = {**context, "csrf_token": _placeholder_token}
    app.update_template_context(context)
    context["csrf_token"] = _placeholder_token  # after the processors, which may set their own
    jinja_context = template.new_context(context)
    # Run the template once as a whole: top-level statements (macro imports, `set`) fill the
    # context the blocks read. Only done on a cache miss.
    for _chunk in template.root_render_func(jinja_context):
        pass
    return {name: "".join(template.blocks[name](jinja_context))
            for name in blocks if name in template.blocks}


def serve_blocks(blocks: dict[str, str], **context) -> str:
    """The page: the layout with the stored blocks inside it and this request's CSRF token."""
    if not context and current_user.is_authenticated \
            and not current_app.config.get("PAGE_CACHE_DISABLED"):
        return _stored_layout().fill(blocks)
    token = session_csrf_token() if any(CSRF_PLACEHOLDER in body for body in blocks.values()) \
        else ""
    filled = {name: Markup(body.replace(CSRF_PLACEHOLDER, token))  # noqa: S704 - rendered by Jinja
              for name, body in blocks.items()}
    return render_template("_cached_page.html", blocks=filled, **context)


def stamp_connection():
    """A connection for a page's version stamp: the ORM session's own when someone is logged
    in (loading them already opened it; a second pooled connection costs more than the
    query), else a pooled one, as the ORM session has nothing open for a visitor."""
    from contextlib import nullcontext

    from matchmaker.extensions import db

    if current_user.is_authenticated:
        return nullcontext(db.session.connection())
    return db.engine.connect()


class StoredLayout:
    """`_cached_page.html` rendered for one person, split at its slots: literal strings at
    even positions, slot names at odd ones."""

    __slots__ = ("parts",)

    def __init__(self, html: str) -> None:
        self.parts = tuple(_SLOT.split(html.replace(str(_NOTICES_SENTINEL), _slot("notices"))))

    def fill(self, blocks: dict[str, str]) -> str:
        from matchmaker.templating import unread_notices

        here = request.full_path if request.query_string else request.path
        values = {**blocks, "csrf": session_csrf_token(), "notices": str(unread_notices()),
                  "next": str(escape(here)), "flashes": _pending_messages()}
        parts = list(self.parts)
        for index in range(1, len(parts), 2):
            parts[index] = values.get(parts[index], "")
        page = "".join(parts)
        if CSRF_PLACEHOLDER in page:  # the stored blocks' forms
            page = page.replace(CSRF_PLACEHOLDER, values["csrf"])
        return page


def _pending_messages() -> str:
    """This person's pending messages as the layout shows them ("" for none: the usual case),
    taken from the session as a full render would."""
    if not get_flashed_messages():
        return ""
    # The messages are all this needs: no context processors (the menu, labels …).
    template = current_app.jinja_env.get_template("_flashes.html")
    return template.render(get_flashed_messages=get_flashed_messages)


def _stored_layout() -> StoredLayout:
    from flask_babel import get_locale

    from matchmaker.templating import nav_items

    user = current_user._get_current_object()
    path = request.path
    # The menu marks the entry of the page it is on: layouts differ only for those pages.
    here = path if any(item["url"] == path for item in nav_items()) else None
    key = (user.id, user.session_version, user.name, user.role, user.is_approved,
           user.organisation_id, str(get_locale()), request.script_root, here)
    layouts = _layouts()
    with layouts.lock:
        layout = layouts.entries.get(key)
        if layout is not None:
            layouts.entries.move_to_end(key)
            return layout
    html = render_template(
        "_cached_page.html", blocks={name: Markup(_slot(name)) for name in BLOCKS},  # noqa: S704
        csrf_token=lambda: _slot("csrf"), unread_notices=lambda: _NOTICES_SENTINEL,
        layout_next=_slot("next"), flashes_slot=Markup(_slot("flashes")))  # noqa: S704
    layout = StoredLayout(html)
    with layouts.lock:
        layouts.entries[key] = layout
        while len(layouts.entries) > layouts.max_entries:
            layouts.entries.popitem(last=False)
    return layout


class _Layouts:
    def __init__(self, max_entries: int) -> None:
        self.max_entries = max_entries
        self.entries: OrderedDict[tuple, StoredLayout] = OrderedDict()
        self.lock = threading.Lock()


def _layouts() -> _Layouts:
    """This app's stored layouts (~6 KB each)."""
    return current_app.extensions.setdefault("stored_layouts", _Layouts(max_entries=2000))
