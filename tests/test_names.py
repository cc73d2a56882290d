"""Name masking for publicity lists and logs."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from api.domain.names import mask_name


@pytest.mark.parametrize(("name", "masked"), [
    ("张三", "张*"),
    ("张小三", "张*三"),
    ("欧阳小明", "欧**明"),
    ("司马相如", "司**如"),
    ("爱新觉罗·溥仪", "爱***·*仪"),
    ("买买提·艾力", "买**·*力"),
    ("阿依古丽·买买提·吐尔逊", "阿***·***·**逊"),
    ("张", "张"),
    (" 张三 ", "张*"),
    ("𠀀三", "𠀀*"),  # a CJK Extension B surname
    ("", ""),
    ("   ", ""),
])
def test_chinese_names(name: str, masked: str) -> None:
    assert mask_name(name) == masked


@pytest.mark.parametrize(("name", "masked"), [
    ("John Smith", "J*** S****"),
    ("John  Smith", "J*** S****"),
    ("Li", "L*"),
    ("A", "A"),
    ("Mary-Jane Watson", "M***-J*** W*****"),
    ("J. R. Tolkien", "J. R. T******"),
    ("Jean·Paul", "J***·P***"),
    ("O'Brien", "O******"),
])
def test_latin_names(name: str, masked: str) -> None:
    assert mask_name(name) == masked


@settings(max_examples=50)
@given(st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), min_size=3, max_size=8))
def test_long_chinese_names_keep_first_and_last_only(name: str) -> None:
    masked = mask_name(name)
    assert len(masked) == len(name)
    assert masked[0] == name[0] and masked[-1] == name[-1]
    assert set(masked[1:-1]) == {"*"}


@settings(max_examples=50)
@given(st.text(max_size=20))
def test_never_raises_and_never_grows(name: str) -> None:
    masked = mask_name(name)
    assert len(masked) <= len(name)
