"""Schema-driven tests: schemathesis generates requests for every operation of the app's OpenAPI schema
(valid ones and, per its checks, invalid ones), in process through ASGI, over the fake service of test_web.

Every answer must be what the schema documents (status, content type, body shape) and never a 500; an error
is a one-line JSON message, and every answer carries the security headers.
"""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance
from test_web import fake_service

from playlistrec.web.app import create_app
from playlistrec.web.guard import LOCAL_HOSTS, SECURITY_HEADERS

# schemathesis's ASGI client sends "Host: testserver": allowed here, like `serve --allow-host testserver`.
APP = create_app(fake_service(), hosts=[*LOCAL_HOSTS, "testserver"])
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_operation_answers_as_documented(case: schemathesis.Case) -> None:
    response = case.call()
    # Not a server error; documented status, content type and body. A schema-valid request may still be
    # refused (400: an unknown seed or model, nothing to recommend from), which the schema cannot express.
    case.validate_response(response, excluded_checks=[positive_data_acceptance])
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name.lower()) == [value], name
    if response.status_code >= 400:
        assert response.headers["content-type"] == ["application/json"]
    if response.status_code >= 400 and case.method != "HEAD":  # a HEAD answer has the headers, not the body
        message = response.json()["error"]
        assert isinstance(message, str) and "\n" not in message
