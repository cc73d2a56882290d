"""Schemathesis against the app's own OpenAPI document, in-process: whatever the input, never a 500.

Runs on the test database of the run: a SQLite file by default, PostgreSQL when ANJU_DATABASE_URL is set (CI's
``pytest -m db``), where 32-bit ids, NUL bytes and column lengths are enforced and a missing bound shows as a
500. Bounded (a few examples per operation, derandomised) so it takes well under a minute; ANJU_FUZZ_EXAMPLES
raises the count for a longer hunt. The database holds an area tree and a county admin's token, so generated
requests reach past authentication into the services.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from sqlalchemy import Engine

import api.models  # noqa: F401
from api.app import create_app
from api.bootstrap import seed_counties
from api.db import make_engine, transaction
from api.throttle import AuthThrottle
from tests.conftest import POSTGRES_URL, _truncate
from tests.factories import make_application, make_area_tree, make_household, make_token

pytestmark = pytest.mark.db
MAX_EXAMPLES = int(os.environ.get("ANJU_FUZZ_EXAMPLES", "8"))

# The app is built at import (schemathesis needs its schema to parametrize); its database is set by ``fuzz_db``.
APP = create_app(make_engine("sqlite://"))
# Rotation revokes the token the fuzzer calls with, after which it would test nothing but the 401
# (tests/test_tokens.py covers it).
schema = schemathesis.openapi.from_asgi("/openapi.json", APP).exclude(path="/api/v1/me/token/rotate")
TOKEN: dict[str, str] = {}


@pytest.fixture(scope="module", autouse=True)
def fuzz_db(template_db: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """The run's database (a copy of the SQLite template, or PostgreSQL emptied) with data to reach."""
    if POSTGRES_URL:
        engine = make_engine(POSTGRES_URL)
        _truncate(engine)
    else:
        import shutil

        path = tmp_path_factory.mktemp("fuzz") / "fuzz.db"
        shutil.copyfile(template_db, path)
        engine = make_engine(f"sqlite:///{path}")
    seed_counties(engine)
    with transaction(engine) as s:
        tree = make_area_tree(s)
        for village in ("v1", "v2", "v3"):
            make_application(s, make_household(s, tree[village]))
        TOKEN["admin"] = make_token(s, tree["county"], "admin", name="模糊测试")
    APP.state.engine = engine
    # The fuzzer sends wrong tokens on purpose; blocked after ten, it would test nothing but the 429.
    APP.state.auth_throttle = AuthThrottle(free_failures=10**9)
    yield engine
    if POSTGRES_URL:
        _truncate(engine)
    engine.dispose()


def _headers() -> dict[str, str]:
    return {"Authorization": f"Bearer {TOKEN['admin']}"}


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None,
          phases=[Phase.explicit, Phase.generate],  # no shrinking: a failure is shown as found, quickly
          suppress_health_check=list(HealthCheck))
def test_no_server_errors(case: schemathesis.Case) -> None:
    response = case.call(headers=_headers())
    case.validate_response(response, checks=[not_a_server_error], headers=_headers())


def test_an_id_beyond_64_bits_is_a_clear_422_not_a_500() -> None:
    from fastapi.testclient import TestClient

    with TestClient(APP) as client:
        response = client.post(f"/api/v1/objections/{2**70}/decision", headers=_headers(),
                               json={"outcome": "dismissed", "investigation": "查过", "reason": "不成立"})
    assert response.status_code == 422, response.text
    assert response.json()["field"] == "objection_id"
