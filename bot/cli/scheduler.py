"""APScheduler inside ``anju serve``; with PostgreSQL only the process holding an advisory lock runs the jobs.

Jobs keep no state of their own: each run derives what is due from the database, so nothing is lost when the
process restarts and a new leader simply picks up.
"""

from __future__ import annotations

import logging

from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import Connection, Engine, text

from api import jobs

log = logging.getLogger(__name__)

LEADER_LOCK_KEY = 0x616E6A75  # "anju"


def try_become_leader(engine: Engine) -> Connection | None:
    """On PostgreSQL, hold a session-level advisory lock on a dedicated connection; SQLite has one process."""
    if engine.dialect.name != "postgresql":
        return None
    connection = engine.connect()
    if connection.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": LEADER_LOCK_KEY}).scalar():
        connection.commit()
        return connection
    connection.close()
    raise LookupError("another process is the scheduler leader")


def build_scheduler(engine: Engine, timezone: str) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(timezone=timezone, job_defaults={"coalesce": True, "max_instances": 1})
    # Shortly after midnight local time windows close and deadlines are checked; hourly runs catch up after downtime.
    scheduler.add_job(jobs.close_publicity_windows, "cron", minute=5, args=[engine], id="close_publicity_windows")
    scheduler.add_job(jobs.check_deadlines, "cron", minute=10, args=[engine], id="check_deadlines")
    scheduler.add_job(jobs.remind_overdue_complaints, "cron", hour=8, minute=30, args=[engine],
                      id="remind_overdue_complaints")
    # The outbox (api.delivery.worker): claims rows with SKIP LOCKED, so extra delivery processes are safe.
    scheduler.add_job(jobs.deliver_outbox, "interval", seconds=10, args=[engine], id="deliver_outbox")
    scheduler.add_job(jobs.remind_closing_notices, "cron", hour=9, minute=0, args=[engine], id="remind_closing_notices")
    scheduler.add_job(jobs.remind_start_deadlines_job, "cron", hour=9, minute=5, args=[engine],
                      id="remind_start_deadlines")
    # Staff: review deadlines and the documents' dated duties; each reminder's window spans days, so a day
    # missed while the service was down is caught up the next morning (api.services.notices.staff).
    scheduler.add_job(jobs.remind_staff_job, "cron", hour=9, minute=10, args=[engine], id="remind_staff")
    return scheduler
