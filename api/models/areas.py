"""Administrative areas: county → township → village."""

from __future__ import annotations

import enum

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.db import Base
from api.models._types import str_enum


class AreaLevel(enum.StrEnum):
    county = "county"
    township = "township"
    village = "village"


class Area(Base):
    """One node of the tree; ``county_code`` is denormalised so scope checks need no recursive query."""

    __tablename__ = "areas"
    __table_args__ = (UniqueConstraint("parent_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    level: Mapped[AreaLevel] = mapped_column(str_enum(AreaLevel))
    name: Mapped[str] = mapped_column(String(64))
    code: Mapped[str | None] = mapped_column(String(12), unique=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"), index=True)
    county_code: Mapped[str] = mapped_column(String(6), index=True)
    township_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"))

    parent: Mapped[Area | None] = relationship(remote_side="Area.id", foreign_keys=[parent_id])
