"""``GET /api/v1/audit``: the audit log as a supervisor reads it, within the caller's area.

Reviewers and admins read it (a village its own area's entries, a township its own and its villages', a
county everything in the county); clerks and viewers do not. Filters: the record (``entity`` and
``entity_id``), who acted (``actor``: ``user:12`` or a full label), and a time window.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

from api.auth import require_role
from api.deps import SessionDep
from api.domain.errors import ValidationFailed
from api.models import Role
from api.services.audit_scope import list_entries
from api.services.scope import Actor

router = APIRouter(prefix="/api/v1", tags=["audit"])
SupervisorDep = Annotated[Actor, Depends(require_role(Role.reviewer, Role.admin))]


class AuditEntryOut(BaseModel):
    id: int
    at: dt.datetime
    actor: str
    action: str
    entity: str
    entity_id: str
    area_id: int | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None


class AuditPage(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[AuditEntryOut]


def _aware(value: dt.datetime | None, name: str) -> dt.datetime | None:
    if value is not None and value.tzinfo is None:
        raise ValidationFailed(f"{name}: 请注明时区，如 2026-03-02T08:00:00+08:00 / give a time zone offset",
                               field=name)
    return value


@router.get("/audit", response_model=AuditPage)
def read_audit(session: SessionDep, actor: SupervisorDep,
               entity: Annotated[str | None, Query(max_length=64, description="application, household, …")] = None,
               entity_id: Annotated[str | None, Query(max_length=64)] = None,
               by: Annotated[str | None, Query(alias="actor", max_length=128,
                                               description="user:12, or a full label")] = None,
               since: Annotated[dt.datetime | None, Query(description="from this time (inclusive)")] = None,
               until: Annotated[dt.datetime | None, Query(description="before this time")] = None,
               limit: Annotated[int, Query(ge=1, le=200)] = 50,
               offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0) -> AuditPage:
    rows, total = list_entries(session, actor, entity=entity, entity_id=entity_id, actor_label=by,
                               since=_aware(since, "since"), until=_aware(until, "until"), limit=limit,
                               offset=offset)
    return AuditPage(total=total, limit=limit, offset=offset,
                     items=[AuditEntryOut.model_validate(r, from_attributes=True) for r in rows])
