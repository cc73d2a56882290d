"""Counts for an area and each area directly below it: applications by state and by category, money paid, and
complaints with their 回访 satisfaction (the 1–5 scores complainants gave the replies).

One grouped query per kind answers it all, so the figures for a county cost the same round trips as for a
village. A complaint counts where it happened (its village, and that village's township); which complaints
count is the caller's complaint scope, so a committee's figures never include complaints about it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, aliased

from api.models import Application, Area, AreaLevel, Household
from api.models.complaints import Complaint, ComplaintStatus
from api.services.complaints import visible
from api.services.scope import Actor


@dataclass
class Figures:
    area_id: int
    name: str
    level: AreaLevel
    total: int = 0
    by_state: Counter[str] = field(default_factory=Counter)
    by_category: Counter[str] = field(default_factory=Counter)
    paid_yuan: int = 0
    complaints: int = 0
    complaints_open: int = 0
    rated: int = 0
    score_sum: int = 0

    def add_complaints(self, status: ComplaintStatus, count: int, rated: int, score_sum: int) -> None:
        self.complaints += count
        self.complaints_open += count if status is not ComplaintStatus.resolved else 0
        self.rated += rated
        self.score_sum += score_sum

    def add(self, state: str, category: str, count: int, paid: int) -> None:
        self.total += count
        self.by_state[state] += count
        self.by_category[category] += count
        self.paid_yuan += paid

    def to_json(self) -> dict[str, Any]:
        return {"area_id": self.area_id, "name": self.name, "level": self.level.value, "total": self.total,
                "by_state": dict(sorted(self.by_state.items())),
                "by_category": dict(sorted(self.by_category.items())), "paid_yuan": self.paid_yuan,
                "complaints": {"total": self.complaints, "open": self.complaints_open, "rated": self.rated,
                               "satisfaction": round(self.score_sum / self.rated, 2) if self.rated else None}}


def area_stats(session: Session, area: Area, actor: Actor | None = None) -> dict[str, Any]:
    """Figures for ``area`` and, below a county or township, for each of its townships or villages;
    complaints only those ``actor`` may see (all of the area's when None: a job or the command line)."""
    a = Application
    if area.level is AreaLevel.county:
        child_key, scope = a.township_id, a.county_code == area.county_code
    elif area.level is AreaLevel.township:
        child_key, scope = a.village_id, a.township_id == area.id
    else:
        child_key, scope = a.village_id, a.village_id == area.id
    rows = session.execute(
        select(child_key.label("child"), a.state, Household.category, func.count(),
               func.coalesce(func.sum(a.paid_amount_yuan), 0))
        .join(Household, Household.id == a.household_id)
        .where(scope)
        .group_by(child_key, a.state, Household.category)
    ).all()
    whole = Figures(area.id, area.name, area.level)
    children: dict[int, Figures] = {}
    if area.level is not AreaLevel.village:
        below = select(Area).where(Area.parent_id == area.id).order_by(Area.name, Area.id)
        for child in session.scalars(below):
            children[child.id] = Figures(child.id, child.name, child.level)
    for child_id, state, category, count, paid in rows:
        whole.add(state.value, category.value, int(count), int(paid))
        if child_id in children:
            children[child_id].add(state.value, category.value, int(count), int(paid))
    for child_id, status, count, rated, score_sum in session.execute(_complaints_query(area, actor)).all():
        whole.add_complaints(status, int(count), int(rated), int(score_sum or 0))
        if child_id in children:
            children[child_id].add_complaints(status, int(count), int(rated), int(score_sum or 0))
    return {**whole.to_json(), "children": [c.to_json() for c in children.values()]}


def _complaints_query(area: Area, actor: Actor | None) -> Select[Any]:
    """(child area, status, complaints, rated, sum of scores), grouped, for the complaints made in ``area``."""
    c, village = Complaint, aliased(Area)
    if area.level is AreaLevel.county:
        child_key, scope = village.township_id, c.county_code == area.county_code
    elif area.level is AreaLevel.township:
        child_key, scope = c.village_id, village.township_id == area.id
    else:
        child_key, scope = c.village_id, c.village_id == area.id
    query = (select(child_key.label("child"), c.status, func.count(), func.count(c.satisfaction),
                    func.sum(c.satisfaction))
             .outerjoin(village, village.id == c.village_id)
             .where(scope)
             .group_by(child_key, c.status))
    return visible(query, actor) if actor is not None else query  # type: ignore[arg-type]
