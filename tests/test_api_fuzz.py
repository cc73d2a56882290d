"""Schemathesis against the app's own OpenAPI document, in-process: whatever the input, never a 500.

Bounded (a few examples per operation, derandomised) so it runs in well under a minute. The database is one
SQLite file for the module, with an area tree and a county admin's token, so generated requests reach past
authentication into the services.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error

import api.models  # noqa: F401
from api.app import create_app
from api.bootstrap import seed_counties
from api.db import Base, make_engine, transaction
from tests.factories import make_application, make_area_tree, make_household, make_token

MAX_EXAMPLES = 8


def _app_and_token():  # type: ignore[no-untyped-def]
    path = Path(tempfile.mkdtemp(prefix="anju-fuzz-")) / "fuzz.db"
    engine = make_engine(f"sqlite:///{path}")
    Base.metadata.create_all(engine)
    seed_counties(engine)
    with transaction(engine) as s:
        tree = make_area_tree(s)
        for village in ("v1", "v2", "v3"):
            make_application(s, make_household(s, tree[village]))
        token = make_token(s, tree["county"], "admin", name="模糊测试")
    return create_app(engine), token


APP, TOKEN = _app_and_token()
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None,
          phases=[Phase.explicit, Phase.generate],  # no shrinking: a failure is shown as found, quickly
          suppress_health_check=list(HealthCheck))
def test_no_server_errors(case: schemathesis.Case) -> None:
    headers = {"Authorization": f"Bearer {TOKEN}"}
    response = case.call(headers=headers)
    case.validate_response(response, checks=[not_a_server_error], headers=headers)


def test_an_id_beyond_64_bits_is_a_clear_422_not_a_500() -> None:
    from fastapi.testclient import TestClient

    with TestClient(APP) as client:
        response = client.post(f"/api/v1/objections/{2**70}/decision", headers={"Authorization": f"Bearer {TOKEN}"},
                               json={"outcome": "dismissed", "investigation": "查过", "reason": "不成立"})
    assert response.status_code == 422, response.text
    assert response.json()["message"].startswith("数值超出范围")
