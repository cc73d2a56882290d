"""The one path every channel's message takes after parsing: preferences, flood limit, then the dialog.

Channels call ``receive`` inside the unit of work that also queues the rendered replies, so state, records and
outbox rows commit together (persist, commit, then send).
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable
from dataclasses import replace
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from api.i18n import canonical_language, translator
from api.models.conversations import Conversation, InboundMessage
from api.settings import Settings
from bot.channels.optout import apply_change, requested_change
from bot.channels.optout_words import subscription_word
from bot.channels.store import process
from bot.channels.throttle import check_flood
from bot.engine.normalize import normalize
from bot.engine.types import Inbound, Reply

MAX_INBOUND_CHARS = 2000   # what InboundMessage keeps; a longer message is refused with a reply, never cut
T = TypeVar("T")


def is_lock_conflict(exc: OperationalError) -> bool:
    """SQLite refuses a read transaction's upgrade to a write when another process wrote since it began
    (SQLITE_BUSY_SNAPSHOT): waiting cannot help, starting the transaction again does."""
    return "database is locked" in str(exc.orig) or "database table is locked" in str(exc.orig)


def with_lock_retries(attempt: Callable[[], T], tries: int = 8) -> T:
    """Run one unit of work, starting it again after a SQLite lock conflict (never on other errors)."""
    for number in range(tries):
        try:
            return attempt()
        except OperationalError as exc:
            if not is_lock_conflict(exc) or number == tries - 1:
                raise
            time.sleep(random.uniform(0.005, 0.05) * (number + 1))
    raise AssertionError("unreachable")


def clean_text(text: str) -> str:
    """What any database can store: no NUL (PostgreSQL refuses it), no lone surrogates. The length is kept:
    ``receive`` refuses a message longer than ``MAX_INBOUND_CHARS`` rather than answering part of it."""
    safe = text.replace("\x00", "")
    return safe.encode("utf-8", "replace").decode("utf-8")


def receive(session: Session, inbound: Inbound, *, now: dt.datetime, settings: Settings,
            flood_count: int | None = None) -> list[Reply]:
    """Replies for one message; [] for a duplicate or a throttled sender who was already told to slow down.

    ``flood_count``: the sender's messages within the flood window, when the channel already read it.
    """
    if len(inbound.text) > MAX_INBOUND_CHARS:
        if not first_delivery(session, inbound, now):
            return []
        _ = translator(reply_language(session, inbound))
        return [Reply(_("您的消息超过{limit}字，没有收下。请分几条发，每条不超过{limit}字。")
                      .format(limit=MAX_INBOUND_CHARS))]
    text = normalize(inbound.text)
    change = requested_change(session, inbound.channel, inbound.sender, text)
    if change is False and (word := subscription_word(text)):   # "又想收了 订阅": on again, then which village
        following = list(process(session, replace(inbound, text=word), now=now))   # deduplicates the message
        if not following:
            return []
        gettext = translator(reply_language(session, inbound))
        return [*apply_change(session, inbound.channel, inbound.sender, change, gettext), *following]
    if change is not None:
        if not first_delivery(session, inbound, now):
            return []
        gettext = translator(reply_language(session, inbound))
        return apply_change(session, inbound.channel, inbound.sender, change, gettext)
    verdict = check_flood(session, inbound.channel, inbound.sender, now, limit=settings.flood_limit,
                          window_seconds=settings.flood_window_seconds, count=flood_count)
    if not verdict.allowed:
        if not verdict.notify:
            return []
        _ = translator(reply_language(session, inbound))
        return [Reply(_("您发消息太快了，请稍等一分钟再发，我们会逐条回复。"))]
    return list(process(session, inbound, now=now))


def reply_language(session: Session, inbound: Inbound) -> str | None:
    """The language the sender chose in the dialog, else the one their client reports."""
    state = session.scalar(select(Conversation.state).where(Conversation.channel == inbound.channel,
                                                            Conversation.sender == inbound.sender))
    chosen = (state or {}).get("language")
    return chosen or canonical_language(inbound.language_hint)


def first_delivery(session: Session, inbound: Inbound, now: dt.datetime) -> bool:
    """Record a message the engine never sees (opt-out/in), so a gateway retry of it has no second effect."""
    if inbound.message_id is None:
        return True
    try:
        with session.begin_nested():
            session.add(InboundMessage(channel=inbound.channel, message_id=inbound.message_id,
                                       sender=inbound.sender, text=inbound.text[:MAX_INBOUND_CHARS],
                                       received_at=now, replies=[]))
    except IntegrityError:
        return False
    return True
