"""Requests and answers for households and their members."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from api.models import TargetCategory
from api.schemas.disclosure import IdNumber, Phone
from api.schemas.types import Id


class MemberIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=64)
    id_number: str = Field(min_length=1, max_length=18)
    relation: str = Field(min_length=1, max_length=16, description="与户主关系, e.g. 配偶、子女")
    health: str = Field(default="", max_length=32)


class HouseholdIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    village_id: Id
    head_name: str = Field(min_length=1, max_length=64)
    head_id_number: str = Field(min_length=1, max_length=18)
    phone: str | None = Field(default=None, max_length=20)
    address: str = Field(default="", max_length=200)
    village_group: str = Field(default="", max_length=64)
    category: TargetCategory
    disabled_family: bool = False
    ethnicity: str = Field(default="", max_length=16)
    last_year_income_yuan: int | None = Field(default=None, ge=0)
    house_built_year: int | None = Field(default=None, ge=1900, le=2100)
    house_area_m2: float | None = Field(default=None, gt=0, le=10000)
    house_structure: str = Field(default="", max_length=32)
    members: list[MemberIn] = Field(default_factory=list, max_length=30)


class MemberOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    id_number: IdNumber
    relation: str
    health: str


class HouseholdOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    village_id: Id
    head_name: str
    head_id_number: IdNumber
    phone: Phone | None
    address: str
    village_group: str
    category: TargetCategory
    disabled_family: bool
    ethnicity: str
    size: int
    last_year_income_yuan: int | None
    house_built_year: int | None
    house_area_m2: float | None
    house_structure: str
    created_at: dt.datetime
    members: list[MemberOut]


class HouseholdPage(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[HouseholdOut]
