"""Render a page's blocks once and serve them to many viewers inside a fresh layout.

A logged-in buyer's lot page is the anonymous page plus a few per-viewer bits: the menu,
the CSRF tokens of its forms, whether they already said they are interested. Rendering the
product sheet is most of the work, so `render_blocks` renders a template's blocks (title,
content) with the CSRF token replaced by a placeholder; the view keeps those strings in a
`PageCache` under a key that names everything else the blocks depend on, and `serve_blocks`
puts them into `_cached_page.html` (the real layout, rendered per request) with this
request's token. Nothing in the page's own template changes, so fields added to it later are
cached with it.
"""

from __future__ import annotations

from flask import current_app, render_template
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

# Not a valid token and not something a template would print by itself; it only ever lives
# in cached strings and is replaced before a response leaves.
CSRF_PLACEHOLDER = "csrf-placeholder-1f6c0e9a"


def _placeholder_token() -> str:
    return CSRF_PLACEHOLDER


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
    """The page: the layout rendered now, the stored blocks inside it with this request's
    CSRF token."""
    token = generate_csrf() if any(CSRF_PLACEHOLDER in body for body in blocks.values()) else ""
    filled = {name: Markup(body.replace(CSRF_PLACEHOLDER, token))  # noqa: S704 - rendered by Jinja
              for name, body in blocks.items()}
    return render_template("_cached_page.html", blocks=filled, **context)
