"""Periods and deadlines on mainland China's statutory calendar, including 调休 working weekends.

Counting rule, used everywhere in Anju: a period of N units opened on day D starts counting on the day
*after* D (D itself is never counted), and ``Deadline.due`` is the last day of the period, which is open
through the end of that day. So a publicity window of "不少于7日" opened on D covers D+1..D+7 and
``due == D+7``; "5个工作日" opened on D ends on the fifth working day after D.

The holiday calendar comes from ``chinese_calendar``, which knows only the years whose State Council notice
has been published. For any other year weekends alone are rest days and the result is marked
``provisional``: callers show it as an estimate and recompute once the library is updated.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

import chinese_calendar

__all__ = [
    "FIRST_KNOWN_YEAR",
    "LAST_KNOWN_YEAR",
    "Deadline",
    "Unit",
    "add_days",
    "add_months",
    "add_working_days",
    "is_known_year",
    "is_working_day",
    "period_end",
    "working_days_between",
]

Unit = Literal["days", "working_days", "months"]

# The library refuses (NotImplementedError) any year outside the span of its holiday table; read that span
# from the table itself so a library upgrade extends coverage with no change here.
FIRST_KNOWN_YEAR: int = min(chinese_calendar.holidays).year
LAST_KNOWN_YEAR: int = max(chinese_calendar.holidays).year

_ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class Deadline:
    """The last day of a period; ``provisional`` when a counted day fell in a year the calendar lacks."""

    due: date
    provisional: bool


def is_known_year(year: int) -> bool:
    """Whether the State Council holiday arrangement for ``year`` is in the installed calendar."""
    return FIRST_KNOWN_YEAR <= year <= LAST_KNOWN_YEAR


def is_working_day(d: date) -> tuple[bool, bool]:
    """``(is_working, provisional)``: the statutory answer, or weekdays-only when the year is unknown."""
    if is_known_year(d.year):
        try:
            return chinese_calendar.is_workday(d), False
        except NotImplementedError:  # a library whose table has a gap; treat like an unknown year
            pass
    return d.weekday() < 5, True


def add_working_days(start: date, n: int) -> Deadline:
    """The ``n``-th working day after ``start`` (``start`` itself is not counted); ``n = 0`` is ``start``."""
    if n < 0:
        raise ValueError(f"n must not be negative, got {n}")
    d, provisional = start, False
    while n:
        d += _ONE_DAY
        working, unknown = is_working_day(d)
        provisional = provisional or unknown
        n -= working
    return Deadline(d, provisional)


def add_days(start: date, n: int) -> Deadline:
    """``start + n`` calendar days. Never provisional: no holiday data is involved."""
    return Deadline(start + timedelta(days=n), False)


def add_months(start: date, n: int) -> Deadline:
    """The same day ``n`` months later, clamped to the month's end (Jan 31 + 1 month = Feb 28 or 29)."""
    months = start.year * 12 + start.month - 1 + n
    year, month = divmod(months, 12)
    month += 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return Deadline(date(year, month, day), False)


def period_end(start: date, amount: int, unit: Unit) -> Deadline:
    """Last day of a period of ``amount`` ``unit`` opened on ``start``, per the counting rule above."""
    if amount < 0:
        raise ValueError(f"a period cannot be negative, got {amount}")
    if unit == "days":
        return add_days(start, amount)
    if unit == "working_days":
        return add_working_days(start, amount)
    if unit == "months":
        return add_months(start, amount)
    raise ValueError(f"unknown period unit {unit!r}")


def working_days_between(a: date, b: date) -> int:
    """Working days ``d`` with ``a < d <= b`` (0 when ``b <= a``); unknown years count weekdays."""
    count, d = 0, a
    while d < b:
        d += _ONE_DAY
        count += is_working_day(d)[0]
    return count
