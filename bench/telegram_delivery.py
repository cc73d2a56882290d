"""Benchmark: Telegram delivery through the claim → call → record path (api.delivery.unkeyed), no network.

    python bench/telegram_delivery.py                                  # SQLite in a temporary file
    python bench/telegram_delivery.py --pg-url postgresql+psycopg://postgres@127.0.0.1:5432/test
    python bench/telegram_delivery.py --rows 2000 --workers 2

Telegram takes no idempotency key, so each message costs two commits (claim, record) instead of sharing one
batch transaction with its neighbours. This measures what that costs against a sender that answers at once;
on PostgreSQL it works in a schema of its own, dropped afterwards. Checks that no row was sent twice.
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import threading
import uuid
from collections import Counter
from pathlib import Path

from harness import in_threads
from sqlalchemy import Engine, func, select, text

import api.models  # noqa: F401
from api.db import Base, make_engine, transaction
from api.delivery.senders.base import Outgoing
from api.delivery.worker import RateLimiter, WorkerConfig, run_once
from api.models.messages import OutboundMessage, OutboundStatus

DAYTIME = dt.datetime(2026, 11, 24, 3, 0, tzinfo=dt.UTC)


class InstantTelegram:
    idempotent = False

    def __init__(self) -> None:
        self.chats: Counter[str] = Counter()
        self.lock = threading.Lock()

    def send(self, message: Outgoing) -> str:
        with self.lock:
            self.chats[message.recipient] += 1
            return str(sum(self.chats.values()))

    def close(self) -> None:
        pass


def build(url: str | None, rows: int) -> tuple[Engine, str | None]:
    schema = None
    if url:
        schema = f"bench_tg_{uuid.uuid4().hex[:8]}"
        with make_engine(url).begin() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
        engine = make_engine(url, connect_args={"options": f"-csearch_path={schema}"})
    else:
        engine = make_engine(f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}")
    Base.metadata.create_all(engine)
    with transaction(engine) as s:
        s.connection().execute(OutboundMessage.__table__.insert(), [
            {"channel": "telegram", "recipient": str(10_000 + i), "text": f"通知 {i}", "parts": 1,
             "idempotency_key": f"t{i}", "status": OutboundStatus.queued.value, "attempts": 0,
             "created_at": DAYTIME - dt.timedelta(minutes=5)} for i in range(rows)])
    return engine, schema


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg-url")
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    engine, schema = build(args.pg_url, args.rows)
    sender, config = InstantTelegram(), WorkerConfig(rate_per_second={})
    limiter = RateLimiter({})
    elapsed, sent = in_threads(args.workers, lambda: run_once(engine, {"telegram": sender}, config=config,
                                                              limiter=limiter, now=DAYTIME))
    with transaction(engine) as s:
        done = s.scalar(select(func.count()).select_from(OutboundMessage)
                        .where(OutboundMessage.status == OutboundStatus.sent))
    print(f"backend {engine.dialect.name}, {args.workers} workers: {sum(sent)} sent in {elapsed:.2f} s "
          f"({sum(sent) / elapsed:,.0f} msg/s); rows sent {done}; "
          f"most sends to one chat {max(sender.chats.values())}; per worker {sent}")
    assert done == args.rows and max(sender.chats.values()) == 1
    engine.dispose()
    if schema:
        with make_engine(args.pg_url).begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))


if __name__ == "__main__":
    main()
