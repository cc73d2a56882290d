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


FIGURES = r"\d{3,}|1\.4\s*万|14000|80\s*[%％]|万元"
COVERS = r"危房改造|위험주택|dilapidated-house|renovation"


@pytest.mark.parametrize(("county", "message"), [
    (None, "二铵今年啥行情"), ("140621", "低保一个月给多少钱"), ("140405", "交了十五年养老保险 一个月能领多少"),
    ("230400", "新农合在外地住院能报不"), (None, "工地老板不给结账"), ("140429", "两口子闹离婚 房子归谁"),
    ("140621", "宅基地上邻居盖了个厕所 占了俺家地"), (None, "村里有人办丧事 随多少礼"), (None, "明早有霜冻不"),
    ("222400", "手机欠费停机了"), (None, "县城的房子现在一平多少"), (None, "俺儿子在太原租房子 一个月两千贵不贵"),
    ("140621", "小车上牌要多少钱"), (None, "户口从外省迁回来咋办"), (None, "搬新家想找个先生看个好日子 哪天搬好"),
    ("222400", "사장이 월급을 안 줘요"), (None, "시내에 집을 사고 싶어요"), (None, "호구 이전 어떻게 해요"),
    (None, "my cow is sick"), ("230400", "how do I transfer my household registration"), (None, "is it going to snow"),
])
def test_every_class_of_off_topic_is_handed_off_with_no_figure(county: str | None, message: str) -> None:
    """The reply says what the service covers and where to ask, states no figure and asks for no county."""
    reply = Chat(county).say(message)
    assert re.search(COVERS, reply), reply
    assert not re.search(FIGURES, reply), reply
    assert "回复1" not in reply and "1번" not in reply and "Reply 1" not in reply


@pytest.mark.parametrize(("county", "message", "place"), [
    (None, "俺在应县 跟山阴挨着 危改补多少", "应县"),
    ("140621", "潞州区的危房改造补多少", "潞州"),
    (None, "俺是怀人县的 危改补多少", "怀人县"),
    ("230400", "我们晋中农村房子裂了 能补多少", "晋中"),
    ("222400", "태원에 사는데 위험주택 보조금 얼마예요", "태원"),
    (None, "I live in Wuxi, how much is the house repair subsidy", "Wuxi"),
])
def test_another_place_is_named_as_not_served_with_no_served_figure(county: str | None, message: str,
                                                                     place: str) -> None:
    reply = Chat(county).say(message)
    assert place in reply, reply
    assert not re.search(FIGURES, reply), reply


def test_an_off_topic_aside_before_a_housing_question_gets_the_answer() -> None:
    reply = Chat("140429").say("化肥又涨价了 对了俺家房子裂了能补多少")
    assert re.search(r"1\.4\s*万|14000|80\s*%", reply) and "回答不了" not in reply, reply
