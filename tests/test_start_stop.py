"""Start and stop as an operator does: SIGTERM ends every ``anju serve`` mode cleanly, and two processes may
start together on a fresh database (both prepare it; one migrates and seeds, the other waits)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url

from api.db import make_engine
from api.models import Area, AreaLevel
from api.profiles import load_profiles
from tests.conftest import POSTGRES_URL
from tests.telegram_fake import TOKEN, fake_bot_api

ROOT = Path(__file__).resolve().parent.parent
ANJU = [sys.executable, "-c", "import sys; from bot.cli import main; sys.exit(main())"]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANJU_")}
    return {**env, "ANJU_DATA_DIR": str(tmp_path / "data"), "ANJU_ENVIRONMENT": "development", **extra}


@pytest.mark.parametrize("mode", ["plain", "polling", "webhook"])
def test_sigterm_shuts_every_serve_mode_down_cleanly(tmp_path: Path, mode: str) -> None:
    with fake_bot_api() as fake:
        extra = {}
        if mode != "plain":
            extra = {"ANJU_TELEGRAM_TOKEN": TOKEN, "ANJU_TELEGRAM_BASE_URL": fake.base_url}
        if mode == "webhook":
            extra |= {"ANJU_TELEGRAM_WEBHOOK_URL": "https://anju.example/telegram/webhook",
                      "ANJU_TELEGRAM_SECRET_TOKEN": "s" * 40}
        port = _free_port()
        process = subprocess.Popen([*ANJU, "serve", "--port", str(port)], cwd=ROOT, env=_env(tmp_path, **extra),
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                try:
                    if httpx.get(f"http://127.0.0.1:{port}/openapi.json", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.2)
            else:
                pytest.fail("anju serve did not start")
            process.send_signal(signal.SIGTERM)
            output, _ = process.communicate(timeout=30)
        finally:
            if process.poll() is None:
                process.kill()
    assert process.returncode == 0, output[-2000:]
    assert "Application shutdown complete" in output and "Traceback" not in output
    assert output.rstrip().endswith("安居 Anju stopped")
    if mode == "webhook":
        assert "setWebhook" in fake.methods()


@pytest.fixture
def fresh_database(tmp_path: Path) -> Iterator[dict[str, str]]:
    """Settings for an empty database: a new SQLite file, or a new PostgreSQL database next to the test one."""
    if not POSTGRES_URL:
        yield {"ANJU_DATA_DIR": str(tmp_path / "fresh")}
        return
    name = f"anju_first_start_{uuid.uuid4().hex[:8]}"
    admin = make_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield {"ANJU_DATABASE_URL": make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)}
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.mark.db
def test_two_processes_starting_together_on_a_fresh_database_both_succeed(
        tmp_path: Path, fresh_database: dict[str, str]) -> None:
    env = _env(tmp_path, **fresh_database)
    processes = [subprocess.Popen([*ANJU, "db", "upgrade"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, text=True) for _ in range(3)]
    outputs = [process.communicate(timeout=120)[0] for process in processes]
    assert [process.returncode for process in processes] == [0, 0, 0], "\n".join(outputs)
    url = fresh_database.get("ANJU_DATABASE_URL") or f"sqlite:///{tmp_path / 'fresh' / 'anju.db'}"
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            counties = connection.scalar(select(func.count()).select_from(Area).where(Area.level == AreaLevel.county))
    finally:
        engine.dispose()
    assert counties == len(load_profiles())
