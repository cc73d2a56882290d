"""Where a records-API request spends its CPU, in process: statements per request and a cProfile.

    python bench/api_profile.py --pg-url postgresql+psycopg://postgres@127.0.0.1:5432/test --pairs 200

The same work as bench/api_bench.py (a clerk files an application, then takes submitted → village_review),
through Starlette's TestClient on one thread, so the figures are the request's own CPU without HTTP or worker
contention. Prints the SQL statements of each kind of request (counted with a ``before_cursor_execute``
listener), CPU ms per request, and the functions with the most cumulative time (``--top``).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).parent))
os.environ.setdefault("ANJU_ENVIRONMENT", "development")

from api_bench import _prepare, _schema_url  # noqa: E402
from harness import DEFAULT_PG, drop_schema  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pg-url", default=os.environ.get("ANJU_BENCH_PG_URL", DEFAULT_PG))
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="postgresql")
    parser.add_argument("--pairs", type=int, default=200)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--statements", action="store_true", help="print each statement of one pair")
    args = parser.parse_args()

    import tempfile

    from fastapi.testclient import TestClient
    from sqlalchemy import event

    from api.app import create_app
    from api.clock import local_today  # the service's filing day (China), not the machine's
    from api.db import make_engine

    tmp = tempfile.TemporaryDirectory()
    schema = None
    if args.db == "sqlite":
        url = f"sqlite:///{Path(tmp.name) / 'profile.db'}"
    else:
        url, schema = _schema_url(args.pg_url)
    try:
        plan = _prepare(url, 1, args.pairs + 5)
        token, households = plan[0]
        engine = make_engine(url)
        statements: list[str] = []

        @event.listens_for(engine, "before_cursor_execute")
        def _count(_conn, _cursor, statement, _params, _context, _many) -> None:  # type: ignore[no-untyped-def]
            statements.append(" ".join(statement.split())[:150])

        client = TestClient(create_app(engine))
        headers = {"Authorization": f"Bearer {token}"}
        survey = {"to": "village_review", "evidence": {"survey_date": local_today().isoformat()}}
        counts: dict[str, Counter[int]] = {"create": Counter(), "transition": Counter()}
        shown: dict[str, list[str]] = {}

        def pair(household_id: int) -> None:
            for kind in ("create", "transition"):
                statements.clear()
                if kind == "create":
                    response = client.post("/api/v1/applications", headers=headers,
                                           json={"household_id": household_id, "reason": "房屋开裂，经初步查看为危房"})
                    created = response.json()
                else:
                    response = client.post(f"/api/v1/applications/{created['id']}/transitions", headers=headers,
                                           json=survey)
                assert response.status_code == 201, response.text
                counts[kind][len(statements)] += 1
                shown.setdefault(kind, list(statements))

        for household_id in households[:5]:   # warm: compiled caches, prepared statements, the token's last use
            pair(household_id)
        for kind in counts:
            counts[kind].clear()
        profiler = cProfile.Profile()
        cpu, wall = time.process_time(), time.perf_counter()
        profiler.enable()
        for household_id in households[5:]:
            pair(household_id)
        profiler.disable()
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        requests = 2 * args.pairs
        print(f"{args.db}: {requests} requests, {1000 * cpu / requests:.2f} ms CPU per request in this process "
              f"(under cProfile), {1000 * wall / requests:.2f} ms wall")
        for kind, counter in counts.items():
            print(f"  {kind:<10} statements per request: {dict(sorted(counter.items()))}")
            if args.statements:
                for statement in shown[kind]:
                    print(f"      {statement}")
        stats = pstats.Stats(profiler).sort_stats("cumulative")
        stats.print_stats(args.top)
        engine.dispose()
    finally:
        if schema:
            drop_schema(args.pg_url, schema)
        tmp.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
