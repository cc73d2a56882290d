"""Reminders derived from the records at each run, so a restart loses none and a rerun repeats none.

The start deadline after the agreement is the county's (``due_on``, from its profile); how many days ahead we
remind is our operational choice, not policy, and each reminder's key names the deadline it is about.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.models import Application, ApplicationState
from api.services.notices.notifications import to_contacts
from api.services.notices.steps import describe
from api.services.status import ApplicationStatus, status_of

REMIND_AHEAD = dt.timedelta(days=7)


def remind_start_deadlines(session: Session, today: dt.date) -> int:
    """Families whose agreement's start deadline falls within REMIND_AHEAD and who have not started."""
    apps = session.scalars(select(Application).where(
        Application.state == ApplicationState.agreement_signed, Application.start_overdue.is_(False),
        Application.due_on >= today, Application.due_on <= today + REMIND_AHEAD)).all()
    count = 0
    for app in apps:
        render = _start_reminder(status_of(session, app))
        count += len(to_contacts(session, app, f"app:{app.id}:start_due:{app.due_on}", render))
    return count


def _start_reminder(status: ApplicationStatus) -> Callable[[Callable[[str], str], str | None], str]:
    def render(_: Callable[[str], str], language: str | None) -> str:
        return _("提醒：开工期限快到了。") + "\n" + describe(status, _, language)

    return render
