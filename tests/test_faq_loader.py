"""The FAQ as loaded: every entry valid, one answer per county, languages and compact citations."""

from __future__ import annotations

import pytest

from api.profiles import load_profiles
from bot.faq.citation import checked_sources, compact_citation, document_label
from bot.faq.loader import Answer, Cite, FaqEntry, load_faq


def test_every_entry_loads_with_phrasings_and_a_default_or_per_county_answers() -> None:
    entries = load_faq()
    assert len(entries) >= 37
    for entry in entries.values():
        assert entry.questions, entry.id
        assert all(entry.answer_for(code) for code in load_profiles()) or entry.answer_for(None) is None


def test_county_answer_first_then_default() -> None:
    subsidy = load_faq()["subsidy"]
    assert subsidy.answer_for("140621").counties == ["140621"]
    assert subsidy.answer_for("140405").is_default          # 屯留's document states no amount
    assert "1.4" not in subsidy.answer_for("140405").text     # a default answer states no figure


def test_language_falls_back_to_chinese() -> None:
    answer = Answer(counties=["default"], text="中文", text_ko=None, text_en="English")
    assert (answer.text_in("ko"), answer.text_in("en"), answer.text_in(None)) == ("中文", "English", "中文")
    entry = FaqEntry(id="x", title="标题", title_ko="제목", questions=["问"], answers=[answer])
    assert (entry.title_in("ko"), entry.title_in("en")) == ("제목", "标题")


def test_two_answers_for_one_county_are_refused() -> None:
    twice = [Answer(counties=["140621"], text="a"), Answer(counties=["140621", "default"], text="b")]
    with pytest.raises(ValueError, match="more than one answer"):
        FaqEntry(id="x", title="t", questions=["q"], answers=twice)


def test_compact_citation_names_county_document_and_section() -> None:
    assert compact_citation(Cite(doc="004", section="四(二)")) == "山阴县 山危扶办〔2021〕1号 四(二)"
    assert compact_citation(Cite(doc="000", section="明标准")).startswith("延边州 《发挥职能优势")
    assert compact_citation(None) is None and compact_citation(Cite(doc="999", section="x")) is None
    assert checked_sources("140405") == "屯留区 屯建发〔2023〕86号"


def test_news_report_without_number_is_cited_by_its_headline() -> None:
    source = load_profiles()["140429"].sources[0]
    assert document_label(source) == "《筑牢百姓安全第一屏障》"
