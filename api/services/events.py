"""Domain events: the one call a service makes when something a person should hear of has happened.

Called inside the service's own session, before its commit, so the notification rows commit or roll back with
the change (transactional outbox). What each event tells whom is composed in ``api.services.notices``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from api.services.notices import notifications, publicity

if TYPE_CHECKING:
    from api.models import Application, ApplicationEvent
    from api.models.publicity import Objection, PublicityNotice


def application_moved(session: Session, app: Application, event: ApplicationEvent) -> None:
    notifications.application_moved(session, app, event)


def objection_filed(session: Session, objection: Objection) -> None:
    notifications.objection_filed(session, objection)


def objection_decided(session: Session, objection: Objection) -> None:
    notifications.objection_decided(session, objection)


def notice_opened(session: Session, notice: PublicityNotice) -> None:
    publicity.notice_opened(session, notice)
