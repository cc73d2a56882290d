"""Human-readable numbers (``140621-2026-00012``) per county and year, unique under concurrency.

The next number is the highest of the county and year plus one. On PostgreSQL a transaction-scoped advisory
lock per series makes concurrent requests take turns (without it, under READ COMMITTED each retry waits for the
other transaction and then sees the same highest number again, and 16 concurrent clerks exhausted the retries).
Everywhere, the column's unique constraint stays the guarantee: a clash fails inside a savepoint and is retried
with a fresh look at the highest number.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import InstrumentedAttribute, Session

from api.domain.errors import Conflict

T = TypeVar("T")
ATTEMPTS = 8
DIGITS = 5


def prefix(county_code: str, year: int, kind: str = "") -> str:
    """``140621-2026-`` for applications, ``YY-140621-2026-`` for objections (``kind='YY'``)."""
    return f"{kind + '-' if kind else ''}{county_code}-{year}-"


def next_number(session: Session, column: InstrumentedAttribute[str], head: str) -> str:
    """The next free number under ``head``; zero-padded so text order is numeric order."""
    highest = session.scalar(select(func.max(column)).where(column.like(f"{head}%")))
    serial = int(highest[len(head):]) + 1 if highest else 1
    return f"{head}{serial:0{DIGITS}d}"


def insert_numbered(session: Session, column: InstrumentedAttribute[str], head: str,
                    build: Callable[[str], T]) -> T:
    """Insert the row ``build(number)`` with the next number, retrying when a concurrent request took it."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:head))"), {"head": head})
    for _ in range(ATTEMPTS):
        number = next_number(session, column, head)
        row = build(number)
        try:
            with session.begin_nested():
                session.add(row)
                session.flush()
        except IntegrityError:
            if session.scalar(select(func.count()).where(column == number)):
                continue  # taken by a concurrent request: look again
            raise
        return row
    raise Conflict(f"编号分配繁忙，请重试 / could not allocate a number under {head}, retry", field="number")
