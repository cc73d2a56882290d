"""The append-only, keyed hash chain of the audit log, its signed head, and the number counters."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from api.db import Base
from api.models._types import UTCDateTime, utcnow


class AuditEntry(Base):
    """``hash`` covers this entry's fields and ``prev_hash``, so changing or deleting any entry breaks the chain.

    ``scheme`` says how ``hash`` was made: ``sha256`` (entries written before the chain was keyed) or
    ``hmac-sha256:<key id>``. ``area_id``/``county_code`` say whose area the entry belongs to, for reading it
    within a supervisor's scope.
    """

    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(128), index=True)
    action: Mapped[str] = mapped_column(String(64))
    entity: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[str] = mapped_column(String(64), index=True)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)
    scheme: Mapped[str] = mapped_column(String(32), default="sha256")
    area_id: Mapped[int | None] = mapped_column(Integer, index=True)
    county_code: Mapped[str | None] = mapped_column(String(6), index=True)


class AuditHead(Base):
    """The newest entry of the chain, signed with the audit key: deleting the newest entries, or recomputing the
    chain, no longer matches it. Kept apart from ``audit_entries`` and updated in the same transaction."""

    __tablename__ = "audit_heads"

    chain: Mapped[str] = mapped_column(String(16), primary_key=True)
    last_id: Mapped[int] = mapped_column(Integer)
    last_hash: Mapped[str] = mapped_column(String(64))
    mac: Mapped[str] = mapped_column(String(64))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class NumberSeries(Base):
    """The last number handed out per series (``140621-2026-``): one row updated per allocation."""

    __tablename__ = "number_series"

    head: Mapped[str] = mapped_column(String(32), primary_key=True)
    last: Mapped[int] = mapped_column(Integer)
