"""Shared fixtures: a real database per test (SQLite file by default, PostgreSQL when ANJU_DATABASE_URL is set).

Any test that uses ``engine`` (directly or through ``session``/``client``) is marked ``db`` so CI can run exactly
those again on PostgreSQL.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

import api.models  # noqa: F401
from api.bootstrap import seed_counties
from api.db import Base, make_engine, transaction

POSTGRES_URL = os.environ.get("ANJU_DATABASE_URL", "")
# Development mode for the whole run, module- and session-scoped fixtures included (public development keys for
# the audit chain and the complainant hash); tests of production mode set ANJU_ENVIRONMENT with monkeypatch.
os.environ["ANJU_ENVIRONMENT"] = "development"
DB_FIXTURES = {"engine", "session", "client", "template_db"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if DB_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.db)
        if item.nodeid.split("::", 1)[0].rsplit("/", 1)[-1].removesuffix(".py") in DATE_SENSITIVE:
            item.add_marker(pytest.mark.clock)


@pytest.fixture(autouse=True)
def _isolated_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each test gets its own data directory, and cached settings/engines never leak between tests."""
    from api.db import get_engine
    from api.settings import get_settings

    monkeypatch.setenv("ANJU_DATA_DIR", str(tmp_path / "data"))
    # Tests run in development mode on either database (public development keys for the audit chain and the
    # complainant hash); the tests of production mode set ANJU_ENVIRONMENT themselves.
    monkeypatch.setenv("ANJU_ENVIRONMENT", "development")
    if not POSTGRES_URL:
        monkeypatch.delenv("ANJU_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    get_engine.cache_clear()
    yield
    get_settings.cache_clear()
    get_engine.cache_clear()


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The schema built once per run: a SQLite file to copy, or the PostgreSQL database itself."""
    if POSTGRES_URL:
        engine = make_engine(POSTGRES_URL)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        Base.metadata.create_all(engine)
        engine.dispose()
        return POSTGRES_URL
    path = tmp_path_factory.mktemp("template") / "anju.db"
    engine = make_engine(f"sqlite:///{path}")
    Base.metadata.create_all(engine)
    engine.dispose()
    return str(path)


@pytest.fixture
def engine(template_db: str, tmp_path: Path) -> Iterator[Engine]:
    """A fresh database with the schema and the five counties; emptied again afterwards on PostgreSQL."""
    if POSTGRES_URL:
        eng = make_engine(POSTGRES_URL)
        _truncate(eng)
    else:
        path = tmp_path / "test.db"
        shutil.copyfile(template_db, path)
        eng = make_engine(f"sqlite:///{path}")
    seed_counties(eng)
    yield eng
    if POSTGRES_URL:
        _truncate(eng)
    eng.dispose()


def _truncate(eng: Engine) -> None:
    names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with eng.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session inside one transaction, committed at the end of the test like a real unit of work."""
    with transaction(engine) as s:
        yield s


# --- clocks: CI runs the date-sensitive tests again a year ahead (ANJU_TEST_SHIFT_DAYS=365 pytest -m clock) ---

SHIFT_DAYS = int(os.environ.get("ANJU_TEST_SHIFT_DAYS") or 0)
# Modules whose outcome depends on today's date (deadlines, windows, caps per day, ages, working days, expiry).
# Not the delivery crash tests: their worker runs in a child process, on the machine's clock.
DATE_SENSITIVE = {
    "test_api_applications", "test_api_complaints", "test_api_publicity", "test_applications", "test_complaints",
    "test_complaint_flow", "test_deadlines", "test_idcard",
    "test_notifications", "test_objection_flow", "test_objections", "test_open311", "test_publicity",
    "test_screening_engine", "test_screening_flow", "test_sms_channel", "test_staff_reminders", "test_stats",
    "test_tokens", "test_workdays", "test_workflow",
}


@pytest.fixture(autouse=True)
def _shifted_clock() -> Iterator[None]:
    """With ANJU_TEST_SHIFT_DAYS=N every test runs N days ahead, the clock still ticking: a date baked into a
    test or the code, or a calendar that runs out, shows a year before the calendar gets there."""
    if not SHIFT_DAYS:
        yield
        return
    import datetime as dt

    import time_machine

    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(days=SHIFT_DAYS), tick=True):
        yield


@pytest.fixture
def villages(engine: Engine) -> None:
    """山阴县: 岱岳镇 东村, 西村; 马营庄乡 南村 (test_households.build_world), for the conversation tests."""
    from test_households import build_world

    with transaction(engine) as s:
        build_world(s)
