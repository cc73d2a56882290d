"""The generic HTTP gateway against a fake one on 127.0.0.1: signed requests, idempotency keys, receipts,
retries after an outage and permanent refusals."""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from test_telegram_fakeapi import serve

from api.app import create_app
from api.db import transaction
from api.delivery.senders import build_sender
from api.delivery.signature import HEADER, sign, verify
from api.delivery.sms import deliver_due
from api.models._types import utcnow
from api.models.messages import OutboundMessage, OutboundStatus
from api.settings import get_settings

SECRET = "gateway-secret"


class FakeGateway:
    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.answer = 200
        self.lock = threading.Lock()
        self.app = Starlette(routes=[Route("/send", self.send, methods=["POST"])])

    async def send(self, request: Request) -> JSONResponse:
        body = await request.body()
        if not verify(SECRET, body, request.headers.get(HEADER)):
            return JSONResponse({"error": "bad signature"}, status_code=401)
        payload = json.loads(body)
        with self.lock:
            self.received.append({**payload, "key_header": request.headers.get("Idempotency-Key")})
            number = len(self.received)
        if self.answer != 200:
            return JSONResponse({"error": "no"}, status_code=self.answer)
        return JSONResponse({"message_id": f"out-{number}"})


@pytest.fixture
def gateway() -> Iterator[FakeGateway]:
    fake = FakeGateway()
    with serve(fake.app) as port:
        fake.port = port  # type: ignore[attr-defined]
        yield fake


@pytest.fixture
def client(engine: Engine, gateway: FakeGateway, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.setenv("ANJU_SMS_HMAC_SECRET", SECRET)
    monkeypatch.setenv("ANJU_SMS_GATEWAY", "http")
    monkeypatch.setenv("ANJU_SMS_HTTP_URL", f"http://127.0.0.1:{gateway.port}/send")  # type: ignore[attr-defined]
    get_settings.cache_clear()
    with TestClient(create_app(engine)) as test_client:
        yield test_client


def signed(client: TestClient, path: str, payload: dict[str, Any]) -> Any:
    body = json.dumps(payload, ensure_ascii=False).encode()
    return client.post(path, content=body, headers={HEADER: sign(SECRET, body)})


def rows(engine: Engine) -> list[OutboundMessage]:
    with transaction(engine) as session:
        return list(session.scalars(select(OutboundMessage).order_by(OutboundMessage.id)))


def test_reply_goes_to_the_gateway_signed_and_the_receipt_marks_it_delivered(
        client: TestClient, gateway: FakeGateway, engine: Engine) -> None:
    assert signed(client, "/sms/inbound", {"message_id": "in1", "from": "13800138000", "text": "菜单"}
                  ).status_code == 200
    [sent] = gateway.received
    assert sent["to"] == "13800138000" and "回复1" in sent["text"] and sent["signature"] == "【安居】"
    assert sent["key_header"] == sent["idempotency_key"]
    [row] = rows(engine)
    assert row.status == OutboundStatus.sent and row.gateway_message_id == "out-1"
    assert signed(client, "/sms/status", {"message_id": "out-1", "status": "delivered"}).status_code == 200
    [row] = rows(engine)
    assert row.status == OutboundStatus.delivered and row.delivered_at is not None
    unsigned = b'{"message_id": "out-1", "status": "failed"}'
    assert client.post("/sms/status", content=unsigned).status_code == 403
    assert signed(client, "/sms/status", {"status": "delivered"}).status_code == 400


def test_an_outage_leaves_the_reply_queued_for_the_retry_job(
        client: TestClient, gateway: FakeGateway, engine: Engine) -> None:
    gateway.answer = 503
    signed(client, "/sms/inbound", {"message_id": "in2", "from": "13800138000", "text": "菜单"})
    [row] = rows(engine)
    assert row.status == OutboundStatus.queued and row.attempts == 1 and "503" in (row.error or "")
    gateway.answer = 200
    settings = get_settings()
    later = utcnow() + dt.timedelta(minutes=1)
    assert deliver_due(engine, build_sender(settings), settings, now=later) == 1
    [row] = rows(engine)
    assert row.status == OutboundStatus.sent and row.attempts == 2
    keys = {r["idempotency_key"] for r in gateway.received}
    assert len(keys) == 1          # the gateway can drop the second attempt if the first got through


def test_a_refusal_is_permanent(client: TestClient, gateway: FakeGateway, engine: Engine) -> None:
    gateway.answer = 400
    signed(client, "/sms/inbound", {"message_id": "in3", "from": "13800138000", "text": "菜单"})
    [row] = rows(engine)
    assert row.status == OutboundStatus.failed and "400" in (row.error or "")
