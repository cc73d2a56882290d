"""Many inbound messages in one transaction, with the effect ``store.process`` has on each in turn.

A gateway that delivers a burst would otherwise cost a transaction and six ORM statements per message; here a
batch costs a handful of Core statements however many messages it holds: one to lock the senders'
conversations (two more for newcomers), one to find messages already handled, one to record the new ones with
their replies and one to save the states (``api.bulk``: one statement for any number of rows). Messages of one
sender run through the engine in arrival order, each seeing the state the one before left.

Concurrency is ``store.process``'s: conversation rows are locked with SELECT … FOR UPDATE in one fixed order
(channel, sender), so two processes sharing senders wait for each other and never deadlock; the duplicate
check runs under those locks, so a redelivery handled by another process is seen once it commits. On SQLite
the first write takes the database's write lock for the whole batch.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Connection, and_, or_, select
from sqlalchemy.orm import Session

from api.bulk import insert_rows
from api.db import hold_write_lock, one_of
from api.models.conversations import Conversation, InboundMessage
from bot.channels.ports import Services
from bot.channels.store import TEXT_LIMIT, reply_to_json
from bot.dialog.engine import handle
from bot.engine.types import ConversationState, Inbound, Reply

Key = tuple[str, str]   # (channel, sender)

_conversations = Conversation.__table__
_inbound = InboundMessage.__table__


def process_many(
    session: Session,
    inbounds: Sequence[Inbound],
    now: dt.datetime,
    *,
    services: Callable[[Session], Any] | None = None,
) -> list[list[Reply] | None]:
    """The replies for each message in order; None for one already handled (a redelivery has no effect).

    Runs in the caller's transaction; messages without an id get a local one, as in ``store.process``.
    """
    if not inbounds:
        return []
    if services is None:
        services = Services
    hold_write_lock(session)
    connection = session.connection()
    states = _lock_conversations(connection, sorted({(i.channel, i.sender) for i in inbounds}), now)
    ids = [inbound.message_id or f"local-{uuid.uuid4().hex}" for inbound in inbounds]
    seen = _already_handled(connection, [(i.channel, mid) for i, mid in zip(inbounds, ids, strict=True)])
    results: list[list[Reply] | None] = []
    records: list[dict[str, Any]] = []
    changed: set[Key] = set()
    for inbound, message_id in zip(inbounds, ids, strict=True):
        if (inbound.channel, message_id) in seen:
            results.append(None)
            continue
        seen.add((inbound.channel, message_id))
        key = (inbound.channel, inbound.sender)
        states[key], replies = handle(states[key], inbound, now=now, services=services(session))
        changed.add(key)
        records.append({"channel": inbound.channel, "message_id": message_id, "sender": inbound.sender,
                        "text": (inbound.text or "")[:TEXT_LIMIT], "received_at": inbound.received_at or now,
                        "replies": [reply_to_json(reply) for reply in replies]})
        results.append(replies)
    if records:
        insert_rows(connection, _inbound, records)
    if changed:
        # An upsert of rows that exist and are locked: written as INSERT … ON CONFLICT DO UPDATE so that the
        # whole batch is one multi-row statement (an executemany UPDATE would be one statement per row).
        insert_rows(connection, _conversations,
                    [{"channel": channel, "sender": sender, "state": states[(channel, sender)].to_json(),
                      "updated_at": now} for channel, sender in sorted(changed)],
                    conflict=("channel", "sender"), update=("state", "updated_at"))
    return results


def _lock_conversations(connection: Connection, keys: list[Key], now: dt.datetime) -> dict[Key, ConversationState]:
    """Every sender's state, their rows locked in key order; rows are created for newcomers first."""
    states = _select_locked(connection, keys)
    missing = [key for key in keys if key not in states]
    if missing:
        insert_rows(connection, _conversations,
                    [{"channel": channel, "sender": sender, "state": {}, "updated_at": now}
                     for channel, sender in missing], conflict=("channel", "sender"))
        states.update(_select_locked(connection, missing))
    return states


def _select_locked(connection: Connection, keys: list[Key]) -> dict[Key, ConversationState]:
    if not keys:
        return {}
    c = _conversations.c
    query = (select(c.channel, c.sender, c.state).where(_key_filter(c.channel, c.sender, keys, connection))
             .order_by(c.channel, c.sender).with_for_update())
    return {(row.channel, row.sender): ConversationState.from_json(row.state)
            for row in connection.execute(query)}


def _already_handled(connection: Connection, keys: list[tuple[str, str]]) -> set[tuple[str, str]]:
    """(channel, message_id) pairs already recorded."""
    c = _inbound.c
    query = select(c.channel, c.message_id).where(_key_filter(c.channel, c.message_id, keys, connection))
    rows = connection.execute(query)
    return {(row.channel, row.message_id) for row in rows}


def _key_filter(first: Any, second: Any, keys: Sequence[tuple[str, str]], connection: Connection) -> Any:
    """``(first, second) IN (…)`` written per channel, which every backend plans with the unique index."""
    by_channel: dict[str, list[str]] = {}
    for channel, value in keys:
        by_channel.setdefault(channel, []).append(value)
    parts = [and_(first == channel, one_of(second, sorted(set(values)), connection.dialect.name))
             for channel, values in by_channel.items()]
    return parts[0] if len(parts) == 1 else or_(*parts)
