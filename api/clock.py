"""The one clock of the records: today in the counties' local calendar."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from api.settings import get_settings


def local_today() -> dt.date:
    """Dates of steps, windows and deadlines are local (``ANJU_TIMEZONE``, Asia/Shanghai), never UTC."""
    return dt.datetime.now(ZoneInfo(get_settings().timezone)).date()
