"""Whole conversations through the pure engine, as transcripts: what the user sends, what the reply must say.

Each case is a list of (message, fragments the replies must contain, fragments they must not). The flows are
stand-ins (tests/engine_fakes.py), so the FAQ's and the screening's wording can change freely.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from engine_fakes import Chat

from bot.engine.types import Flow, Reply, Turn

Step = tuple[str, tuple[str, ...], tuple[str, ...]]

TRANSCRIPTS: dict[str, list[Step]] = {
    "greeting shows the menu, a number starts the flow": [
        ("你好", ("安居", "[1] 政策问答", "[2] 资格自测", "[3] 设置所在县"), ()),
        ("2", ("Q1",), ()),
        ("5", ("Q2",), ()),
        ("C", ("SURVEY DONE people=5 grade=c",), ()),
    ],
    "full-width digits and punctuation choose like plain ones": [
        ("菜单", ("[2] 资格自测",), ()),
        ("２。", ("Q1",), ()),
    ],
    "an unknown menu number is refused and the menu shown again": [
        ("0", ("请回复数字选择",), ()),
        ("9", ("没有这个选项", "[1] 政策问答"), ()),
    ],
    "county unknown: asked, answered by name, then the question is answered": [
        ("补助多少钱", ("哪个县", "[3] 山阴县"), ("FAQ",)),
        ("山阴", ("山阴县", "FAQ[140621]: 补助多少钱"), ()),
        ("1", ("DETAILS: 补助多少钱",), ()),
    ],
    "county answered by division code, by option number, with a question mark": [
        ("房子裂了怎么办", ("哪个县",), ()),
        ("140405", ("屯留区", "FAQ[140405]: 房子裂了怎么办"), ()),
    ],
    "county answered by the number of the listed option": [
        ("怎么申请", ("哪个县",), ()),
        ("5", ("鹤岗市", "FAQ[230400]"), ()),
    ],
    "county answered loosely": [
        ("怎么申请", ("哪个县",), ()),
        ("山阴县?", ("FAQ[140621]",), ()),
    ],
    "a county named in the question is taken without asking": [
        ("山阴县的补助标准", ("FAQ[140621]: 山阴县的补助标准",), ("哪个县",)),
    ],
    "an unknown place is asked again, then given up with the menu": [
        ("怎么申请", ("哪个县",), ()),
        ("北京", ("没有找到", "哪个县"), ()),
        ("上海", ("没有找到",), ()),
        ("火星", ("只为列出的几个县", "请回复数字选择"), ("FAQ",)),
        ("补助", ("哪个县",), ()),
    ],
    "county from the menu, then free text goes straight to the FAQ": [
        ("菜单", (), ()),
        ("3", ("哪个县",), ()),
        ("武乡县", ("武乡县", "请回复数字选择"), ()),
        ("补助多少", ("FAQ[140429]: 补助多少",), ()),
    ],
    "a global keyword interrupts a flow, and the flow's keyword restarts it": [
        ("资格", ("Q1",), ()),
        ("3", ("Q2",), ()),
        ("菜单", ("[1] 政策问答",), ("SURVEY",)),
        ("能不能申请", ("Q1",), ()),
        ("4", ("Q2",), ()),
        ("D", ("people=4",), ()),
    ],
    "a keyword interrupts the county question and drops the waiting question": [
        ("补助多少", ("哪个县",), ()),
        ("资格", ("Q1",), ()),
        ("1", ("Q2",), ()),
    ],
    "language switching zh → ko → en by keyword and number": [
        ("菜单", ("请回复数字选择",), ()),
        ("语言", ("1", "中文", "한국어", "English"), ()),
        ("2", ("알겠습니다", "번호로 선택해 주세요"), ("请回复",)),
        ("언어", ("English",), ()),
        ("3", ("in English", "Reply with a number"), ()),
        ("help", ("Reply with a number", "[3] Set your county"), ()),
        ("language", (), ()),
        ("1", ("好的", "请回复数字选择"), ()),
    ],
    "a language's own name switches at once": [
        ("English", ("in English",), ()),
        ("한국어", ("한국어로",), ()),
        ("中文", ("中文",), ()),
    ],
    "the language menu given nonsense twice gives up": [
        ("语言", ("English",), ()),
        ("x", ("English",), ()),
        ("y", ("没有更改语言",), ()),
    ],
    "Hangul is answered in Korean and remembered when clearly Korean": [
        ("안녕하세요", ("안녕하세요!", "번호로 선택해 주세요"), ()),
        ("0", ("번호로 선택해 주세요",), ()),
    ],
    "延边 offers Korean to a Chinese speaker": [
        ("补助多少", ("哪个县",), ()),
        ("延边", ("延边朝鲜族自治州", "한국어", "FAQ[222400]"), ()),
        ("한국어", ("한국어로",), ()),
    ],
    "a flow that raises is answered with an apology and the menu, and forgotten": [
        ("boom", ("抱歉，系统出了点问题", "请回复数字选择"), ()),
        ("资格", ("Q1",), ()),
    ],
    "odd messages get a sensible reply": [
        ("", ("没有收到文字", "请回复数字选择"), ()),
        ("   ", ("没有收到文字",), ()),
        ("😀😀🏠", ("没有收到文字",), ()),
        ("\x00\x07\x1b", ("没有收到文字",), ()),
        ("？？？", ("没有收到文字",), ()),
    ],
}


@pytest.mark.parametrize("name", list(TRANSCRIPTS))
def test_transcript(name: str) -> None:
    from engine_fakes import Exploding, fake_flows

    chat = Chat(flows=fake_flows(Exploding()))
    for number, (message, wanted, unwanted) in enumerate(TRANSCRIPTS[name], 1):
        said = chat.say(message).casefold()
        where = f"step {number} {message!r} got:\n{said}"
        for fragment in wanted:
            assert fragment.casefold() in said, f"missing {fragment!r} at {where}"
        for fragment in unwanted:
            assert fragment.casefold() not in said, f"unwanted {fragment!r} at {where}"


def test_exploding_flow_leaves_no_trace() -> None:
    from engine_fakes import Exploding, fake_flows

    chat = Chat(flows=fake_flows(Exploding()))
    chat.say("山阴县补助")
    chat.say("boom")
    assert chat.state.county == "140621"
    assert chat.state.flow == "menu"
    assert "explode" not in chat.state.data


def test_resume_after_a_day_keeps_county_and_language_but_not_the_step() -> None:
    chat = Chat()
    chat.say("English")
    chat.say("补助多少")
    chat.say("山阴")
    chat.say("资格")
    assert chat.state.flow == "survey"
    assert "Q2" in chat.say("5", later=dt.timedelta(hours=20))      # the same day: the flow goes on
    said = chat.say("3", later=dt.timedelta(days=1, hours=1))        # a day later: a stale number
    assert "expired" in said and "Reply with a number" in said
    assert (chat.state.county, chat.state.language) == ("140621", "en")
    assert "FAQ[140621]: subsidy" in chat.say("subsidy", later=dt.timedelta(days=3))


def test_a_pending_question_expires_too() -> None:
    chat = Chat()
    chat.say("补助多少")
    assert chat.state.flow == "county"
    said = chat.say("怎么申请", later=dt.timedelta(days=2))
    assert "哪个县" in said and chat.state.data["engine"]["pending"]["text"] == "怎么申请"


def test_telegram_language_hint_applies_until_chosen() -> None:
    chat = Chat(hint="en-US")
    assert "Reply with a number" in chat.say("/start")
    assert chat.state.language is None
    assert "请回复数字选择" in chat.say("菜单")              # Chinese text outranks the phone's setting
    chat.say("한국어")
    assert "번호로" in chat.say("menu")


def test_handle_leaves_the_given_state_alone() -> None:
    chat = Chat()
    chat.say("资格")
    before = chat.state.to_json()
    from bot.dialog.engine import handle
    from bot.engine.types import Inbound

    handle(chat.state, Inbound("terminal", "tester", "5"), now=chat.now, flows=chat.flows)
    assert chat.state.to_json() == before


# --- flow patterns: the wish and its argument in one message, at any point ------------------------------------

class Lookup(Flow):
    """Answers "查 <number>" in one message; a county-needing flow a pattern starts without the county."""

    name = "lookup"
    keywords = ("查单",)
    patterns = (re.compile(r"^(?:查询?|查单)?\s*(NO-\d{3})$", re.IGNORECASE),)
    needs_county = True

    def start(self, turn: Turn) -> list[Reply]:
        turn.enter(self.name, "number")
        return [Reply("LOOKUP which number?")]

    def resume(self, turn: Turn) -> list[Reply]:
        turn.finish()
        return [Reply(f"LOOKUP typed {turn.text}")]

    def start_from_match(self, turn: Turn, match: re.Match[str]) -> list[Reply] | None:
        if match.group(1) == "NO-000":
            return None            # declined: not a number this flow knows
        turn.finish()
        return [Reply(f"LOOKUP {match.group(1).upper()} county={turn.state.county}")]


class Progress(Flow):
    """A stand-in for 查询 (application status): a plain keyword flow that patterns must leave alone."""

    name = "progress"
    keywords = ("查询",)

    def start(self, turn: Turn) -> list[Reply]:
        return [Reply(f"PROGRESS on {turn.text}")]

    def resume(self, turn: Turn) -> list[Reply]:
        return self.start(turn)


PATTERN_TRANSCRIPTS: dict[str, list[Step]] = {
    "a pattern in one message starts its flow with the match, the county never asked": [
        ("查 NO-123", ("LOOKUP NO-123 county=None",), ("哪个县", "PROGRESS")),
        ("查询 no-456", ("LOOKUP NO-456",), ("PROGRESS",)),
        ("NO-789", ("LOOKUP NO-789",), ()),
    ],
    "a plain keyword still goes to its flow; a keyword then the argument still works": [
        ("山阴县补助", ("FAQ[140621]",), ()),
        ("查询", ("PROGRESS on 查询",), ("LOOKUP",)),
        ("查单", ("LOOKUP which number?",), ()),
        ("随便写", ("LOOKUP typed 随便写",), ()),
    ],
    "a pattern interrupts another flow's question and that flow is left": [
        ("资格", ("Q1",), ()),
        ("查 NO-001", ("LOOKUP NO-001",), ("Q2",)),
        ("3", ("请回复数字选择",), ("Q2", "SURVEY")),
    ],
    "a pattern interrupts the county question and drops what waited": [
        ("补助多少", ("哪个县",), ()),
        ("NO-002", ("LOOKUP NO-002",), ("FAQ",)),
        ("山阴", ("FAQ[140621]: 山阴",), ("补助多少",)),
    ],
    "the waiting flow's answer matching a pattern is taken by the pattern": [
        ("山阴县补助", ("FAQ[140621]",), ()),
        ("查单", ("LOOKUP which number?",), ()),
        ("查 NO-003", ("LOOKUP NO-003 county=140621",), ("typed",)),
    ],
    "a declined match routes as if nothing matched, and the interrupted flow goes on": [
        ("资格", ("Q1",), ()),
        ("NO-000", ("Q2",), ("LOOKUP",)),
        ("C", ("SURVEY DONE people=NO-000 grade=C",), ()),
    ],
    "a declined match with no flow going is a question for the FAQ": [
        ("山阴县补助", ("FAQ[140621]",), ()),
        ("NO-000", ("FAQ[140621]: NO-000",), ("LOOKUP",)),
    ],
    "text that merely mentions a match is not one": [
        ("我的NO-123丢了", ("哪个县",), ("LOOKUP",)),
    ],
    "global words still win over patterns": [
        ("菜单", ("[1] 政策问答",), ("LOOKUP",)),
    ],
}


@pytest.mark.parametrize("name", list(PATTERN_TRANSCRIPTS))
def test_pattern_transcript(name: str) -> None:
    from engine_fakes import fake_flows

    chat = Chat(flows=fake_flows(Lookup(), Progress()))
    for number, (message, wanted, unwanted) in enumerate(PATTERN_TRANSCRIPTS[name], 1):
        said = chat.say(message)
        where = f"step {number} {message!r} got:\n{said}"
        for fragment in wanted:
            assert fragment in said, f"missing {fragment!r} at {where}"
        for fragment in unwanted:
            assert fragment not in said, f"unwanted {fragment!r} at {where}"


def test_a_flow_without_start_from_match_is_started_as_by_keyword() -> None:
    from engine_fakes import Survey, fake_flows

    class PatternSurvey(Survey):
        patterns = (re.compile(r"^survey \d+$"),)

    chat = Chat(flows=fake_flows(PatternSurvey()))
    assert "Q1" in chat.say("survey 7")
    assert chat.state.flow == "survey"


def test_a_pattern_flow_that_raises_is_answered_with_an_apology() -> None:
    from engine_fakes import fake_flows

    class Broken(Lookup):
        def start_from_match(self, turn: Turn, match: re.Match[str]) -> list[Reply] | None:
            raise RuntimeError("flow bug")

    chat = Chat(flows=fake_flows(Broken()))
    assert "抱歉，系统出了点问题" in chat.say("NO-123")
    assert chat.state.flow == "menu"
