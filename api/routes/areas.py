"""The area tree: county staff add townships, township staff add villages; everyone reads within scope."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response

from api.auth import current_actor, require_writer
from api.deps import SessionDep
from api.schemas.areas import AreaIn, AreaOut
from api.schemas.types import Id
from api.services import areas
from api.services.scope import Actor, visible_area

router = APIRouter(prefix="/api/v1", tags=["areas"])
ActorDep = Annotated[Actor, Depends(current_actor)]
WriterDep = Annotated[Actor, Depends(require_writer)]
# Ids beyond a signed 64-bit integer cannot exist and would overflow the database driver.


@router.post("/areas", status_code=201, response_model=AreaOut)
def create_area(body: AreaIn, response: Response, session: SessionDep, actor: WriterDep) -> AreaOut:
    area = areas.create_area(session, actor, body.parent_id, body.name, body.code)
    response.headers["Location"] = f"/api/v1/areas/{area.id}"
    return AreaOut.model_validate(area)


@router.get("/areas", response_model=list[AreaOut])
def list_areas(session: SessionDep, actor: ActorDep,
               parent_id: Id | None = None) -> list[AreaOut]:
    """The areas directly under ``parent_id``; without it, those under the caller's own area."""
    return [AreaOut.model_validate(a) for a in areas.list_children(session, actor, parent_id)]


@router.get("/areas/{area_id}", response_model=AreaOut)
def get_area(area_id: Id, session: SessionDep, actor: ActorDep) -> AreaOut:
    return AreaOut.model_validate(visible_area(session, actor, area_id))
