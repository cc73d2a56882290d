"""Benchmark: a publicity list posted to a village with 20,000 subscribers, then delivered.

    python bench/notify_fanout.py                                   # SQLite in a temporary file
    python bench/notify_fanout.py --pg-url postgresql+psycopg://postgres@127.0.0.1:5432/bench
    python bench/notify_fanout.py --subscribers 20000 --deliver 2000 --rate 200 --workers 2

Builds a fresh schema (on PostgreSQL it drops and recreates the public schema of the given database: use a
scratch one), a village with ``--subscribers`` SMS subscribers (a tenth with a Korean conversation), and a
notice with 10 entries. Measures (1) the fan-out: ``api.services.notices.publicity.notice_opened`` writing one outbox
row per subscriber inside one transaction, (2) the delivery rate of ``api.delivery.worker.run_once`` against the
console gateway, once limited to ``--rate`` messages/s and once unlimited, with ``--workers`` threads, and
checks that no row was sent twice.
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
from pathlib import Path

from harness import in_threads
from sqlalchemy import Engine, func, select, text, update

import api.models  # noqa: F401
from api.bootstrap import seed_counties
from api.db import Base, make_engine, transaction
from api.delivery.senders.console import ConsoleSender
from api.delivery.worker import RateLimiter, WorkerConfig, run_once
from api.models import Application, Area, AreaLevel, FiledBy, Household, TargetCategory
from api.models.conversations import Conversation
from api.models.messages import OutboundMessage, OutboundStatus
from api.models.publicity import NoticeEntry, NoticeLevel, PublicityNotice
from api.models.subscriptions import Subscription
from api.services.notices.publicity import notice_opened

COUNTY = "140621"


def build(url: str, subscribers: int) -> tuple[Engine, int]:
    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    Base.metadata.create_all(engine)
    seed_counties(engine)
    with transaction(engine) as s:
        county = s.scalar(select(Area).where(Area.level == AreaLevel.county, Area.code == COUNTY))
        assert county is not None
        town = Area(level=AreaLevel.township, name="古城镇", parent_id=county.id, county_code=COUNTY)
        s.add(town)
        s.flush()
        village = Area(level=AreaLevel.village, name="东村", parent_id=town.id, county_code=COUNTY,
                       township_id=town.id)
        s.add(village)
        s.flush()
        notice = PublicityNotice(level=NoticeLevel.village, area_id=village.id, county_code=COUNTY,
                                 opened_on=dt.date(2026, 11, 23), closes_on=dt.date(2026, 11, 30),
                                 opened_by="bench", report_phone="0349-1234567")
        for n in range(10):
            household = Household(village_id=village.id, head_name=f"王{n}明", head_id_number=f"ID{n}",
                                  phone=f"1380000{n:04d}", category=TargetCategory.dibao, size=3)
            s.add(household)
            s.flush()
            app = Application(number=f"B-{n}", household_id=household.id, village_id=village.id,
                              township_id=town.id, county_code=COUNTY, year=2026, state="village_publicity",
                              filed_by=FiledBy.applicant, reason="C级")
            s.add(app)
            s.flush()
            notice.entries.append(NoticeEntry(application_id=app.id))
        s.add(notice)
        s.flush()
        s.connection().execute(Subscription.__table__.insert(), [
            {"channel": "sms", "sender": f"139{i:08d}", "village_id": village.id} for i in range(subscribers)])
        s.connection().execute(Conversation.__table__.insert(), [
            {"channel": "sms", "sender": f"139{i:08d}", "state": {"language": "ko"}}
            for i in range(0, subscribers, 10)])
        return engine, notice.id


def fan_out(engine: Engine, notice_id: int) -> tuple[float, int]:
    start = time.perf_counter()
    with transaction(engine) as s:
        notice = s.get(PublicityNotice, notice_id)
        assert notice is not None
        count = notice_opened(s, notice)
    return time.perf_counter() - start, count


def deliver(engine: Engine, n: int, rate: float | None, workers: int) -> tuple[float, int]:
    """Send ``n`` of the queued rows (the rest are parked as failed first) and time it."""
    with transaction(engine) as s:
        ids = list(s.scalars(select(OutboundMessage.id).where(OutboundMessage.status == OutboundStatus.queued)
                             .order_by(OutboundMessage.id).limit(n)))
        s.execute(update(OutboundMessage).where(OutboundMessage.status == OutboundStatus.queued,
                                                OutboundMessage.id.not_in(ids))
                  .values(status=OutboundStatus.failed, error="parked by bench"))
    # No quiet hours (equal bounds), so the run measures delivery whatever the hour; the rows were created just
    # now, so "now" is the real clock, never a fixed date the rows would postdate.
    config = WorkerConfig(rate_per_second={"sms": rate} if rate else {}, batch=50,
                          quiet_start=dt.time(0, 0), quiet_end=dt.time(0, 0))
    limiter = RateLimiter(config.rate_per_second)     # one limit shared by the process's workers
    elapsed, sent = in_threads(workers, lambda: run_once(engine, {"sms": ConsoleSender()}, config=config,
                                                         limiter=limiter, now=dt.datetime.now(dt.UTC)))
    with transaction(engine) as s:
        done = s.scalar(select(func.count()).select_from(OutboundMessage)
                        .where(OutboundMessage.id.in_(ids), OutboundMessage.status == OutboundStatus.sent))
    assert done == sum(sent) == len(ids), (done, sent, len(ids))
    with transaction(engine) as s:     # back to queued for the next measurement
        s.execute(update(OutboundMessage).values(status=OutboundStatus.queued, attempts=0, sent_at=None,
                                                 error=None))
    return elapsed, sum(sent)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg-url")
    parser.add_argument("--subscribers", type=int, default=20000)
    parser.add_argument("--deliver", type=int, default=2000)
    parser.add_argument("--rate", type=float, default=200.0)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    url = args.pg_url or f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}"
    engine, notice_id = build(url, args.subscribers)
    print(f"backend {engine.dialect.name}, {args.subscribers} subscribers")
    elapsed, count = fan_out(engine, notice_id)
    print(f"fan-out: {count} rows in {elapsed:.2f} s ({count / elapsed:,.0f} rows/s)")
    again, repeat = fan_out(engine, notice_id)
    print(f"fan-out repeated: {repeat} new rows in {again:.2f} s (idempotent)")
    for rate in (args.rate, None):
        elapsed, sent = deliver(engine, args.deliver, rate, args.workers)
        label = f"limited to {rate:g}/s" if rate else "unlimited"
        print(f"delivery {label}, {args.workers} workers: {sent} in {elapsed:.2f} s ({sent / elapsed:,.0f}/s)")
    engine.dispose()


if __name__ == "__main__":
    main()
