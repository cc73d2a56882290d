"""Requests and answers for the area tree."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from api.models import AreaLevel
from api.schemas.types import Id


class AreaIn(BaseModel):
    """A township (parent: a county) or a village (parent: a township)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    parent_id: Id
    name: str = Field(min_length=1, max_length=64)
    code: str | None = Field(default=None, max_length=12, description="12位统计用区划代码 (optional)")


class AreaOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    level: AreaLevel
    name: str
    code: str | None
    parent_id: int | None
    county_code: str
    township_id: int | None
