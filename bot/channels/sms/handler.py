"""One gateway callback, start to finish inside one unit of work: dedup id → dialog → replies queued.

Delivery happens after the commit (``delivery.deliver``), so a crash in between leaves queued rows for the
periodic job instead of a sent message with no record, or a record of a message never sent. A records-only
gateway (console) sends nothing, so its rows are logged and marked sent in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.db import transaction
from api.models._types import utcnow
from api.models.messages import ChannelUser, OutboundMessage
from api.settings import Settings
from bot.channels.inbox import first_delivery, receive, with_lock_retries
from bot.channels.sms.delivery import local_day_start, send_rows, sent_count
from bot.channels.sms.inbound import SmsIn, message_id_for, to_inbound
from bot.channels.sms.outbox import (
    CONTINUE_WORD,
    keep_pending,
    language_of,
    queue_replies,
    queue_texts,
    take_pending,
)
from bot.channels.sms.phone import mask
from bot.channels.sms.senders import SmsSender
from bot.channels.throttle import recent_count
from bot.channels.users import channel_user, find_user
from bot.engine.normalize import normalize, token
from bot.engine.types import Inbound

log = logging.getLogger(__name__)

CHANNEL = "sms"


def handle_sms(engine: Engine, sms: SmsIn, settings: Settings, now: dt.datetime | None = None,
               sender: SmsSender | None = None) -> list[int]:
    """The ids of the outbox rows still to deliver; [] for a duplicate (a gateway retry has one effect)."""
    now = now or utcnow()
    return with_lock_retries(lambda: _unit_of_work(engine, sms, settings, now, sender))


def _unit_of_work(engine: Engine, sms: SmsIn, settings: Settings, now: dt.datetime,
                  sender: SmsSender | None) -> list[int]:
    try:
        with transaction(engine) as session:
            message_id = message_id_for(session, sms, now, settings.sms_dedup_window_seconds)
            first = _first_read(session, sms.sender, settings, now)
            rows = _handle(session, to_inbound(sms, message_id), settings, now, first)
            if sender is not None and sender.records_only:
                with session.no_autoflush:   # insert the rows already marked sent: one statement each
                    send_rows(session, rows, sender, settings, now, {sms.sender: first.sent_today})
                session.flush()
                return []
            session.flush()
            return [row.id for row in rows]
    except IntegrityError:
        # The same message committed by a concurrent request first, or queued before: that one answers it.
        log.info("duplicate SMS from %s dropped", mask(sms.sender))
        return []


@dataclass(frozen=True)
class _FirstRead:
    pending: bool      # the rest of a cut reply waits for "0"
    recent: int        # messages from the sender within the flood window
    sent_today: int    # SMS sent to the sender today (the gateway's daily cap)


def _first_read(session: Session, sender: str, settings: Settings, now: dt.datetime) -> _FirstRead:
    """What the channel needs to know before the dialog, in one statement instead of three."""
    pending = select(ChannelUser.pending_sms.is_not(None)).where(
        ChannelUser.channel == CHANNEL, ChannelUser.sender == sender).scalar_subquery()
    since = now - dt.timedelta(seconds=settings.flood_window_seconds)
    row = session.execute(select(pending, recent_count(CHANNEL, sender, since),
                                 sent_count(sender, local_day_start(now, settings.timezone)))).one()
    return _FirstRead(bool(row[0]), int(row[1] or 0), int(row[2] or 0))


def _handle(session: Session, inbound: Inbound, settings: Settings, now: dt.datetime,
            first: _FirstRead) -> list[OutboundMessage]:
    message_id = inbound.message_id or ""
    user = find_user(session, CHANNEL, inbound.sender) if first.pending else None
    if user is not None and user.pending_sms:
        if token(normalize(inbound.text)) == CONTINUE_WORD:
            if not first_delivery(session, inbound, now):
                return []
            return queue_texts(session, inbound.sender, take_pending(user), in_reply_to=message_id,
                               settings=settings, now=now)
        user.pending_sms = None
    replies = receive(session, inbound, now=now, settings=settings, flood_count=first.recent)
    if not replies:
        return []
    rows, rest = queue_replies(session, inbound.sender, replies, in_reply_to=message_id, settings=settings,
                               now=now, language=language_of(replies))
    if rest:
        keep_pending(user or channel_user(session, CHANNEL, inbound.sender), rest)
    return rows
