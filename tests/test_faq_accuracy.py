"""The independent measure: tests/data/questions.yaml, written without reading the FAQ (see its README).

Top-1 must reach 95 % of the in-scope questions, and every out-of-scope question must be handed off — by the
retriever and, in the flow, with a reply that holds no figure at all.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from bot.dialog.engine import handle
from bot.engine.types import ConversationState, Inbound
from bot.nlu.evaluate import OUT_OF_SCOPE, format_report, load_items, score
from bot.nlu.retriever import retriever

QUESTIONS = Path(__file__).parent / "data" / "questions.yaml"
TOP1_TARGET = 0.95
MENU_CEILING = 0.17       # measured 14.6 % (it was 23.5 % before the coverage and lexicon work)
WRONG_CEILING = 0.01      # measured 0.4 %: one question

pytestmark = pytest.mark.skipif(not QUESTIONS.exists(), reason="tests/data/questions.yaml is not there yet")


def test_top1_accuracy_and_out_of_scope_hand_off() -> None:
    report = score(load_items(QUESTIONS), retriever())
    print(format_report(report))
    assert report.hand_off_rate == 1.0, format_report(report)
    assert report.top1_rate >= TOP1_TARGET, format_report(report)
    assert report.fallback_rate <= MENU_CEILING, format_report(report)
    assert report.wrong_answer_rate <= WRONG_CEILING, format_report(report)


def test_out_of_scope_replies_hand_off_and_state_no_figure() -> None:
    now = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)
    for item in (i for i in load_items(QUESTIONS) if i.expect == OUT_OF_SCOPE):
        state = ConversationState(county=item.county)
        state, replies = handle(state, Inbound("sms", "13800000000", item.q), now=now)
        text = "\n".join(reply.text for reply in replies)
        if "回答不了" not in text:   # a greeting or a menu word is the engine's, not the FAQ's, to answer
            assert state.flow != "faq", (item.q, text)
            continue
        assert not re.search(r"\d", text), (item.q, text)
        assert not any(reply.citation for reply in replies), (item.q, text)
