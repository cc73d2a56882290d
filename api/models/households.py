"""Households and their members, as recorded by the village committee."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.db import Base
from api.models._types import UTCDateTime, str_enum, utcnow


class TargetCategory(enum.StrEnum):
    """The 6 low-income categories (002 二, 003 三) and the older ones (000, 004 五(一)); values are the legal terms."""

    returning_poverty_risk = "易返贫致贫户"
    dibao = "低保户"
    dispersed_support = "分散供养特困人员"
    severe_hardship = "严重困难家庭"
    dibao_marginal = "低保边缘家庭"
    other_lifted = "其他脱贫户"
    poor_disabled = "贫困残疾人家庭"
    registered_poor = "建档立卡贫困户"
    none = "none"


class Household(Base):
    __tablename__ = "households"

    id: Mapped[int] = mapped_column(primary_key=True)
    village_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), index=True)
    head_name: Mapped[str] = mapped_column(String(64))
    head_id_number: Mapped[str] = mapped_column(String(18), index=True)
    phone: Mapped[str | None] = mapped_column(String(11), index=True)
    address: Mapped[str] = mapped_column(String(200), default="")
    village_group: Mapped[str] = mapped_column(String(64), default="")
    category: Mapped[TargetCategory] = mapped_column(str_enum(TargetCategory))
    disabled_family: Mapped[bool] = mapped_column(default=False)
    ethnicity: Mapped[str] = mapped_column(String(16), default="")
    size: Mapped[int] = mapped_column(Integer, default=1)
    last_year_income_yuan: Mapped[int | None] = mapped_column(Integer)
    house_built_year: Mapped[int | None] = mapped_column(Integer)
    house_area_m2: Mapped[float | None] = mapped_column()
    house_structure: Mapped[str] = mapped_column(String(32), default="")
    border_line: Mapped[bool | None] = mapped_column()  # 是否边境一线 (004 附件2); None = not recorded
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    members: Mapped[list[Member]] = relationship(back_populates="household", cascade="all, delete-orphan",
                                                 order_by="Member.id")


class Member(Base):
    __tablename__ = "household_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    id_number: Mapped[str] = mapped_column(String(18))
    relation: Mapped[str] = mapped_column(String(16))
    health: Mapped[str] = mapped_column(String(32), default="")

    household: Mapped[Household] = relationship(back_populates="members")
