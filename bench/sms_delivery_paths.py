"""Benchmark: SMS delivery, batched with the key (a gateway that drops repeats) against one row in flight at a time.

    python bench/sms_delivery_paths.py                                  # SQLite in a temporary file
    python bench/sms_delivery_paths.py --pg-url postgresql+psycopg://postgres@127.0.0.1:5432/scratch
    python bench/sms_delivery_paths.py --rows 1000

One worker, in-process, replies (no quiet hours, no digest), a sender that answers at once. On PostgreSQL it
works in a schema of its own, dropped afterwards. Checks every row was sent exactly once.
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import Engine, text

import api.models  # noqa: F401
from api.db import Base, make_engine, transaction
from api.delivery.senders.base import Outgoing
from api.delivery.worker import WorkerConfig, run_once
from api.models._types import utcnow
from api.models.messages import OutboundMessage, OutboundStatus
from api.settings import Settings

CONFIG = WorkerConfig(rate_per_second={}, quiet_start=dt.time(0), quiet_end=dt.time(0))


class InstantSms:
    records_only = False
    resend_cut_off = True

    def __init__(self, idempotent: bool) -> None:
        self.idempotent, self.keys = idempotent, list[str]()

    def send(self, message: Outgoing) -> str:
        self.keys.append(message.idempotency_key)
        return str(len(self.keys))

    def close(self) -> None:
        pass


def measure(engine: Engine, rows: int, idempotent: bool) -> float:
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    with transaction(engine) as s:
        s.add_all([OutboundMessage(channel="sms", recipient=f"135{i:08d}", text="答复", parts=1,
                                   idempotency_key=f"b{i}", status=OutboundStatus.queued, attempts=0,
                                   in_reply_to=f"in{i}", created_at=utcnow() - dt.timedelta(minutes=5))
                   for i in range(rows)])
    sender = InstantSms(idempotent)
    start = time.perf_counter()
    sent = run_once(engine, {"sms": sender}, settings=Settings(), config=CONFIG)
    elapsed = time.perf_counter() - start
    assert sent == rows and sorted(sender.keys) == sorted(f"b{i}" for i in range(rows))
    return rows / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg-url")
    parser.add_argument("--rows", type=int, default=1000)
    args = parser.parse_args()
    schema = None
    if args.pg_url:
        schema = f"bench_{uuid.uuid4().hex[:8]}"
        admin = make_engine(args.pg_url)
        with admin.begin() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
        engine = make_engine(args.pg_url, connect_args={"options": f"-csearch_path={schema}"})
    else:
        engine = make_engine(f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}")
    try:
        for idempotent, name in ((True, "batched, keyed"), (False, "one row in flight at a time")):
            print(f"{engine.dialect.name} {name}: {measure(engine, args.rows, idempotent):.0f} msg/s")
    finally:
        engine.dispose()
        if schema:
            with admin.begin() as conn:
                conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
            admin.dispose()


if __name__ == "__main__":
    main()
