"""Resident ID numbers: normalisation, each rejection reason, derived fields, masking, GB 11643 properties."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from api.domain.errors import DomainError, ValidationFailed
from api.domain.idcard import (
    PROVINCE_CODES,
    InvalidIdNumber,
    birth_date,
    check_digit,
    mask_id_number,
    sex,
    validate_id_number,
)

# The worked example printed in GB 11643-1999 itself.
STANDARD_EXAMPLE = "11010519491231002X"
TODAY = date(2026, 11, 23)


def make_number(region: str, born: date, sequence: int) -> str:
    """A valid number built independently of the module's own weights, straight from ISO 7064 MOD 11-2."""
    body = f"{region}{born:%Y%m%d}{sequence:03d}"
    total = sum(int(c) * (2 ** (17 - i) % 11) for i, c in enumerate(body))
    return body + "10X98765432"[total % 11]


def reason_of(raw: str, today: date = TODAY) -> str:
    with pytest.raises(InvalidIdNumber) as info:
        validate_id_number(raw, today=today)
    return info.value.reason


def test_standard_example_is_valid() -> None:
    assert validate_id_number(STANDARD_EXAMPLE) == STANDARD_EXAMPLE
    assert check_digit(STANDARD_EXAMPLE[:17]) == "X"


@pytest.mark.parametrize("raw", [
    "11010519491231002x",
    " 110105 19491231 002X ",
    "１１０１０５１９４９１２３１００２Ｘ",
    "１１０１０５１９４９１２３１００２ｘ",
    "110105\u300019491231002X",
    "110105\t19491231002X\n",
])
def test_normalises_case_spaces_and_full_width(raw: str) -> None:
    assert validate_id_number(raw) == STANDARD_EXAMPLE


@pytest.mark.parametrize(("raw", "reason"), [
    ("", "empty"),
    ("   ", "empty"),
    ("11010519491231002Y", "characters"),
    ("110105-19491231-002X", "characters"),
    ("1101051949123100２Ａ", "characters"),
    ("11010519491231002\u0663", "characters"),  # Arabic-Indic digit: isdigit() but not a GB 11643 digit
    ("110105194912X10020", "characters"),
    ("X10105194912310020", "characters"),
    ("110105491231002", "old_format"),
    ("１１０１０５４９１２３１００２", "old_format"),
    ("1101051949123100", "length"),
    ("11010519491231002", "length"),
    ("11010519491231002X0", "length"),
    ("110105491231002X", "length"),
    ("99010519491231002X", "region"),
    ("00010519491231002X", "region"),
    ("19010519491231002X", "region"),
    ("110105194913310028", "birth_date"),  # month 13
    ("110105194902300028", "birth_date"),  # 30 February
    ("110105190002290028", "birth_date"),  # 1900 was not a leap year
    ("110105194900000028", "birth_date"),
    ("440524188001010014", "birth_date"),  # GB 11643's second example: check digit right, born 1880
    ("110105203001010015", "birth_date_future"),
    ("110105194912310021", "check_digit"),
])
def test_rejections_name_the_reason(raw: str, reason: str) -> None:
    assert reason_of(raw) == reason


def test_old_number_message_asks_for_18_digits() -> None:
    with pytest.raises(InvalidIdNumber) as info:
        validate_id_number("110105491231002")
    assert "18位" in info.value.message and "18-digit" in info.value.message


def test_length_message_says_how_long() -> None:
    with pytest.raises(InvalidIdNumber) as info:
        validate_id_number("1101051949123100")
    assert "16" in info.value.message and "18" in info.value.message


def test_messages_never_echo_the_number() -> None:
    bad = "110105194912310021"
    with pytest.raises(InvalidIdNumber) as info:
        validate_id_number(bad)
    assert bad not in str(info.value) and "1949" not in info.value.message


def test_check_digit_message_does_not_suggest_a_fix() -> None:
    with pytest.raises(InvalidIdNumber) as info:
        validate_id_number("110105194912310021")
    assert not any(c.isdigit() or c == "X" for c in info.value.message)


