"""A whole screening over the real SMS channel: signed gateway callbacks in, numbered messages in the outbox."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from test_sms_channel import SECRET, outbox, sms

from api.app import create_app
from api.settings import get_settings


@pytest.fixture
def client(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.setenv("ANJU_SMS_HMAC_SECRET", SECRET)
    get_settings.cache_clear()
    with TestClient(create_app(engine)) as test_client:
        yield test_client


def test_a_typical_household_is_screened_by_sms_within_eight_questions(client: TestClient, engine: Engine):
    sms(client, "资格")
    asked = [outbox(engine)[-1].text]
    for answer in ["山阴县", "2", "2", "2", "1", "2", "2"]:
        sms(client, answer)
        asked.append(outbox(engine)[-1].text)
    assert "哪个县" in asked[0]
    assert all("回复1" in text for text in asked)         # every question comes with numbered answers
    assert len(asked) == 8                                # the county, then seven screening questions
    sent_before = len(outbox(engine))
    sms(client, "1")                                      # 家里情况都没有 → the judgement
    judgement = "\n".join(row.text for row in outbox(engine)[sent_before:])
    assert "初步判断" in judgement and "符合申请条件" in judgement
