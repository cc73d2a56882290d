"""Households: recorded and read by staff within their area."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response

from api.auth import current_actor
from api.deps import SessionDep
from api.schemas.households import HouseholdIn, HouseholdOut, HouseholdPage
from api.schemas.types import Id, Limit, Offset
from api.services import households
from api.services.scope import Actor

router = APIRouter(prefix="/api/v1", tags=["households"])
ActorDep = Annotated[Actor, Depends(current_actor)]


@router.post("/households", status_code=201, response_model=HouseholdOut)
def create_household(body: HouseholdIn, response: Response, session: SessionDep,
                     actor: ActorDep) -> HouseholdOut:
    household = households.create_household(session, actor, body)
    response.headers["Location"] = f"/api/v1/households/{household.id}"
    return HouseholdOut.model_validate(household)


@router.get("/households", response_model=HouseholdPage)
def list_households(session: SessionDep, actor: ActorDep, village_id: Id | None = None,
                    limit: Limit = 50,
                    offset: Offset = 0) -> HouseholdPage:
    rows, total = households.list_households(session, actor, village_id=village_id, limit=limit,
                                             offset=offset)
    return HouseholdPage(total=total, limit=limit, offset=offset,
                         items=[HouseholdOut.model_validate(h) for h in rows])


@router.get("/households/{household_id}", response_model=HouseholdOut)
def get_household(household_id: Id, session: SessionDep, actor: ActorDep) -> HouseholdOut:
    return HouseholdOut.model_validate(households.get_household(session, actor, household_id))