def test_error_is_a_validation_failure_and_a_value_error() -> None:
    with pytest.raises(InvalidIdNumber) as info:
        validate_id_number("123")
    err = info.value
    assert isinstance(err, ValidationFailed) and isinstance(err, ValueError) and isinstance(err, DomainError)
    assert err.code == "invalid_id_number" and err.http_status == 422


def test_birth_today_is_fine_tomorrow_is_future() -> None:
    assert validate_id_number(make_number("140621", TODAY, 1), today=TODAY)
    assert reason_of(make_number("140621", TODAY + timedelta(days=1), 1)) == "birth_date_future"


def test_default_today_is_used_when_not_given() -> None:
    with pytest.raises(InvalidIdNumber):
        validate_id_number(make_number("140621", date.today() + timedelta(days=2), 1))


@pytest.mark.parametrize("region", ["810000", "820000", "830000", "710000", "650102", "460100"])
def test_edge_regions_accepted(region: str) -> None:
    number = make_number(region, date(1990, 1, 1), 123)
    assert validate_id_number(number, today=TODAY) == number


def test_birth_date_and_sex() -> None:
    assert birth_date(STANDARD_EXAMPLE) == date(1949, 12, 31)
    assert sex(STANDARD_EXAMPLE) == "F"  # 17th digit 2
    man = make_number("140621", date(1962, 2, 28), 131)
    assert sex(man) == "M" and birth_date(man) == date(1962, 2, 28)


def test_birth_date_and_sex_validate_and_normalise() -> None:
    assert birth_date(" 11010519491231002x") == date(1949, 12, 31)
    with pytest.raises(InvalidIdNumber):
        sex("110105194912310021")
    with pytest.raises(InvalidIdNumber):
        birth_date("110105491231002")


@pytest.mark.parametrize(("raw", "masked"), [
    ("140621199001011234", "140621********1234"),
    (STANDARD_EXAMPLE, "110105********002X"),
    (" 11010519491231002x ", "110105********002X"),
    ("110105491231002", "110105*****1002"),
    ("12345", "*****"),
    ("", ""),
    ("not an id at all", "************"),
])
def test_mask_id_number(raw: str, masked: str) -> None:
    assert mask_id_number(raw) == masked


def test_mask_hides_the_birth_date() -> None:
    assert "19491231" not in mask_id_number(STANDARD_EXAMPLE)


regions = st.builds(lambda p, rest: p + rest, st.sampled_from(sorted(PROVINCE_CODES)),
                    st.text("0123456789", min_size=4, max_size=4))
births = st.dates(min_value=date(1900, 1, 1), max_value=TODAY)
valid_numbers = st.builds(make_number, regions, births, st.integers(0, 999))


@settings(max_examples=60)
@given(valid_numbers)
def test_any_generated_valid_number_validates(number: str) -> None:
    assert validate_id_number(number, today=TODAY) == number
    assert validate_id_number(number.lower(), today=TODAY) == number
    assert len(mask_id_number(number)) == 18


@settings(max_examples=60)
@given(valid_numbers, st.data())
def test_changing_any_one_character_fails(number: str, data: st.DataObject) -> None:
    position = data.draw(st.integers(0, 17), label="position")
    alphabet = "0123456789X" if position == 17 else "0123456789"
    replacement = data.draw(st.sampled_from([c for c in alphabet if c != number[position]]), label="new")
    changed = number[:position] + replacement + number[position + 1:]
    with pytest.raises(InvalidIdNumber):
        validate_id_number(changed, today=TODAY)


@settings(max_examples=50)
@given(valid_numbers, births, st.integers(0, 999))
def test_derived_fields_round_trip(number: str, born: date, sequence: int) -> None:
    built = make_number(number[:6], born, sequence)
    assert birth_date(built) == born
    assert sex(built) == ("M" if sequence % 2 else "F")


@settings(max_examples=50)
@given(st.text(max_size=30))
def test_validate_only_ever_raises_invalid_id_number(raw: str) -> None:
    try:
        result = validate_id_number(raw, today=TODAY)
    except InvalidIdNumber:
        return
    assert len(result) == 18 and result == validate_id_number(result, today=TODAY)


@settings(max_examples=50)
@given(st.text(max_size=30))
def test_mask_never_raises(raw: str) -> None:
    assert isinstance(mask_id_number(raw), str)
