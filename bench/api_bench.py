"""Benchmark of the records API's write path over real HTTP: file an application, then take its first step.

    python bench/api_bench.py                          # SQLite, then PostgreSQL
    python bench/api_bench.py --db sqlite --applications 300 --concurrency 16 --workers 2
    python bench/api_bench.py --db postgresql --pg-url postgresql+psycopg://postgres@127.0.0.1:5432/test

Starts the app under uvicorn on 127.0.0.1 (a free port, ``--workers`` processes) on a fresh database: a
temporary SQLite file, or on PostgreSQL a new schema created by ``Base.metadata.create_all`` and dropped
afterwards (so a test run using the same database's public schema is left alone). Each of ``--concurrency``
clients is the clerk of its own village and works through its households: ``POST /api/v1/applications``, then
``POST /api/v1/applications/{id}/transitions`` (submitted → village_review, with the survey date). Each request
authenticates, checks scope, writes the rows, an event and a hash-chained audit entry, and commits. Reports
requests/s and p50/p99 latency per kind, then checks that every application arrived, moved once, and that the
audit chain is one unbroken chain.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from harness import (  # noqa: E402
    database_arguments,
    drop_schema,
    each_database,
    free_port,
    process_tree_cpu,
    start_server,
)


@dataclass
class Result:
    db: str
    workers: int
    concurrency: int
    seconds: float = 0.0
    server_cpu_s: float = 0.0   # CPU of the uvicorn workers during the run: a figure a busy machine leaves fair
    latencies_ms: dict[str, list[float]] = field(default_factory=lambda: {"create": [], "transition": []})
    errors: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        every = [x for kind in self.latencies_ms.values() for x in kind]
        out = [f"{self.db:<10} workers={self.workers} concurrency={self.concurrency:<3} requests={len(every):<5}"
               f" {len(every) / self.seconds:6.0f} req/s   {_pcts(every)}   errors {len(self.errors)}"]
        out += [f"  {kind:<10} {_pcts(values)}" for kind, values in self.latencies_ms.items()]
        if every and self.server_cpu_s:
            out.append(f"  server CPU {1000 * self.server_cpu_s / len(every):.2f} ms per request "
                       f"(all workers; {len(every) / self.server_cpu_s:.0f} req/s per fully used core)")
        kinds = Counter(e.split(" {", 1)[0] for e in self.errors)
        out += [f"  errors: {n} × {kind}, e.g. {next(e for e in self.errors if e.startswith(kind))[:160]}"
                for kind, n in kinds.most_common()]
        return out


def _pcts(values: list[float]) -> str:
    if not values:
        return "no requests"
    ordered = sorted(values)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return f"p50 {statistics.median(ordered):6.1f} ms   p99 {p99:6.1f} ms"


def _prepare(url: str, clients: int, per_client: int) -> list[tuple[str, list[int]]]:
    """The schema, the counties, one village per client with its clerk's token and its households."""
    import api.models  # noqa: F401
    from api.bootstrap import seed_counties
    from api.db import Base, make_engine, transaction
    from api.models import Area
    from api.services.areas import add_area
    from tests.factories import make_household, make_token

    engine = make_engine(url)
    Base.metadata.create_all(engine)
    seed_counties(engine)
    plan: list[tuple[str, list[int]]] = []
    with transaction(engine) as session:
        from sqlalchemy import select

        county = session.scalar(select(Area).where(Area.code == "140621"))
        assert county is not None
        township = add_area(session, county, "压测镇", by="bench")
        for index in range(clients):
            village = add_area(session, township, f"压测{index:03d}村", by="bench")
            households = [make_household(session, village).id for _ in range(per_client)]
            plan.append((make_token(session, village, "clerk", name=f"村文书{index}"), households))
    engine.dispose()
    return plan


def _schema_url(pg_url: str) -> tuple[str, str]:
    from sqlalchemy import text

    from api.db import make_engine

    schema = f"bench_{uuid.uuid4().hex[:8]}"
    admin = make_engine(pg_url)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    admin.dispose()
    return f"{pg_url}?options=-csearch_path%3D{schema}", schema


