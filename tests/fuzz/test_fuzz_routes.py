"""Every route × every role × hostile values: no response is a 500, and a refused POST writes
nothing.

Each role crawls the demo fair to learn real URLs and forms, then every GET route gets its
good URL, hostile path parameters and hostile query parameters, and every POST route gets
each of its form fields in turn replaced by hostile values (a fixed-seed sample), JSON of the
wrong shape where it reads JSON, and hostile path parameters.
"""

from __future__ import annotations

import logging
import os
import random
import time

import pytest

from matchmaker.demo import DEMO_PASSWORD
from tests.demo_snapshot import load_demo
from tests.fuzz.harness import (
    ALL_VALUES,
    DESTRUCTIVE,
    NEVER,
    NUMBERS,
    SEED,
    changed_tables,
    crawl,
    hostile_path_urls,
    query_names,
    row_counts,
    sample,
    with_query,
)

ROLES = {
    "anonymous": None,
    "buyer": "anna.becker@schokolade.demo",
    "rep": "rosa.mishaja@infierno.demo",
    "coop_rep": "carmen.quispe@agrobosque.demo",
    "organiser": "organiser@expoamazonica.demo",
}
JSON_BODIES = [[], ["x"], "x", 1e308, None, {"token": ["x"]}, {"token": "\x00"},
               {"token": "9" * 30}, {"token": {"a": 1}}, {"code": 12}]
# Values tried per query parameter and per form field, and fields tried per form: a fixed-seed
# sample keeps a run under a minute. FUZZ_EXHAUSTIVE=1 tries every value on every field.
EXHAUSTIVE = os.environ.get("FUZZ_EXHAUSTIVE") == "1"
PER_QUERY, PER_FIELD, FIELDS_PER_FORM = 2, 1, 6


class _Errors(logging.Handler):
    """Keeps the exceptions the app logs as 'Unhandled error', to name a 500's cause."""

    def __init__(self):
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)


@pytest.fixture
def fuzz_app(app):
    # A 500 must come back as a status, as it would in production, not as a raised exception.
    app.config.update(PROPAGATE_TEST_ERRORS=False, PROPAGATE_EXCEPTIONS=False,
                      ROUNDTABLE_SYNC=True)
    load_demo()
    errors = _Errors()
    app.logger.addHandler(errors)
    app.extensions["fuzz_errors"] = errors
    yield app
    app.logger.removeHandler(errors)
    app.extensions.pop("fuzz_errors", None)


class Fuzzer:
    def __init__(self, app, db, client, rng):
        self.app, self.db, self.client, self.rng = app, db, client, rng
        self.requests = 0
        self.failures: list[str] = []

    def send(self, method: str, url: str, **kwargs) -> None:
        before = row_counts(self.db) if method != "GET" else None
        errors = self.app.extensions["fuzz_errors"].records
        seen = len(errors)
        response = self.client.open(url, method=method, **kwargs)
        response.close()  # file downloads hold their file open until closed
        self.requests += 1
        where = f"{method} {url[:160]!r} {_short(kwargs)}"
        if response.status_code >= 500:
            cause = errors[seen].exc_info[1] if len(errors) > seen and errors[seen].exc_info else None
            self.failures.append(f"{response.status_code} {where}: {type(cause).__name__}: "
                                 f"{str(cause)[:200]}")
        elif before is not None and response.status_code >= 400:
            after = row_counts(self.db)
            if after != before:
                self.failures.append(f"{response.status_code} {where} wrote: "
                                     f"{changed_tables(self.db, before, after)}")


def _short(kwargs) -> str:
    text = repr(kwargs.get("data") or kwargs.get("json") or "")
    return text if len(text) < 200 else text[:200] + "…"


def run_fuzz(app, db, role: str, *, exhaustive: bool = EXHAUSTIVE) -> Fuzzer:
    client = app.test_client()
    if ROLES[role]:
        response = client.post("/login", data={"email": ROLES[role], "password": DEMO_PASSWORD})
        assert response.status_code == 302
    site = crawl(app, client)
    fuzzer = Fuzzer(app, db, client, random.Random(f"{SEED}-{role}"))
    per_query = len(ALL_VALUES) if exhaustive else PER_QUERY
    per_field = len(ALL_VALUES) if exhaustive else PER_FIELD
    fields_per_form = 10_000 if exhaustive else FIELDS_PER_FORM
    rules = sorted(app.url_map.iter_rules(), key=lambda r: r.endpoint)

    for rule in rules:
        if "GET" not in rule.methods or rule.endpoint in NEVER:
            continue
        good = site.urls.get(rule.endpoint)
        if good:
            fuzzer.send("GET", good)
            names = query_names(app, rule.endpoint)
            for form in site.forms.get(rule.endpoint, []):
                if form.method == "get":
                    names |= set(form.fields)
            for name in sorted(names):
                for value in sample(fuzzer.rng, ALL_VALUES, per_query):
                    fuzzer.send("GET", with_query(good, **{name: value}))
        for url in hostile_path_urls(app, rule.endpoint, good):
            fuzzer.send("GET", url)

    # Writes that take things away run last, so the others still find what they act on.
    post_rules = [r for r in rules if "POST" in r.methods and r.endpoint not in NEVER]
    post_rules.sort(key=lambda r: (bool(DESTRUCTIVE.search(r.endpoint)), r.endpoint))
    for rule in post_rules:
        forms = [f for f in site.forms.get(rule.endpoint, []) if f.method == "post"]
        for form in forms:
            names = sorted(name for name in form.fields if name != "csrf_token")
            for name in sample(fuzzer.rng, names, fields_per_form):
                pool = NUMBERS if name in form.numeric else ALL_VALUES
                for value in sample(fuzzer.rng, pool, per_field):
                    fuzzer.send("POST", form.action, data={**form.fields, name: value})
            if names:  # and every field hostile at once, so none goes untried
                fuzzer.send("POST", form.action, data={
                    **form.fields, **{name: fuzzer.rng.choice(ALL_VALUES) for name in names}})
        if rule.endpoint.endswith("_json") or rule.rule.endswith(".json"):
            target = forms[0].action if forms else site.urls.get(rule.endpoint)
            if target or not rule.arguments:
                for body in JSON_BODIES:
                    fuzzer.send("POST", target or rule.rule, json=body)
        fields = forms[0].fields if forms else {}
        for url in hostile_path_urls(app, rule.endpoint, forms[0].action if forms else None):
            fuzzer.send("POST", url, data=fields)
    return fuzzer


def site_endpoints(app) -> set[str]:
    return {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint not in NEVER}


# The walk is ~1,300 requests per role, a quarter of the suite's time when it ran on both
# databases. It runs once, on PostgreSQL where configured: its strict types (integer and
# numeric overflow, string length, NUL bytes) are where a hostile value becomes a 500. Each
# root cause it found is a regression test on both databases in test_hostile_input.py and
# test_numbers.py, and without TEST_DATABASE_URL the walk runs on SQLite.
@pytest.mark.one_backend
@pytest.mark.parametrize("role", ROLES)
def test_no_route_answers_500_or_writes_on_refusal(fuzz_app, db, role):
    started = time.monotonic()
    fuzzer = run_fuzz(fuzz_app, db, role)
    print(f"fuzz {role}: {len(site_endpoints(fuzz_app))} routes, {fuzzer.requests} requests, "
          f"{time.monotonic() - started:.1f} s")
    assert fuzzer.requests > 300
    assert not fuzzer.failures, (f"{len(fuzzer.failures)} of {fuzzer.requests} requests as {role} "
                                 f"({time.monotonic() - started:.0f} s):\n" + "\n".join(fuzzer.failures))
