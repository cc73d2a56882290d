"""Mainland mobile numbers: every way people write them, every rejection, and masking."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from api.domain.errors import ValidationFailed
from api.domain.phone import InvalidPhone, mask_phone, mobile_in, validate_mobile

NUMBER = "13800138000"


@pytest.mark.parametrize("raw", [
    "13800138000",
    " 138 0013 8000 ",
    "138-0013-8000",
    "138–0013—8000",
    "+8613800138000",
    "+86 138 0013 8000",
    "+86-138-0013-8000",
    "008613800138000",
    "0086 138 0013 8000",
    "8613800138000",
    "86 13800138000",
    "１３８００１３８０００",
    "＋８６ １３８－００１３－８０００",
    "138\u30000013\u30008000",
])
def test_normalises(raw: str) -> None:
    assert validate_mobile(raw) == NUMBER


@pytest.mark.parametrize("prefix", ["13", "14", "15", "16", "17", "18", "19"])
def test_every_mobile_prefix_accepted(prefix: str) -> None:
    assert validate_mobile(prefix + "912345678") == prefix + "912345678"


@pytest.mark.parametrize(("raw", "reason"), [
    ("", "empty"),
    (" - ", "empty"),
    ("138001380OO", "characters"),
    ("138.0013.8000", "characters"),
    ("(+86)13800138000", "characters"),
    ("138+00138000", "characters"),
    ("tel:13800138000", "characters"),
    ("+85291234567", "country"),
    ("+1 415 555 0100", "country"),
    ("1380013800", "length"),
    ("138001380001", "length"),
    ("+86138001380", "length"),
    ("0086138001380", "length"),
    ("12800138000", "prefix"),
    ("10086000000", "prefix"),
    ("01012345678", "prefix"),
    ("86812345678", "prefix"),  # 11 digits starting 86: not a prefix to strip, not a mobile either
])
def test_rejections(raw: str, reason: str) -> None:
    with pytest.raises(InvalidPhone) as info:
        validate_mobile(raw)
    assert info.value.reason == reason


def test_landline_message_is_clear() -> None:
    with pytest.raises(InvalidPhone) as info:
        validate_mobile("01012345678")
    assert "座机" in info.value.message and "landline" in info.value.message


def test_error_is_validation_failed_and_value_error() -> None:
    with pytest.raises(InvalidPhone) as info:
        validate_mobile("123")
    assert isinstance(info.value, ValidationFailed) and isinstance(info.value, ValueError)
    assert info.value.code == "invalid_phone" and info.value.http_status == 422
    assert "11" in info.value.message


@pytest.mark.parametrize(("raw", "masked"), [
    ("13812345678", "138****5678"),
    ("+86 138-1234-5678", "138****5678"),
    ("１３８１２３４５６７８", "138****5678"),
    ("010-8765-4321", "****4321"),
    ("+852 9123 4567", "****4567"),
    ("12345", "****"),
    ("", "****"),
])
def test_mask_phone(raw: str, masked: str) -> None:
    assert mask_phone(raw) == masked


mobiles = st.builds(lambda second, rest: f"1{second}{rest:09d}", st.integers(3, 9), st.integers(0, 10**9 - 1))


@settings(max_examples=50)
@given(mobiles, st.sampled_from(["", "+86", "+86 ", "0086", "86", "86-"]), st.sampled_from(["", " ", "-"]))
def test_any_mobile_in_any_spelling_round_trips(number: str, prefix: str, sep: str) -> None:
    spelled = prefix + sep.join([number[:3], number[3:7], number[7:]])
    assert validate_mobile(spelled) == number
    assert mask_phone(spelled) == number[:3] + "****" + number[7:]


@settings(max_examples=50)
@given(st.text(max_size=25))
def test_only_invalid_phone_escapes(raw: str) -> None:
    try:
        result = validate_mobile(raw)
    except InvalidPhone:
        assert mask_phone(raw).startswith("****")
        return
    assert len(result) == 11 and result.isdigit() and validate_mobile(result) == result


@pytest.mark.parametrize(("text", "found"), [
    ("俺号码15800001111 上午在家", "15800001111"),
    ("叫人打给俺 +86 158-0000-1111", "15800001111"),
    ("电话 158 0000 1111", "15800001111"),
    ("编号140621-2026-00001", None),          # an application number is no phone
    ("12800001111", None),                   # no mainland mobile begins 12
])
def test_a_mobile_is_found_inside_other_words(text: str, found: str | None) -> None:
    assert mobile_in(text) == found
