"""A turn's replies as outbox rows: rendered for SMS, cut to the configured parts and the gateway's cap.

Only the first message of a long answer is queued; the rest waits on the sender's ``pending_sms`` and goes out
one message per "0" (sms_parts ends each cut message with "回复0继续"). Any other message drops the rest, so
"0" means the menu again.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.bulk import insert_rows as bulk_insert
from api.db import one_of
from api.delivery.sms_parts import cost, split_for_sms
from api.models.messages import ChannelUser, OutboundMessage, OutboundStatus
from api.settings import Settings
from bot.channels.sms.render import render
from bot.engine.normalize import script_counts
from bot.engine.types import Reply

CHANNEL = "sms"
CONTINUE_WORD = "0"


def plan_replies(recipient: str, replies: Sequence[Reply], *, in_reply_to: str, settings: Settings,
                 now: dt.datetime, language: str | None) -> tuple[list[OutboundMessage], list[str]]:
    """Rows for the first message of an answer, not yet added, and the rest of a long one for the caller.

    The caller adds them to its session, or inserts a whole batch's at once with ``insert_rows``.
    """
    body = render(replies, language)
    if not body.strip():
        return [], []
    messages = split_for_sms(body, _max_parts(settings), signature=settings.sms_signature, language=language)
    return new_rows(recipient, messages[:1], in_reply_to=in_reply_to, settings=settings, now=now), messages[1:]


def insert_rows(session: Session, rows: Sequence[OutboundMessage], *, want_ids: bool) -> None:
    """Insert rows built by ``plan_replies`` in one statement (``api.bulk``), bypassing the ORM's per-object work.

    With ``want_ids`` each row's ``id`` is filled in (looked up by idempotency key) for delivery after commit.
    """
    if not rows:
        return
    table = OutboundMessage.__table__
    columns = [column.key for column in table.columns if column.key != "id"]
    bulk_insert(session.connection(), table, [{key: getattr(row, key) for key in columns} for row in rows])
    if want_ids:
        keys = {row.idempotency_key: row for row in rows}
        wanted = one_of(OutboundMessage.idempotency_key, list(keys), session.get_bind().dialect.name)
        found = session.execute(select(OutboundMessage.idempotency_key, OutboundMessage.id).where(wanted))
        for key, row_id in found:
            keys[key].id = row_id


def keep_pending(user: ChannelUser, rest: list[str]) -> None:
    user.pending_sms = json.dumps(rest, ensure_ascii=False) if rest else None


def language_of(replies: Sequence[Reply]) -> str | None:
    """The language the engine wrote these replies in, read off their script: no query needed.

    Citations stay in Chinese in every language, so Korean wins on any real share of Hangul and English on
    more Latin letters than Han characters.
    """
    hangul = han = latin = 0
    for reply in replies:
        h, c, latin_letters = script_counts(reply.text)
        hangul, han, latin = hangul + h, han + c, latin + latin_letters
    if hangul and hangul * 3 >= hangul + han + latin:
        return "ko"
    if latin > han:
        return "en"
    return "zh_Hans" if han else None


def take_pending(user: ChannelUser) -> list[str]:
    """The next message of a cut reply, removing it from what is pending."""
    pending: list[str] = json.loads(user.pending_sms or "[]")
    user.pending_sms = json.dumps(pending[1:], ensure_ascii=False) if len(pending) > 1 else None
    return pending[:1]


def queue_texts(session: Session, recipient: str, texts: Sequence[str], *, in_reply_to: str,
                settings: Settings, now: dt.datetime) -> list[OutboundMessage]:
    rows = new_rows(recipient, texts, in_reply_to=in_reply_to, settings=settings, now=now)
    session.add_all(rows)
    return rows


def new_rows(recipient: str, texts: Sequence[str], *, in_reply_to: str, settings: Settings,
             now: dt.datetime) -> list[OutboundMessage]:
    """Queued rows, every column set (so a bulk insert needs no ORM defaults)."""
    rows = []
    for index, text in enumerate(texts):
        clipped = _cap(text, settings)
        rows.append(OutboundMessage(channel=CHANNEL, recipient=recipient, text=clipped,
                                    parts=cost(clipped, settings.sms_signature).segments, markup=None,
                                    idempotency_key=f"sms:{in_reply_to}:{index}", status=OutboundStatus.queued,
                                    gateway_message_id=None, error=None, attempts=0, in_reply_to=in_reply_to,
                                    created_at=now, sent_at=None, delivered_at=None))
    return rows


def _max_parts(settings: Settings) -> int:
    """The configured parts, fewer if the gateway's content cap could not carry that many (67 per part)."""
    parts = max(1, settings.sms_max_parts)
    room = settings.sms_content_cap - len(settings.sms_signature)
    while parts > 1 and parts * 67 > room:
        parts -= 1
    return parts


def _cap(text: str, settings: Settings) -> str:
    """A last guard: never hand a gateway more characters than it accepts."""
    room = max(1, settings.sms_content_cap - len(settings.sms_signature))
    return text if len(text) <= room else text[: room - 1] + "…"
