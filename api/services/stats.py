"""Counts for an area and each area directly below it: applications by state and by category, money paid.

One grouped query answers it all, so the figures for a county cost the same round trip as for a village.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.models import Application, Area, AreaLevel, Household


@dataclass
class Figures:
    area_id: int
    name: str
    level: AreaLevel
    total: int = 0
    by_state: Counter[str] = field(default_factory=Counter)
    by_category: Counter[str] = field(default_factory=Counter)
    paid_yuan: int = 0

    def add(self, state: str, category: str, count: int, paid: int) -> None:
        self.total += count
        self.by_state[state] += count
        self.by_category[category] += count
        self.paid_yuan += paid

    def to_json(self) -> dict[str, Any]:
        return {"area_id": self.area_id, "name": self.name, "level": self.level.value, "total": self.total,
                "by_state": dict(sorted(self.by_state.items())),
                "by_category": dict(sorted(self.by_category.items())), "paid_yuan": self.paid_yuan}


def area_stats(session: Session, area: Area) -> dict[str, Any]:
    """Figures for ``area`` and, below a county or township, for each of its townships or villages."""
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
    return {**whole.to_json(), "children": [c.to_json() for c in children.values()]}
