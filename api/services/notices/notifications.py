"""Domain events as outbox rows, written in the session of the change that caused them (transactional outbox).

A row is never sent here: the delivery worker sends it after the commit, so a rolled-back transition leaves no
message and a committed one cannot lose its message. Each person is reached once per event: on Telegram when a
chat has verified their phone (it costs nothing and shows more), otherwise by SMS; in the language they last
used with us. The idempotency key names the event and the recipient, so writing it twice is a no-op.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import lru_cache

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import ReturningInsert

from api.delivery.outbox import SMS, TELEGRAM, Recipient, filer, language_of, queue, recipient_for
from api.delivery.sms_parts import cost
from api.i18n import translator
from api.models import Application, ApplicationEvent
from api.models._types import utcnow
from api.models.messages import OutboundMessage, OutboundStatus
from api.models.publicity import Objection
from api.services.notices.steps import describe
from api.services.status import status_of
from api.settings import get_settings

__all__ = ["SMS", "TELEGRAM", "Recipient", "application_moved", "filer", "language_of", "objection_decided",
           "objection_filed", "queue", "recipient_for", "to_contacts"]

def to_contacts(session: Session, app: Application, key: str,
                render: Callable[[Callable[[str], str], str | None], str]) -> list[int]:
    """One row per contact, in one INSERT that skips keys already queued; the ids of the rows written."""
    signature = get_settings().sms_signature
    values = []
    for phone in _unique(contact.phone for contact in app.contacts):
        recipient = recipient_for(session, phone)
        text = render(translator(recipient.language), recipient.language)
        values.append({"channel": recipient.channel, "recipient": recipient.address, "text": text,
                       "parts": cost(text, signature).segments if recipient.channel == SMS else 1,
                       "idempotency_key": f"{key}:{recipient.channel}:{recipient.address}",
                       "status": OutboundStatus.queued, "attempts": 0, "in_reply_to": None,
                       "created_at": utcnow()})
    if not values:
        return []
    written = session.execute(_outbox_insert(session.get_bind().dialect.name), values)
    return list(written.scalars())


@lru_cache(maxsize=2)
def _outbox_insert(dialect: str) -> ReturningInsert[tuple[int]]:
    """The outbox INSERT, built once per dialect on the table (Core, not the ORM's bulk path): built per step,
    with its rows as literal VALUES, it cost more CPU than the rest of the notification (issue 13)."""
    table = OutboundMessage.__table__
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    return insert(table).on_conflict_do_nothing(index_elements=[table.c.idempotency_key]).returning(table.c.id)


def application_moved(session: Session, app: Application, event: ApplicationEvent) -> list[int]:
    """The applicant and their contacts hear of every step, in the words of the 查询 reply."""
    session.flush()
    status = status_of(session, app)

    def render(_: Callable[[str], str], language: str | None) -> str:
        return _("您的申请有新进展：") + "\n" + describe(status, _, language)

    return to_contacts(session, app, f"app:{app.id}:event:{event.id}", render)


def objection_filed(session: Session, objection: Objection) -> list[int]:
    """The family learns that an objection was filed (never by whom); a paper objector gets the receipt."""
    app = objection.application

    def render(_: Callable[[str], str], language: str | None) -> str:
        return _("申请编号 {number}：公示期间有人提出了异议，相关部门将调查核实，结果会告诉您。").format(
            number=app.number)

    rows = to_contacts(session, app, f"objection:{objection.id}:filed", render)
    if objection.channel == "api" and objection.contact_phone:   # on the bot, the reply was the receipt
        recipient = recipient_for(session, objection.contact_phone)
        _ = translator(recipient.language)
        text = _("您的异议已登记，编号 {number}。我们会调查并书面答复。").format(number=objection.number)
        row = queue(session, recipient, text, f"objection:{objection.id}:receipt")
        session.flush()
        rows += [row.id] if row is not None else []
    return rows


def objection_decided(session: Session, objection: Objection) -> list[int]:
    """The objector gets the written outcome; the family hears it through the step it causes, or here."""
    upheld = objection.status.value == "upheld"
    rows: list[int] = []
    objector = _objector(session, objection)
    if objector is not None:
        _ = translator(objector.language)
        outcome = _("异议成立") if upheld else _("异议不成立")
        text = _("您提出的异议 {number} 已有结论：{outcome}。理由：{reason}").format(
            number=objection.number, outcome=outcome, reason=objection.outcome_reason or "")
        row = queue(session, objector, text, f"objection:{objection.id}:outcome")
        session.flush()
        rows += [row.id] if row is not None else []
    if not upheld:
        app = objection.application

        def render(_: Callable[[str], str], language: str | None) -> str:
            return _("申请编号 {number}：针对您申请的异议经调查不成立。").format(number=app.number)

        rows += to_contacts(session, app, f"objection:{objection.id}:dismissed", render)
    session.flush()
    return rows


def _objector(session: Session, objection: Objection) -> Recipient | None:
    return filer(session, objection.channel, objection.sender, objection.contact_phone)


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))
