"""Twilio-compatible callbacks (form posts signed by Twilio's scheme) and the Twilio REST sender."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from twilio.http import HttpClient
from twilio.http.response import Response as TwilioResponse
from twilio.request_validator import RequestValidator

from api.app import create_app
from api.db import transaction
from api.delivery.senders import Outgoing, SendError
from api.delivery.senders.twilio import TwilioSender
from api.models.messages import OutboundMessage, OutboundStatus
from api.settings import get_settings

AUTH = "twilio-auth-token"
PUBLIC = "https://anju.example.org"
FARMER = "+8613800138000"


@pytest.fixture
def client(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.setenv("ANJU_TWILIO_AUTH_TOKEN", AUTH)
    monkeypatch.setenv("ANJU_TWILIO_PUBLIC_URL", PUBLIC)
    get_settings.cache_clear()
    with TestClient(create_app(engine)) as test_client:
        yield test_client


def twilio_post(client: TestClient, path: str, form: dict[str, str], token: str = AUTH) -> Any:
    signature = RequestValidator(token).compute_signature(PUBLIC + path, form)
    return client.post(path, data=form, headers={"X-Twilio-Signature": signature})


def inbound(sid: str, body: str) -> dict[str, str]:
    return {"MessageSid": sid, "AccountSid": "AC1", "From": FARMER, "To": "+15005550006", "Body": body,
            "NumMedia": "0"}


def rows(engine: Engine) -> list[OutboundMessage]:
    with transaction(engine) as session:
        return list(session.scalars(select(OutboundMessage).order_by(OutboundMessage.id)))


def test_inbound_gets_empty_twiml_and_a_queued_reply(client: TestClient, engine: Engine) -> None:
    response = twilio_post(client, "/sms/twilio", inbound("SM1", "菜单"))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/xml")
    assert "<Response></Response>" in response.text
    [row] = rows(engine)
    assert row.recipient == "13800138000" and "回复1" in row.text


def test_bad_signature_is_403_and_changes_nothing(client: TestClient, engine: Engine) -> None:
    assert twilio_post(client, "/sms/twilio", inbound("SM1", "菜单"), token="other").status_code == 403
    assert client.post("/sms/twilio", data=inbound("SM1", "菜单")).status_code == 403
    assert rows(engine) == []


def test_retried_webhook_has_one_effect(client: TestClient, engine: Engine) -> None:
    twilio_post(client, "/sms/twilio", inbound("SM7", "资格"))
    twilio_post(client, "/sms/twilio", inbound("SM7", "资格"))
    assert len(rows(engine)) == 1


def test_odd_bodies_never_error(client: TestClient, engine: Engine) -> None:
    for sid, body in (("SMa", ""), ("SMb", "🙂"), ("SMc", "房" * 5000)):
        assert twilio_post(client, "/sms/twilio", inbound(sid, body)).status_code == 200
    assert len(rows(engine)) == 3
    no_sender = {"MessageSid": "SMd", "Body": "hi"}
    assert twilio_post(client, "/sms/twilio", no_sender).status_code == 400


def test_status_callbacks_move_the_record_once(client: TestClient, engine: Engine) -> None:
    with transaction(engine) as session:
        session.add(OutboundMessage(channel="sms", recipient="13800138000", text="x", parts=1,
                                    idempotency_key="k1", status=OutboundStatus.sent,
                                    gateway_message_id="SMout1"))
    assert twilio_post(client, "/sms/twilio/status",
                       {"MessageSid": "SMout1", "MessageStatus": "delivered"}).status_code == 200
    [row] = rows(engine)
    assert row.status == OutboundStatus.delivered and row.delivered_at is not None
    first = row.delivered_at
    twilio_post(client, "/sms/twilio/status", {"MessageSid": "SMout1", "MessageStatus": "delivered"})
    twilio_post(client, "/sms/twilio/status",
                {"MessageSid": "SMout1", "MessageStatus": "undelivered", "ErrorCode": "30003"})
    [row] = rows(engine)
    assert row.status == OutboundStatus.delivered and row.delivered_at == first
    assert twilio_post(client, "/sms/twilio/status", {"MessageSid": "SMunknown",
                                                      "MessageStatus": "delivered"}).status_code == 200
    bad = client.post("/sms/twilio/status", data={"MessageSid": "SMout1", "MessageStatus": "failed"})
    assert bad.status_code == 403


class RecordingHttp(HttpClient):
    """Twilio's own HTTP seam: the real client builds the request, we answer it like api.twilio.com."""

    def __init__(self, status: int = 201) -> None:
        super().__init__(logging.getLogger("twilio.test"), is_async=False)
        self.requests: list[dict[str, Any]] = []
        self.status = status

    def request(self, method: str, url: str, params: Any = None, data: Any = None, headers: Any = None,
                auth: Any = None, timeout: Any = None, allow_redirects: bool = False) -> TwilioResponse:
        self.requests.append({"method": method, "url": url, "data": dict(data or {})})
        if self.status >= 400:
            return TwilioResponse(self.status, json.dumps({"code": 21211, "message": "invalid To",
                                                           "status": self.status}))
        return TwilioResponse(self.status, json.dumps({"sid": "SMabc", "status": "queued"}))


def test_twilio_sender_posts_e164_with_signature_and_status_callback() -> None:
    http = RecordingHttp()
    sender = TwilioSender("AC123", AUTH, "+15005550006", f"{PUBLIC}/sms/twilio/status", http_client=http,
                          signature="【安居】")
    assert sender.send(Outgoing("13800138000", "您好", "k1")) == "SMabc"
    [request] = http.requests
    assert request["url"].endswith("/Accounts/AC123/Messages.json")
    assert request["data"]["To"] == "+8613800138000"
    assert request["data"]["Body"] == "【安居】您好"
    assert request["data"]["StatusCallback"].endswith("/sms/twilio/status")


def test_twilio_sender_rejection_is_permanent() -> None:
    sender = TwilioSender("AC123", AUTH, "+15005550006", http_client=RecordingHttp(status=400))
    with pytest.raises(SendError) as raised:
        sender.send(Outgoing("13800138000", "您好", "k1"))
    assert raised.value.permanent
