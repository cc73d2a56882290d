"""Many rows in one statement whose text never changes: the inbound hot path's inserts and upserts.

On PostgreSQL a batch is ``INSERT … SELECT … FROM json_to_recordset(:rows)``: a short statement that psycopg
parses once and the server prepares once, however many rows it carries. (An executemany is one statement per
row; SQLAlchemy's multi-row VALUES is a new, long text for every batch size, which psycopg re-parses in Python
each time.) SQLite runs in-process, where a plain executemany is already the cheapest.
"""

from __future__ import annotations

import datetime as dt
import enum
import json
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

from sqlalchemy import JSON, Boolean, Connection, DateTime, Integer, String, Table, text
from sqlalchemy.dialects.sqlite import insert as sqlite_insert


def insert_rows(connection: Connection, table: Table, rows: Sequence[Mapping[str, Any]], *,
                conflict: tuple[str, ...] = (), update: tuple[str, ...] = ()) -> None:
    """Insert ``rows`` (all with the same keys); with ``conflict`` columns, rows that exist are left alone,
    or get the ``update`` columns from the new row (an upsert)."""
    if not rows:
        return
    columns = tuple(rows[0])
    if connection.dialect.name == "postgresql":
        statement = _recordset_statement(table, columns, conflict, update)
        payload = json.dumps([{name: _plain(row[name]) for name in columns} for row in rows],
                             ensure_ascii=False, default=_json_default)
        connection.execute(statement, {"rows": payload})
        return
    insert = sqlite_insert(table)
    if conflict and update:
        statement = insert.on_conflict_do_update(index_elements=list(conflict),
                                                 set_={name: insert.excluded[name] for name in update})
    elif conflict:
        statement = insert.on_conflict_do_nothing(index_elements=list(conflict))
    else:
        statement = insert
    connection.execute(statement, list(rows))


@lru_cache(maxsize=64)
def _recordset_statement(table: Table, columns: tuple[str, ...], conflict: tuple[str, ...],
                         update: tuple[str, ...]) -> Any:
    """``INSERT … SELECT … FROM json_to_recordset(:rows)``: the rows travel as one JSON document, which
    Python's C encoder writes and PostgreSQL's C parser reads (an array parameter per column would be escaped
    element by element in Python)."""
    names = ", ".join(columns)
    shape = ", ".join(f"{name} {_sql_type(table, name)}" for name in columns)
    sql = f"INSERT INTO {table.name} ({names}) SELECT {names} FROM json_to_recordset(CAST(:rows AS json)) AS u({shape})"
    if conflict:
        sql += f" ON CONFLICT ({', '.join(conflict)}) "
        sql += ("DO UPDATE SET " + ", ".join(f"{name} = EXCLUDED.{name}" for name in update)) if update \
            else "DO NOTHING"
    return text(sql)


def _sql_type(table: Table, name: str) -> str:
    kind = table.c[name].type
    impl = getattr(kind, "impl", kind)
    if isinstance(kind, JSON):
        return "json"
    if isinstance(impl, Boolean):
        return "boolean"
    if isinstance(impl, Integer):
        return "bigint"
    if isinstance(impl, DateTime):
        return "timestamptz"
    if isinstance(impl, String):   # Text and the string-stored enums too
        return "text"
    raise TypeError(f"{table.name}.{name}: no SQL type for {kind!r}")


def _json_default(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    raise TypeError(f"cannot send {type(value).__name__} in a bulk insert")


def _plain(value: Any) -> Any:
    """An enum as its value, as the column stores it."""
    return value.value if isinstance(value, enum.Enum) else value
