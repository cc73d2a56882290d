"""The scheduled jobs run the real services in their own unit of work, and the scheduler carries every one."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine

from api import jobs
from api.jobs import remind_staff_job
from bot.cli.scheduler import build_scheduler, try_become_leader


def test_each_job_runs_on_an_empty_database(engine: Engine) -> None:
    assert jobs.close_publicity_windows(engine, dt.date(2026, 11, 23)) == 0
    jobs.check_deadlines(engine, dt.date(2026, 11, 23))
    assert jobs.remind_overdue_complaints(engine) == 0
    assert remind_staff_job(engine, dt.date(2026, 12, 3)) == 0     # no staff with a contact yet


def test_scheduler_has_every_periodic_job(engine: Engine) -> None:
    scheduler = build_scheduler(engine, "Asia/Shanghai")
    ids = {job.id for job in scheduler.get_jobs()}
    assert {"close_publicity_windows", "check_deadlines", "remind_overdue_complaints", "deliver_outbox",
            "remind_closing_notices", "remind_start_deadlines", "remind_staff"} <= ids


def test_leader_election_only_on_postgresql(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        assert try_become_leader(engine) is None
        return
    first = try_become_leader(engine)
    assert first is not None
    try:
        try:
            second = try_become_leader(engine)
        except LookupError:
            second = None
        assert second is None, "two processes became scheduler leader"
    finally:
        first.close()
