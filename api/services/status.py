"""What a farmer may learn about their own applications: the status port the bot's 查询 flow reads.

The only key is a phone the channel has verified (the SMS sender, a Telegram contact shared by its owner), and
only applications that list that phone as a contact are returned, so nothing about one household ever reaches
another. The port returns facts, not sentences: wording and language belong to the flow.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.domain.errors import InvalidPhone
from api.domain.phone import validate_mobile
from api.models import Application, ApplicationContact, ApplicationState
from api.models.publicity import NoticeEntry, NoticeStatus, PublicityNotice


@dataclass(frozen=True)
class ApplicationStatus:
    """One application as its applicant may see it; ``window_closes_on`` is the open publicity's last day."""

    number: str
    state: ApplicationState
    since: dt.date | None
    due_on: dt.date | None
    due_provisional: bool
    window_closes_on: dt.date | None
    closing_reason: str | None
    start_overdue: bool
    paid_amount_yuan: int | None
    paid_on: dt.date | None


def statuses_for_phone(session: Session, phone: str) -> list[ApplicationStatus]:
    """Every application that lists ``phone`` as a contact, oldest first; [] for an unusable number."""
    try:
        number = validate_mobile(phone)
    except InvalidPhone:
        return []
    apps = session.scalars(
        select(Application).join(ApplicationContact, ApplicationContact.application_id == Application.id)
        .where(ApplicationContact.phone == number).order_by(Application.id)).unique().all()
    return [status_of(session, app) for app in apps]


def status_of(session: Session, app: Application) -> ApplicationStatus:
    since = app.events[-1].effective_on if app.events else None
    return ApplicationStatus(
        number=app.number, state=app.state, since=since, due_on=app.due_on,
        due_provisional=app.due_provisional, window_closes_on=window_closes_on(session, app.id),
        closing_reason=app.closing_reason, start_overdue=app.start_overdue,
        paid_amount_yuan=app.paid_amount_yuan, paid_on=app.paid_on)


def window_closes_on(session: Session, application_id: int) -> dt.date | None:
    """The last day of the open publicity window this application is listed on, if any."""
    return session.scalar(
        select(PublicityNotice.closes_on).join(NoticeEntry, NoticeEntry.notice_id == PublicityNotice.id)
        .where(NoticeEntry.application_id == application_id, PublicityNotice.status == NoticeStatus.open)
        .order_by(PublicityNotice.closes_on.desc()).limit(1))


class StatusPort:
    """The bot's view of ``statuses_for_phone``, bound to the message's session (bot.channels.ports)."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def application_statuses(self, phone: str) -> list[ApplicationStatus]:
        return statuses_for_phone(self._session, phone)
