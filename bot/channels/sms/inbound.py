"""Gateway callbacks parsed into one shape, and message ids for gateways that send none.

Two formats: our generic JSON ``{message_id, from, to, text, received_at}`` and Twilio's form fields
(``MessageSid``, ``From``, ``To``, ``Body``). Anything missing but the sender is tolerated: an empty text
still gets a sensible reply from the engine; a callback without a sender cannot be answered, so it is refused.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.db import one_of
from api.domain.phone import normalise_sender
from api.models.conversations import InboundMessage
from bot.channels.inbox import clean_text
from bot.engine.types import Inbound

CHANNEL = "sms"
MAX_ID_CHARS = 128
MAX_SENDER_CHARS = 32   # an E.164 number is at most 15 digits; the column holds 64


def _sender(raw: str, field: str) -> str:
    """The normalised number; a callback without one, or with something no phone number looks like, is refused
    (400: the same callback can never succeed, so the gateway is told once and for all)."""
    sender = normalise_sender(raw)
    if not sender:
        raise MalformedCallback(f"{field} is required")
    if len(sender) > MAX_SENDER_CHARS:
        raise MalformedCallback(f"{field} is not a phone number (more than {MAX_SENDER_CHARS} digits)")
    return sender


class MalformedCallback(ValueError):
    """The callback cannot be turned into a message (no sender, not an object)."""


@dataclass(frozen=True)
class SmsIn:
    sender: str
    text: str
    message_id: str | None = None
    recipient: str | None = None
    received_at: dt.datetime | None = None
    media: tuple[str, ...] = ()


def parse_generic(payload: Any) -> SmsIn:
    if not isinstance(payload, dict):
        raise MalformedCallback("body must be a JSON object")
    sender = _sender(str(payload.get("from") or ""), "from")
    text = payload.get("text")
    return SmsIn(sender=sender, text=_clip(text if isinstance(text, str) else ""),
                 message_id=_message_id(payload.get("message_id")),
                 recipient=str(payload.get("to") or "") or None,
                 received_at=_timestamp(payload.get("received_at")))


def parse_twilio(form: Mapping[str, str]) -> SmsIn:
    sender = _sender(form.get("From", ""), "From")
    raw_count = form.get("NumMedia") or "0"
    count = min(int(raw_count), 10) if raw_count.isdigit() else 0
    media = tuple(form[f"MediaUrl{i}"] for i in range(count) if form.get(f"MediaUrl{i}"))
    return SmsIn(sender=sender, text=_clip(form.get("Body", "")),
                 message_id=_message_id(form.get("MessageSid")), recipient=form.get("To") or None,
                 media=media)


def to_inbound(sms: SmsIn, message_id: str) -> Inbound:
    """On SMS the sender's number is their identity (DESIGN.md), so it counts as verified."""
    return Inbound(channel=CHANNEL, sender=sms.sender, text=sms.text, message_id=message_id,
                   verified_phone=sms.sender, attachments=sms.media, received_at=sms.received_at)


def message_id_for(session: Session, sms: SmsIn, now: dt.datetime, window_seconds: int) -> str:
    """The gateway's id, or one derived from sender + text so a retry within the window is a duplicate."""
    return message_ids_for(session, [sms], now, window_seconds)[0]


def message_ids_for(session: Session, batch: Sequence[SmsIn], now: dt.datetime, window_seconds: int) -> list[str]:
    """Each message's id: the gateway's, else the id of an identical message seen within the window.

    Failing both, the id is a hash over sender, text and a time bucket, so two copies arriving at the same
    instant (in one batch, or in two processes) also collide on the unique key. One query for the batch.
    """
    earlier: dict[tuple[str, str], str] = {}
    without = sorted({sms.sender for sms in batch if not sms.message_id})
    if without:
        since = now - dt.timedelta(seconds=window_seconds)
        senders = one_of(InboundMessage.sender, without, session.get_bind().dialect.name)
        rows = session.execute(
            select(InboundMessage.sender, InboundMessage.text, InboundMessage.message_id)
            .where(InboundMessage.channel == CHANNEL, senders, InboundMessage.received_at >= since)
            .order_by(InboundMessage.received_at.desc(), InboundMessage.id.desc()))
        for row in rows:
            earlier.setdefault((row.sender, row.text), row.message_id)
    bucket = int(now.timestamp() // max(window_seconds, 1))
    ids = []
    for sms in batch:
        if sms.message_id:
            ids.append(sms.message_id)
            continue
        found = earlier.get((sms.sender, sms.text))
        if found is None:
            digest = hashlib.sha256(f"{sms.sender}\n{sms.text}\n{bucket}".encode()).hexdigest()[:40]
            found = f"h:{digest}"
        ids.append(found)
    return ids


def _clip(text: str) -> str:
    return clean_text(text)


def _message_id(raw: Any) -> str | None:
    if raw is None or str(raw).strip() == "":
        return None
    value = clean_text(str(raw)).strip()
    if not value:
        return None
    if len(value) <= MAX_ID_CHARS:
        return value
    return "l:" + hashlib.sha256(value.encode()).hexdigest()


def _timestamp(raw: Any) -> dt.datetime | None:
    """ISO 8601 or Unix seconds; a gateway's odd format is ignored rather than refused."""
    try:
        if isinstance(raw, int | float):
            return dt.datetime.fromtimestamp(raw, dt.UTC)
        if isinstance(raw, str) and raw:
            parsed = dt.datetime.fromisoformat(raw.replace("Z", "+00:00"))
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)
    except (ValueError, OverflowError, OSError):
        return None
    return None
