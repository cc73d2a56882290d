"""Who may see which area's records: a village its own, a township its villages, a county everything in it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy.orm import Session

from api.domain.errors import NotFound
from api.models import Area, AreaLevel, Role

T = TypeVar("T")

# Who may record and move applications, and who may decide (approve, reject, appraise).
STAFF = frozenset({Role.clerk, Role.reviewer, Role.admin})
DECIDERS = frozenset({Role.reviewer, Role.admin})


@dataclass(frozen=True)
class Actor:
    """The authenticated staff member behind a request; ``label`` is what the audit log and events record."""

    user_id: int
    name: str
    role: Role
    area_id: int
    level: AreaLevel
    county_code: str

    @property
    def label(self) -> str:
        return f"user:{self.user_id}:{self.name}"


def covers(actor: Actor, area: Area) -> bool:
    if area.county_code != actor.county_code:
        return False
    if actor.level is AreaLevel.county:
        return True
    if actor.level is AreaLevel.township:
        return area.id == actor.area_id or area.township_id == actor.area_id
    return area.id == actor.area_id


def visible_area(session: Session, actor: Actor, area_id: int) -> Area:
    """The area if the actor may see it; otherwise NotFound, so a foreign record's existence is not revealed."""
    area = session.get(Area, area_id)
    if area is None or not covers(actor, area):
        raise NotFound(f"区域 {area_id} 不存在或不在您的管辖范围 / area {area_id} not found", field="area_id")
    return area


def visible_record(session: Session, actor: Actor, model: type[T], record_id: int, *,
                      area_of: Callable[[T], int], missing: str, field: str) -> T:
    """A record by id if the actor's area covers it; a foreign record is not found, exactly like an absent one."""
    record = session.get(model, record_id)
    if record is None:
        raise NotFound(missing, field=field)
    try:
        visible_area(session, actor, area_of(record))
    except NotFound:
        raise NotFound(missing, field=field) from None
    return record
