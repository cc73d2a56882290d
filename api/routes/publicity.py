"""Publicity notices: opened and closed by staff; read by anyone (masked) on the public endpoints."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response

from api.auth import current_actor
from api.deps import SessionDep
from api.models import NoticeStatus, PublicityNotice
from api.models._types import utcnow
from api.schemas.publicity import EntryOut, NoticeIn, NoticeOut, PublicNotice
from api.schemas.types import Id, Limit, Offset
from api.services import publicity
from api.services.scope import Actor

router = APIRouter(prefix="/api/v1", tags=["publicity"])
ActorDep = Annotated[Actor, Depends(current_actor)]


def notice_out(notice: PublicityNotice) -> NoticeOut:
    return NoticeOut(
        id=notice.id, level=notice.level, area_id=notice.area_id, county_code=notice.county_code,
        title=notice.title, opened_on=notice.opened_on, closes_on=notice.closes_on,
        closes_provisional=notice.closes_provisional, period_citation=notice.period_citation,
        report_phone=notice.report_phone, status=notice.status, opened_by=notice.opened_by,
        entries=[EntryOut(application_id=e.application_id, number=e.application.number,
                          state=e.application.state, head_name=e.application.household.head_name)
                 for e in notice.entries])


@router.post("/notices", status_code=201, response_model=NoticeOut)
def open_notice(body: NoticeIn, response: Response, session: SessionDep, actor: ActorDep) -> NoticeOut:
    notice = publicity.open_notice(session, actor, body)
    response.headers["Location"] = f"/api/v1/notices/{notice.id}"
    return notice_out(notice)


@router.get("/notices", response_model=list[NoticeOut])
def list_notices(session: SessionDep, actor: ActorDep, status: NoticeStatus | None = None,
                 limit: Limit = 50,
                 offset: Offset = 0) -> list[NoticeOut]:
    return [notice_out(n) for n in publicity.list_notices(session, actor, status=status, limit=limit,
                                                           offset=offset)]


@router.get("/notices/{notice_id}", response_model=NoticeOut)
def get_notice(notice_id: Id, session: SessionDep, actor: ActorDep) -> NoticeOut:
    return notice_out(publicity.get_notice(session, actor, notice_id))


@router.post("/notices/{notice_id}/close", response_model=NoticeOut)
def close_notice(notice_id: Id, session: SessionDep, actor: ActorDep) -> NoticeOut:
    publicity.close_notice(session, actor, notice_id)
    return notice_out(publicity.get_notice(session, actor, notice_id))


@router.get("/public/notices", response_model=list[PublicNotice], tags=["public"])
def public_notices(village_id: Id, session: SessionDep) -> list[PublicNotice]:
    """No token: the notices a resident of the village may read, names and ID numbers masked."""
    now = utcnow()
    return [publicity.public_view(session, n, now) for n in publicity.public_notices(session, village_id)]


@router.get("/public/notices/{notice_id}", response_model=PublicNotice, tags=["public"])
def public_notice(notice_id: Id, session: SessionDep) -> PublicNotice:
    return publicity.public_view(session, publicity.public_notice(session, notice_id), utcnow())

