"""Translations: catalogues in step with the code, compiled in memory, and locale-aware dates and money."""

from __future__ import annotations

import datetime as dt

import pytest

from api.i18n import LANGUAGES, canonical_language, format_date, format_money, translations, translator


def test_catalogues_are_not_stale() -> None:
    """Every message id in the code is in each catalogue, and translated for ko and en.

    If this fails: `anju i18n update`, translate the new entries in locales/ko and locales/en, commit.
    """
    from bot.cli.i18n import stale

    problems = stale()
    assert not problems, "\n".join(f"{lang}: {msgid}" for lang, ids in problems.items() for msgid in ids)


def test_catalogues_compile_in_memory_and_translate() -> None:
    assert translator("ko")("请选择语言：") == "언어를 선택하세요:"
    assert translator("en")("请选择语言：") == "Choose a language:"
    assert translator("zh_Hans")("请选择语言：") == "请选择语言："
    assert translator(None)("请选择语言：") == "请选择语言："
    assert translator("fr")("请选择语言：") == "请选择语言："
    assert translator("en")("a message id nobody wrote") == "a message id nobody wrote"


@pytest.mark.parametrize("language", ["ko", "en"])
def test_placeholders_survive_translation(language: str) -> None:
    """A translation keeps exactly the {placeholders} of its message id, or .format() would fail."""
    import re

    from babel.messages.pofile import read_po

    from api.i18n import po_path

    with po_path(language).open("rb") as handle:
        catalog = read_po(handle)
    for message in catalog:
        if message.id and message.string:
            wanted = sorted(re.findall(r"{\w*}", str(message.id)))
            assert sorted(re.findall(r"{\w*}", str(message.string))) == wanted, message.id
    assert translations.cache_info().maxsize == len(LANGUAGES)


@pytest.mark.parametrize(("language", "foreign"), [("ko", "[A-Za-z]{4,}(?: [A-Za-z]{2,}){3}"),
                                                  ("en", "[\uac00-\ud7a3]")])
def test_each_translation_is_in_its_own_language(language: str, foreign: str) -> None:
    """No English sentence in the Korean catalogue and no Hangul in the English one (beyond what the message
    id itself holds, such as a language's own name): a pasted pair of translations fails here."""
    import re

    from babel.messages.pofile import read_po

    from api.i18n import po_path

    with po_path(language).open("rb") as handle:
        catalog = read_po(handle)
    for message in catalog:
        if message.id and message.string and not re.search(foreign, str(message.id)):
            assert not re.search(foreign, str(message.string)), (message.id, message.string)


@pytest.mark.parametrize(("tag", "code"), [
    ("zh-CN", "zh_Hans"), ("zh_Hant_TW", "zh_Hans"), ("ko", "ko"), ("ko-KR", "ko"), ("EN", "en"),
    ("en-GB", "en"), ("fr", None), ("", None), (None, None),
])
def test_canonical_language(tag: str | None, code: str | None) -> None:
    assert canonical_language(tag) == code


def test_dates_and_money_follow_the_language() -> None:
    day = dt.date(2026, 3, 5)
    assert format_date(day, "zh_Hans") == "2026年3月5日"
    assert format_date(day, "ko") == "2026년 3월 5일"
    assert format_date(day, "en") == "March 5, 2026"
    assert format_date(day, None) == "2026年3月5日"
    assert format_money(15000, "zh_Hans") == "¥15,000"
    assert format_money(1234.5, "zh_Hans") == "¥1,234.50"
    assert "15,000" in format_money(15000, "ko") and "¥" in format_money(15000, "en")
