"""What job code needs to render outside a request: the locale the file was asked in, and
absolute links from BASE_URL (matchmaker.urls), never from a made-up request's host."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import g
from flask_babel import force_locale

from matchmaker.urls import base_url


@contextmanager
def job_context(locale: str) -> Iterator[None]:
    """Translations in `locale` for the job's strings, with no request context (a GET one would
    make the request kernel refuse the job's writes).

    Raises:
        RuntimeError: when BASE_URL is empty (create_app requires it outside debug/testing).
    """
    if not base_url():
        raise RuntimeError("BASE_URL is not set: jobs cannot print absolute links")
    # Flask-Babel's force_locale does nothing while `g` is empty, as it is in a fresh app
    # context; give it something so that the forced locale holds.
    g.job_locale = locale
    with force_locale(locale):
        yield
