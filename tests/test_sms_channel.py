"""The SMS channel end to end through the generic HMAC endpoint: the app, a real database, console sending.

Each test reads like what a gateway and a farmer would do; assertions look at the outbox, the record of
every message the service sent.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from itertools import count
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from api.app import create_app
from api.db import transaction
from api.delivery.senders import build_sender
from api.delivery.signature import HEADER, sign
from api.delivery.sms import deliver
from api.models.conversations import InboundMessage
from api.models.messages import ChannelUser, OutboundMessage, OutboundStatus
from api.settings import get_settings

SECRET = "test-sms-secret"
FARMER = "13800138000"
_ids = count(1)


@pytest.fixture
def client(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.setenv("ANJU_SMS_HMAC_SECRET", SECRET)
    get_settings.cache_clear()
    with TestClient(create_app(engine)) as test_client:
        yield test_client


def post(client: TestClient, payload: Any, *, secret: str | None = SECRET, raw: bytes | None = None) -> Any:
    body = raw if raw is not None else json.dumps(payload).encode()   # \uXXXX escapes, as many gateways send
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers[HEADER] = sign(secret, body)
    return client.post("/sms/inbound", content=body, headers=headers)


def sms(client: TestClient, text: Any, sender: str = FARMER, message_id: str | None = "auto") -> Any:
    payload: dict[str, Any] = {"from": sender, "to": "10690000", "text": text}
    if message_id == "auto":
        payload["message_id"] = f"gw-{next(_ids)}"
    elif message_id is not None:
        payload["message_id"] = message_id
    response = post(client, payload)
    assert response.status_code == 200, response.text
    assert response.content == b""
    return response


def outbox(engine: Engine, recipient: str = FARMER) -> list[OutboundMessage]:
    with transaction(engine) as session:
        return list(session.scalars(select(OutboundMessage).where(OutboundMessage.recipient == recipient)
                                    .order_by(OutboundMessage.id)))


def last_text(engine: Engine, recipient: str = FARMER) -> str:
    return outbox(engine, recipient)[-1].text


def inbound_count(engine: Engine) -> int:
    with transaction(engine) as session:
        return session.scalar(select(func.count()).select_from(InboundMessage)) or 0


def test_menu_reply_is_numbered_recorded_and_sent_by_the_console(client: TestClient, engine: Engine) -> None:
    sms(client, "菜单")
    [row] = outbox(engine)
    assert "回复1" in row.text
    assert row.status == OutboundStatus.sent and row.sent_at is not None
    assert row.parts >= 1 and row.in_reply_to and row.idempotency_key.startswith("sms:")


def test_whole_screening_conversation_with_continuation(client: TestClient, engine: Engine) -> None:
    sms(client, "资格")
    assert "屯留区" in last_text(engine)
    for answer in ("屯留区", "1", "1", "1", "2"):
        sms(client, answer)
    texts = [row.text for row in outbox(engine)]
    assert "初步判断" in texts[-1] and "回复0继续" not in texts[-1]   # issue 14: the judgement fits 3 segments
    sms(client, "1")                                                  # …and 1 brings the reasons and clauses
    texts = [row.text for row in outbox(engine)]
    while "回复0继续" in texts[-1]:
        sms(client, "0")
        texts = [row.text for row in outbox(engine)]
    assert any("理由" in t for t in texts)
    assert all(row.status == OutboundStatus.sent for row in outbox(engine))
    sms(client, "0")                      # nothing pending any more: 0 is the menu again
    assert "回复1" in last_text(engine)


def test_whole_faq_conversation(client: TestClient, engine: Engine) -> None:
    sms(client, "公示几天")
    assert "山阴县" in last_text(engine)           # the county comes first
    sms(client, "山阴县")
    answer = last_text(engine)
    assert "7天" in answer and "依据" in answer and "回复1" in answer
    sms(client, "1")                               # 看详情
    assert "依据" in last_text(engine)
    sms(client, "俺家房子裂了能补多少钱")
    assert "补助" in last_text(engine)
    sms(client, "今天天气怎么样")
    assert "回答不了" in last_text(engine)
    assert all(row.parts <= get_settings().sms_max_parts for row in outbox(engine))


def test_bad_or_missing_signature_is_403_and_changes_nothing(client: TestClient, engine: Engine) -> None:
    payload = {"message_id": "x1", "from": FARMER, "text": "菜单"}
    assert post(client, payload, secret=None).status_code == 403
    assert post(client, payload, secret="wrong").status_code == 403
    body = json.dumps(payload).encode()
    tampered = client.post("/sms/inbound", content=body.replace(b"x1", b"x2"),
                           headers={HEADER: sign(SECRET, body)})
    assert tampered.status_code == 403
    assert inbound_count(engine) == 0 and outbox(engine) == []


def test_same_message_id_twice_has_one_effect_and_one_reply(client: TestClient, engine: Engine) -> None:
    sms(client, "资格", message_id="gw-dup")
    sms(client, "资格", message_id="gw-dup")
    assert inbound_count(engine) == 1
    assert len(outbox(engine)) == 1


def test_without_an_id_the_same_text_soon_after_is_a_duplicate(client: TestClient, engine: Engine) -> None:
    sms(client, "菜单", message_id=None)
    sms(client, "菜单", message_id=None)
    assert inbound_count(engine) == 1 and len(outbox(engine)) == 1
    sms(client, "语言", message_id=None)
    assert inbound_count(engine) == 2 and len(outbox(engine)) == 2


def test_a_flood_is_throttled_politely_once(client: TestClient, engine: Engine) -> None:
    limit = get_settings().flood_limit
    for _ in range(limit + 10):
        sms(client, "菜单")
    rows = outbox(engine)
    assert len(rows) == limit + 1
    assert "太快" in rows[-1].text
    assert inbound_count(engine) == limit
    other = "13900139000"
    sms(client, "菜单", sender=other)     # one sender's flood does not slow anyone else
    assert len(outbox(engine, other)) == 1


def test_opt_out_and_back_in(client: TestClient, engine: Engine) -> None:
    sms(client, "TD")
    assert "退订" in last_text(engine)
    _queue_notification(engine, "n1")
    assert _deliver_all(engine) == 0
    assert outbox(engine)[-1].status == OutboundStatus.failed
    sms(client, "菜单")                    # replies to the farmer's own messages still go
    assert outbox(engine)[-1].status == OutboundStatus.sent
    sms(client, "订阅")
    assert "订阅" in last_text(engine)
    with transaction(engine) as session:
        assert not session.scalar(select(ChannelUser.opted_out).where(ChannelUser.sender == FARMER))
    _queue_notification(engine, "n2")
    assert _deliver_all(engine) == 1


@pytest.mark.parametrize(("stop", "again"), [("以后别给我发短信了 谢谢", "我还是想收通知"),
                                            ("문자 그만 보내주세요", "다시 받을게요"),
                                            ("stop sending me messages please", "subscribe again")])
def test_opt_out_and_back_in_said_in_words(client: TestClient, engine: Engine, stop: str, again: str) -> None:
    sms(client, stop)
    with transaction(engine) as session:
        assert session.scalar(select(ChannelUser.opted_out).where(ChannelUser.sender == FARMER))
    _queue_notification(engine, "w1")
    assert _deliver_all(engine) == 0
    sms(client, again)
    with transaction(engine) as session:
        assert not session.scalar(select(ChannelUser.opted_out).where(ChannelUser.sender == FARMER))
    _queue_notification(engine, "w2")
    assert _deliver_all(engine) == 1


def test_a_story_with_stop_words_in_it_is_no_opt_out(client: TestClient, engine: Engine) -> None:
    sms(client, "村干部说不要再发补助了 这对吗")
    with transaction(engine) as session:
        assert not session.scalar(select(ChannelUser.opted_out).where(ChannelUser.sender == FARMER))
    assert "退订" not in last_text(engine)


def test_retried_opt_out_is_confirmed_once(client: TestClient, engine: Engine) -> None:
    sms(client, "退订", message_id="gw-td")
    sms(client, "退订", message_id="gw-td")
    assert len(outbox(engine)) == 1


@pytest.mark.parametrize("text", ["", "   ", "😀😀😀", "🏠", "啊" * 5000, "x" * 5000, None, 42, ["菜单"],
                                  "\x00\x01", "菜\x00单", "\ud800", "１"])
def test_odd_messages_get_a_sensible_reply(client: TestClient, engine: Engine, text: Any) -> None:
    sms(client, text)
    [row] = outbox(engine)
    assert row.text.strip()
    assert row.parts <= get_settings().sms_max_parts


def test_nul_and_surrogates_in_ids_are_stored_safely(client: TestClient, engine: Engine) -> None:
    sms(client, "菜单", message_id="a\x00b")
    sms(client, "菜单", message_id="\udc00")
    assert len(outbox(engine)) == 2


@pytest.mark.parametrize("raw", [b"not json", b"[1,2]", b'{"text": "no sender"}', b"", b'"x"'])
def test_malformed_callbacks_are_400_not_500(client: TestClient, engine: Engine, raw: bytes) -> None:
    response = post(client, None, raw=raw)
    assert response.status_code == 400
    assert inbound_count(engine) == 0


def test_daily_cap_per_number_is_respected(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANJU_SMS_HMAC_SECRET", SECRET)
    monkeypatch.setenv("ANJU_SMS_DAILY_CAP_PER_NUMBER", "2")
    get_settings.cache_clear()
    with TestClient(create_app(engine)) as capped:
        for text in ("菜单", "语言", "菜单"):
            sms(capped, text)
    statuses = [row.status for row in outbox(engine)]
    assert statuses == [OutboundStatus.sent, OutboundStatus.sent, OutboundStatus.failed]
    assert "cap" in (outbox(engine)[-1].error or "")


def _queue_notification(engine: Engine, key: str) -> None:
    with transaction(engine) as session:
        session.add(OutboundMessage(channel="sms", recipient=FARMER, text="您的申请已进入乡镇审核。",
                                    parts=1, idempotency_key=key, status=OutboundStatus.queued))


def _deliver_all(engine: Engine) -> int:
    with transaction(engine) as session:
        ids = list(session.scalars(select(OutboundMessage.id)
                                   .where(OutboundMessage.status == OutboundStatus.queued)))
    settings = get_settings()
    return deliver(engine, ids, build_sender(settings), settings)


def test_sms_options_follow_the_language_chosen(client: TestClient, engine: Engine) -> None:
    sms(client, "한국어")
    sms(client, "메뉴")
    assert "1번 " in last_text(engine)   # the options are numbered the Korean way
    sms(client, "English")
    sms(client, "menu")
    assert "Reply 1" in last_text(engine)
