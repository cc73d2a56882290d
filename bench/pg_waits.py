"""Sample who waits on whom in PostgreSQL while a benchmark runs (issue 13): lock waiters, and the state of the
backend blocking them (running, in its COMMIT's WAL flush, or idle in transaction waiting for its client).

    python bench/pg_waits.py --seconds 10 --db anju_perf      # while bench/api_bench.py runs beside it

A backend "idle in transaction" while others wait on it holds a lock while its Python thread has not yet sent
the next statement: time a lock is held for nothing but the client.
"""

from __future__ import annotations

import argparse
import collections
import time

import psycopg

QUERY = """SELECT a.pid, a.state, a.wait_event_type, a.wait_event, left(a.query, 60), pg_blocking_pids(a.pid)
           FROM pg_stat_activity a WHERE a.datname = %s AND a.pid <> pg_backend_pid() AND a.backend_type =
           'client backend'"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--db", default="anju_perf")
    parser.add_argument("--dsn", default="postgresql://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    samples = waiters = blocked = 0
    holders: collections.Counter[str] = collections.Counter()
    with psycopg.connect(args.dsn, autocommit=True) as conn:
        end = time.monotonic() + args.seconds
        while time.monotonic() < end:
            rows = conn.execute(QUERY, (args.db,)).fetchall()
            by_pid = {r[0]: r for r in rows}
            waiting = [r for r in rows if r[2] == "Lock"]
            samples, waiters = samples + 1, waiters + len(waiting)
            # the head of each queue: a blocker that is not itself waiting on a lock
            roots = {p for r in waiting for p in r[5] if p in by_pid and by_pid[p][2] != "Lock"}
            blocked += bool(waiting)
            for pid in roots:
                h = by_pid[pid]
                holders[f"{h[1]} {h[2]}:{h[3]} {h[4]}"] += 1
            time.sleep(0.02)
    print(
        f"{samples} samples; {waiters / samples:.2f} backends waiting on a lock on average; "
        f"someone waiting in {100 * blocked / samples:.0f} % of the samples"
    )
    for what, n in holders.most_common(8):
        print(f"  holder {100 * n / samples:5.1f} % of samples: {what}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
