"""Delivery over a gateway that drops no repeat (Telegram's Bot API, most SMS gateways): one row in flight at a time.

A gateway that drops our retry by its key takes the keyed path (send while holding the row lock, simply retry
after a crash). Telegram cannot drop a repeat, nor can many SMS gateways, so each row goes through three steps:

1. **claim** (committed): the row becomes ``sending``, ``attempts`` + 1, ``sent_at`` = when the call began;
2. **call** the Bot API, outside any transaction;
3. **record** (committed): ``sent`` with Telegram's message id; or, when the call certainly did not reach
   Telegram (no connection, or Telegram answered with an error status), ``queued`` again for a retry after
   back-off, or ``failed`` when the error is permanent or attempts are used up.

Decision rule for a send that *may* have succeeded — the connection broke or timed out after the request was
written (``UncertainSend``), or the worker died between steps 1 and 3 (a ``sending`` row older than the lease),
or an update's own reply path died after counting an attempt (a queued Telegram row with ``attempts`` > 0, no
error, older than the lease): the row is marked ``failed`` with ``error`` starting "outcome unknown" and is
**not resent**. The guarantee that remains is therefore *at most once* per row: a message can be lost in that
window (one row per worker, the one in flight), never duplicated. A farmer can still ask 查询, and the rows are
listed by their error for an operator to look at. Should the late answer arrive after all, the row is
recorded ``sent``.

That rule is Telegram's (``resend_cut_off`` false). An SMS gateway that ignores our key says ``resend_cut_off``:
a row cut off by a crash goes back to the queue (error "cut off", so it is not taken for one still in flight)
and is sent again — *at least once*, with at most one duplicate per crash, since a worker has one row in flight
at a time. SMS rows also pass the gateway's daily cap per number at the claim (api.delivery.sms).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import ColumnElement, Engine, and_, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from api.db import transaction
from api.delivery.channel_users import channel_user, may_notify
from api.delivery.claims import UNKNOWN, WorkerConfig, claimable, take_write_lock
from api.delivery.digest import settle
from api.delivery.senders.base import Outgoing, SendError
from api.delivery.senders.telegram import BLOCKED, UncertainSend
from api.delivery.sms import CHANNEL as SMS
from api.delivery.sms import refusal
from api.models.messages import OutboundMessage, OutboundStatus
from api.settings import Settings

log = logging.getLogger(__name__)

RECORD_TRIES = 3
CUT_OFF = "cut off mid-call by a crash; sent again"


class Sender(Protocol):
    def send(self, message: Outgoing) -> str | None: ...


class Limiter(Protocol):
    def wait(self, channel: str) -> None: ...


@dataclass(frozen=True)
class Claimed:
    id: int
    channel: str
    recipient: str
    text: str
    key: str


def _attempt_without_outcome() -> ColumnElement[bool]:
    """An attempt was counted and nothing recorded after it: the sender may have died mid-call."""
    return and_(OutboundMessage.attempts > 0, OutboundMessage.error.is_(None))


def expire_uncertain(session: Session, channels: list[str], now: dt.datetime, config: WorkerConfig,
                     resend: Collection[str] = ()) -> int:
    """Apply the decision rule to calls that were cut off: failed, "outcome unknown", not resent — or, on a
    ``resend`` channel, queued again (failed once its attempts are used up)."""
    cutoff = now - config.lease
    in_flight = select(OutboundMessage).where(
        OutboundMessage.channel.in_(channels), OutboundMessage.status == OutboundStatus.sending,
        OutboundMessage.sent_at < cutoff)
    counted_no_outcome = select(OutboundMessage).where(
        OutboundMessage.channel.in_(channels), OutboundMessage.status == OutboundStatus.queued,
        _attempt_without_outcome(), OutboundMessage.created_at < cutoff)
    count = 0
    for query in (in_flight, counted_no_outcome):
        for row in session.scalars(query.with_for_update(skip_locked=True)):
            if row.channel in resend and row.attempts < config.max_attempts:
                row.status, row.sent_at, row.error = OutboundStatus.queued, None, CUT_OFF
                log.warning("%s message %d: %s", row.channel, row.id, row.error)
                count += 1
                continue
            row.status, row.error = OutboundStatus.failed, f"{UNKNOWN}: the call was cut off; not resent"
            settle(session, row, now)
            log.warning("%s message %d: %s", row.channel, row.id, row.error)
            count += 1
    return count


def expire(engine: Engine, channels: list[str], now: dt.datetime, config: WorkerConfig,
           resend: Collection[str] = ()) -> int:
    """``expire_uncertain`` in its own unit of work: once per batch, not per message."""
    with transaction(engine) as session:
        take_write_lock(session)
        return expire_uncertain(session, channels, now, config, resend)


def send_next(engine: Engine, channels: list[str], senders: Mapping[str, Sender], now: dt.datetime,
              config: WorkerConfig, quiet: bool, limiter: Limiter, settings: Settings | None = None) -> int | None:
    """Claim, send and record one row; None when nothing is claimable, else how many were sent (0 or 1).
    ``settings`` give the SMS gateway's daily cap; without them SMS rows are not taken."""
    claimed = _claim(engine, channels if settings else [c for c in channels if c != SMS], now, config, quiet,
                     settings)
    if claimed is None:
        return None
    if isinstance(claimed, int):
        return 0                                     # a notification to someone who opted out: failed, unsent
    limiter.wait(claimed.channel)
    try:
        message_id, error = senders[claimed.channel].send(Outgoing(claimed.recipient, claimed.text, claimed.key)), None
    except SendError as exc:
        message_id, error = None, exc
    for tries_left in range(RECORD_TRIES - 1, -1, -1):
        try:
            return _record(engine, claimed, message_id, error, now, config)
        except OperationalError:
            # SQLite: another worker holds the write lock longer than the busy timeout. Try again rather than
            # leave a sent message to be declared "outcome unknown" when its lease runs out.
            if engine.dialect.name != "sqlite" or not tries_left:
                raise
    return 0


