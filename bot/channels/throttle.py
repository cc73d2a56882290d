"""Per-sender flood limit, counted from the database so every worker process sees the same count.

A sender over the limit gets one polite "slow down" reply per window and nothing else; their messages are not
handed to the dialog, so a stuck phone or a prank cannot fill the outbox.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.models.conversations import InboundMessage
from bot.channels.users import channel_user


@dataclass(frozen=True)
class FloodVerdict:
    allowed: bool
    notify: bool = False   # send the one "slow down" notice for this window


def check_flood(session: Session, channel: str, sender: str, now: dt.datetime, *, limit: int,
                window_seconds: int) -> FloodVerdict:
    """Allowed while fewer than ``limit`` messages arrived from this sender within the window."""
    since = now - dt.timedelta(seconds=window_seconds)
    count = session.scalar(select(func.count()).select_from(InboundMessage).where(
        InboundMessage.channel == channel, InboundMessage.sender == sender,
        InboundMessage.received_at >= since))
    if (count or 0) < limit:
        return FloodVerdict(allowed=True)
    user = channel_user(session, channel, sender)
    if user.throttle_notice_at is not None and user.throttle_notice_at >= since:
        return FloodVerdict(allowed=False)
    user.throttle_notice_at = now
    return FloodVerdict(allowed=False, notify=True)
