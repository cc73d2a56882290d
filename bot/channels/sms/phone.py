"""Phone numbers as SMS gateways send them, normalised so one farmer is one sender whatever the gateway."""

from __future__ import annotations

import re

_NON_DIGIT = re.compile(r"[^\d+]")
_MAINLAND = re.compile(r"^1[3-9]\d{9}$")


def normalise(raw: str) -> str:
    """``+86 138-0013-8000`` and ``008613800138000`` → ``13800138000``; other numbers keep their ``+``."""
    number = _NON_DIGIT.sub("", raw or "")
    if number.startswith("00"):
        number = "+" + number[2:]
    if number.startswith("+86") and _MAINLAND.match(number[3:]):
        return number[3:]
    if number.startswith("86") and _MAINLAND.match(number[2:]):
        return number[2:]
    return number


def e164(number: str) -> str:
    """The international form gateways such as Twilio require."""
    if _MAINLAND.match(number):
        return "+86" + number
    return number if number.startswith("+") else "+" + number


def mask(number: str) -> str:
    """For logs: ``138****8000``; DESIGN.md says phones are masked in logs."""
    if len(number) <= 7:
        return "*" * len(number)
    return number[:3] + "*" * (len(number) - 7) + number[-4:]
