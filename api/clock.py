"""The one clock of the records: today, and the day of a moment, in the counties' local calendar."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from api.settings import get_settings


def local_today() -> dt.date:
    """Dates of steps, windows and deadlines are local (``ANJU_TIMEZONE``, Asia/Shanghai), never UTC."""
    return dt.datetime.now(ZoneInfo(get_settings().timezone)).date()


def local_date(moment: dt.datetime) -> dt.date:
    """The local calendar day of ``moment`` (a step's time, a message's arrival)."""
    return moment.astimezone(ZoneInfo(get_settings().timezone)).date()
