"""Flow keywords inside short messages: a request starts the flow, a question about the thing goes to the FAQ."""

from __future__ import annotations

import pytest
from engine_fakes import Chat

from bot.engine.keywords import matches
from bot.engine.normalize import normalize, token

SCREENING = ("资格", "筛查", "能不能申请")
COMPLAINT = ("举报", "投诉", "查举报", "评价", "不满意", "신고")
STATUS = ("查询", "进度", "status", "조회", "진행상황")
OBJECTION = ("异议", "提异议", "이의")


@pytest.mark.parametrize(("message", "keywords"), [
    ("资格", SCREENING),
    ("我有没有资格", SCREENING),
    ("我有资格吗", SCREENING),
    ("我能不能申请", SCREENING),
    ("我家能不能评上", SCREENING),       # no keyword, but asks "do I qualify"
    ("俺够不够条件", SCREENING),
    ("查查我的资格", SCREENING),
    ("我要举报", COMPLAINT),
    ("举报村干部", COMPLAINT),
    ("我不满意", COMPLAINT),
    ("查询进度", STATUS),
    ("我想查询进度", STATUS),
    ("有异议", OBJECTION),
    ("我要提异议", OBJECTION),
    ("订阅过家庄", ("订阅", "subscribe", "구독")),   # a keyword and its argument, even a place named 过…
])
def test_a_short_request_starts_its_flow(message: str, keywords: tuple[str, ...]) -> None:
    assert matches(message, keywords)


@pytest.mark.parametrize(("message", "keywords"), [
    ("为什么把我的资格取消了", SCREENING),   # something already happened: ask the FAQ why
    ("资格被取消了咋办", SCREENING),
    ("凭啥没有资格", SCREENING),
    ("举报电话多少", COMPLAINT),
    ("怎么举报", COMPLAINT),
    ("举报了谁来管", COMPLAINT),
    ("进度咋这么慢", STATUS),
    ("对公示有异议咋办", OBJECTION),
    ("异议成立了会咋样", OBJECTION),
])
def test_a_short_question_about_the_keyword_is_not_a_request(message: str, keywords: tuple[str, ...]) -> None:
    assert not matches(message, keywords)


def test_a_long_message_never_starts_a_flow_by_a_keyword_inside() -> None:
    assert not matches("村里前几天说我家资格不够但是我家房子真的快塌了", SCREENING)


def test_through_the_engine_the_why_question_is_answered_and_the_wish_screens() -> None:
    chat = Chat()
    chat.say("山阴")
    assert "FAQ[140621]: 为什么把我的资格取消了" in chat.say("为什么把我的资格取消了")
    assert "Q1" in chat.say("我有没有资格")


@pytest.mark.parametrize("message", ["我要举报村主任说给他500块钱才给我评上危房改造",
                                     "举报：村里把补助款挪去修路了一直不给我们"])
def test_a_long_report_that_says_what_it_wants_first_starts_the_flow(message: str) -> None:
    assert matches(token(normalize(message)), ("举报", "投诉"))


def test_a_long_question_that_merely_mentions_the_keyword_is_still_a_question() -> None:
    assert not matches(token(normalize("村里评危房的事情不公平可以去哪里举报吗有没有电话")), ("举报", "投诉"))
