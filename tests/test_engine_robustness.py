"""No message, however odd, makes the engine raise or stay silent."""

from __future__ import annotations

import datetime as dt

import pytest
from engine_fakes import NOW, Chat, fake_flows
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.dialog.engine import handle
from bot.engine.normalize import MAX_MATCH_CHARS, normalize, token
from bot.engine.types import ConversationState, Inbound

ODD = [
    "", " ", "\n\t\u3000", "😀", "🏠🏠🏠", "\x00", "\u200b\u200b", "１２３", "Ａｂｃ",
    "山" * 5000, "补助" + "？" * 4999, "a" * 5000, "山阴县 보조금 subsidy 多少?", "연변 山阴 help",
    "<script>alert(1)</script>", "'; DROP TABLE conversations; --", "%s %d {county}", "\ud7a3", "0" * 40,
]


@pytest.mark.parametrize("text", ODD, ids=range(len(ODD)))
@pytest.mark.parametrize("flow", [None, "menu", "county", "language", "survey", "faq", "gone"])
def test_odd_message_in_any_state(text: str, flow: str | None) -> None:
    state = ConversationState(flow=flow, step="q1" if flow == "survey" else "x", county="140621",
                              updated_at=NOW.isoformat())
    if flow == "faq":
        state.data["faq"] = {"question": "补助"}
    new, replies = handle(state, Inbound("sms", "13800000000", text), now=NOW, flows=fake_flows())
    assert replies and all(reply.text for reply in replies)
    assert new.updated_at == NOW.isoformat()


@settings(max_examples=150, deadline=None)
@given(st.lists(st.text(max_size=60), min_size=1, max_size=6))
def test_any_conversation_is_answered(messages: list[str]) -> None:
    chat = Chat()
    for message in messages:
        chat.say(message)
        assert chat.last and all(reply.text for reply in chat.last)


def test_normalize_folds_width_controls_and_length() -> None:
    assert normalize("  １２ ３\u3000 ") == "12 3"
    assert normalize("菜单\x00\x07") == "菜单"
    assert normalize("ＭＥＮＵ") == "MENU" and token("MENU!") == "menu"
    assert len(normalize("山" * 5000)) == MAX_MATCH_CHARS
    assert normalize(None) == ""


def test_mixed_script_message_is_answered_in_korean_remembered_only_when_mostly_korean() -> None:
    chat = Chat()
    said = chat.say("山阴县的补助 보조금?")       # three Hangul syllables, six Han: this reply only
    assert "FAQ[140621]" in said and chat.state.language is None
    chat = Chat()
    chat.say("연변 보조금 얼마예요 山阴")           # mostly Korean: remembered
    assert chat.state.language == "ko"
    assert "번호로" in chat.say("0")


def test_a_long_message_is_handled_quickly() -> None:
    import time

    chat = Chat()
    chat.say("山阴")
    started = time.perf_counter()
    chat.say("补助" * 2500, later=dt.timedelta(seconds=1))
    assert time.perf_counter() - started < 0.5
