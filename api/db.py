"""Engine, sessions and schema upgrade.

Service functions take a ``Session`` and never commit: the boundary (an API request, a bot update, a job)
opens ``with transaction(engine) as session:`` so one unit of work commits or rolls back whole.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, Engine, MetaData, any_, bindparam, create_engine, event, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from api.settings import get_settings

# Stable constraint names, so Alembic migrations can refer to them on every backend.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    """Foreign keys on, WAL for concurrent readers, and wait rather than fail when another writer holds the lock."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def make_engine(url: str, **kwargs: object) -> Engine:
    """An engine for ``url`` with the per-backend settings the service relies on."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 10}, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20, **kwargs)


@lru_cache(maxsize=1)
def get_engine() -> Engine:
    """The process-wide engine from settings; tests build their own with ``make_engine``."""
    return make_engine(get_settings().resolved_database_url)


@lru_cache(maxsize=8)
def _sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(engine: Engine | None = None) -> Iterator[Session]:
    """One unit of work: commits when the block ends normally, rolls back on any exception."""
    with _sessionmaker(engine or get_engine())() as session, session.begin():
        yield session


def one_of(column: ColumnElement[Any], values: Collection[Any], dialect: str) -> ColumnElement[bool]:
    """``column IN (values)`` whose SQL text does not change with the number of values, on PostgreSQL.

    SQLAlchemy renders an IN list afresh for every length, and psycopg then parses and caches each text anew;
    ``= ANY(array)`` is one statement, compiled, parsed and prepared once. Other backends keep IN.
    """
    if dialect == "postgresql":
        return column == any_(bindparam(None, list(values), type_=ARRAY(column.type)))
    return column.in_(list(values))


def hold_write_lock(session: Session) -> None:
    """On SQLite, take the database's single write lock now rather than at the transaction's first write.

    A transaction that reads first and writes later fails on SQLite when another process commits in between
    (SQLITE_BUSY_SNAPSHOT); one that starts with a write waits for the lock instead and then reads only
    committed data. The statement changes nothing. Other backends lock rows, so this is a no-op there.
    """
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("UPDATE conversations SET id = id WHERE 1 = 0"))


def alembic_config(url: str):  # type: ignore[no-untyped-def]
    """Alembic configuration pointing at our migrations, without an alembic.ini on disk."""
    from alembic.config import Config  # alembic costs 300 ms at start and `anju ask` on a ready database skips it

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest migration; cheap when it is already there."""
    # alembic costs 300 ms to import (python -X importtime) and a ready database never needs it
    from alembic import command
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    config = alembic_config(engine.url.render_as_string(hide_password=False))
    head = ScriptDirectory.from_config(config).get_current_head()
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
    if current == head:
        return
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    logging.getLogger(__name__).info("database schema migrated from %s to %s", current or "empty", head)
