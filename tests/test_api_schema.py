"""The OpenAPI document tells the truth: schemathesis calls every operation of /api/schema/ on
pytest-django's live server, as a client with points and as a venue owner; every answer must be
below 500 and match what the document says (status code, content type, headers, body), and what
the document allows must be accepted.

The run is bounded and repeatable (~1 minute): the same examples every time, a few per
operation, no shrinking, no deadline. One test per persona walks all operations (schemathesis'
per-operation pytest items each set up the live server's database anew: minutes, not seconds)
and reports every operation that failed, not only the first."""

from __future__ import annotations

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from rest_framework.authtoken.models import Token
from schemathesis.config import SchemathesisConfig
from schemathesis.core.failures import FailureGroup

from tests.conftest import partner_objects
from tests.spending.conftest import give_points

EXAMPLES_PER_OPERATION = 3
GATE = settings(
    max_examples=EXAMPLES_PER_OPERATION,
    derandomize=True,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
# Every check stays on. A schema cannot say "not in the past", "within opening hours", "a free
# slot", "a correct signature" or "an id that exists": the API refuses such well-formed input
# with a documented 422 and a stable `code` (core.errors.ApplicationError), so 422 is an expected
# answer to valid data; a 400 is not: it means the schema allowed what the serializers refuse.
CONFIG = SchemathesisConfig.from_dict(
    {
        "checks": {
            "positive_data_acceptance": {
                "expected-statuses": ["2xx", "3xx", "401", "403", "404", "409", "422", "429", "5xx"]
            }
        }
    }
)


@pytest.fixture
def api(live_server, org_a, owner_a, manager_a, room_a, client_user):
    """The live server, the personas' tokens and the ids of one of every partner object."""
    give_points(client_user, 2000)
    return {
        "url": live_server.url,
        "client": Token.objects.create(user=client_user).key,
        "owner": Token.objects.create(user=owner_a).key,
        "ids": partner_objects(org_a, manager_a, room_a, client_user),
    }


def failures_as(persona: str, api) -> dict[str, str]:
    """Run schemathesis over every operation as `persona`: {operation: what went wrong}."""
    document = requests.get(f"{api['url']}/api/schema/?format=json", timeout=30).json()
    failures: dict[str, str] = {}
    operations = [
        result.ok()
        for result in schemathesis.openapi.from_dict(document, config=CONFIG).get_all_operations()
    ]
    assert len(operations) > 50
    for operation in operations:

        @given(case=operation.as_strategy())
        @GATE
        def check(case) -> None:
            for name in list(case.path_parameters or {}):
                if name in api["ids"]:
                    case.path_parameters[name] = api["ids"][name]
            case.call_and_validate(
                base_url=api["url"], headers={"Authorization": f"Token {api[persona]}"}
            )

        # Every operation's failure is reported, not only the first.
        try:
            check()
        except (Exception, FailureGroup) as error:
            failures[operation.label] = str(error)
    return failures


@pytest.mark.parametrize("persona", ["client", "owner"])
def test_api_answers_as_documented(persona, api):
    failures = failures_as(persona, api)
    assert not failures, "\n\n".join(f"{label}:\n{error}" for label, error in failures.items())
