"""Applications for renovation support and their history of steps."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.db import Base
from api.models._types import UTCDateTime, str_enum, utcnow
from api.models.households import Household


class ApplicationState(enum.StrEnum):
    """The lifecycle of DESIGN.md; the allowed moves between them live in api/services/workflow.py."""

    submitted = "submitted"
    village_review = "village_review"
    village_publicity = "village_publicity"
    township_review = "township_review"
    township_publicity = "township_publicity"
    department_check = "department_check"
    appraisal = "appraisal"
    approved = "approved"
    agreement_signed = "agreement_signed"
    under_construction = "under_construction"
    completed = "completed"
    accepted = "accepted"
    paid = "paid"
    archived = "archived"
    rejected = "rejected"
    withdrawn = "withdrawn"
    deferred = "deferred"
    rectification = "rectification"


class FiledBy(enum.StrEnum):
    applicant = "applicant"
    committee = "committee"  # on behalf of a person who is 失能失智 (003 四)


class Application(Base):
    """``version`` makes concurrent transitions fail loudly (409) instead of overwriting each other."""

    __tablename__ = "applications"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), index=True)
    village_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), index=True)
    township_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), index=True)
    county_code: Mapped[str] = mapped_column(String(6), index=True)
    year: Mapped[int] = mapped_column(Integer)
    state: Mapped[ApplicationState] = mapped_column(str_enum(ApplicationState), index=True)
    filed_by: Mapped[FiledBy] = mapped_column(str_enum(FiledBy))
    incapacity_reason: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text, default="")
    method: Mapped[str | None] = mapped_column(String(16))

    # Evidence of the steps, one column per fact the archive table (004 附件2) asks for.
    survey_done_on: Mapped[dt.date | None] = mapped_column(Date)
    minutes_ref: Mapped[str | None] = mapped_column(String(128))
    appraisal_grade: Mapped[str | None] = mapped_column(String(1))
    appraisal_report_no: Mapped[str | None] = mapped_column(String(64))
    approved_on: Mapped[dt.date | None] = mapped_column(Date)
    agreement_signed_on: Mapped[dt.date | None] = mapped_column(Date)
    started_on: Mapped[dt.date | None] = mapped_column(Date)
    completed_on: Mapped[dt.date | None] = mapped_column(Date)
    acceptance_passed: Mapped[bool | None] = mapped_column(Boolean)
    accepted_on: Mapped[dt.date | None] = mapped_column(Date)
    paid_amount_yuan: Mapped[int | None] = mapped_column(Integer)
    paid_on: Mapped[dt.date | None] = mapped_column(Date)
    closing_reason: Mapped[str | None] = mapped_column(Text)  # written reason of a rejection, withdrawal, deferral

    # The rest of the archive table (004 附件2 改造情况 / 资金情况); None = not recorded yet, exported empty.
    build_mode: Mapped[str | None] = mapped_column(String(16))  # 建设方式: 自建、统建、联建 …
    new_structure: Mapped[str | None] = mapped_column(String(32))  # 改造后房屋结构类型
    new_area_m2: Mapped[float | None] = mapped_column()  # 改造后房屋面积
    new_ownership: Mapped[str | None] = mapped_column(String(32))  # 改造后房屋产权
    subsidy_type: Mapped[str | None] = mapped_column(String(64))  # 享受补助资金类型
    total_investment_yuan: Mapped[int | None] = mapped_column(Integer)  # 总投资
    loan_yuan: Mapped[int | None] = mapped_column(Integer)  # 农户危房改造贷款
    self_funded_yuan: Mapped[int | None] = mapped_column(Integer)  # 农户其它自筹资金
    energy_demo: Mapped[bool | None] = mapped_column(Boolean)  # 是否建筑节能示范户
    energy_demo_content: Mapped[str | None] = mapped_column(String(200))  # 建筑节能示范内容
    energy_demo_extra_yuan: Mapped[int | None] = mapped_column(Integer)  # 建筑节能增加的投资

    # The deadline of the current step, computed from the county profile.
    due_on: Mapped[dt.date | None] = mapped_column(Date, index=True)
    due_provisional: Mapped[bool] = mapped_column(Boolean, default=False)
    start_overdue: Mapped[bool] = mapped_column(Boolean, default=False)

    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    household: Mapped[Household] = relationship(lazy="joined")
    contacts: Mapped[list[ApplicationContact]] = relationship(
        back_populates="application", cascade="all, delete-orphan", order_by="ApplicationContact.id")
    events: Mapped[list[ApplicationEvent]] = relationship(
        back_populates="application", cascade="all, delete-orphan", order_by="ApplicationEvent.id")


class ApplicationContact(Base):
    """A phone that may be told this application's status and receives its notifications."""

    __tablename__ = "application_contacts"
    __table_args__ = (UniqueConstraint("application_id", "phone"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    phone: Mapped[str] = mapped_column(String(11), index=True)
    name: Mapped[str] = mapped_column(String(64), default="")
    relation: Mapped[str] = mapped_column(String(16), default="本人")  # 本人 / 监护人 / 亲属 / 村干部 …

    application: Mapped[Application] = relationship(back_populates="contacts")


class ApplicationEvent(Base):
    """One step taken: who, when, why, with what evidence; ``automatic`` marks e.g. a silent department check."""

    __tablename__ = "application_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    from_state: Mapped[ApplicationState | None] = mapped_column(str_enum(ApplicationState))
    to_state: Mapped[ApplicationState] = mapped_column(str_enum(ApplicationState))
    actor: Mapped[str] = mapped_column(String(128))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    effective_on: Mapped[dt.date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text, default="")
    evidence: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    automatic: Mapped[bool] = mapped_column(Boolean, default=False)

    application: Mapped[Application] = relationship(back_populates="events")
