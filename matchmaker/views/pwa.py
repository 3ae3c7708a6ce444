"""The installable app's files: the web app manifest and the service worker, served from the
site's root so the worker's scope covers the buyer's agenda, badge and lot pages."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, current_app, jsonify, url_for
from flask_babel import gettext as _

bp = Blueprint("pwa", __name__)


@bp.get("/manifest.webmanifest")
def manifest():
    """What "add to home screen" installs: name, colours, icons, and the buyer's agenda."""
    icons = [{"src": url_for("static", filename=f"img/icon-{size}.png"),
              "sizes": f"{size}x{size}", "type": "image/png", "purpose": "any maskable"}
             for size in (192, 512)]
    icons.append({"src": url_for("static", filename="img/favicon.svg"), "sizes": "any",
                  "type": "image/svg+xml"})
    response = jsonify({
        "name": _("matchmaker: cacao fair"), "short_name": "matchmaker",
        "description": _("Your agenda, badge and lots at the Amazonian cacao fair."),
        "start_url": url_for("agenda.mine"), "scope": url_for("main.home"),
        "display": "standalone", "background_color": "#fbf8f4", "theme_color": "#5b2c12",
        "icons": icons,
    })
    response.mimetype = "application/manifest+json"
    response.vary.add("Cookie")  # the language comes from the session
    return response


@bp.get("/sw.js")
def service_worker():
    """The service worker script (static/js/sw.js); from the root, its scope is the site."""
    script = Path(current_app.static_folder, "js", "sw.js").read_text(encoding="utf-8")
    response = Response(script, mimetype="text/javascript")
    # Browsers check for a new worker on navigation; never let a cache hold an old one.
    response.headers["Cache-Control"] = "no-cache"
    return response
