"""Whose area an audit entry belongs to, and the log as a supervisor may read it.

Each entry carries the area (village, township or county) and county of the record it is about, decided once
when it is recorded, so reading the log within a caller's area is a plain filter on two indexed columns: a
village sees its own area's entries, a township its own and its villages', a county everything in the county.
Entries about no area (system-wide ones) are not shown through the API; ``anju audit verify`` covers them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import Session

from api.models import (
    ApiToken,
    Application,
    Area,
    AreaLevel,
    AuditEntry,
    Complaint,
    Household,
    Lead,
    Objection,
    PublicityNotice,
    User,
)
from api.models.screening import ScreeningRecord
from api.services.scope import Actor

Where = tuple[int | None, str | None]


def _via_area(area_id: Callable[[Any], int | None]) -> Callable[[Session, Any], Where]:
    def resolve(session: Session, row: Any) -> Where:
        found = area_id(row)
        area = session.get(Area, found) if found is not None else None
        return (area.id, area.county_code) if area is not None else (None, getattr(row, "county_code", None))
    return resolve


# entity name → (model, how to find its area). An entity missing here is recorded without an area.
RESOLVERS: dict[str, tuple[type, Callable[[Session, Any], Where]]] = {
    "application": (Application, _via_area(lambda r: r.village_id)),
    "household": (Household, _via_area(lambda r: r.village_id)),
    "complaint": (Complaint, _via_area(lambda r: r.village_id)),
    "lead": (Lead, _via_area(lambda r: r.village_id)),
    "publicity_notice": (PublicityNotice, _via_area(lambda r: r.area_id)),
    "objection": (Objection, _via_area(lambda r: r.notice.area_id)),
    "area": (Area, _via_area(lambda r: r.id)),
    "user": (User, _via_area(lambda r: r.area_id)),
    "api_token": (ApiToken, _via_area(lambda r: r.user.area_id)),
    "screening": (ScreeningRecord, lambda _s, r: (None, r.county_code)),
}


def where_of(session: Session, entity: str, entity_id: str | int) -> Where:
    """(area id, county code) of the record an entry is about; (None, None) when it has none.

    Reads through the session's identity map, so for a record the transaction just wrote it costs no query.
    """
    found = RESOLVERS.get(entity)
    if found is None:
        return None, None
    model, resolve = found
    try:
        row = session.get(model, int(entity_id))
    except (TypeError, ValueError):
        return None, None
    return resolve(session, row) if row is not None else (None, None)


def in_scope(actor: Actor) -> ColumnElement[bool]:
    """The entries the actor's area covers."""
    in_county = AuditEntry.county_code == actor.county_code
    if actor.level is AreaLevel.county:
        return in_county
    if actor.level is AreaLevel.township:
        villages = select(Area.id).where(Area.township_id == actor.area_id)
        return in_county & or_(AuditEntry.area_id == actor.area_id, AuditEntry.area_id.in_(villages))
    return in_county & (AuditEntry.area_id == actor.area_id)


def list_entries(session: Session, actor: Actor, *, entity: str | None = None, entity_id: str | None = None,
                 actor_label: str | None = None, since: dt.datetime | None = None,
                 until: dt.datetime | None = None, limit: int = 50,
                 offset: int = 0) -> tuple[list[AuditEntry], int]:
    """Entries within the actor's area, newest first, filtered by record, actor and time; and their total."""
    query: Select[Any] = select(AuditEntry).where(in_scope(actor))
    if entity is not None:
        query = query.where(AuditEntry.entity == entity)
    if entity_id is not None:
        query = query.where(AuditEntry.entity_id == entity_id)
    if actor_label is not None:
        # "user:12" matches every label of user 12 ("user:12:张三"), whatever the name was at the time.
        query = query.where(or_(AuditEntry.actor == actor_label, AuditEntry.actor.startswith(actor_label + ":",
                                                                                              autoescape=True)))
    if since is not None:
        query = query.where(AuditEntry.at >= since)
    if until is not None:
        query = query.where(AuditEntry.at < until)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = list(session.scalars(query.order_by(AuditEntry.id.desc()).limit(limit).offset(offset)))
    return rows, total
