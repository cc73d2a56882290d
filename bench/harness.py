"""What the HTTP benchmarks share: the app under uvicorn on a free loopback port, and PostgreSQL clean-up."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


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
