"""Which outbox rows a delivery worker may take now, shared by the keyed (SMS) and unkeyed (Telegram) paths.

A row is claimable when it is queued, its back-off has passed, it is not carried by a digest, and — during quiet
hours — it answers an inbound message. Limits come from Settings (``ANJU_QUIET_HOURS_*``, ``ANJU_*_RATE_PER_SECOND``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, and_, or_
from sqlalchemy.orm import Session

from api.db import hold_write_lock
from api.models.messages import OutboundMessage, OutboundStatus
from api.settings import Settings

DIGEST_MARK = "digest:"   # a member row's gateway_message_id while a digest carries it
UNKNOWN = "outcome unknown"   # the error of a row whose send may have succeeded (api/delivery/unkeyed.py)


@dataclass(frozen=True)
class WorkerConfig:
    """Operational limits, not policy: quiet hours are local (the settings' timezone)."""

    quiet_start: dt.time = dt.time(21, 0)
    quiet_end: dt.time = dt.time(8, 0)
    rate_per_second: Mapping[str, float] = field(default_factory=lambda: {"sms": 20.0, "telegram": 25.0})
    batch: int = 20
    max_attempts: int = 5
    backoff: dt.timedelta = dt.timedelta(seconds=30)   # then 2×, 4×, … after each failed attempt
    # A Telegram call still without an outcome after this was cut off (worker killed): longer than any timeout.
    lease: dt.timedelta = dt.timedelta(seconds=60)
    # A reply this young is left to the request that queued it (SMS: delivery.deliver after the commit;
    # Telegram: api/delivery/telegram.py); after it, the worker retries what that step missed.
    reply_grace: dt.timedelta = dt.timedelta(seconds=30)

    @classmethod
    def from_settings(cls, settings: Settings, **overrides: Any) -> WorkerConfig:
        values: dict[str, Any] = {
            "quiet_start": settings.quiet_hours_start, "quiet_end": settings.quiet_hours_end,
            "rate_per_second": {"sms": settings.sms_rate_per_second,
                                "telegram": settings.telegram_rate_per_second}}
        return cls(**{**values, **overrides})


def due(now: dt.datetime, config: WorkerConfig) -> ColumnElement[bool]:
    """Rows whose back-off has passed: attempt k waits (2**k - 1) × backoff after the row was created."""
    return or_(*(and_(OutboundMessage.attempts == k,
                      OutboundMessage.created_at <= now - config.backoff * (2 ** k - 1))
                 for k in range(config.max_attempts)))


def not_carried() -> ColumnElement[bool]:
    """Not a member waiting for its digest (which sends it, or releases it if the digest fails)."""
    return or_(OutboundMessage.gateway_message_id.is_(None),
               ~OutboundMessage.gateway_message_id.startswith(DIGEST_MARK))


def young_reply(now: dt.datetime, config: WorkerConfig) -> ColumnElement[bool]:
    """A reply the request that queued it is still sending (after its commit): the worker keeps off it, so
    the two never both send it — on SQLite, which has no row locks, nothing else would stop them."""
    return and_(OutboundMessage.in_reply_to.is_not(None), OutboundMessage.created_at > now - config.reply_grace)


def claimable(channels: list[str], now: dt.datetime, config: WorkerConfig,
              quiet: bool) -> list[ColumnElement[bool]]:
    conditions = [OutboundMessage.status == OutboundStatus.queued, OutboundMessage.channel.in_(channels),
                  due(now, config), not_carried(), ~young_reply(now, config)]
    if quiet:
        conditions.append(OutboundMessage.in_reply_to.is_not(None))
    return conditions


def take_write_lock(session: Session) -> None:
    """SQLite has no row locks: take the database's write lock first (a write that matches nothing), so a second
    worker waits here instead of reading the same rows as still queued. No-op elsewhere."""
    hold_write_lock(session)
