"""The FAQ flow as a farmer meets it, through the real engine and registry: transcripts a clerk can check."""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace

import pytest

from api.delivery.sms_parts import cost
from api.i18n import translator
from api.profiles import load_profiles
from bot.channels.sms.render import render
from bot.dialog.engine import handle
from bot.engine.types import ConversationState, Inbound, Option, Reply
from bot.faq.loader import load_faq
from bot.flows.faq import DETAIL_KEY, _citation

NOW = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)
SIGNATURE = "【安居】"


class Chat:
    """One sender's conversation; ``say`` returns the replies as the SMS would read them."""

    def __init__(self, county: str | None = None, language: str | None = None) -> None:
        self.state = ConversationState(county=county, language=language)
        self.replies: list[Reply] = []

    def say(self, text: str) -> str:
        self.state, self.replies = handle(self.state, Inbound("sms", "13800000000", text), now=NOW)
        return render(self.replies, self.state.language)


def test_county_answer_with_its_citation_and_details_on_1() -> None:
    chat = Chat(county="140621")
    first = chat.say("俺家房子裂了能补多少钱")
    assert first.startswith("山阴县：") and "1.4万元" in first
    assert "回复1 看详情" in first and "（依据：山阴县 山危扶办〔2021〕1号" in first
    assert chat.state.flow == "faq"
    detail = chat.say(DETAIL_KEY)
    assert "省级财政给予适当补助" in detail and "依据：山阴县" in detail


def test_county_whose_documents_are_silent_gets_the_default_answer_and_no_figure() -> None:
    chat = Chat(county="140405")
    text = chat.say("危房改造补助多少钱")
    assert "没有写补助金额" in text
    assert not re.search(r"\d+(\.\d+)?\s*(万|元)", text)
    assert "屯留区 屯建发〔2023〕86号（未写明）" in text


def test_unknown_county_is_asked_first_then_the_question_is_answered() -> None:
    chat = Chat()
    assert "哪个县" in chat.say("公示几天")
    answer = chat.say("3")                                           # 山阴县 in the offered list
    assert "山阴县" in answer and "7天" in answer


def test_question_naming_another_of_our_counties_is_answered_for_it_and_labelled() -> None:
    chat = Chat(county="140429")
    text = chat.say("山阴县公示几天")
    assert text.startswith("【山阴县的规定】") and "依据：山阴县" in text
    assert chat.state.county == "140429"                              # the user's own county is kept


def test_low_confidence_shows_nearest_topics_and_a_number_picks_one() -> None:
    chat = Chat(county="140621")
    menu = chat.say("房子")
    assert "您想问的是哪一个" in menu and "回复1 " in menu and "\n2 " in menu
    options = [option.label for option in chat.replies[0].options]
    titles = {entry.title: entry.id for entry in load_faq().values()}
    assert 2 <= len(options) <= 3 and all(label in titles for label in options)
    picked = chat.say("1")
    expected = load_faq()[titles[options[0]]].answer_for("140621")
    assert expected is not None and expected.text in picked


def test_out_of_scope_hands_off_to_the_county_and_invents_no_number() -> None:
    chat = Chat(county="140621")
    text = chat.say("养老金咋领")
    assert "回答不了" in text and load_profiles()["140621"].hotline_note in text
    assert not re.search(r"\d", text)
    assert chat.state.flow is None


def test_a_place_we_do_not_serve_is_named_and_not_answered() -> None:
    text = Chat(county="140621").say("北京的危房改造补助多少")
    assert "北京" in text and "回答不了" in text and not re.search(r"\d", text)


def test_korean_user_gets_the_korean_answer() -> None:
    chat = Chat(county="222400", language="ko")
    text = chat.say("위험주택 보조금 얼마예요")
    korean = load_faq()["subsidy"].answer_for("222400")
    assert korean is not None and korean.text_ko and korean.text_ko in text


def test_a_number_that_is_no_option_returns_to_the_menu() -> None:
    chat = Chat(county="140621")
    chat.say("一卡通是什么")                                           # a default answer without details
    assert "没有这个选项" in chat.say("7")


@pytest.mark.parametrize("county", sorted(load_profiles()))
def test_every_core_answer_fits_two_sms_segments_with_its_citation(county: str) -> None:
    """The short answer, the "回复1 看详情" line and the citation, signed: at most two 67-character parts."""
    turn = SimpleNamespace(_=translator("zh_Hans"))
    too_long = []
    for entry in load_faq().values():
        answer = entry.answer_for(county)
        if answer is None:
            continue
        options = (Option(DETAIL_KEY, turn._("看详情")),) if answer.detail else ()
        reply = Reply(answer.text, options=options, citation=_citation(turn, answer, county))  # type: ignore[arg-type]
        if cost(render([reply]), SIGNATURE).segments > 2:
            too_long.append(entry.id)
    assert not too_long, too_long


@pytest.mark.parametrize(("message", "expected"), [
    ("谢谢", "不客气"), ("知道了", "好的"), ("没有", "好的"), ("OK", "好的"),
    ("不知道", "没关系"), ("啥意思", "没关系"), ("你是机器人吗", "我是安居"),
])
def test_small_talk_between_questions_gets_a_fitting_word_not_an_answer(message: str, expected: str) -> None:
    state = ConversationState(county="140621")
    _, replies = handle(state, Inbound("sms", "13800000000", message), now=NOW)
    assert replies[0].text.startswith(expected) and replies[0].citation is None


@pytest.mark.parametrize(("message", "code"), [("山阴", "140621"), ("연변", "222400"), ("鹤岗市", "230400")])
def test_a_bare_county_name_is_remembered_and_the_question_invited(message: str, code: str) -> None:
    state, replies = handle(ConversationState(), Inbound("sms", "13800000000", message), now=NOW)
    assert state.county == code and state.flow is None
    assert replies[-1].options == () and replies[-1].citation is None and "0" in replies[-1].text
