"""Gateway callbacks, start to finish inside one unit of work: dedup id → dialog → replies queued.

The endpoints hand over whatever arrived together (``batcher``), and a batch is one transaction: the
senders' first reads, the dialog (``bot.channels.batch``) and the outbox rows cost a few statements per batch
rather than per message. A sender with something unusual going on (the rest of a cut reply waiting for "0",
an opt-out word, near the flood limit) takes the general one-message path, inside the same transaction.

Delivery happens after the commit (``delivery.deliver``), so a crash in between leaves queued rows for the
periodic job instead of a sent message with no record, or a record of a message never sent. A records-only
gateway (console) sends nothing, so its rows are logged and marked sent in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Engine, literal_column, select, union_all
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.db import hold_write_lock, one_of, transaction
from api.delivery.channel_users import channel_user, find_user
from api.delivery.senders import SmsSender
from api.delivery.sms import local_day_start, send_rows, sent_counts
from api.domain.phone import mask_phone
from api.models._types import utcnow
from api.models.messages import ChannelUser, OutboundMessage
from api.settings import Settings
from bot.channels.batch import process_many
from bot.channels.inbox import MAX_INBOUND_CHARS, first_delivery, receive, with_lock_retries
from bot.channels.optout_words import may_change_preference
from bot.channels.sms.inbound import SmsIn, message_ids_for, to_inbound
from bot.channels.sms.outbox import (
    CONTINUE_WORD,
    insert_rows,
    keep_pending,
    language_of,
    plan_replies,
    queue_texts,
    take_pending,
)
from bot.channels.throttle import recent_counts
from bot.engine.normalize import normalize, token
from bot.engine.types import Inbound, Reply

log = logging.getLogger(__name__)

CHANNEL = "sms"


def handle_sms(engine: Engine, sms: SmsIn, settings: Settings, now: dt.datetime | None = None,
               sender: SmsSender | None = None) -> list[int]:
    """The ids of the outbox rows still to deliver; [] for a duplicate (a gateway retry has one effect)."""
    return handle_sms_batch(engine, [sms], settings, now, sender)[0]


def handle_sms_batch(engine: Engine, batch: Sequence[SmsIn], settings: Settings, now: dt.datetime | None = None,
                     sender: SmsSender | None = None) -> list[list[int]]:
    """``handle_sms`` for each message in order, in one transaction (the group commit of a burst).

    Each message has the effect it would have alone: messages of one sender are handled in arrival order,
    a duplicate (within the batch or of an earlier one) has none.
    """
    now = now or utcnow()
    if not batch:
        return []
    return with_lock_retries(lambda: _unit_of_work(engine, batch, settings, now, sender))


def _unit_of_work(engine: Engine, batch: Sequence[SmsIn], settings: Settings, now: dt.datetime,
                  sender: SmsSender | None) -> list[list[int]]:
    with transaction(engine) as session:
        hold_write_lock(session)
        ids = message_ids_for(session, batch, now, settings.sms_dedup_window_seconds)
        inbounds = [to_inbound(sms, message_id) for sms, message_id in zip(batch, ids, strict=True)]
        first = _first_reads(session, sorted({sms.sender for sms in batch}), settings, now)
        careful = _needs_care(inbounds, first, settings)
        rows: list[list[OutboundMessage]] = [[] for _ in inbounds]
        for index, inbound in enumerate(inbounds):
            if inbound.sender in careful:
                rows[index] = _one_by_one(session, inbound, settings, now)
        plain = [index for index, inbound in enumerate(inbounds) if inbound.sender not in careful]
        answers = process_many(session, [inbounds[index] for index in plain], now)
        planned: list[OutboundMessage] = []
        for index, replies in zip(plain, answers, strict=True):
            if replies:
                rows[index] = _plan(session, inbounds[index], replies, settings, now)
                planned += rows[index]
        records_only = sender is not None and sender.records_only
        if records_only:
            with session.no_autoflush:   # the rows go in already marked sent
                send_rows(session, [row for group in rows for row in group], sender, settings, now,
                          {name: read.sent_today for name, read in first.items()})
        insert_rows(session, planned, want_ids=not records_only)
        session.flush()
        return [[] if records_only else [row.id for row in group] for group in rows]


@dataclass(frozen=True)
class _FirstRead:
    pending: bool = False   # the rest of a cut reply waits for "0"
    recent: int = 0         # messages from the sender within the flood window
    sent_today: int = 0     # SMS sent to the sender today (the gateway's daily cap)


def _first_reads(session: Session, senders: list[str], settings: Settings,
                 now: dt.datetime) -> dict[str, _FirstRead]:
    """What the channel needs to know about each sender before the dialog, in one statement for the batch."""
    since = now - dt.timedelta(seconds=settings.flood_window_seconds)
    dialect = session.get_bind().dialect.name
    pending = select(ChannelUser.sender, literal_column("1"), literal_column("'pending'")).where(
        ChannelUser.channel == CHANNEL, one_of(ChannelUser.sender, senders, dialect),
        ChannelUser.pending_sms.is_not(None))
    recent = recent_counts(CHANNEL, senders, since, dialect).add_columns(literal_column("'recent'"))
    day_start = local_day_start(now, settings.timezone)
    sent = sent_counts(senders, day_start, dialect).add_columns(literal_column("'sent'"))
    found: dict[tuple[str, str], int] = {}
    for name, count, kind in session.execute(union_all(pending, recent, sent)):
        found[(kind, name)] = int(count)
    return {name: _FirstRead(("pending", name) in found, found.get(("recent", name), 0),
                             found.get(("sent", name), 0)) for name in senders}


def _needs_care(inbounds: Sequence[Inbound], first: dict[str, _FirstRead], settings: Settings) -> set[str]:
    """Senders whose messages take the one-by-one path: a cut reply pending, an opt-out word, a message too
    long to take, near the flood limit. Everyone else's go to the dialog together."""
    careful = {name for name, read in first.items() if read.pending}
    counts: dict[str, int] = {}
    for inbound in inbounds:
        counts[inbound.sender] = counts.get(inbound.sender, 0) + 1
        if may_change_preference(normalize(inbound.text)) or len(inbound.text) > MAX_INBOUND_CHARS:
            careful.add(inbound.sender)
    for name, count in counts.items():
        if first[name].recent + count > settings.flood_limit - 1:
            careful.add(name)
    return careful


