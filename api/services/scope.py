"""Who may see which area's records: a village its own, a township its villages, a county everything in it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import select
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


def _sees_placed(session: Session, actor: Actor, row: Any) -> bool:
    """A citizen's lead or call-back: its county's staff above the village see it until it is placed in a
    village; then the areas that cover that village."""
    if row.county_code != actor.county_code:
        return False
    if row.village_id is None:
        return actor.level is not AreaLevel.village
    area = session.get(Area, row.village_id)
    return area is not None and covers(actor, area)


def placed_rows(session: Session, actor: Actor, model: type[T], status: Any = None) -> list[T]:
    """The rows of ``model`` (county_code, village_id, status) the actor sees, oldest first."""
    query = select(model).where(model.county_code == actor.county_code).order_by(model.id)  # type: ignore[attr-defined]
    if status is not None:
        query = query.where(model.status == status)  # type: ignore[attr-defined]
    return [row for row in session.scalars(query) if _sees_placed(session, actor, row)]


def placed_row(session: Session, actor: Actor, model: type[T], row_id: int, *, missing: str, field: str) -> T:
    """One such row by id; a foreign one is not found, exactly like an absent one."""
    row = session.get(model, row_id)
    if row is None or not _sees_placed(session, actor, row):
        raise NotFound(missing, field=field)
    return row
