"""The bot's way into publicity and objections: villages by name, open lists masked, filing with a receipt.

Bound to the message's session (bot.channels.ports.PORTS). Only public, masked facts leave this port; the
filing itself is ``objections.file_objection``, the same call the API makes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.domain.errors import NotFound, ValidationFailed, WindowClosed
from api.models import (
    Application,
    Area,
    AreaLevel,
    NoticeEntry,
    NoticeLevel,
    NoticeStatus,
    Objection,
    ObjectionStatus,
    PublicityNotice,
)
from api.services.objections import file_objection, for_objector
from api.services.publicity import public_notice, public_notices, public_view, window_open
from api.services.village_names import Village, match_villages, villages_in

MAX_PER_DAY = 10   # objections per sender a day: abuse control, not policy


@dataclass(frozen=True)
class ListedEntry:
    """One line of an open list as a resident may see it."""

    notice_id: int
    application_id: int
    name: str              # masked
    id_number: str         # masked
    village: str
    category: str
    level: NoticeLevel
    title: str
    opened_on: dt.date
    closes_on: dt.date
    window_open: bool = True   # False: the clerk has not closed it yet, but objections are no longer taken
    number: str = ""           # the application number printed on the notice (140621-2026-00001)
    report_phone: str | None = None   # the report phone printed on the notice


@dataclass(frozen=True)
class Lists:
    entries: list[ListedEntry]
    closed: list[tuple[dt.date, dt.date]]   # notices not yet closed by the clerk whose window is over


@dataclass(frozen=True)
class Filed:
    number: str | None
    opened_on: dt.date | None = None   # set with closes_on when the window was not open
    closes_on: dt.date | None = None
    error: str | None = None           # "reason" or "contact_phone" when that input was refused


@dataclass(frozen=True)
class ObjectionView:
    """What the objector may read of their own objection: where it stands and the written outcome."""

    number: str
    status: ObjectionStatus
    outcome_reason: str | None


class ObjectionPort:
    def __init__(self, session: Session) -> None:
        self._session = session

    def villages(self, county_code: str, text: str) -> list[Village]:
        return match_villages(self._session, county_code, text)

    def village(self, village_id: int) -> Village | None:
        area = self._session.get(Area, village_id)
        if area is None or area.level is not AreaLevel.village:
            return None
        township = self._session.get(Area, area.township_id) if area.township_id else None
        return Village(area.id, area.name, township.name if township else "", area.county_code)

    def open_lists(self, village_id: int, now: dt.datetime) -> Lists:
        """Entries of the notices a resident of the village may object to now, masked."""
        try:
            notices = public_notices(self._session, village_id)
        except NotFound:
            return Lists([], [])
        entries: list[ListedEntry] = []
        closed: list[tuple[dt.date, dt.date]] = []
        for notice in sorted(notices, key=lambda n: n.id):
            if not window_open(notice, now) or notice.status is not NoticeStatus.open:
                closed.append((notice.opened_on, notice.closes_on))
                continue
            view = public_view(self._session, notice, now)
            numbers = self._numbers([e.application_id for e in view.entries])
            entries += [ListedEntry(notice.id, e.application_id, e.name, e.id_number, e.village, e.category,
                                    notice.level, notice.title, notice.opened_on, notice.closes_on,
                                    number=numbers.get(e.application_id, ""), report_phone=notice.report_phone)
                        for e in view.entries]
        return Lists(entries, closed)

    def _numbers(self, application_ids: list[int]) -> dict[int, str]:
        if not application_ids:
            return {}
        rows = self._session.execute(select(Application.id, Application.number)
                                     .where(Application.id.in_(application_ids)))
        return {application_id: number for application_id, number in rows}

    def villages_in(self, county_code: str, text: str) -> list[Village]:
        return villages_in(self._session, county_code, text)

    def open_list_places(self, county_code: str, now: dt.datetime) -> list[str]:
        """Where the county's lists open for objections now are posted (their village or township)."""
        notices = self._session.scalars(select(PublicityNotice).where(
            PublicityNotice.county_code == county_code, PublicityNotice.status == NoticeStatus.open)
            .order_by(PublicityNotice.id)).all()
        places = []
        for notice in notices:
            area = self._session.get(Area, notice.area_id)
            if area is not None and window_open(notice, now) and area.name not in places:
                places.append(area.name)
        return places

    def listed_entry(self, notice_id: int, application_id: int, now: dt.datetime) -> ListedEntry | None:
        """One entry of an open notice by its numbers (the "异议 <notice> <application>" shortcut)."""
        notice = self._session.get(PublicityNotice, notice_id)
        if notice is None or notice.status is not NoticeStatus.open:
            return None
        view = public_view(self._session, notice, now)
        numbers = self._numbers([application_id])
        return next((ListedEntry(notice.id, e.application_id, e.name, e.id_number, e.village, e.category,
                                 notice.level, notice.title, notice.opened_on, notice.closes_on,
                                 window_open(notice, now), numbers.get(application_id, ""), notice.report_phone)
                     for e in view.entries if e.application_id == application_id), None)

    def has_villages(self, county_code: str) -> bool:
        """Whether the county's villages were imported at all (without them no village can be named)."""
        return self._session.scalar(select(Area.id).where(Area.county_code == county_code,
                                                          Area.level == AreaLevel.village).limit(1)) is not None

    def county_has_open_lists(self, county_code: str, now: dt.datetime) -> bool:
        """Whether any list in the county is still open (not closed by its clerk): with none there is nothing
        to object to; one whose window just ended is told with its dates at the village."""
        return self._session.scalar(select(PublicityNotice.id).where(
            PublicityNotice.county_code == county_code, PublicityNotice.status == NoticeStatus.open)
            .limit(1)) is not None

    def entry_by_number(self, number: str, now: dt.datetime, notice_id: int | None = None) -> ListedEntry | None:
        """The entry of an open notice for the application numbered ``number`` (as printed on the notice:
        140621-2026-00001); with ``notice_id`` only that notice's."""
        application_id = self._session.scalar(select(Application.id).where(Application.number == number))
        if application_id is None:
            return None
        query = select(NoticeEntry.notice_id).join(PublicityNotice).where(
            NoticeEntry.application_id == application_id, PublicityNotice.status == NoticeStatus.open)
        if notice_id is not None:
            query = query.where(NoticeEntry.notice_id == notice_id)
        notices = sorted(self._session.scalars(query), reverse=True)
        entries = [self.listed_entry(n, application_id, now) for n in notices]
        found = [e for e in entries if e is not None]
        return next((e for e in found if e.window_open), found[0] if found else None)

    def file_objection(self, notice_id: int, application_id: int, reason: str, contact_phone: str | None,
                       channel: str, sender: str, now: dt.datetime) -> Filed:
        """The tracking number, or why not: the window (with its dates), the input refused, or too many."""
        since = now - dt.timedelta(days=1)
        recent = self._session.scalar(select(func.count()).select_from(Objection).where(
            Objection.channel == channel, Objection.sender == sender, Objection.filed_at >= since)) or 0
        if recent >= MAX_PER_DAY:
            return Filed(None, error="rate_limited")
        try:
            objection = file_objection(self._session, notice_id, application_id, reason, contact_phone,
                                       channel=channel, sender=sender, now=now)
        except WindowClosed:
            notice = public_notice(self._session, notice_id)
            return Filed(None, notice.opened_on, notice.closes_on)
        except ValidationFailed as exc:
            return Filed(None, error=exc.field or "reason")
        return Filed(objection.number)

    def objection_status(self, number: str, channel: str, sender: str, phone: str | None) -> ObjectionView | None:
        found = for_objector(self._session, number, channel, sender, phone)
        if found is None:
            return None
        return ObjectionView(found.number, found.status, found.outcome_reason)
