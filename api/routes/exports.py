"""The archive table as CSV or XLSX, and statistics, for the caller's village, township or county."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import StreamingResponse
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from api.auth import current_actor
from api.db import transaction
from api.deps import SessionDep
from api.models import ApplicationState, Area
from api.schemas import disclosure
from api.schemas.types import Id
from api.services import exports, stats
from api.services.scope import Actor, visible_area

router = APIRouter(prefix="/api/v1", tags=["exports"])
ActorDep = Annotated[Actor, Depends(current_actor)]
AreaParam = Annotated[Id | None, Query(
                                        description="a village, township or county; default: the caller's")]
YearParam = Annotated[int | None, Query(ge=1949, le=9999, description="列入计划的年度")]
StateParam = Annotated[list[ApplicationState] | None, Query(description="only applications in these states")]

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ARCHIVE_TITLE = "农村危房改造农户纸质档案表 (004 附件2)"


def _disposition(name: str) -> dict[str, str]:
    """RFC 6266 with a UTF-8 file name, and an ASCII fallback for old clients."""
    return {"Content-Disposition": f"attachment; filename=\"archive.{name.rsplit('.', 1)[-1]}\"; "
                                   f"filename*=UTF-8''{quote(name)}"}


def _area(session: Session, actor: Actor, area_id: int | None) -> Area:
    return visible_area(session, actor, area_id if area_id is not None else actor.area_id)


@router.get("/exports/archive.csv", response_class=StreamingResponse,
            responses={200: {"content": {CSV_TYPE: {}}, "description": ARCHIVE_TITLE}})
def archive_csv(request: Request, session: SessionDep, actor: ActorDep, area_id: AreaParam = None,
                year: YearParam = None, state: StateParam = None) -> StreamingResponse:
    area = _area(session, actor, area_id)
    query = exports.archive_query(area, year=year, states=state)
    policy = disclosure.for_role(actor.role)
    engine: Engine = request.app.state.engine

    def body() -> Iterator[bytes]:
        # Its own read transaction: the stream outlives the request's unit of work.
        with transaction(engine) as stream_session:
            yield from exports.csv_chunks(exports.archive_rows(stream_session, query, policy))

    headers = _disposition(exports.file_name(area, "csv"))
    return StreamingResponse(body(), media_type=CSV_TYPE, headers=headers)


@router.get("/exports/archive.xlsx", response_class=StreamingResponse,
            responses={200: {"content": {XLSX_TYPE: {}}, "description": ARCHIVE_TITLE}})
def archive_xlsx(session: SessionDep, actor: ActorDep, area_id: AreaParam = None, year: YearParam = None,
                 state: StateParam = None) -> StreamingResponse:
    area = _area(session, actor, area_id)
    rows = exports.archive_rows(session, exports.archive_query(area, year=year, states=state),
                                disclosure.for_role(actor.role))
    out = exports.write_xlsx(rows, area.name)

    def body() -> Iterator[bytes]:
        with out:
            while chunk := out.read(64 * 1024):
                yield chunk

    headers = _disposition(exports.file_name(area, "xlsx"))
    return StreamingResponse(body(), media_type=XLSX_TYPE, headers=headers)


@router.get("/stats")
def area_stats(session: SessionDep, actor: ActorDep, area_id: AreaParam = None) -> dict[str, Any]:
    """Applications by state and by category, money paid, and complaints with their 回访 satisfaction, for the
    area and each area directly below it."""
    return stats.area_stats(session, _area(session, actor, area_id), actor)
