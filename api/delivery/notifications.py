"""Domain events as outbox rows, written in the session of the change that caused them (transactional outbox).

A row is never sent here: the delivery worker sends it after the commit, so a rolled-back transition leaves no
message and a committed one cannot lose its message. Each person is reached once per event: on Telegram when a
chat has verified their phone (it costs nothing and shows more), otherwise by SMS; in the language they last
used with us. The idempotency key names the event and the recipient, so writing it twice is a no-op.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.delivery.steps import describe
from api.i18n import canonical_language, translator
from api.models import Application, ApplicationEvent
from api.models.conversations import Conversation
from api.models.messages import ChannelUser, OutboundMessage, OutboundStatus
from api.models.publicity import Objection
from api.services.status import status_of
from api.settings import get_settings
from bot.channels.sms_render import cost

SMS, TELEGRAM = "sms", "telegram"


@dataclass(frozen=True)
class Recipient:
    channel: str
    address: str          # phone on SMS, chat id on Telegram
    language: str | None


def recipient_for(session: Session, phone: str) -> Recipient:
    """The verified Telegram chat of ``phone`` if there is one, else the phone by SMS."""
    chat = session.scalar(select(ChannelUser).where(ChannelUser.channel == TELEGRAM,
                                                    ChannelUser.verified_phone == phone)
                          .order_by(ChannelUser.updated_at.desc()).limit(1))
    channel, address = (TELEGRAM, chat.sender) if chat is not None else (SMS, phone)
    return Recipient(channel, address, language_of(session, channel, address))


def language_of(session: Session, channel: str, address: str) -> str | None:
    """The language chosen in the conversation, else the channel's hint; None means the default."""
    state = session.scalar(select(Conversation.state).where(Conversation.channel == channel,
                                                            Conversation.sender == address))
    chosen = (state or {}).get("language")
    if chosen:
        return str(chosen)
    hint = session.scalar(select(ChannelUser.language).where(ChannelUser.channel == channel,
                                                             ChannelUser.sender == address))
    return canonical_language(hint)


def queue(session: Session, recipient: Recipient, text: str, key: str) -> OutboundMessage | None:
    """One notification row; None when this key was already queued (an event written twice)."""
    if session.scalar(select(OutboundMessage.id).where(OutboundMessage.idempotency_key == key)) is not None:
        return None
    signature = get_settings().sms_signature
    parts = cost(text, signature).segments if recipient.channel == SMS else 1
    row = OutboundMessage(channel=recipient.channel, recipient=recipient.address, text=text, parts=parts,
                          idempotency_key=key, status=OutboundStatus.queued, attempts=0, in_reply_to=None)
    session.add(row)
    return row


def to_contacts(session: Session, app: Application, key: str,
                 render: Callable[[Callable[[str], str], str | None], str]) -> list[OutboundMessage]:
    rows = []
    for phone in _unique(contact.phone for contact in app.contacts):
        recipient = recipient_for(session, phone)
        text = render(translator(recipient.language), recipient.language)
        row = queue(session, recipient, text, f"{key}:{recipient.channel}:{recipient.address}")
        if row is not None:
            rows.append(row)
    session.flush()
    return rows


def application_moved(session: Session, app: Application, event: ApplicationEvent) -> list[OutboundMessage]:
    """The applicant and their contacts hear of every step, in the words of the 查询 reply."""
    session.flush()
    status = status_of(session, app)

    def render(_: Callable[[str], str], language: str | None) -> str:
        return _("您的申请有新进展：") + "\n" + describe(status, _, language)

    return to_contacts(session, app, f"app:{app.id}:event:{event.id}", render)


def objection_filed(session: Session, objection: Objection) -> list[OutboundMessage]:
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
        rows += [row] if row is not None else []
    session.flush()
    return rows


def objection_decided(session: Session, objection: Objection) -> list[OutboundMessage]:
    """The objector gets the written outcome; the family hears it through the step it causes, or here."""
    upheld = objection.status.value == "upheld"
    rows: list[OutboundMessage] = []
    objector = _objector(session, objection)
    if objector is not None:
        _ = translator(objector.language)
        outcome = _("异议成立") if upheld else _("异议不成立")
        text = _("您提出的异议 {number} 已有结论：{outcome}。理由：{reason}").format(
            number=objection.number, outcome=outcome, reason=objection.outcome_reason or "")
        row = queue(session, objector, text, f"objection:{objection.id}:outcome")
        rows += [row] if row is not None else []
    if not upheld:
        app = objection.application

        def render(_: Callable[[str], str], language: str | None) -> str:
            return _("申请编号 {number}：针对您申请的异议经调查不成立。").format(number=app.number)

        rows += to_contacts(session, app, f"objection:{objection.id}:dismissed", render)
    session.flush()
    return rows


def _objector(session: Session, objection: Objection) -> Recipient | None:
    return filer(session, objection.channel, objection.sender, objection.contact_phone)


def filer(session: Session, channel: str | None, sender: str | None, contact_phone: str | None) -> Recipient | None:
    """Who filed an objection or complaint: the chat or phone it came from, else the contact phone it gave."""
    if channel in (SMS, TELEGRAM) and sender:
        return Recipient(channel, sender, language_of(session, channel, sender))
    if contact_phone:
        return recipient_for(session, contact_phone)
    return None


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))