def _claim(engine: Engine, channels: list[str], now: dt.datetime, config: WorkerConfig,
           quiet: bool, settings: Settings | None) -> Claimed | int | None:
    with transaction(engine) as session:
        take_write_lock(session)
        row = session.scalar(select(OutboundMessage)
                             .where(*claimable(channels, now, config, quiet), ~_attempt_without_outcome())
                             .order_by(OutboundMessage.id).limit(1).with_for_update(skip_locked=True))
        if row is None:
            return None
        refused = refusal(session, row, settings, now) if row.channel == SMS and settings else None
        if refused is None and row.in_reply_to is None and not may_notify(session, row.channel, row.recipient):
            refused = "opted out or stopped"
        if refused:
            row.status, row.error = OutboundStatus.failed, refused
            settle(session, row, now)
            return row.id
        row.status, row.attempts, row.sent_at, row.error = OutboundStatus.sending, row.attempts + 1, now, None
        return Claimed(row.id, row.channel, row.recipient, row.text, row.idempotency_key)


def _record(engine: Engine, claimed: Claimed, message_id: str | None, error: SendError | None,
            now: dt.datetime, config: WorkerConfig) -> int:
    with transaction(engine) as session:
        row = session.get(OutboundMessage, claimed.id, with_for_update=True)
        if row is None or row.status in (OutboundStatus.sent, OutboundStatus.delivered):
            return 0
        if error is None:                             # also after expiry: a late success is still the truth
            row.status, row.sent_at, row.gateway_message_id, row.error = (
                OutboundStatus.sent, now, message_id, None)
            settle(session, row, now)
            return 1
        if row.status is not OutboundStatus.sending:  # expired meanwhile: the decision is already taken
            return 0
        if isinstance(error, UncertainSend):
            row.status, row.error = OutboundStatus.failed, f"{UNKNOWN}: {error}"[:500]
            log.warning("%s message %d: %s", row.channel, row.id, row.error)
        else:
            failed = error.permanent or row.attempts >= config.max_attempts
            row.status = OutboundStatus.failed if failed else OutboundStatus.queued
            row.sent_at, row.error = None, str(error)[:500]
            if str(error) == BLOCKED:
                channel_user(session, row.channel, row.recipient).stopped = True
        settle(session, row, now)
        return 0
