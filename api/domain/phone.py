"""Mainland China mobile numbers: the only phones the SMS gateway can reach and households reliably have.

People write them as ``+86 138-0013-8000``, ``0086 13800138000`` or in full-width digits from a Chinese input
method; :func:`validate_mobile` reduces all of those to the 11 digits stored and compared everywhere. The one
phone module: SMS senders (:func:`normalise_sender`), gateways (:func:`e164`) and logs (:func:`mask_phone`) use it too.
"""

from __future__ import annotations

import re
import unicodedata

from api.domain.errors import InvalidPhone

__all__ = ["InvalidPhone", "e164", "mask_phone", "normalise_sender", "validate_mobile"]

# Separators people type inside a number: whitespace (removed separately), hyphens, dashes, minus signs.
_SEPARATORS = re.compile(r"[\-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\uFE63\uFF0D]")
_DIGITS = re.compile(r"\+?[0-9]+")
_MOBILE = re.compile(r"1[3-9][0-9]{9}")
_NOT_DIALLED = re.compile(r"[^\d+]")
# A mainland mobile written inside other words ("俺号码 158-0000-1111 上午在家"), with +86 and separators.
_MOBILE_IN_TEXT = re.compile(r"(?<!\d)(?:\+?86[\s-]?)?(1[3-9]\d)[\s-]?(\d{4})[\s-]?(\d{4})(?!\d)")


def _normalise(raw: str) -> str:
    text = unicodedata.normalize("NFKC", raw)
    return _SEPARATORS.sub("", "".join(text.split()))


def validate_mobile(raw: str, *, field: str | None = None) -> str:
    """The 11-digit number (``1[3-9]`` + 9 digits), or :class:`InvalidPhone` saying what is wrong."""

    def _fail(reason: str, message: str) -> InvalidPhone:
        return InvalidPhone(message, reason=reason, field=field)

    s = _normalise(raw)
    if not s:
        raise _fail("empty", "请填写手机号 / the mobile number is empty")
    if not _DIGITS.fullmatch(s):
        raise _fail("characters", "手机号只能包含数字，可带 +86 / a mobile number may contain only digits "
                                  "and an optional +86")
    if s.startswith("+"):
        if not s.startswith("+86"):
            raise _fail("country", "只支持中国大陆手机号（+86） / only mainland China mobile numbers (+86) "
                                   "are supported")
        s = s[3:]
    elif s.startswith("0086") and len(s) == 15:
        s = s[4:]
    elif s.startswith("86") and len(s) == 13:
        s = s[2:]
    if len(s) != 11:
        raise _fail("length", f"手机号应为11位，现为{len(s)}位 / a mobile number has 11 digits, not {len(s)}")
    if not _MOBILE.fullmatch(s):
        raise _fail("prefix", "手机号应以 13–19 开头（不支持座机号） / a mobile number starts with 13–19 "
                              "(landlines are not accepted)")
    return s


def mask_phone(phone: str) -> str:
    """``138****5678`` for logs and citizen-facing output. Never raises.

    Input that is not a valid mobile keeps only its last four digits behind a fixed ``****``, so neither
    its length nor its prefix leaks.
    """
    try:
        p = validate_mobile(phone)
    except InvalidPhone:
        digits = re.sub(r"[^0-9]", "", unicodedata.normalize("NFKC", phone))
        return "****" + digits[-4:] if len(digits) >= 8 else "****"
    return f"{p[:3]}****{p[-4:]}"


def normalise_sender(raw: str) -> str:
    """One farmer is one sender whatever the gateway: a mainland mobile as its 11 digits (as
    :func:`validate_mobile`); any other number as its digits with a leading ``+`` (``00`` becomes ``+``)."""
    try:
        return validate_mobile(raw or "")
    except InvalidPhone:
        number = _NOT_DIALLED.sub("", raw or "")
        return "+" + number[2:] if number.startswith("00") else number


def mobile_in(text: str) -> str | None:
    """The first mainland mobile written anywhere in ``text``, as its 11 digits."""
    found = _MOBILE_IN_TEXT.search(text)
    return "".join(found.groups()) if found else None


def e164(number: str) -> str:
    """The international form gateways such as Twilio require."""
    if _MOBILE.fullmatch(number):
        return "+86" + number
    return number if number.startswith("+") else "+" + number
