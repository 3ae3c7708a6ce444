"""Absolute links the site sends out (e-mails, notices, calendars, QR codes), from BASE_URL.

A link in an e-mail or printed on a badge must point at the public site, never at whatever
`Host` header the request that caused it carried (a forged one would send password-reset
links to an attacker's server). So every absolute URL is built here from the configured
`BASE_URL`, with a URL adapter bound to its scheme, host and path: it works the same in a
request, a background job and a CLI command.
"""

from __future__ import annotations

from urllib.parse import quote, urlsplit

from flask import current_app


def base_url() -> str:
    """The configured public address without a trailing slash (`create_app` checks it).

    Raises:
        ConfigurationError: BASE_URL unset (only possible in a maintenance `flask` command).
    """
    from matchmaker import MISSING_BASE_URL, ConfigurationError

    base = (current_app.config.get("BASE_URL") or "").rstrip("/")
    if not base:
        raise ConfigurationError(MISSING_BASE_URL)
    return base


def external_url(endpoint: str, *, _anchor: str | None = None, **values) -> str:
    """The absolute URL of `endpoint` on the public site; unknown values become the query.

    Raises:
        werkzeug.routing.BuildError: for an unknown endpoint or missing values, like url_for.
        ConfigurationError: BASE_URL unset.
    """
    parts = urlsplit(base_url())
    adapter = current_app.url_map.bind(
        parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme or "https",
    )
    values = {key: value for key, value in values.items() if value is not None}
    current_app.inject_url_defaults(endpoint, values)
    url = adapter.build(endpoint, values, force_external=True)
    if _anchor:
        url = f"{url}#{quote(_anchor, safe='%!#$&()*+,/:;=?@')}"
    return url