async def _play(port: int, plan: list[tuple[str, list[int]]], result: Result) -> None:
    """One connection per clerk, each filing and moving its own households' applications in turn."""
    import aiohttp

    from api.clock import local_today  # the service's filing day (China), not the machine's

    base = f"http://127.0.0.1:{port}/api/v1"
    survey = {"to": "village_review", "evidence": {"survey_date": local_today().isoformat()}}

    async def timed(session: aiohttp.ClientSession, kind: str, url: str, body: dict, headers: dict) -> dict:
        started = time.perf_counter()
        async with session.post(url, json=body, headers=headers) as response:
            payload = await response.json(content_type=None)
            result.latencies_ms[kind].append((time.perf_counter() - started) * 1000)
            if response.status != 201:
                result.errors.append(f"{kind} {response.status} {str(payload)[:200]}")
                return {}
            return payload

    async def clerk(token: str, households: list[int]) -> None:
        headers = {"Authorization": f"Bearer {token}"}
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=120)) as session:
            for household_id in households:
                created = await timed(session, "create", f"{base}/applications",
                                      {"household_id": household_id, "reason": "房屋开裂，经初步查看为危房"}, headers)
                if created:
                    await timed(session, "transition", f"{base}/applications/{created['id']}/transitions",
                                survey, headers)

    started = time.perf_counter()
    await asyncio.gather(*(clerk(token, households) for token, households in plan))
    result.seconds = time.perf_counter() - started


def _check(url: str, expected: int) -> str:
    """Every application filed and moved exactly once, and the audit log one intact chain."""
    from sqlalchemy import func, select

    from api.db import make_engine, transaction
    from api.models import Application, ApplicationState, AuditEntry
    from api.services.audit import verify

    engine = make_engine(url)
    with transaction(engine) as session:
        moved = session.scalar(select(func.count()).select_from(Application)
                               .where(Application.state == ApplicationState.village_review))
        entries = session.scalar(select(func.count()).select_from(AuditEntry))
        chain = verify(session)
    engine.dispose()
    ok = moved == expected and chain.ok and chain.count == entries
    return (f"check: {moved} of {expected} applications in village_review; audit chain "
            f"{'intact' if chain.ok else f'BROKEN at {chain.bad_id} ({chain.reason})'} over {chain.count} "
            f"of {entries} entries → {'ok' if ok else 'MISMATCH'}")


def run(db: str, args: argparse.Namespace) -> Result:
    per_client = max(1, args.applications // args.concurrency)
    with tempfile.TemporaryDirectory() as tmp:
        schema = None
        if db == "sqlite":
            url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        else:
            url, schema = _schema_url(args.pg_url)
        try:
            plan = _prepare(url, args.concurrency, per_client)
            port = free_port()
            server = start_server(url, port, args.workers)
            try:
                warm = Result(db, args.workers, args.concurrency)
                asyncio.run(_play(port, [(token, ids[:1]) for token, ids in plan[:4]], warm))
                rest = [(token, ids[1:] if i < 4 else ids) for i, (token, ids) in enumerate(plan)]
                result = Result(db, args.workers, args.concurrency)
                cpu = process_tree_cpu(server.pid)
                asyncio.run(_play(port, rest, result))
                result.server_cpu_s = process_tree_cpu(server.pid) - cpu
            finally:
                server.terminate()
                try:
                    server.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    server.kill()
            for line in result.lines():
                print(line, flush=True)
            print("  " + _check(url, per_client * args.concurrency), flush=True)
            return result
        finally:
            if schema:
                drop_schema(args.pg_url, schema)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    database_arguments(parser)
    parser.add_argument("--applications", type=int, default=320, help="applications in all (2 requests each)")
    parser.add_argument("--concurrency", type=int, default=16, help="simultaneous clerks (connections)")
    args = parser.parse_args()
    print(f"{os.cpu_count()} CPUs; {args.applications} applications × (create + transition); "
          f"{args.concurrency} clerks; {args.workers} uvicorn workers", flush=True)
    return each_database(args, run)


if __name__ == "__main__":
    raise SystemExit(main())
