"""Human-readable numbers (``140621-2026-00012``) per county and year: unique, gap-free, under concurrency.

Each series (county, year and kind) has one row in ``number_series`` holding the last number handed out.
Taking a number is one statement, ``UPDATE … SET last = last + 1 … RETURNING last``, in the caller's
transaction: concurrent requests queue on that row only from this statement to their commit (an advisory lock
taken before reading ``max(number)`` used to be held across the whole request), and a transaction that rolls
back gives its number back with it, so the numbers stay gap-free. A series' first number inserts the row,
starting after the highest number already filed under it (for data from before the counter existed).
The column's unique constraint stays the last guarantee.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import InstrumentedAttribute, Session

from api.db import hold_write_lock
from api.models import AuditEntry, NumberSeries
from api.services import audit

T = TypeVar("T")
DIGITS = 5


def prefix(county_code: str, year: int, kind: str = "") -> str:
    """``140621-2026-`` for applications, ``YY-140621-2026-`` for objections (``kind='YY'``)."""
    return f"{kind + '-' if kind else ''}{county_code}-{year}-"


def next_serial(session: Session, column: InstrumentedAttribute[str], head: str) -> int:
    """Take the next serial of the series ``head``; the row stays locked until the transaction ends."""
    bump = (update(NumberSeries).where(NumberSeries.head == head).values(last=NumberSeries.last + 1)
            .returning(NumberSeries.last))
    serial = session.scalar(bump)
    if serial is not None:
        return serial
    hold_write_lock(session)
    highest = session.scalar(select(func.max(column)).where(column.like(f"{head}%")))
    start = int(highest[len(head):]) + 1 if highest else 1
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    # Two first allocations race on the primary key: the later one waits, then counts on from the earlier.
    upsert = insert(NumberSeries).values(head=head, last=start)
    upsert = upsert.on_conflict_do_update(index_elements=[NumberSeries.head],
                                          set_={"last": NumberSeries.last + 1}).returning(NumberSeries.last)
    return int(session.scalar(upsert))  # type: ignore[arg-type]


def insert_numbered(session: Session, column: InstrumentedAttribute[str], head: str,
                    build: Callable[[str], T]) -> T:
    """Insert the row ``build(number)`` with the series' next number."""
    row = build(f"{head}{next_serial(session, column, head):0{DIGITS}d}")
    session.add(row)
    session.flush()
    return row


def placeholder() -> str:
    """A unique stand-in for a number taken at commit; never matches a series (``next_serial``'s LIKE)."""
    return f"~{uuid.uuid4().hex[:31]}"   # 32 characters, the column's width


def number_at_commit(session: Session, row: Any, column: InstrumentedAttribute[str], head: str,
                     entry: AuditEntry) -> None:
    """Give ``row`` (written with a ``placeholder``) the series' next number when the transaction commits,
    once the audit chain's head is held (``audit.under_head``), and put it in the staged ``entry`` too.

    The counter row is then locked only for the commit's last statements, and never while its holder waits
    for the head: on PostgreSQL a filing used to hold the county's counter from its number to its COMMIT,
    and the other filings of the county queued behind it (issue 13). Gap-free as before: the number is taken
    in the transaction that uses it.
    """
    def settle() -> None:
        number = f"{head}{next_serial(session, column, head):0{DIGITS}d}"
        setattr(row, column.key, number)
        entry.after = {**(entry.after or {}), column.key: number}
        session.flush()

    audit.under_head(session, settle)
