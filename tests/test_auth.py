"""Bearer tokens: 401 with a clear body and a WWW-Authenticate header; viewers read but do not write."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import Engine, select

from api.db import transaction
from api.models import ApiToken, User
from api.services.users import issue_token, revoke_token
from bot.cli import main as anju
from tests.factories import area_tree_ids, bearer, make_client, make_user, token_for


@pytest.fixture
def tree(engine: Engine) -> dict[str, int]:
    return area_tree_ids(engine)


def _assert_401(response) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == 401, response.text
    assert response.headers["www-authenticate"] == "Bearer"
    body = response.json()
    assert body["error"] == "unauthenticated" and body["message"] and body["field"] == "Authorization"


@pytest.mark.parametrize("headers", [
    {}, {"Authorization": "Bearer"}, {"Authorization": "Basic dXNlcjpwYXNz"},
    {"Authorization": "Bearer not-a-real-token"},
])
def test_missing_malformed_or_unknown_token_is_401(engine: Engine, tree: dict[str, int],
                                                     headers: dict[str, str]) -> None:
    _assert_401(make_client(engine).get("/api/v1/areas", headers=headers))


def test_valid_token_is_accepted(engine: Engine, tree: dict[str, int]) -> None:
    token = token_for(engine, tree["t1"])
    response = make_client(engine).get("/api/v1/areas", headers=bearer(token))
    assert response.status_code == 200


def test_revoked_token_is_401(engine: Engine, tree: dict[str, int]) -> None:
    token = token_for(engine, tree["v1"])
    with transaction(engine) as s:
        digest = hashlib.sha256(token.encode()).hexdigest()
        row = s.scalar(select(ApiToken).where(ApiToken.token_hash == digest))
        assert row is not None
        revoke_token(s, row.id)
        revoke_token(s, row.id)  # twice is harmless
    _assert_401(make_client(engine).get("/api/v1/areas", headers=bearer(token)))


def test_inactive_user_is_401(engine: Engine, tree: dict[str, int]) -> None:
    token = token_for(engine, tree["v1"])
    with transaction(engine) as s:
        for user in s.scalars(select(User)):
            user.active = False
    _assert_401(make_client(engine).get("/api/v1/areas", headers=bearer(token)))


def test_only_the_hash_is_stored(engine: Engine, tree: dict[str, int]) -> None:
    from api.models import Area

    with transaction(engine) as s:
        area = s.get(Area, tree["v1"])
        assert area is not None
        user = make_user(s, area)
        tokens = {issue_token(s, user) for _ in range(3)}
        stored = set(s.scalars(select(ApiToken.token_hash)))
    assert len(tokens) == 3 and all(len(t) >= 40 for t in tokens)
    assert stored == {hashlib.sha256(t.encode()).hexdigest() for t in tokens}


def test_viewer_reads_but_may_not_write(engine: Engine, tree: dict[str, int]) -> None:
    token = token_for(engine, tree["t1"], "viewer")
    client = make_client(engine)
    assert client.get(f"/api/v1/areas/{tree['v1']}", headers=bearer(token)).status_code == 200
    response = client.post("/api/v1/areas", headers=bearer(token),
                           json={"parent_id": tree["t1"], "name": "新村"})
    assert response.status_code == 403 and response.json()["error"] == "forbidden"


def test_cli_token_create_prints_a_working_token(engine: Engine, tree: dict[str, int],
                                                 monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("api.db.get_engine", lambda: engine)
    monkeypatch.setattr("api.bootstrap.prepare_database", lambda _engine: None)  # the fixture has the schema
    assert anju(["token", "create", "--area", "山阴县/古城镇/东村", "--role", "clerk", "--name", "张三"]) == 0
    token = capsys.readouterr().out.strip().splitlines()[-1]
    response = make_client(engine).get("/api/v1/areas", headers=bearer(token))
    assert response.status_code == 200
    with transaction(engine) as s:
        user = s.scalar(select(User).where(User.name == "张三"))
        assert user is not None and user.area_id == tree["v1"] and user.role.value == "clerk"
    assert anju(["token", "create", "--area", "无此县", "--name", "李四"]) == 2
    assert anju(["token", "create", "--area", "140621", "--role", "boss", "--name", "李四"]) == 2
