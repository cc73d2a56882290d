"""Reminders to committee, township and county staff: review deadlines and the dates their documents set.

Two sources, both read afresh from the database at each run (nothing is remembered between runs):

- **review deadlines** the records track (``Application.due_on`` of ``township_review``, 004 四(三), and of
  ``department_check``, 004 四(四)): the township's staff hear of each application whose deadline is within
  ``ANJU_STAFF_REVIEW_REMIND_DAYS``;
- **dated duties** in content/staff_reminders.yaml, each quoted and cited from its county's document: the
  monthly list (5th) and progress (20th) reports of 002, the inspection rounds before the end of April and
  October of 003, the township acceptance phase of 004.

Each reminder is an ordinary outbox row (quiet hours, opt-out, digests and retries are the worker's), written
to every active staff member of the right area and level who has a contact and has reminders on, in their
language. Its idempotency key names the kind, the area, the period and the user, so a rerun or a restart adds
nothing; a user who gets a contact later still hears of a period whose reminder window is open.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from api.i18n import N_, format_date, translator
from api.models import Application, Area, AreaLevel, User
from api.models import ApplicationState as S
from api.profiles import document_name, get_profile
from api.services.notices.notifications import SMS, TELEGRAM, Recipient, language_of, queue
from api.services.scope import STAFF
from api.services.user_contacts import STAFF_KEY_PREFIX
from api.settings import get_settings
from content import CONTENT_DIR

Render = Callable[[Callable[[str], str], str | None], str]

# One text per kind of dated duty; the date comes from content/staff_reminders.yaml, the citation line too.
DUTY_TEXTS: dict[str, str] = {
    "list_report": N_("提醒：经鉴定符合政策要求的农村低收入群体名单须于{date}前逐级上报。"),
    "progress_report": N_("提醒：年度任务进展情况须于{date}前上报（月报）。"),
    "inspection_round": N_("提醒：农村住房安全全面排查须于{date}前完成。"),
    "township_acceptance": N_("提醒：乡镇竣工验收（第一阶段）须于{date}前完成，验收后提交竣工验收报告。"),
}
REVIEW_TEXTS: dict[S, str] = {
    S.township_review: N_("提醒：申请 {number}（{village}）的乡镇审核期限为{date}。"),
    S.department_check: N_("提醒：申请 {number}（{village}）的部门核查期限为{date}。"),
}


class Duty(BaseModel):
    """One dated duty of content/staff_reminders.yaml."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: str
    county: str
    levels: list[AreaLevel]
    months: list[int] | None = None
    day: int | Literal["last"]
    quote: str
    citation: str
    remind_days_before: int

    def due_within_window(self, today: dt.date) -> dt.date | None:
        """The next due date on or after ``today`` if today is within ``remind_days_before`` of it."""
        year, month = today.year, today.month
        for _ in range(13):
            if self.months is None or month in self.months:
                last = calendar.monthrange(year, month)[1]
                due = dt.date(year, month, last if self.day == "last" else min(int(self.day), last))
                if due >= today:
                    return due if (due - today).days <= self.remind_days_before else None
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return None


@lru_cache(maxsize=1)
def load_duties() -> tuple[Duty, ...]:
    raw = yaml.safe_load((CONTENT_DIR / "staff_reminders.yaml").read_text(encoding="utf-8"))
    return tuple(Duty.model_validate(item) for item in raw)


def remind_staff(session: Session, today: dt.date) -> int:
    """Both kinds of reminder due today; returns how many rows were queued (0 on a rerun)."""
    return remind_duties(session, today) + remind_review_deadlines(session, today)


def remind_duties(session: Session, today: dt.date, duties: Iterable[Duty] | None = None) -> int:
    count = 0
    for duty in duties if duties is not None else load_duties():
        due = duty.due_within_window(today)
        if due is None:
            continue
        render = _duty_text(duty, due)
        for area_id, users in _staff(session, Area.county_code == duty.county, Area.level.in_(duty.levels)).items():
            key = f"{STAFF_KEY_PREFIX}{duty.kind}:area:{area_id}:{due:%Y-%m}"
            count += _queue_to(session, users, key, render)
    return count


def remind_review_deadlines(session: Session, today: dt.date, days: int | None = None) -> int:
    """Applications whose township review or department check ends within ``days``: the township's staff."""
    ahead = get_settings().staff_review_remind_days if days is None else days
    apps = session.scalars(select(Application).where(
        Application.state.in_(list(REVIEW_TEXTS)), Application.due_on >= today,
        Application.due_on <= today + dt.timedelta(days=ahead)).order_by(Application.id)).all()
    if not apps:
        return 0
    staff = _staff(session, Area.id.in_({app.township_id for app in apps}), Area.level == AreaLevel.township)
    count = 0
    for app in apps:
        if app.township_id not in staff or app.due_on is None:
            continue
        key = f"{STAFF_KEY_PREFIX}{app.state.value}_due:area:{app.township_id}:{app.due_on}:app:{app.id}"
        count += _queue_to(session, staff[app.township_id], key, _review_text(session, app))
    return count


def _staff(session: Session, *where: object) -> dict[int, list[User]]:
    """Active staff (not viewers) with reminders on and a contact, by area."""
    users = session.scalars(select(User).join(Area, User.area_id == Area.id).where(
        *where, User.active.is_(True), User.notifications_on.is_(True), User.role.in_(STAFF),
        or_(User.phone.is_not(None), User.telegram_chat_id.is_not(None))).order_by(User.id))
    by_area: dict[int, list[User]] = defaultdict(list)
    for user in users:
        by_area[user.area_id].append(user)
    return by_area


def recipient_of(session: Session, user: User) -> Recipient | None:
    """The user's Telegram chat when Telegram is configured, else their phone; in their language."""
    if user.telegram_chat_id and (get_settings().telegram_token is not None or not user.phone):
        channel, address = TELEGRAM, user.telegram_chat_id
    elif user.phone:
        channel, address = SMS, user.phone
    else:
        return None
    return Recipient(channel, address, user.language or language_of(session, channel, address))


def _queue_to(session: Session, users: list[User], key: str, render: Render) -> int:
    count = 0
    for user in users:
        recipient = recipient_of(session, user)
        if recipient is None:
            continue
        text = render(translator(recipient.language), recipient.language)
        count += queue(session, recipient, text, f"{key}:user:{user.id}") is not None
    session.flush()
    return count


def _cited(_: Callable[[str], str], county: str, citation: str) -> str:
    """"依据：屯建发〔2023〕86号 五" — the document's number (or title) and the section."""
    doc, _space, section = citation.partition(" ")
    return _("依据：{document} {section}").format(document=document_name(get_profile(county), doc), section=section)


def _duty_text(duty: Duty, due: dt.date) -> Render:
    def render(_: Callable[[str], str], language: str | None) -> str:
        text = _(DUTY_TEXTS[duty.kind]).format(date=format_date(due, language))
        return text + "\n" + _cited(_, duty.county, duty.citation)

    return render


def _review_text(session: Session, app: Application) -> Render:
    village = session.get(Area, app.village_id)
    period = get_profile(app.county_code).period(
        "township_review" if app.state is S.township_review else "department_check")

    def render(_: Callable[[str], str], language: str | None) -> str:
        assert app.due_on is not None
        text = _(REVIEW_TEXTS[app.state]).format(number=app.number, village=village.name if village else "",
                                                 date=format_date(app.due_on, language))
        if period is not None and period.silence_passes:
            text += _("部门期满不做回复的，视为审查合格。")
        return text + ("\n" + _cited(_, app.county_code, period.citation) if period else "")

    return render
