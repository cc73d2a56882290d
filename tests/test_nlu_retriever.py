"""Ranking and decisions on the development questions (tests/nlu_dev_questions.py), which the weights and
thresholds were tuned on — the independent measure is tests/test_faq_accuracy.py."""

from __future__ import annotations

from bot.faq.loader import load_faq
from bot.nlu.evaluate import Item, score
from bot.nlu.retriever import ANSWER_CONFIDENCE, retriever
from tests.nlu_dev_questions import DEV


def test_dev_questions_find_their_entry_and_out_of_scope_is_handed_off() -> None:
    report = score([Item(q, None, expect or "out_of_scope") for q, expect in DEV], retriever())
    assert report.top1_rate >= 0.97, report.misses
    assert report.hand_off_rate == 1.0, report.misses
    assert report.answered_wrong <= 1


def test_every_faq_phrasing_finds_its_own_entry() -> None:
    entries = load_faq()
    wrong = [(q, entry.id) for entry in entries.values() for q in entry.questions
             if (top := retriever().search(q).top) is None or top.faq_id != entry.id]
    assert len(wrong) <= 0.05 * sum(len(e.questions) for e in entries.values()), wrong


def test_results_are_ranked_with_confidence_on_the_first_hit() -> None:
    result = retriever().search("俺家房子裂了能补多少钱")
    assert result.outcome == "answer" and result.top and result.top.faq_id == "subsidy"
    assert result.top.confidence >= ANSWER_CONFIDENCE
    scores = [hit.score for hit in result.hits]
    assert scores == sorted(scores, reverse=True) and all(hit.confidence == 0 for hit in result.hits[1:])


def test_a_vague_message_gets_a_menu_not_an_answer() -> None:
    result = retriever().search("房子")
    assert result.outcome == "clarify" and len(result.hits) >= 2
