"""SMS rendering: what a basic phone shows, how many segments it costs, and cutting long answers."""

from __future__ import annotations

import pytest

from api.delivery.sms_parts import SmsCost, cost, encoding, split_for_sms, units
from bot.channels.sms.render import render
from bot.engine.types import Option, Reply


@pytest.mark.parametrize(("text", "charset", "count", "segments"), [
    ("", "gsm7", 0, 1),
    ("Reply 1 for help", "gsm7", 16, 1),
    ("a" * 160, "gsm7", 160, 1),
    ("a" * 161, "gsm7", 161, 2),
    ("a" * 306, "gsm7", 306, 2),
    ("a" * 307, "gsm7", 307, 3),
    ("€" * 80, "gsm7", 160, 1),             # extended characters take two septets
    ("[" * 81, "gsm7", 162, 2),
    ("你" * 70, "ucs2", 70, 1),
    ("你" * 71, "ucs2", 71, 2),
    ("你" * 134, "ucs2", 134, 2),
    ("你" * 135, "ucs2", 135, 3),
    ("a" * 69 + "你", "ucs2", 70, 1),       # one Chinese character makes the whole message UCS-2
    ("안녕하세요", "ucs2", 5, 1),
    ("🏠" * 35, "ucs2", 70, 1),              # astral characters are two UTF-16 units
    ("🏠" * 36, "ucs2", 72, 2),
])
def test_cost(text: str, charset: str, count: int, segments: int) -> None:
    assert encoding(text) == charset
    assert cost(text, signature="") == SmsCost(charset, count, segments)
    assert units(text) == count


def test_the_signature_counts() -> None:
    body = "你" * 67
    assert cost(body, signature="").segments == 1
    assert cost(body, signature="【安居】").segments == 2
    assert cost("hello", signature="【安居】").encoding == "ucs2"


def test_signature_defaults_to_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    from api.settings import get_settings

    monkeypatch.setenv("ANJU_SMS_SIGNATURE", "【测试】")
    get_settings.cache_clear()
    assert cost("x").units == len("【测试】x")


def test_render_numbers_options_and_puts_the_source_last() -> None:
    replies = [Reply("好的，已记住：山阴县。"),
               Reply("请选择：", options=(Option("1", "政策问答"), Option("2", "资格自测"))),
               Reply("每户补助按县里的标准。", citation="山危扶办〔2021〕1号 四(二)")]
    assert render(replies) == ("好的，已记住：山阴县。\n请选择：\n回复1 政策问答\n2 资格自测\n"
                               "每户补助按县里的标准。\n（依据：山危扶办〔2021〕1号 四(二)）")
    assert render([Reply("Choose:", options=(Option("1", "FAQ"),))], "en") == "Choose:\nReply 1: FAQ"
    assert render([Reply("x", options=(Option("한국어", "한국어"),))]) == "x\n回复한국어"


def test_split_keeps_short_text_whole() -> None:
    assert split_for_sms("短消息。", 3, signature="【安居】") == ["短消息。"]
    assert split_for_sms("", 3, signature="") == []


@pytest.mark.parametrize("max_parts", [1, 2, 3])
def test_split_cuts_at_sentences_within_the_budget(max_parts: int) -> None:
    sentence = "申请要先向村委会提出书面申请，并提供身份证和户口本。"
    text = sentence * 12
    parts = split_for_sms(text, max_parts, signature="【安居】")
    assert len(parts) > 1
    for part in parts:
        assert cost(part, signature="【安居】").segments <= max_parts
    for part in parts[:-1]:
        assert part.endswith("\n回复0继续")
        assert part.removesuffix("\n回复0继续").endswith("。")
    assert "".join(part.removesuffix("\n回复0继续") for part in parts) == text


def test_split_without_any_boundary_still_fits() -> None:
    text = "山" * 500
    parts = split_for_sms(text, 2, signature="【安居】", language="en")
    assert all(cost(part, "【安居】").segments <= 2 for part in parts)
    assert parts[0].endswith("Reply 0 for more")
    assert "".join(part.split("\n")[0] for part in parts) == text


def test_split_gsm_text() -> None:
    text = "Apply at the village committee. Bring your ID card. " * 10
    parts = split_for_sms(text, 1, signature="", language="en")
    assert all(cost(part, "").segments == 1 for part in parts)
    assert parts[0].endswith(".\nReply 0 for more")


def test_a_numbered_list_is_cut_between_entries_never_after_an_entrys_number() -> None:
    head = ("东村正在公示的名单（姓名和身份证号已隐去部分）：\n"
            "（村级公示，拟报乡镇审核）公示到2026年6月15日截止，还剩6天。\n")
    entries = [f"{n}. 140621-2026-{n:05d} 王*明 140621********001X 低保户" for n in range(1, 9)]
    text = head + "\n".join(entries)
    for max_parts in (1, 2, 3):
        parts = split_for_sms(text, max_parts, signature="【安居】")
        bodies = [part.removesuffix("\n回复0继续") for part in parts]
        for body in bodies[:-1]:
            assert not body.rstrip().split("\n")[-1].rstrip(".").isdigit(), body   # no entry left as its bare number
        whole_entries = [line for body in bodies for line in body.split("\n") if line.startswith(tuple("12345678"))]
        assert whole_entries == entries


def test_an_abbreviation_and_a_sentence_end_in_english() -> None:
    text = ("Your application No. 5 is under review. " * 6).strip()
    parts = split_for_sms(text, 1, signature="", language="en")
    assert all(not part.split("\n")[0].endswith("No.") for part in parts)
