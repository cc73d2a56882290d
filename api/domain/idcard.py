"""Resident identity card numbers (居民身份证号码, GB 11643-1999).

Numbers arrive typed by hand, pasted from spreadsheets or read by OCR, so :func:`validate_id_number` accepts
full-width digits, a lowercase ``x`` and stray spaces, and returns the one canonical 18-character form that
the database stores and compares. Error messages never echo the number: they end up in logs.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta, timezone
from typing import Literal

from api.domain.errors import InvalidIdNumber

__all__ = ["InvalidIdNumber", "birth_date", "mask_id_number", "sex", "validate_id_number"]

# Province-level codes of GB/T 2260 (incl. 71 Taiwan, 81 Hong Kong, 82 Macau), plus 83, which the residence
# permits for Taiwan residents use; those permits follow GB 11643 too.
PROVINCE_CODES: frozenset[str] = frozenset({
    "11", "12", "13", "14", "15",
    "21", "22", "23",
    "31", "32", "33", "34", "35", "36", "37",
    "41", "42", "43", "44", "45", "46",
    "50", "51", "52", "53", "54",
    "61", "62", "63", "64", "65",
    "71", "81", "82", "83",
})

# ISO 7064 MOD 11-2: weight of position i (from the left, 0-based) is 2^(17-i) mod 11.
_WEIGHTS: tuple[int, ...] = tuple(pow(2, 17 - i, 11) for i in range(17))
_CHECK_CHARS = "10X98765432"
# No one alive was born before this; a year like 1850 is a typo, not a centenarian.
_EARLIEST_BIRTH = date(1900, 1, 1)
# China keeps one offset all year (no DST since 1991), so "today" needs no tz database.
_CHINA_TZ = timezone(timedelta(hours=8))

_ALLOWED = re.compile(r"[0-9X]*")
_SHAPE = re.compile(r"[0-9]{17}[0-9X]")


def check_digit(first17: str) -> str:
    """The GB 11643 check character for the first 17 digits."""
    return _CHECK_CHARS[sum(int(c) * w for c, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def _normalise(raw: str) -> str:
    # NFKC turns full-width digits and Ｘ into ASCII and U+3000 into a plain space.
    return "".join(unicodedata.normalize("NFKC", raw).split()).upper()


def _fail(reason: str, message: str) -> InvalidIdNumber:
    return InvalidIdNumber(message, reason=reason)


def _china_today() -> date:
    return datetime.now(_CHINA_TZ).date()


def validate_id_number(raw: str, *, today: date | None = None) -> str:
    """The canonical 18-character number, or :class:`InvalidIdNumber` saying exactly what is wrong.

    ``today`` (China's date by default) bounds the birth date; tests pass it to stay deterministic.
    """
    s = _normalise(raw)
    if not s:
        raise _fail("empty", "请填写身份证号 / the ID number is empty")
    if not _ALLOWED.fullmatch(s):
        raise _fail("characters", "身份证号只能包含数字和末位的 X / the ID number may contain only digits "
                                  "and a final X")
    if len(s) == 15 and s.isdigit():
        raise _fail("old_format", "这是15位的旧身份证号，请填写现行的18位号码 / this is an old 15-digit "
                                  "number; please give the current 18-digit ID number")
    if len(s) != 18:
        raise _fail("length", f"身份证号应为18位，现为{len(s)}位 / the ID number must have 18 characters, "
                              f"not {len(s)}")
    if not _SHAPE.fullmatch(s):
        raise _fail("characters", "身份证号只有末位可以是 X / only the last character of the ID number may "
                                  "be X")
    if s[:2] not in PROVINCE_CODES:
        raise _fail("region", f"身份证号前两位 {s[:2]} 不是有效的省级行政区划代码 / the first two digits "
                              f"{s[:2]} are not a valid province code")
    try:
        born = date(int(s[6:10]), int(s[10:12]), int(s[12:14]))
    except ValueError:
        born = None
    if born is None or born < _EARLIEST_BIRTH:
        raise _fail("birth_date", "身份证号第7至14位不是有效的出生日期 / digits 7–14 of the ID number are "
                                  "not a possible date of birth")
    if born > (today or _china_today()):
        raise _fail("birth_date_future", "身份证号中的出生日期晚于今天 / the date of birth in the ID "
                                         "number is in the future")
    # The expected check character is deliberately not revealed: the usual cause is a mistyped digit
    # elsewhere, and "fixing" the last one would store a wrong number that passes.
    if check_digit(s[:17]) != s[17]:
        raise _fail("check_digit", "身份证号校验位不符，请逐位核对 / the check digit does not match; please "
                                   "check every digit")
    return s


def birth_date(id_number: str) -> date:
    """Date of birth encoded in the number (validated first, so a bad number raises)."""
    s = validate_id_number(id_number)
    return date(int(s[6:10]), int(s[10:12]), int(s[12:14]))


def sex(id_number: str) -> Literal["M", "F"]:
    """Sex as registered: the 17th digit is odd for men, even for women."""
    s = validate_id_number(id_number)
    return "M" if int(s[16]) % 2 else "F"


def mask_id_number(id_number: str) -> str:
    """``140621********1234``: region and tail only, for logs and lists. Never raises.

    Anything that is not 15 or 18 characters long is starred out whole, since it cannot be told where the
    birth date sits in it.
    """
    s = _normalise(id_number)
    if len(s) in (15, 18):
        return s[:6] + "*" * (len(s) - 10) + s[-4:]
    return "*" * len(s)
