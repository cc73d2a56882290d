"""Periodic jobs: thin functions that run the same services as the API, each in its own unit of work.

The scheduler (``bot.cli.scheduler``) runs every one of them; each derives what is due from the database.
"""

from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy import Engine

from api.clock import local_today
from api.db import transaction
from api.delivery.worker import deliver_outbox
from api.services.complaints import remind_overdue
from api.services.deadlines import run_deadline_checks
from api.services.notices.publicity import remind_closing
from api.services.notices.reminders import remind_start_deadlines
from api.services.notices.staff import remind_staff
from api.services.publicity import close_due_notices

__all__ = ["check_deadlines", "close_publicity_windows", "deliver_outbox", "remind_closing_notices",
           "remind_overdue_complaints", "remind_staff_job", "remind_start_deadlines_job"]

log = logging.getLogger(__name__)


def close_publicity_windows(engine: Engine, today: dt.date | None = None) -> int:
    """Close every notice whose last day has passed and move its entries on."""
    with transaction(engine) as session:
        closed = close_due_notices(session, today or local_today())
    count = len(closed) if isinstance(closed, list | tuple) else int(closed or 0)
    log.info("publicity windows closed: %d", count)
    return count


def check_deadlines(engine: Engine, today: dt.date | None = None) -> None:
    """Pass silent department checks and flag agreements whose start is overdue."""
    with transaction(engine) as session:
        run_deadline_checks(session, today or local_today())


def remind_overdue_complaints(engine: Engine) -> int:
    """Leave one reminder a day on each complaint past its acknowledge or resolve period."""
    with transaction(engine) as session:
        reminded = remind_overdue(session, dt.datetime.now(dt.UTC))
    return len(reminded)


def remind_closing_notices(engine: Engine, today: dt.date | None = None) -> int:
    """Subscribers hear the day before a publicity window closes."""
    with transaction(engine) as session:
        return remind_closing(session, today or local_today())


def remind_start_deadlines_job(engine: Engine, today: dt.date | None = None) -> int:
    """Applicants hear when the month to start building after the agreement is nearly over."""
    with transaction(engine) as session:
        return remind_start_deadlines(session, today or local_today())


def remind_staff_job(engine: Engine, today: dt.date | None = None) -> int:
    """Staff hear of review deadlines and their documents' dated duties."""
    with transaction(engine) as session:
        return remind_staff(session, today or local_today())
