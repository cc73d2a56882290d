"""Periodic jobs: thin functions that run the same services as the API, each in its own unit of work."""

from __future__ import annotations

import datetime as dt
import logging
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from api.db import transaction
from api.settings import get_settings

log = logging.getLogger(__name__)


def local_today() -> dt.date:
    """Windows and deadlines are counted in the county's local calendar, not UTC."""
    return dt.datetime.now(ZoneInfo(get_settings().timezone)).date()


def close_publicity_windows(engine: Engine, today: dt.date | None = None) -> int:
    """Close every notice whose last day has passed and move its entries on."""
    from api.services.publicity import close_due_notices

    with transaction(engine) as session:
        closed = close_due_notices(session, today or local_today())
    count = len(closed) if isinstance(closed, list | tuple) else int(closed or 0)
    log.info("publicity windows closed: %d", count)
    return count


def check_deadlines(engine: Engine, today: dt.date | None = None) -> None:
    """Pass silent department checks and flag agreements whose start is overdue."""
    from api.services.deadlines import run_deadline_checks

    with transaction(engine) as session:
        run_deadline_checks(session, today or local_today())


def remind_overdue_complaints(engine: Engine) -> int:
    """Leave one reminder a day on each complaint past its acknowledge or resolve period."""
    from api.services.complaints import remind_overdue

    with transaction(engine) as session:
        reminded = remind_overdue(session, dt.datetime.now(dt.UTC))
    return len(reminded)
