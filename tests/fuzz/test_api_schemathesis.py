"""Schemathesis fuzzes the public API from its own OpenAPI document: every operation gets
generated valid and invalid parameters, and every response must be no 500 and conform to the
document (status codes, content types, bodies).

In process against the WSGI app, on both databases, a bounded number of examples from a
fixed seed (Hypothesis `derandomize`), so it runs inside ./test.sh and CI with no extra step.
Each operation is driven through `given` by hand rather than by Schemathesis' pytest plugin,
which does not work with this pytest.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.specs.openapi.checks import positive_data_acceptance

from matchmaker.demo import DEMO_PASSWORD
from tests.demo_snapshot import load_demo

pytestmark = pytest.mark.slow  # seeds the demo and fuzzes every API operation

EXAMPLES = 40


@pytest.fixture
def api_schema(app):
    app.config.update(PROPAGATE_TEST_ERRORS=False, PROPAGATE_EXCEPTIONS=False)
    load_demo()  # real lots and offers, so that generated codes sometimes lead somewhere
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


def _signed_in_buyer(app) -> dict:
    """The request options of a signed-in demo buyer, so that the /me operations get past 401."""
    client = app.test_client()
    # Flask-Login's "strong" session protection ties the session to the client's User-Agent
    # and address; Schemathesis sends its own agent and no address unless told.
    agent = {"User-Agent": "schemathesis-as-a-buyer"}
    response = client.post("/login", headers=agent, data={
        "email": "anna.becker@schokolade.demo", "password": DEMO_PASSWORD})
    assert response.status_code == 302
    return {"headers": agent, "cookies": {"session": client.get_cookie("session").value},
            "environ_base": {"REMOTE_ADDR": "127.0.0.1"}}


def _fuzz(operation, mode: str, options: dict, answered: list[tuple[str, int]]) -> None:
    """Call one operation with generated cases; every answer is validated and recorded."""
    # A schema-valid demand may still break a rule across members (an upper volume below the
    # lower one, a window ending before it starts), which JSON Schema cannot state: those get
    # a documented 422, so "valid data is accepted" does not hold there.
    excluded = [positive_data_acceptance] if operation.method.upper() in ("PUT", "PATCH") \
        else []

    @given(case=operation.as_strategy(generation_mode=schemathesis.GenerationMode(mode)))
    @settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    def check(case):
        response = case.call_and_validate(excluded_checks=excluded, **options)
        answered.append((operation.label, response.status_code))

    check()


@pytest.mark.parametrize("signed_in", [False, True], ids=["visitor", "buyer"])
@pytest.mark.parametrize("mode", ["positive", "negative"])
def test_api_conforms_to_its_openapi_document(api_schema, app, mode, signed_in):
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert {op.label for op in operations} >= {"GET /lots", "GET /offers", "PUT /me/demand",
                                               "PATCH /me/demand"}  # under servers: /api/v1
    options = _signed_in_buyer(app) if signed_in else {}
    if signed_in:  # the public operations are fuzzed by the visitor's run
        operations = [op for op in operations if op.path.startswith("/me/")]
    answered: list[tuple[str, int]] = []
    unnegatable: list[str] = []
    for operation in operations:
        try:
            _fuzz(operation, mode, options, answered)
        except Unsatisfiable:
            # Negative mode on an operation with no parameter and no body (GET /me/demand):
            # there is nothing to make invalid. Positive mode still calls it.
            if mode != "negative":
                raise
            unnegatable.append(operation.label)
    called = {label for label, _ in answered}
    assert called >= {op.label for op in operations} - set(unnegatable)
    if signed_in:  # the buyer's writes were reached, not only refused at the door
        writes = {status for label, status in answered if label.endswith(" /me/demand")
                  and not label.startswith("GET")}
        assert writes & ({200} if mode == "positive" else {400, 422}), set(answered)
    assert len(unnegatable) < len(operations)
