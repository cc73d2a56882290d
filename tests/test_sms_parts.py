"""The SMS channel's small parts: phone forms, signatures, callback parsing, reply language, caps."""

from __future__ import annotations

import datetime as dt

import pytest

from api.delivery.signature import sign, verify
from api.domain.phone import e164
from api.domain.phone import mask_phone as mask
from api.domain.phone import normalise_sender as normalise
from api.settings import Settings
from bot.channels.sms.inbound import MalformedCallback, parse_generic, parse_twilio
from bot.channels.sms.outbox import _cap, _max_parts, language_of
from bot.engine.types import Reply


@pytest.mark.parametrize(("raw", "number"), [
    ("+86 138-0013-8000", "13800138000"), ("008613800138000", "13800138000"),
    ("8613800138000", "13800138000"), ("13800138000", "13800138000"), ("+1 415 555 0100", "+14155550100"),
])
def test_normalise(raw: str, number: str) -> None:
    assert normalise(raw) == number


def test_e164_and_mask() -> None:
    assert e164("13800138000") == "+8613800138000"
    assert e164("+14155550100") == "+14155550100"
    assert mask("13800138000") == "138****8000"
    assert "0013" not in mask("13800138000")


def test_signature_round_trip_and_tampering() -> None:
    body = '{"from": "13800138000", "text": "菜单"}'.encode()
    header = sign("s3cret", body)
    assert verify("s3cret", body, header)
    assert not verify("s3cret", body + b" ", header)
    assert not verify("other", body, header)
    assert not verify("s3cret", body, None)
    assert not verify("", body, header)


def test_generic_callback_tolerates_everything_but_a_missing_sender() -> None:
    parsed = parse_generic({"from": "+8613800138000", "text": None, "message_id": 12,
                            "received_at": "2026-03-05T08:00:00Z"})
    assert parsed.sender == "13800138000" and parsed.text == "" and parsed.message_id == "12"
    assert parsed.received_at == dt.datetime(2026, 3, 5, 8, tzinfo=dt.UTC)
    assert parse_generic({"from": "138", "received_at": "yesterday"}).received_at is None
    assert len(parse_generic({"from": "1", "message_id": "x" * 500}).message_id or "") <= 128
    with pytest.raises(MalformedCallback):
        parse_generic({"text": "hi"})
    with pytest.raises(MalformedCallback):
        parse_generic(["not", "an", "object"])


def test_twilio_form_with_media() -> None:
    parsed = parse_twilio({"From": "+8613800138000", "Body": "照片", "MessageSid": "SM1", "NumMedia": "2",
                           "MediaUrl0": "https://a/0", "MediaUrl1": "https://a/1"})
    assert parsed.media == ("https://a/0", "https://a/1")
    assert parse_twilio({"From": "+8613800138000", "NumMedia": "lots"}).media == ()


@pytest.mark.parametrize(("texts", "language"), [
    (["请回复数字选择："], "zh_Hans"),
    (["번호로 답해 주세요.", "（依据：屯建发〔2023〕86号）"], "ko"),
    (["Please reply with a number.", "(Source: 屯建发〔2023〕86号)"], "en"),
    (["😀"], None),
])
def test_reply_language_is_read_off_the_replies(texts: list[str], language: str | None) -> None:
    assert language_of([Reply(t) for t in texts]) == language


def test_content_cap_limits_parts_and_length() -> None:
    settings = Settings(sms_max_parts=10, sms_content_cap=250, sms_signature="【安居】")
    assert _max_parts(settings) == 3
    assert len(_cap("字" * 1000, settings)) <= 250 - len("【安居】")
    assert _max_parts(Settings(sms_max_parts=3, sms_content_cap=500)) == 3
