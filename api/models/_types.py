"""Column helpers shared by the models: timezone-aware timestamps stored the same on every backend."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import DateTime, Enum, TypeDecorator
from sqlalchemy.engine import Dialect


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Always returns aware UTC datetimes, also on SQLite, which stores no offset."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def str_enum(enum_cls: type[enum.StrEnum]) -> Enum:
    """Store an enum by its value (readable in SQL and exports), as a VARCHAR on every backend."""
    return Enum(enum_cls, native_enum=False, length=32, values_callable=lambda e: [m.value for m in e],
                validate_strings=True)
