"""Per-sender flood limit, counted from the database so every worker process sees the same count.

A sender over the limit gets one polite "slow down" reply per window and nothing else; their messages are not
handed to the dialog, so a stuck phone or a prank cannot fill the outbox.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.selectable import Select

from api.db import one_of
from api.delivery.channel_users import channel_user
from api.models.conversations import InboundMessage


@dataclass(frozen=True)
class FloodVerdict:
    allowed: bool
    notify: bool = False   # send the one "slow down" notice for this window


def recent_counts(channel: str, senders: list[str], since: dt.datetime, dialect: str) -> Select[tuple[str, int]]:
    """(sender, messages since ``since``) for each sender with any, in one grouped query."""
    return (select(InboundMessage.sender, func.count())
            .where(InboundMessage.channel == channel, one_of(InboundMessage.sender, senders, dialect),
                   InboundMessage.received_at >= since)
            .group_by(InboundMessage.sender))


def check_flood(session: Session, channel: str, sender: str, now: dt.datetime, *, limit: int,
                window_seconds: int, count: int | None = None) -> FloodVerdict:
    """Allowed while fewer than ``limit`` messages arrived from this sender within the window.

    ``count`` is that number when the caller already read it in the transaction (see ``recent_counts``).
    """
    since = now - dt.timedelta(seconds=window_seconds)
    if count is None:
        query = recent_counts(channel, [sender], since, session.get_bind().dialect.name)
        count = sum(n for _, n in session.execute(query))
    if (count or 0) < limit:
        return FloodVerdict(allowed=True)
    user = channel_user(session, channel, sender)
    if user.throttle_notice_at is not None and user.throttle_notice_at >= since:
        return FloodVerdict(allowed=False)
    user.throttle_notice_at = now
    return FloodVerdict(allowed=False, notify=True)
