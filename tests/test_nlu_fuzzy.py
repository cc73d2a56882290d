"""Typos, homophones and pinyin: what a phone makes of a word, read back as the word."""

from __future__ import annotations

import pytest

from bot.nlu.fuzzy import Homophones, PinyinReader, closest
from bot.nlu.retriever import retriever

PINYIN = {"危": "wei", "维": "wei", "房": "fang", "公": "gong", "示": "shi", "式": "shi", "补": "bu",
          "助": "zhu", "住": "zhu", "多": "duo", "少": "shao"}


def test_homophone_windows_find_the_word_they_sound_like() -> None:
    sounds = Homophones(["危房", "公示", "补助"], PINYIN)
    assert sounds.repairs("维房") == [(0, 2, "危房")]
    assert sounds.repairs("公式") == [(0, 2, "公示")]
    assert sounds.repairs("补住") == [(0, 2, "补助")]
    assert sounds.repairs("危房") == []                                   # already right: nothing to repair


def test_pinyin_spelling_reads_as_words() -> None:
    reader = PinyinReader(["补助", "多少", "危房"], PINYIN)
    assert reader.read("buzhuduoshao") == ["补助", "多少"]
    assert reader.replace_latin(["bu", "zhu", "duo", "shao"]) == ["补助", "多少"]
    assert reader.replace_latin(["wei", "fang", "c", "ji", "公示"]) == ["危房", "c级", "公示"]
    assert reader.read("xyz") == []


def test_closest_scores_near_verbatim_phrasings_highest() -> None:
    hits = closest("公示几天", ["补助多少", "公示几天呢", "验收"])
    assert hits[0][0] == 1 and hits[0][1] > 0.8


@pytest.mark.parametrize(("typo", "faq_id"), [
    ("维房改造补住多少", "subsidy"), ("公式几天", "publicity_period"),
    ("bu zhu duo shao qian", "subsidy"), ("gong shi几天", "publicity_period"),
])
def test_retrieval_survives_typos(typo: str, faq_id: str) -> None:
    result = retriever().search(typo)
    assert result.outcome != "out_of_scope" and result.top and result.top.faq_id == faq_id
