"""The scope decision as a farmer meets it: off-topic and other places are handed off with no figure, saying
what the service covers; a served county named right after another place gets its answer."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from bot.channels.sms.render import render
from bot.dialog.engine import handle
from bot.engine.types import ConversationState, Inbound

NOW = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)


class Chat:
    def __init__(self, county: str | None = None) -> None:
        self.state = ConversationState(county=county)

    def say(self, text: str) -> str:
        self.state, replies = handle(self.state, Inbound("sms", "13900000001", text), now=NOW)
        return render(replies, self.state.language)


@pytest.mark.parametrize(("county", "message", "covers"), [
    (None, "化肥今年又涨价了没", "危房改造"),
    ("140429", "老板拖欠俺的工钱咋要回来", "危房改造"),
    (None, "소 사료 가격이 또 올랐어요", "위험주택"),
    ("222400", "국민연금은 언제 받아요", "위험주택"),
    (None, "how do I renew my passport", "renovation"),
])
def test_off_topic_is_handed_off_at_once_with_no_figure(county: str | None, message: str, covers: str) -> None:
    reply = Chat(county).say(message)
    assert covers in reply
    assert not re.search(r"\d{3,}", reply)           # no figure, no county picker
    assert "回复1" not in reply and "1번" not in reply


def test_a_served_county_asked_right_after_another_place_is_answered() -> None:
    chat = Chat(county=None)
    first = chat.say("我是平遥的 公示几天")
    assert "平遥" in first and "回答不了" in first
    second = chat.say("那武乡县呢")
    assert "武乡县" in second and "回答不了" not in second
