"""Benchmark of the SMS inbound path end to end, over real HTTP.

    python bench/sms_inbound.py                       # SQLite, then PostgreSQL if it answers
    python bench/sms_inbound.py --db sqlite --senders 400 --concurrency 32 --workers 1
    python bench/sms_inbound.py --db postgresql --pg-url postgresql+psycopg://postgres@127.0.0.1:5432/test
    python bench/sms_inbound.py --db postgresql --rate 500 --senders 1000   # open loop: 500 msg/s offered

Starts the web app under uvicorn on 127.0.0.1 (a free port, ``--workers`` processes) on a fresh database
(a temporary SQLite file, or a new PostgreSQL schema dropped afterwards), then plays gateways:
``--concurrency`` connections post signed callbacks for ``--senders`` farmers, each farmer's messages in
order (a conversation: menu, screening start, county, two answers). Every request goes callback →
signature → dedup → flood check → dialog → state, inbound record and reply committed in one transaction →
200 (the console gateway marks the reply sent in that transaction). Reports messages/s and latency
percentiles, and checks afterwards that every message was recorded once and answered.

``--rate R`` switches to an open loop: messages leave at a fixed R per second whatever the answers (the
senders' turns interleaved, so one farmer's next message follows a whole round later), each farmer's messages
still in order, and each latency is counted from the moment its message was due, so a server falling behind
shows as growing latency rather than as a slower offered rate. The closed loop (the default) measures how
many messages per second the server can take; the open loop, how long a farmer waits at a given load.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SECRET = "bench-secret"
CONVERSATION = ("菜单", "资格", "屯留区", "1", "2")
from harness import (  # noqa: E402
    database_arguments,
    drop_schema,
    each_database,
    free_port,
    process_tree_cpu,
    start_server,
    wait_until_idle,
)


@dataclass
class Result:
    db: str
    workers: int
    concurrency: int
    messages: int
    seconds: float
    latencies_ms: list[float]
    errors: int
    server_cpu_s: float
    client_cpu_s: float
    db_cpu_s: float | None

    def line(self) -> str:
        lat = sorted(self.latencies_ms)
        p50 = statistics.median(lat)
        p99 = lat[min(len(lat) - 1, int(len(lat) * 0.99))]
        return (f"{self.db:<10} workers={self.workers} concurrency={self.concurrency:<3} "
                f"messages={self.messages:<5} {self.messages / self.seconds:7.0f} msg/s   "
                f"p50 {p50:6.1f} ms   p99 {p99:6.1f} ms   errors {self.errors}\n"
                f"  CPU per message: server {1000 * self.server_cpu_s / self.messages:.2f} ms, "
                f"load generator {1000 * self.client_cpu_s / self.messages:.2f} ms"
                + (f", PostgreSQL {1000 * self.db_cpu_s / self.messages:.2f} ms (all its clients)"
                   if self.db_cpu_s is not None else ""))


def _postgres_cpu_seconds() -> float:
    """CPU of every PostgreSQL process on the machine (other users of the server count too: a ceiling)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if Path(entry, "comm").read_text().strip() not in ("postgres", "postmaster"):
                continue
            fields = Path(entry, "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


def _prepare(db: str, pg_url: str, tmp: Path) -> tuple[str, str | None]:
    """A database with the schema and the counties; returns its URL and the schema to drop, if any."""
    from sqlalchemy import text

    import api.models  # noqa: F401
    from api.bootstrap import seed_counties
    from api.db import Base, make_engine

    if db == "sqlite":
        url = f"sqlite:///{tmp / 'bench.db'}"
        schema = None
    else:
        schema = f"bench_{uuid.uuid4().hex[:8]}"
        admin = make_engine(pg_url)
        with admin.begin() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
        admin.dispose()
        url = f"{pg_url}?options=-csearch_path%3D{schema}"
    engine = make_engine(url)
    Base.metadata.create_all(engine)
    seed_counties(engine)
    engine.dispose()
    return url, schema


async def _play(port: int, senders: int, concurrency: int, prefix: str) -> tuple[float, list[float], int]:
    """Each task is a gateway connection working through a queue of farmers, each one's messages in order."""
    import aiohttp


    queue: asyncio.Queue[int] = asyncio.Queue()
    for index in range(senders):
        queue.put_nowait(index)
    latencies: list[float] = []
    errors = 0
    url = f"http://127.0.0.1:{port}/sms/inbound"
    base = uuid.uuid4().int % 10_000   # a fresh block of numbers per run, so warm-up senders are not reused

    async def gateway(session: aiohttp.ClientSession) -> None:
        nonlocal errors
        while True:
            try:
                index = queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            phone = f"13{base:04d}{index:05d}"
            for turn, text in enumerate(CONVERSATION):
                started = time.perf_counter()
                errors += not await _post(session, url, f"{prefix}-{index}-{turn}", phone, text)
                latencies.append((time.perf_counter() - started) * 1000)

    connector = aiohttp.TCPConnector(limit=concurrency)
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        started = time.perf_counter()
        await asyncio.gather(*(gateway(session) for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    return elapsed, latencies, errors


async def _post(session: Any, url: str, message_id: str, phone: str, text: str) -> bool:
    """One gateway callback, signed as the gateway signs it; True when it was answered 200."""
    import aiohttp

    from api.delivery.signature import HEADER, sign

    body = json.dumps({"message_id": message_id, "from": phone, "to": "106900", "text": text},
                      ensure_ascii=False).encode()
    headers = {HEADER: sign(SECRET, body), "Content-Type": "application/json"}
    try:
        async with session.post(url, data=body, headers=headers) as resp:
            await resp.read()
            return resp.status == 200
    except (TimeoutError, aiohttp.ClientError):
        return False


async def _open_loop(port: int, senders: int, rate: float, prefix: str) -> tuple[float, list[float], int]:
    """Message ``turn * senders + index`` is due at ``slot / rate`` s; a farmer's next waits for its last."""
    import aiohttp


    latencies: list[float] = []
    errors = 0
    url = f"http://127.0.0.1:{port}/sms/inbound"
    base = uuid.uuid4().int % 10_000

    async def farmer(session: aiohttp.ClientSession, index: int, start: float) -> None:
        nonlocal errors
        phone = f"13{base:04d}{index:05d}"
        for turn, text in enumerate(CONVERSATION):
            due = start + (turn * senders + index) / rate
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            errors += not await _post(session, url, f"{prefix}-{index}-{turn}", phone, text)
            latencies.append((time.perf_counter() - due) * 1000)

    connector = aiohttp.TCPConnector(limit=1024)
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        start = time.perf_counter() + 0.2
        await asyncio.gather(*(farmer(session, index, start) for index in range(senders)))
        elapsed = time.perf_counter() - start
    return elapsed, latencies, errors


def _check(url: str, expected: int) -> str:
    """Every message recorded once and answered once; the console marked every reply sent."""
    from sqlalchemy import func, select

    from api.db import make_engine, transaction
    from api.models.conversations import InboundMessage
    from api.models.messages import OutboundMessage, OutboundStatus

    engine = make_engine(url)
    time.sleep(1.0)   # the last background deliveries
    with transaction(engine) as session:
        inbound = session.scalar(select(func.count()).select_from(InboundMessage))
        outbound = session.scalar(select(func.count()).select_from(OutboundMessage))
        sent = session.scalar(select(func.count()).select_from(OutboundMessage)
                              .where(OutboundMessage.status == OutboundStatus.sent))
    engine.dispose()
    ok = inbound == expected and outbound == expected and sent == expected
    return f"check: inbound {inbound}, replies queued {outbound}, sent {sent} of {expected} → " \
           f"{'ok' if ok else 'MISMATCH'}"


def run(db: str, args: argparse.Namespace) -> Result:
    with tempfile.TemporaryDirectory() as tmp:
        url, schema = _prepare(db, args.pg_url, Path(tmp))
        port = free_port()
        server = start_server(url, port, args.workers,
                              env={"ANJU_SMS_HMAC_SECRET": SECRET, "ANJU_SMS_GATEWAY": "console"})
        try:
            warm = asyncio.run(_play(port, args.concurrency, args.concurrency, "warm"))  # every worker, every path
            del warm
            wait_until_idle(server.pid)   # every worker started (imports, content) before CPU is counted
            server_cpu, client_cpu = process_tree_cpu(server.pid), time.process_time()
            db_cpu = _postgres_cpu_seconds() if db == "postgresql" else None
            label = f"run{uuid.uuid4().hex[:6]}"
            seconds, latencies, errors = asyncio.run(
                _open_loop(port, args.senders, args.rate, label) if args.rate
                else _play(port, args.senders, args.concurrency, label))
            server_cpu = process_tree_cpu(server.pid) - server_cpu
            client_cpu = time.process_time() - client_cpu
            db_cpu = _postgres_cpu_seconds() - db_cpu if db_cpu is not None else None
            result = Result(db, args.workers, 0 if args.rate else args.concurrency, len(latencies), seconds,
                            latencies, errors, server_cpu, client_cpu, db_cpu)
            if args.rate:
                print(f"open loop: {args.rate:.0f} msg/s offered (concurrency 0 = as many as in flight)")
            print(result.line(), flush=True)
            warm_messages = args.concurrency * len(CONVERSATION)
            print("  " + _check(url, len(latencies) + warm_messages), flush=True)
            return result
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
            if schema:
                drop_schema(args.pg_url, schema)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    database_arguments(parser)
    parser.add_argument("--senders", type=int, default=600, help="farmers, each sending the conversation")
    parser.add_argument("--concurrency", type=int, default=32, help="simultaneous gateway connections")
    parser.add_argument("--rate", type=float, default=0.0,
                        help="open loop: offer this many messages per second (0: closed loop, as fast as answered)")
    args = parser.parse_args()
    print(f"{os.cpu_count()} CPUs; {args.senders} senders × {len(CONVERSATION)} messages; "
          f"conversation {' → '.join(CONVERSATION)}", flush=True)
    return each_database(args, run)


if __name__ == "__main__":
    raise SystemExit(main())
