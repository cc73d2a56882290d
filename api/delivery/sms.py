"""Sending queued SMS after the commit, and what delivery receipts do to the record.

Rows are claimed with ``FOR UPDATE SKIP LOCKED`` (a no-op on SQLite, which has one writer anyway), so any
number of workers can deliver at once and each message is sent by one of them. Caps are the gateway's rules:
a message to a number that already got ``sms_daily_cap_per_number`` today fails as capped, unsent.

A gateway that does not drop a repeated idempotency key (``sender.idempotent`` false) gets each row through
mark-in-flight (its own commit) → call → record, so a crash between leaves one row ``sending``; the delivery
worker sends it again once its lease is over (api/delivery/unkeyed.py): at most one duplicate per crash, none lost.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.selectable import Select

from api.db import one_of, transaction
from api.delivery.channel_users import may_notify
from api.delivery.senders.base import Outgoing, SendError, SmsSender
from api.domain.phone import mask_phone
from api.models._types import utcnow
from api.models.messages import OutboundMessage, OutboundStatus
from api.settings import Settings

log = logging.getLogger(__name__)

CHANNEL = "sms"
MAX_ATTEMPTS = 5
_DONE = (OutboundStatus.sent, OutboundStatus.delivered)


def deliver(engine: Engine, ids: Iterable[int], sender: SmsSender, settings: Settings,
            now: dt.datetime | None = None) -> int:
    """Send the given queued rows; returns how many were sent. Safe to call twice for the same ids."""
    wanted = sorted(set(ids))
    if not wanted:
        return 0
    now = now or utcnow()
    if not (sender.idempotent or sender.records_only):
        return sum(_deliver_in_flight(engine, row_id, sender, settings, now) for row_id in wanted)
    with transaction(engine) as session:
        rows = list(session.scalars(
            select(OutboundMessage)
            .where(OutboundMessage.id.in_(wanted), OutboundMessage.status == OutboundStatus.queued)
            .order_by(OutboundMessage.id).with_for_update(skip_locked=True)))
        return send_rows(session, rows, sender, settings, now)


def _deliver_in_flight(engine: Engine, row_id: int, sender: SmsSender, settings: Settings,
                       now: dt.datetime) -> int:
    """One row to a gateway that ignores the key: marked ``sending`` and committed before the call."""
    with transaction(engine) as session:
        row = session.scalar(select(OutboundMessage)
                             .where(OutboundMessage.id == row_id, OutboundMessage.status == OutboundStatus.queued)
                             .with_for_update(skip_locked=True))
        if row is None:
            return 0
        refused = refusal(session, row, settings, now)
        if refused:
            _fail(row, refused)
            return 0
        row.status, row.attempts, row.sent_at, row.error = OutboundStatus.sending, row.attempts + 1, now, None
        message = Outgoing(row.recipient, row.text, row.idempotency_key)
    try:
        gateway_id, error = sender.send(message), None
    except SendError as exc:
        gateway_id, error = None, exc
    with transaction(engine) as session:
        row = session.get(OutboundMessage, row_id, with_for_update=True)
        if row is None or row.status is not OutboundStatus.sending:
            return 0
        if error is None:
            row.status, row.gateway_message_id, row.error = OutboundStatus.sent, gateway_id, None
            return 1
        row.error = str(error)[:500]
        row.status = OutboundStatus.failed if error.permanent or row.attempts >= MAX_ATTEMPTS \
            else OutboundStatus.queued
        log.warning("SMS to %s failed (attempt %d): %s", mask_phone(row.recipient), row.attempts, error)
        return 0


def refusal(session: Session, row: OutboundMessage, settings: Settings, now: dt.datetime) -> str | None:
    """Why this SMS must not go out now (opted out; the number's daily cap reached), or None."""
    if row.in_reply_to is None and not may_notify(session, CHANNEL, row.recipient):
        return "opted out or stopped"
    if _sent_since(session, row.recipient, local_day_start(now, settings.timezone)) \
            >= settings.sms_daily_cap_per_number:
        log.warning("SMS to %s not sent: daily cap reached", mask_phone(row.recipient))
        return "daily cap per number reached"
    return None


def deliver_due(engine: Engine, sender: SmsSender, settings: Settings, *, older_than_seconds: int = 30,
                limit: int = 100, now: dt.datetime | None = None) -> int:
    """For a periodic job: send what the after-commit step missed (a crash, a gateway outage)."""
    now = now or utcnow()
    with transaction(engine) as session:
        rows = list(session.scalars(
            select(OutboundMessage)
            .where(OutboundMessage.channel == CHANNEL, OutboundMessage.status == OutboundStatus.queued,
                   OutboundMessage.created_at <= now - dt.timedelta(seconds=older_than_seconds),
                   OutboundMessage.attempts < MAX_ATTEMPTS)
            .order_by(OutboundMessage.id).limit(limit).with_for_update(skip_locked=True)))
        return send_rows(session, rows, sender, settings, now)


def send_rows(session: Session, rows: list[OutboundMessage], sender: SmsSender, settings: Settings,
              now: dt.datetime, sent_today: dict[str, int] | None = None) -> int:
    """Send rows the caller holds (claimed, or just queued for a records-only gateway); record outcomes."""
    sent = 0
    day_start = local_day_start(now, settings.timezone)
    counts: dict[str, int] = dict(sent_today or {})
    for row in rows:
        if row.in_reply_to is None and not may_notify(session, CHANNEL, row.recipient):
            _fail(row, "opted out or stopped")
            continue
        if row.recipient not in counts:
            counts[row.recipient] = _sent_since(session, row.recipient, day_start)
        if counts[row.recipient] >= settings.sms_daily_cap_per_number:
            _fail(row, "daily cap per number reached")
            log.warning("SMS to %s not sent: daily cap reached", mask_phone(row.recipient))
            continue
        row.attempts += 1
        try:
            row.gateway_message_id = sender.send(Outgoing(row.recipient, row.text, row.idempotency_key))
        except SendError as exc:
            row.error = str(exc)[:500]
            if exc.permanent or row.attempts >= MAX_ATTEMPTS:
                row.status = OutboundStatus.failed
            log.warning("SMS to %s failed (attempt %d): %s", mask_phone(row.recipient), row.attempts, exc)
            continue
        row.status, row.sent_at, row.error = OutboundStatus.sent, now, None
        counts[row.recipient] += 1
        sent += 1
    return sent


def _fail(row: OutboundMessage, reason: str) -> None:
    row.status, row.error = OutboundStatus.failed, reason


def _sent_since(session: Session, recipient: str, since: dt.datetime) -> int:
    query = sent_counts([recipient], since, session.get_bind().dialect.name)
    return sum(count for _, count in session.execute(query))


def sent_counts(recipients: list[str], since: dt.datetime, dialect: str) -> Select[tuple[str, int]]:
    """(recipient, SMS sent since ``since``) for each recipient with any, in one grouped query."""
    return (select(OutboundMessage.recipient, func.count())
            .where(OutboundMessage.channel == CHANNEL, one_of(OutboundMessage.recipient, recipients, dialect),
                   OutboundMessage.status.in_(_DONE), OutboundMessage.sent_at >= since)
            .group_by(OutboundMessage.recipient))


def local_day_start(now: dt.datetime, timezone: str) -> dt.datetime:
    """Gateways count "per day" in local time; Chinese midnight is 16:00 UTC."""
    local = now.astimezone(ZoneInfo(timezone))
    return local.replace(hour=0, minute=0, second=0, microsecond=0).astimezone(dt.UTC)


# --- delivery receipts ---

_RECEIPT_STATUS = {
    "delivered": OutboundStatus.delivered, "failed": OutboundStatus.failed,
    "undelivered": OutboundStatus.failed, "sent": OutboundStatus.sent,
}


def apply_receipt(session: Session, gateway_message_id: str, status: str, error: str | None = None,
                  now: dt.datetime | None = None) -> bool:
    """Move the message on; delivered is final and recorded once, so a repeated receipt changes nothing.

    Returns False for an unknown id or a status that says nothing new (queued, sending, accepted).
    """
    target = _RECEIPT_STATUS.get(status.strip().lower())
    if target is None:
        return False
    now = now or utcnow()
    row = session.scalar(select(OutboundMessage)
                         .where(OutboundMessage.gateway_message_id == gateway_message_id).with_for_update())
    if row is None or row.status == OutboundStatus.delivered:
        return False
    if target == OutboundStatus.delivered:
        row.status, row.delivered_at, row.error = target, now, None
    elif target == OutboundStatus.failed:
        row.status, row.error = target, (error or "undelivered")[:500]
    elif row.status == OutboundStatus.queued:
        row.status, row.sent_at = target, row.sent_at or now
    else:
        return False
    return True

