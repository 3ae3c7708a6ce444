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

from matchmaker.demo import seed_demo

pytestmark = pytest.mark.slow  # seeds the demo and fuzzes every API operation

EXAMPLES = 40


@pytest.fixture
def api_schema(app):
    app.config.update(PROPAGATE_TEST_ERRORS=False, PROPAGATE_EXCEPTIONS=False)
    seed_demo()  # real lots and offers, so that generated codes sometimes lead somewhere
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


@pytest.mark.parametrize("mode", ["positive", "negative"])
def test_api_conforms_to_its_openapi_document(api_schema, mode):
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert {op.label for op in operations} >= {"GET /lots", "GET /offers"}  # under servers: /api/v1
    calls = 0
    unnegatable: list[str] = []
    for operation in operations:
        @given(case=operation.as_strategy(generation_mode=schemathesis.GenerationMode(mode)))
        @settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def check(case):
            nonlocal calls
            calls += 1
            case.call_and_validate()

        try:
            check()
        except Unsatisfiable:
            # Negative mode on an operation with no parameter and no body (GET /me/demand):
            # there is nothing to make invalid. Positive mode still calls it.
            if mode != "negative":
                raise
            unnegatable.append(operation.label)
    assert calls >= len(operations) - len(unnegatable)
    assert len(unnegatable) < len(operations)
