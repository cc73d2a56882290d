"""Where the engine meets the database: every channel hands its ``Inbound`` to ``process``.

One transaction records the inbound message, loads the sender's state, runs the pure engine and saves the
new state with the replies, so a crash leaves either everything or nothing. The message row is inserted
first with ON CONFLICT DO NOTHING: a redelivery (even one arriving while the first is being handled) finds
it and returns the replies already given. On SQLite that first write takes the database's write lock, so two
processes serving one sender take turns; on PostgreSQL the conversation row is locked with SELECT … FOR
UPDATE for the same effect.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.db import transaction
from api.models.conversations import Conversation, InboundMessage
from bot.channels.ports import Services
from bot.dialog.engine import handle
from bot.engine.types import ConversationState, Inbound, Option, Reply

TEXT_LIMIT = 2000  # InboundMessage.text's column size; the engine never reads further than a few hundred
RETRIES = 3


def reply_to_json(reply: Reply) -> dict[str, Any]:
    return {"text": reply.text, "options": [[o.key, o.label] for o in reply.options],
            "citation": reply.citation, "request_contact": reply.request_contact}


def reply_from_json(raw: dict[str, Any]) -> Reply:
    return Reply(text=raw["text"], options=tuple(Option(key, label) for key, label in raw.get("options", [])),
                 citation=raw.get("citation"), request_contact=bool(raw.get("request_contact")))


def load_state(session: Session, channel: str, sender: str, *, lock: bool = False) -> ConversationState:
    """The sender's state, empty for a newcomer; ``lock`` holds the row until the transaction ends."""
    query = select(Conversation).where(Conversation.channel == channel, Conversation.sender == sender)
    row = session.scalars(query.with_for_update() if lock else query).one_or_none()
    return ConversationState.from_json(row.state if row else None)


def save_state(session: Session, channel: str, sender: str, state: ConversationState) -> None:
    query = select(Conversation).where(Conversation.channel == channel, Conversation.sender == sender)
    row = session.scalars(query).one_or_none()
    if row is None:
        session.add(Conversation(channel=channel, sender=sender, state=state.to_json()))
    else:
        row.state = state.to_json()
    session.flush()


def _insert_once(session: Session, model: type, **values: Any) -> bool | None:
    """INSERT … ON CONFLICT DO NOTHING: True if inserted, False if the row existed; None on other backends.

    On PostgreSQL a conflicting insert waits for the transaction that holds the row and then does nothing, so
    two processes never both proceed and neither fails.
    """
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        insert = postgresql_insert
    elif dialect == "sqlite":
        insert = sqlite_insert
    else:
        return None
    statement = insert(model).values(**values).on_conflict_do_nothing().returning(model.id)  # type: ignore[attr-defined]
    return session.execute(statement).first() is not None


def process(
    engine_or_session: Engine | Session,
    inbound: Inbound,
    now: dt.datetime | None = None,
    *,
    services: Callable[[Session], Any] | None = None,
) -> list[Reply]:
    """Handle one inbound message exactly once and return the replies to send.

    Given an ``Engine``, each attempt runs in its own transaction and a lost race (the same message or a
    new sender's first row inserted concurrently) is retried; given a ``Session``, the caller's
    transaction is used.
    ``services`` builds the records port for the flows from the session (default: every port in
    ``bot.channels.ports.PORTS``).
    """
    moment = now or dt.datetime.now(dt.UTC)
    if isinstance(engine_or_session, Session):
        return _process(engine_or_session, inbound, moment, services)

    for attempt in range(RETRIES):
        try:
            with transaction(engine_or_session) as session:
                return _process(session, inbound, moment, services)
        except IntegrityError:
            if attempt == RETRIES - 1:
                raise
    raise AssertionError("unreachable")


def _process(session: Session, inbound: Inbound, now: dt.datetime,
             services: Callable[[Session], Any] | None) -> list[Reply]:
    message_id = inbound.message_id or f"local-{uuid.uuid4().hex}"
    record = {"channel": inbound.channel, "message_id": message_id, "sender": inbound.sender,
              "text": (inbound.text or "")[:TEXT_LIMIT], "received_at": inbound.received_at or now,
              "replies": []}
    # The first write: claims the message id and, on SQLite, the write lock.
    inserted = _insert_once(session, InboundMessage, **record)
    if inserted is None:
        session.add(InboundMessage(**record))
        session.flush()
    if not inserted and inserted is not None:
        return _stored_replies(session, inbound.channel, message_id)
    _insert_once(session, Conversation, channel=inbound.channel, sender=inbound.sender, state={})
    state = load_state(session, inbound.channel, inbound.sender, lock=True)
    if services is None:
        services = Services
    new_state, replies = handle(state, inbound, now=now, services=services(session))
    save_state(session, inbound.channel, inbound.sender, new_state)
    session.execute(update(InboundMessage)
                    .where(InboundMessage.channel == inbound.channel, InboundMessage.message_id == message_id)
                    .values(replies=[reply_to_json(reply) for reply in replies]))
    return replies


def _stored_replies(session: Session, channel: str, message_id: str) -> list[Reply]:
    """The replies given the first time this message was handled (a redelivery)."""
    raw = session.scalar(select(InboundMessage.replies).where(
        InboundMessage.channel == channel, InboundMessage.message_id == message_id))
    return [reply_from_json(item) for item in raw or []]