def _one_by_one(session: Session, inbound: Inbound, settings: Settings,
                now: dt.datetime) -> list[OutboundMessage]:
    """One message on the general path, in a savepoint so a duplicate found late costs only itself."""
    try:
        with session.begin_nested():
            first = _first_reads(session, [inbound.sender], settings, now)[inbound.sender]
            rows = _handle(session, inbound, settings, now, first)
            session.flush()
        return rows
    except IntegrityError:
        # The same message committed by a concurrent request first, or queued before: that one answers it.
        log.info("duplicate SMS from %s dropped", mask_phone(inbound.sender))
        return []


def _queue(session: Session, inbound: Inbound, replies: list[Reply], settings: Settings, now: dt.datetime,
           user: ChannelUser | None = None) -> list[OutboundMessage]:
    """The first message of the answer queued; the rest of a long one kept for "0"."""
    rows = _plan(session, inbound, replies, settings, now, user)
    session.add_all(rows)
    return rows


def _plan(session: Session, inbound: Inbound, replies: list[Reply], settings: Settings, now: dt.datetime,
          user: ChannelUser | None = None) -> list[OutboundMessage]:
    """The rows for the first message of the answer, not yet added; the rest of a long one kept for "0"."""
    rows, rest = plan_replies(inbound.sender, replies, in_reply_to=inbound.message_id or "", settings=settings,
                              now=now, language=language_of(replies))
    if rest:
        keep_pending(user or channel_user(session, CHANNEL, inbound.sender), rest)
    return rows


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
    return _queue(session, inbound, replies, settings, now, user) if replies else []
