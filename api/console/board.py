"""The public notice board: county → village → the open notices a resident may read. No sign-in.

Only what the documents require to publish: the masked name and ID number, the category, the window, the report
phone and how to object (the same public view as ``GET /api/v1/public/notices``).
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from sqlalchemy import func, select

from api.console.web import ConsoleRoute, render
from api.deps import SessionDep
from api.domain.errors import NotFound
from api.models import Area, AreaLevel, NoticeStatus, PublicityNotice
from api.models._types import utcnow
from api.services import publicity

router = APIRouter(route_class=ConsoleRoute, include_in_schema=False)


@router.get("/board")
def counties(request: Request, session: SessionDep) -> Response:
    rows = list(session.scalars(select(Area).where(Area.level == AreaLevel.county).order_by(Area.code)))
    return render(request, "board.html", {"counties": rows})


@router.get("/board/{county_code}")
def county(request: Request, county_code: str, session: SessionDep) -> Response:
    area = session.scalar(select(Area).where(Area.level == AreaLevel.county, Area.code == county_code))
    if area is None:
        raise NotFound(f"县 {county_code} 不存在 / county not found", field="county_code")
    towns = list(session.scalars(select(Area).where(Area.parent_id == area.id).order_by(Area.name, Area.id)))
    villages = list(session.scalars(select(Area).where(Area.level == AreaLevel.village,
                                                       Area.county_code == county_code)
                                    .order_by(Area.name, Area.id)))
    open_by_area = dict(session.execute(
        select(PublicityNotice.area_id, func.count()).where(PublicityNotice.county_code == county_code,
                                                            PublicityNotice.status == NoticeStatus.open)
        .group_by(PublicityNotice.area_id)).all())
    return render(request, "board_county.html", {"county": area, "towns": towns, "villages": villages,
                                                 "open_by_area": open_by_area})


@router.get("/board/village/{village_id}")
def village(request: Request, village_id: int, session: SessionDep) -> Response:
    notices = publicity.public_notices(session, village_id)
    area = session.get(Area, village_id)
    now = utcnow()
    views = [publicity.public_view(session, n, now) for n in notices]
    return render(request, "board_village.html", {"village": area, "views": [v for v in views if v.open]})
