"""A request context for job code that renders templates or translations outside a request,
bound to BASE_URL (matchmaker.urls) so that nothing can print a fake host into a file."""

from __future__ import annotations

from flask import current_app

from matchmaker.urls import base_url


def job_request_context():
    """A request context on BASE_URL.

    Raises:
        RuntimeError: when BASE_URL is empty (create_app requires it outside debug/testing).
    """
    base = base_url()
    if not base:
        raise RuntimeError("BASE_URL is not set: jobs cannot print absolute links")
    return current_app.test_request_context("/", base_url=base)
