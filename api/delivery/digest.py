"""Several notifications due at once for one person go as one message, so our own chatter never hits a gateway's
per-number daily cap.

Merging is its own committed step before any send: the digest becomes an ordinary outbox row (key derived from
its members' keys) and the members stay queued, marked as carried by it (``gateway_message_id`` =
"digest:<id>"), which no worker claims. A crash before that commit merges nothing; a crash after it leaves one
row to send like any other — so the digest keeps the outbox's never-lost, never-twice guarantee. The members
follow their digest in the transaction that records its outcome (``settle``): sent when it is sent; released
when it finally fails, to go one by one with the attempts they have left (counted as tried once, so they are
never merged again); failed with it when its outcome is unknown (a Telegram call cut off), since the digest
may have arrived. Only fresh notifications merge (never replies, never a row already tried).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from api.db import transaction
from api.delivery.claims import DIGEST_MARK, UNKNOWN
from api.delivery.sms_parts import cost
from api.models.messages import OutboundMessage, OutboundStatus
from api.settings import get_settings

SEPARATOR = "\n——\n"


def merge_due(engine: Engine, now: dt.datetime, channels: list[str]) -> int:
    """Merge each person's queued notifications; returns how many digests were written."""
    with transaction(engine) as session:
        return merge(session, now, channels)


def merge(session: Session, now: dt.datetime, channels: list[str]) -> int:
    fresh = (OutboundMessage.status == OutboundStatus.queued, OutboundMessage.in_reply_to.is_(None),
             OutboundMessage.attempts == 0, OutboundMessage.channel.in_(channels),
             OutboundMessage.created_at <= now, OutboundMessage.gateway_message_id.is_(None),
             ~OutboundMessage.idempotency_key.startswith(DIGEST_MARK))
    several = (select(OutboundMessage.recipient).where(*fresh).group_by(OutboundMessage.recipient)
               .having(func.count() > 1))
    query = (select(OutboundMessage).where(*fresh, OutboundMessage.recipient.in_(several))
             .order_by(OutboundMessage.id).with_for_update(skip_locked=True))
    groups: dict[tuple[str, str], list[OutboundMessage]] = defaultdict(list)
    for row in session.scalars(query):
        groups[(row.channel, row.recipient)].append(row)
    room = get_settings().sms_content_cap - len(get_settings().sms_signature)
    written = 0
    for (channel, recipient), rows in groups.items():
        for batch in _fit(rows, room if channel == "sms" else 4000):
            if len(batch) < 2:
                continue
            text = SEPARATOR.join(row.text for row in batch)
            key = DIGEST_MARK + hashlib.sha256("|".join(r.idempotency_key for r in batch).encode()).hexdigest()[:40]
            digest = OutboundMessage(channel=channel, recipient=recipient, text=text,
                                     parts=cost(text, get_settings().sms_signature).segments if channel == "sms"
                                     else 1, idempotency_key=key, status=OutboundStatus.queued, attempts=0,
                                     in_reply_to=None, created_at=batch[0].created_at)
            session.add(digest)
            session.flush()
            for row in batch:
                row.gateway_message_id = f"{DIGEST_MARK}{digest.id}"
            written += 1
    return written


def settle(session: Session, row: OutboundMessage, now: dt.datetime) -> None:
    """After a send attempt on ``row``: if it is a digest, its members follow its outcome (see module doc)."""
    if not row.idempotency_key.startswith(DIGEST_MARK):
        return
    done = row.status in (OutboundStatus.sent, OutboundStatus.delivered)
    if not done and row.status is not OutboundStatus.failed:
        return                                       # still queued for a retry: the members wait with it
    members = session.scalars(select(OutboundMessage).where(
        OutboundMessage.gateway_message_id == f"{DIGEST_MARK}{row.id}",
        OutboundMessage.status == OutboundStatus.queued).with_for_update())
    unknown = (row.error or "").startswith(UNKNOWN)
    for member in members:
        if done:
            member.status, member.sent_at = OutboundStatus.sent, now
        elif unknown:
            member.status, member.error = OutboundStatus.failed, f"digest {row.id}: {row.error}"[:500]
        else:
            member.gateway_message_id, member.attempts = None, max(member.attempts, 1)
            member.error = f"digest {row.id} failed: {row.error or ''}"[:500]


def _fit(rows: list[OutboundMessage], room: int) -> list[list[OutboundMessage]]:
    """Consecutive groups whose joined text fits one message of ``room`` characters."""
    batches: list[list[OutboundMessage]] = [[]]
    size = 0
    for row in rows:
        extra = len(row.text) + (len(SEPARATOR) if batches[-1] else 0)
        if batches[-1] and size + extra > room:
            batches.append([])
            size, extra = 0, len(row.text)
        batches[-1].append(row)
        size += extra
    return batches
