"""API tokens: they expire, rotate, record their last use and leave issue/rotate/revoke in the audit log;
wrong tokens are throttled per address; Open311's daily cap counts what the caller cannot choose."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import time_machine
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from api.app import create_app
from api.db import transaction
from api.models import ApiToken, Area, AuditEntry
from api.services.complaints import MAX_PER_DAY
from api.services.users import DEFAULT_TOKEN_DAYS, find_token, hash_token, issue_token, revoke_token, rotate_token
from api.throttle import FREE_FAILURES, MAX_BLOCK, AuthThrottle
from bot.cli import main
from tests.factories import area_tree_ids, bearer, make_user

START = dt.datetime(2031, 3, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def client(engine: Engine) -> Iterator[TestClient]:
    with TestClient(create_app(engine)) as test_client:
        yield test_client


def _issue(engine: Engine, days: int | None = None) -> str:
    with transaction(engine) as s:
        county = s.scalar(select(Area).where(Area.code == "140621"))
        assert county is not None
        return issue_token(s, make_user(s, county, "admin"), by="test", days=days)


def _row(engine: Engine, token: str) -> ApiToken:
    with transaction(engine) as s:
        row = s.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(token)))
        assert row is not None
        return row


def _actions(engine: Engine) -> list[str]:
    with transaction(engine) as s:
        return list(s.scalars(select(AuditEntry.action).where(AuditEntry.entity == "api_token")
                              .order_by(AuditEntry.id)))


def test_a_token_expires_after_its_days(engine: Engine, client: TestClient) -> None:
    with time_machine.travel(START, tick=False):
        token = _issue(engine, days=7)
        assert client.get("/api/v1/areas", headers=bearer(token)).status_code == 200
    assert _row(engine, token).expires_at == START + dt.timedelta(days=7)
    with time_machine.travel(START + dt.timedelta(days=7, seconds=-1), tick=False):
        assert client.get("/api/v1/areas", headers=bearer(token)).status_code == 200
    with time_machine.travel(START + dt.timedelta(days=7), tick=False):
        response = client.get("/api/v1/areas", headers=bearer(token))
    assert response.status_code == 401 and "expired" in response.json()["message"]


def test_the_default_lifetime_and_bounds(engine: Engine) -> None:
    with time_machine.travel(START, tick=False):
        token = _issue(engine)
    assert _row(engine, token).expires_at == START + dt.timedelta(days=DEFAULT_TOKEN_DAYS)
    with transaction(engine) as s, pytest.raises(ValueError, match="days"):
        issue_token(s, _row(engine, token).user, days=0)


def test_last_use_is_recorded_at_a_few_minutes_granularity(engine: Engine, client: TestClient) -> None:
    with time_machine.travel(START, tick=False):
        token = _issue(engine)
        assert _row(engine, token).last_used_at is None
        client.get("/api/v1/areas", headers=bearer(token))
    assert _row(engine, token).last_used_at == START
    with time_machine.travel(START + dt.timedelta(minutes=1), tick=False):
        client.get("/api/v1/areas", headers=bearer(token))
    assert _row(engine, token).last_used_at == START                  # a read stays a read
    with time_machine.travel(START + dt.timedelta(minutes=6), tick=False):
        client.get("/api/v1/areas", headers=bearer(token))
    assert _row(engine, token).last_used_at == START + dt.timedelta(minutes=6)


def test_a_holder_rotates_their_own_token_and_the_old_one_stops(engine: Engine, client: TestClient) -> None:
    old = _issue(engine)
    response = client.post("/api/v1/me/token/rotate", headers=bearer(old), json={"days": 30})
    assert response.status_code == 200, response.text
    new = response.json()["token"]
    assert response.json()["replaces"] == _row(engine, old).id
    assert client.get("/api/v1/areas", headers=bearer(old)).status_code == 401
    assert client.get("/api/v1/areas", headers=bearer(new)).status_code == 200
    assert _row(engine, old).replaced_by_id == _row(engine, new).id
    assert _actions(engine) == ["token.issue", "token.rotate"]


def test_issue_rotate_and_revoke_are_in_the_audit_log(engine: Engine) -> None:
    token = _issue(engine)
    with transaction(engine) as s:
        token_id = _row(engine, token).id
        _, successor = rotate_token(s, token_id, by="cli:admin")
        revoke_token(s, successor.id, by="cli:admin")
        with pytest.raises(ValueError, match="revoked"):
            rotate_token(s, token_id)
    assert _actions(engine) == ["token.issue", "token.rotate", "token.revoke"]
    with transaction(engine) as s:
        assert find_token(s, token) is None


def test_cli_create_with_days_rotate_and_list(capsys: pytest.CaptureFixture[str]) -> None:
    from api.db import get_engine

    assert main(["token", "create", "--area", "140621", "--role", "admin", "--name", "管理员", "--days", "10"]) == 0
    token = capsys.readouterr().out.strip().splitlines()[-1]
    engine = get_engine()
    row = _row(engine, token)
    assert row.expires_at is not None and row.expires_at - row.created_at == dt.timedelta(days=10)
    assert main(["token", "rotate", str(row.id)]) == 0
    out = capsys.readouterr().out
    assert f"token {row.id} revoked" in out
    assert main(["token", "list"]) == 0
    listing = capsys.readouterr().out
    assert "管理员" in listing and listing.count("\n") == 3


def test_wrong_tokens_are_throttled_per_address(engine: Engine, client: TestClient) -> None:
    good = _issue(engine)
    codes = [client.get("/api/v1/areas", headers=bearer(f"guess-{n}")).status_code for n in range(FREE_FAILURES + 3)]
    assert codes[:FREE_FAILURES] == [401] * FREE_FAILURES
    assert 429 in codes[FREE_FAILURES:]
    blocked = client.get("/api/v1/areas", headers=bearer(good))     # while blocked, no token is looked at
    assert blocked.status_code == 429 and int(blocked.headers["Retry-After"]) >= 1
    assert "too many" in blocked.json()["message"]


def test_the_back_off_doubles_up_to_a_bound_and_ends() -> None:
    now = [0.0]
    throttle = AuthThrottle(clock=lambda: now[0])
    for _ in range(FREE_FAILURES):
        throttle.failed("10.0.0.1")
    assert throttle.retry_after("10.0.0.1") == 0
    waits = []
    for _ in range(12):
        throttle.failed("10.0.0.1")
        waits.append(throttle.retry_after("10.0.0.1"))
    assert waits[:4] == [1, 2, 4, 8] and max(waits) == MAX_BLOCK
    assert throttle.retry_after("10.0.0.2") == 0                     # other addresses are not affected
    now[0] += MAX_BLOCK + 1
    assert throttle.retry_after("10.0.0.1") == 0


def test_open311_daily_cap_counts_the_address_not_the_device_id(engine: Engine, client: TestClient) -> None:
    area_tree_ids(engine)
    statuses = []
    for n in range(MAX_PER_DAY + 1):
        form = {"jurisdiction_id": "140621", "service_code": "bribe", "description": f"村干部收钱第{n}次",
                "device_id": f"device-{n}", "account_id": f"acct-{n}"}
        statuses.append(client.post("/open311/v2/requests.json", data=form).status_code)
    assert statuses == [201] * MAX_PER_DAY + [409]
