"""What the HTTP benchmarks share: the app under uvicorn on a free loopback port, and PostgreSQL clean-up."""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

ROOT = Path(__file__).resolve().parent.parent
T = TypeVar("T")


def server_app():  # type: ignore[no-untyped-def]
    """uvicorn's factory in each worker process: the real app on the database the parent prepared."""
    from api.app import create_app
    from api.db import make_engine

    return create_app(make_engine(os.environ["ANJU_DATABASE_URL"]))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def drop_schema(pg_url: str, schema: str) -> None:
    from sqlalchemy import text

    from api.db import make_engine

    admin = make_engine(pg_url)
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
    admin.dispose()


def start_server(url: str, port: int, workers: int, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    """uvicorn with ``workers`` processes on 127.0.0.1:``port``; returns once it accepts connections."""
    full_env = {**os.environ, "ANJU_DATABASE_URL": url, "ANJU_ENVIRONMENT": "development", "PYTHONPATH": str(ROOT),
                **(env or {})}
    full_env.pop("ANJU_TELEGRAM_TOKEN", None)
    command = [sys.executable, "-m", "uvicorn", "--factory", "harness:server_app",
               "--app-dir", str(Path(__file__).parent), "--host", "127.0.0.1", "--port", str(port),
               "--workers", str(workers), "--log-level", "warning", "--no-access-log"]
    process = subprocess.Popen(command, env=full_env, cwd=ROOT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("the server exited during start-up")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("the server did not start within 60 s")


def process_tree_cpu(root_pid: int) -> float:
    """User + system CPU of a process and its children, from /proc (Linux), so figures survive a busy machine."""
    tick = os.sysconf("SC_CLK_TCK")
    pids = [root_pid]
    try:
        children = Path(f"/proc/{root_pid}/task/{root_pid}/children").read_text().split()
        pids += [int(c) for c in children]
    except OSError:
        return float("nan")
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


def wait_until_idle(root_pid: int, timeout: float = 60.0) -> None:
    """Until the server's processes stop using CPU: uvicorn accepts on the shared socket while some workers
    still import, and their start-up must not count as the cost of the messages measured next."""
    deadline = time.monotonic() + timeout
    before = process_tree_cpu(root_pid)
    while time.monotonic() < deadline:
        time.sleep(0.5)
        now = process_tree_cpu(root_pid)
        if now - before < 0.05:
            return
        before = now


def in_threads(count: int, work: Callable[[], T]) -> tuple[float, list[T]]:
    """``work`` run by ``count`` threads at once (delivery workers sharing one process): the wall seconds
    until the last one finished, and each thread's result."""
    results: list[T] = []
    threads = [threading.Thread(target=lambda: results.append(work())) for _ in range(count)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - start, results


DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def database_arguments(parser: argparse.ArgumentParser) -> None:
    """--db, --pg-url and --workers, the same for every benchmark that starts the service."""
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--pg-url", default=os.environ.get("ANJU_BENCH_PG_URL", DEFAULT_PG))
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")


def each_database(args: argparse.Namespace, run: Callable[[str, argparse.Namespace], object]) -> int:
    """Run the benchmark on SQLite, then PostgreSQL (or the one asked for)."""
    for db in (["sqlite", "postgresql"] if args.db == "both" else [args.db]):
        run(db, args)
    return 0
