"""Domain events: the one call a service makes when something a person should hear of has happened.

Called inside the service's own session, before its commit, so the notification rows commit or roll back with
the change (transactional outbox). The renderer lives with the bot (languages, channels) and is imported late,
so the records layer does not load it until an event actually happens.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

if TYPE_CHECKING:
    from api.models import Application, ApplicationEvent
    from api.models.publicity import Objection, PublicityNotice


def application_moved(session: Session, app: Application, event: ApplicationEvent) -> None:
    from api.delivery import notifications

    notifications.application_moved(session, app, event)


def objection_filed(session: Session, objection: Objection) -> None:
    from api.delivery import notifications

    notifications.objection_filed(session, objection)


def objection_decided(session: Session, objection: Objection) -> None:
    from api.delivery import notifications

    notifications.objection_decided(session, objection)


def notice_opened(session: Session, notice: PublicityNotice) -> None:
    from api.delivery import publicity

    publicity.notice_opened(session, notice)
