"""Publicity lists told to the village's subscribers: when the list goes up and the day before it closes.

One notice may reach tens of thousands of residents, so the rows are built in memory (one text per language)
and inserted in bulk with ON CONFLICT DO NOTHING on the idempotency key: a repeated run adds nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from api.delivery.sms_parts import cost
from api.domain.names import mask_name
from api.i18n import canonical_language, format_date, translator
from api.models import Area
from api.models.conversations import Conversation
from api.models.messages import ChannelUser, OutboundMessage, OutboundStatus
from api.models.publicity import NoticeStatus, PublicityNotice
from api.services.subscriptions import subscribers
from api.settings import get_settings

SHOWN_NAMES = 5       # an SMS cannot carry a long list; the rest is "等N户"
CHUNK = 5000
_INSERTS: dict[str, Callable[..., Any]] = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def notice_opened(session: Session, notice: PublicityNotice) -> int:
    """Every subscriber of the notice's villages: the masked names, the closing day, how to object."""
    return _fan_out(session, notice, "opened", _opened_text(session, notice))


def remind_closing(session: Session, today: dt.date) -> int:
    """For a daily job: notices whose last day is tomorrow; safe to run any number of times."""
    notices = session.scalars(select(PublicityNotice).where(
        PublicityNotice.status == NoticeStatus.open,
        PublicityNotice.closes_on == today + dt.timedelta(days=1))).all()
    return sum(_fan_out(session, n, "closing", _closing_text(n)) for n in notices)


def _villages(notice: PublicityNotice) -> list[int]:
    return sorted({entry.application.village_id for entry in notice.entries})


def _area(session: Session, notice: PublicityNotice) -> str:
    area = session.get(Area, notice.area_id)
    return area.name if area else ""


def _opened_text(session: Session, notice: PublicityNotice) -> Callable[[Callable[[str], str], str | None], str]:
    area = _area(session, notice)
    names = [f"{mask_name(e.application.household.head_name)}（{e.application_id}）" for e in notice.entries]
    shown = "、".join(names[:SHOWN_NAMES])

    def render(_: Callable[[str], str], language: str | None) -> str:
        text = _("{area}公示农村危房改造对象{count}户：{names}。公示到{date}。").format(
            area=area, count=len(names), names=shown, date=format_date(notice.closes_on, language))
        return text + _how_to_object(_, notice)

    return render


def _closing_text(notice: PublicityNotice) -> Callable[[Callable[[str], str], str | None], str]:
    def render(_: Callable[[str], str], language: str | None) -> str:
        text = _("提醒：公示 {id} 明天（{date}）截止。").format(id=notice.id,
                                                            date=format_date(notice.closes_on, language))
        return text + _how_to_object(_, notice)

    return render


def _how_to_object(_: Callable[[str], str], notice: PublicityNotice) -> str:
    text = _("有异议请在截止前回复：异议 {id} 编号 理由。").format(id=notice.id)
    if notice.report_phone:
        text += _("举报电话：{phone}").format(phone=notice.report_phone)
    return text


def _fan_out(session: Session, notice: PublicityNotice, what: str,
             render: Callable[[Callable[[str], str], str | None], str]) -> int:
    people = subscribers(session, _villages(notice))
    if not people:
        return 0
    languages = _languages(session, people)
    texts: dict[str | None, str] = {}
    signature = get_settings().sms_signature
    rows: list[dict[str, Any]] = []
    for channel, sender in people:
        language = languages.get((channel, sender))
        if language not in texts:
            texts[language] = render(translator(language), language)
        text = texts[language]
        rows.append({"channel": channel, "recipient": sender, "text": text,
                     "parts": cost(text, signature).segments if channel == "sms" else 1,
                     "idempotency_key": f"notice:{notice.id}:{what}:{channel}:{sender}",
                     "status": OutboundStatus.queued, "attempts": 0, "in_reply_to": None})
    inserted = 0
    for start in range(0, len(rows), CHUNK):
        inserted += _insert_ignoring_repeats(session, rows[start:start + CHUNK])
    return inserted


def _languages(session: Session, people: list[tuple[str, str]]) -> dict[tuple[str, str], str | None]:
    """Each subscriber's chosen language (conversation), else their channel's hint; a query per chunk."""
    by_channel: dict[str, list[str]] = {}
    for channel, sender in people:
        by_channel.setdefault(channel, []).append(sender)
    out: dict[tuple[str, str], str | None] = {}
    for channel, senders in by_channel.items():
        for start in range(0, len(senders), CHUNK):
            chunk = senders[start:start + CHUNK]
            for sender, hint in session.execute(select(ChannelUser.sender, ChannelUser.language).where(
                    ChannelUser.channel == channel, ChannelUser.sender.in_(chunk))):
                out[(channel, sender)] = canonical_language(hint)
            for sender, state in session.execute(select(Conversation.sender, Conversation.state).where(
                    Conversation.channel == channel, Conversation.sender.in_(chunk))):
                if (state or {}).get("language"):
                    out[(channel, sender)] = state["language"]
    return out


def _insert_ignoring_repeats(session: Session, rows: list[dict[str, Any]]) -> int:
    dialect_insert = _INSERTS.get(session.get_bind().dialect.name)
    if dialect_insert is not None:
        statement = dialect_insert(OutboundMessage).on_conflict_do_nothing(index_elements=["idempotency_key"])
        return len(session.connection().execute(statement.returning(OutboundMessage.id), rows).all())
    session.connection().execute(insert(OutboundMessage), rows)
    return len(rows)
