"""Input beyond what the columns hold is the client's error (4xx with a message), on SQLite and PostgreSQL alike.

The bounds are declared once (api/schemas/types.py, the schemas' max_length, api/limits.py); the first test
walks the OpenAPI document so an id or string added without its bound fails here, not in production.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from api.app import create_app
from api.db import make_engine, transaction
from api.delivery.signature import HEADER, sign
from api.models.conversations import InboundMessage
from api.models.messages import OutboundMessage
from api.schemas.types import MAX_ID
from api.settings import get_settings
from bot.channels.inbox import MAX_INBOUND_CHARS
from tests.factories import area_tree_ids, bearer, token_for

SECRET = "test-sms-secret-long-enough-for-production"


def _resolve(doc: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = doc["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    return node


def _unbounded(doc: dict[str, Any], name: str, node: dict[str, Any], seen: set[str]) -> list[str]:
    """Names of integer ids without maximum ≤ MAX_ID and strings without maxLength, in one input schema."""
    if "$ref" in node:
        ref = node["$ref"]
        if ref in seen:
            return []
        seen = seen | {ref}
        node = _resolve(doc, node)
    problems: list[str] = []
    for alternative in node.get("anyOf", []) + node.get("allOf", []) + node.get("oneOf", []):
        problems += _unbounded(doc, name, alternative, seen)
    kind = node.get("type")
    if kind == "integer" and (name == "id" or name.endswith(("_id", "_ids"))) and node.get("maximum", 2**63) > MAX_ID:
        problems.append(f"{name}: integer id without maximum {MAX_ID}")
    if kind == "string" and "maxLength" not in node and "enum" not in node and "format" not in node:
        problems.append(f"{name}: string without maxLength")
    if kind == "array":
        problems += _unbounded(doc, name, node.get("items", {}), seen)
    for key, child in node.get("properties", {}).items():
        problems += _unbounded(doc, key, child, seen)
    return problems


def test_every_id_and_string_the_api_takes_is_bounded_in_its_schema() -> None:
    doc = create_app(make_engine("sqlite://")).openapi()
    problems = []
    for path, methods in doc["paths"].items():
        for method, operation in methods.items():
            for parameter in operation.get("parameters", []):
                problems += [f"{method} {path} {p}" for p in
                             _unbounded(doc, parameter["name"], parameter.get("schema", {}), set())]
            for media in operation.get("requestBody", {}).get("content", {}).values():
                problems += [f"{method} {path} {p}" for p in _unbounded(doc, "body", media.get("schema", {}), set())]
    assert not problems, "\n".join(problems)


@pytest.fixture
def client(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.setenv("ANJU_SMS_HMAC_SECRET", SECRET)
    get_settings.cache_clear()
    with TestClient(create_app(engine), raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def ids(engine: Engine) -> dict[str, int]:
    return area_tree_ids(engine)


@pytest.fixture
def token(engine: Engine, ids: dict[str, int]) -> str:
    return token_for(engine, ids["county"], "admin")


@pytest.mark.parametrize("path", ["/api/v1/households/2147483648", "/api/v1/households/99999999999999999999999",
                                  "/api/v1/households?village_id=2147483648", "/api/v1/complaints?offset=9" + "9" * 30,
                                  "/api/v1/public/notices/2147483648"])
def test_an_id_beyond_the_column_is_a_422(client: TestClient, token: str, path: str) -> None:
    response = client.get(path, headers=bearer(token))
    assert response.status_code == 422, response.text
    assert response.json()["error"] == "validation_failed"


def test_an_id_at_the_column_limit_is_simply_not_found(client: TestClient, token: str) -> None:
    assert client.get(f"/api/v1/households/{MAX_ID}", headers=bearer(token)).status_code == 404


def test_an_id_beyond_the_column_in_a_body_is_a_422(client: TestClient, token: str) -> None:
    response = client.post("/api/v1/objections", headers=bearer(token),
                           json={"notice_id": MAX_ID + 1, "application_id": 1, "reason": "不公平"})
    assert response.status_code == 422
    assert response.json()["field"] == "notice_id"


@pytest.mark.parametrize("url", ["/open311/v2/requests.json?jurisdiction_id=%00",
                                 "/open311/v2/requests/A%00B.json", "/api/v1/households?village_id=1%00"])
def test_nul_in_the_url_is_a_422(client: TestClient, token: str, url: str) -> None:
    response = client.get(url, headers=bearer(token))
    assert response.status_code == 422
    assert "NUL" in response.json()["message"]


def test_nul_in_a_json_body_is_a_422_and_stores_nothing(client: TestClient, token: str, ids: dict[str, int]) -> None:
    body = '{"parent_id": PARENT, "name": "东\\u0000村"}'.replace("PARENT", str(ids["t1"]))
    response = client.post("/api/v1/areas", headers={**bearer(token), "Content-Type": "application/json"},
                           content=body)
    assert response.status_code == 422
    # a backslash, then the text u0000: no NUL, so not refused as one
    escaped = '{"parent_id": PARENT, "name": "东\\\\u0000村"}'.replace("PARENT", str(ids["t1"]))
    response = client.post("/api/v1/areas", headers={**bearer(token), "Content-Type": "application/json"},
                           content=escaped)
    assert response.status_code != 422 or "NUL" not in response.json()["message"]


def test_a_string_longer_than_its_column_is_a_422(client: TestClient, token: str, ids: dict[str, int]) -> None:
    response = client.post("/api/v1/areas", headers=bearer(token), json={"parent_id": ids["t1"], "name": "村" * 65})
    assert response.status_code == 422
    assert response.json()["field"] == "name"


def test_a_body_over_the_limit_is_a_413_by_length_or_while_read(client: TestClient, token: str) -> None:
    big = b'{"name": "' + b"x" * (1024 * 1024) + b'"}'
    response = client.post("/api/v1/areas", headers={**bearer(token), "Content-Type": "application/json"},
                           content=big)
    assert response.status_code == 413
    assert "1 MiB" in response.json()["message"]

    def chunks() -> Iterator[bytes]:   # no Content-Length: counted as it arrives
        for _ in range(20):
            yield b"x" * 65536

    response = client.post("/api/v1/areas", headers={**bearer(token), "Content-Type": "application/json"},
                           content=chunks())
    assert response.status_code == 413


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", ""])
def test_a_json_route_refuses_other_content_types_with_415(client: TestClient, token: str, ids: dict[str, int],
                                                          content_type: str) -> None:
    response = client.post("/api/v1/areas", headers={**bearer(token), "Content-Type": content_type},
                           content=json.dumps({"parent_id": ids["t1"], "name": "新村"}))
    assert response.status_code == 415
    assert "application/json" in response.json()["message"]


def test_open311_takes_a_form_not_json(client: TestClient) -> None:
    response = client.post("/open311/v2/requests.json", json={"jurisdiction_id": "140621"})
    assert response.status_code == 415


def _sms(client: TestClient, payload: dict[str, Any]) -> Any:
    body = json.dumps(payload).encode()
    return client.post("/sms/inbound", content=body,
                       headers={"Content-Type": "application/json", HEADER: sign(SECRET, body)})


def test_an_sms_from_no_phone_number_looks_like_is_a_final_400(client: TestClient, engine: Engine) -> None:
    response = _sms(client, {"message_id": "long-from", "from": "1" * 65, "text": "菜单"})
    assert response.status_code == 400
    assert "not a phone number" in response.text
    with transaction(engine) as s:
        assert s.scalar(select(func.count()).select_from(InboundMessage)) == 0


def test_an_sms_longer_than_we_keep_is_refused_with_a_reply_not_cut(client: TestClient, engine: Engine) -> None:
    text = "我家房子" * (MAX_INBOUND_CHARS // 4) + "裂了"
    assert _sms(client, {"message_id": "long-1", "from": "13800138000", "text": text}).status_code == 200
    assert _sms(client, {"message_id": "long-1", "from": "13800138000", "text": text}).status_code == 200
    with transaction(engine) as s:
        replies = list(s.scalars(select(OutboundMessage.text).where(OutboundMessage.recipient == "13800138000")))
    assert len(replies) == 1, replies                    # the retry has no second effect
    assert f"超过{MAX_INBOUND_CHARS}字" in replies[0] and "分几条发" in replies[0]
