"""What job code needs from the web side: absolute links from BASE_URL, never a fake host."""

from __future__ import annotations

from flask import current_app


def base_url() -> str:
    """The public address for links and QR codes made outside a request.

    Raises:
        RuntimeError: when BASE_URL is not set (a job then fails visibly with this reason
            rather than printing http://localhost into a thousand badges).
    """
    base = (current_app.config.get("BASE_URL") or "").rstrip("/")
    if not base:
        raise RuntimeError("BASE_URL is not set: jobs cannot print absolute links")
    return base


def job_request_context():
    """A request context on BASE_URL, for code that builds links with url_for(_external=True)
    or request.url_root while rendering outside a real request."""
    return current_app.test_request_context("/", base_url=base_url())
