"""Keeping screenings and leads: the records side of the screening, shared by the API and the bot.

Functions take a session and never commit; the caller's unit of work does. A screening stores the answers and
the outcome only; a farmer's name and phone are stored in a lead, and only when they asked for one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.domain.errors import Conflict, NotFound, ValidationFailed
from api.domain.phone import validate_mobile
from api.models import Area, AreaLevel
from api.models.screening import Lead, LeadStatus, ScreeningRecord
from api.schemas.applications import ApplicationIn
from api.screening.evaluate import Result
from api.screening.rules import Value
from api.services import applications, audit
from api.services.scope import Actor, placed_row, placed_rows


def record_screening(session: Session, result: Result, answers: Mapping[str, Value],
                     channel: str) -> ScreeningRecord:
    record = ScreeningRecord(county_code=result.county, outcome=result.outcome, answers=dict(answers),
                             missing=list(result.missing), channel=channel)
    session.add(record)
    session.flush()
    audit.record(session, f"citizen:{channel}", "screening.recorded", "screening", record.id, None,
                 {"county": record.county_code, "outcome": record.outcome})
    return record


def get_screening(session: Session, actor: Actor, screening_id: int) -> ScreeningRecord:
    record = session.get(ScreeningRecord, screening_id)
    if record is None or record.county_code != actor.county_code:
        raise NotFound(f"筛查记录 {screening_id} 不存在 / screening {screening_id} not found",
                       field="screening_id")
    return record


def find_village(session: Session, county_code: str, name: str) -> Area | None:
    """The county's village called ``name``, with or without its 村 suffix; None when absent or ambiguous."""
    wanted = name.strip().removesuffix("村")
    if not wanted:
        return None
    query = select(Area).where(Area.county_code == county_code, Area.level == AreaLevel.village,
                               Area.name.in_([wanted, f"{wanted}村"]))
    matches = session.scalars(query).all()
    return matches[0] if len(matches) == 1 else None


def create_lead(session: Session, screening_id: int, *, name: str, village: str, phone: str,
                village_id: int | None = None, channel: str = "bot") -> Lead:
    """A lead the committee sees: the farmer's consent is the caller's to have asked for."""
    record = session.get(ScreeningRecord, screening_id)
    if record is None:
        raise NotFound(f"筛查记录 {screening_id} 不存在 / screening {screening_id} not found",
                       field="screening_id")
    name = name.strip()
    if not name or len(name) > 64:
        raise ValidationFailed("请填写姓名 / a name is needed", field="name")
    area = session.get(Area, village_id) if village_id else find_village(session, record.county_code, village)
    if area is not None and (area.county_code != record.county_code or area.level is not AreaLevel.village):
        area = None
    lead = Lead(screening_id=record.id, county_code=record.county_code, village_id=area.id if area else None,
                village_name=(area.name if area else village.strip())[:64], name=name,
                phone=validate_mobile(phone, field="phone"))
    session.add(lead)
    session.flush()
    audit.record(session, f"citizen:{channel}", "lead.created", "lead", lead.id, None, _audit_view(lead))
    return lead


def _audit_view(lead: Lead) -> dict[str, object]:
    """What the audit log keeps of a lead: no name, and the phone masked (DESIGN: identity and privacy)."""
    return {"screening_id": lead.screening_id, "village_id": lead.village_id, "status": lead.status.value,
            "phone": f"{lead.phone[:3]}****{lead.phone[-4:]}", "application_id": lead.application_id}


def list_leads(session: Session, actor: Actor, status: LeadStatus | None = None) -> Sequence[Lead]:
    return placed_rows(session, actor, Lead, status)


def get_lead(session: Session, actor: Actor, lead_id: int) -> Lead:
    return placed_row(session, actor, Lead, lead_id, field="lead_id",
                      missing=f"线索 {lead_id} 不存在或不在您的管辖范围 / lead {lead_id} not found")


def convert_lead(session: Session, actor: Actor, lead_id: int, data: ApplicationIn) -> Lead:
    """File the household's application (as ``POST /applications`` would) and mark the lead converted.

    The applicant's phone defaults to the one the farmer gave the bot, so status messages reach them.
    """
    lead = get_lead(session, actor, lead_id)
    if lead.status is LeadStatus.converted:
        raise Conflict(f"线索 {lead_id} 已转为申请 / lead {lead_id} already converted", field="lead_id")
    if data.phone is None:
        data = data.model_copy(update={"phone": lead.phone})
    application = applications.create_application(session, actor, data)
    before = _audit_view(lead)
    lead.status, lead.application_id = LeadStatus.converted, application.id
    lead.village_id = lead.village_id or application.village_id
    session.flush()
    audit.record(session, actor.label, "lead.converted", "lead", lead.id, before, _audit_view(lead))
    return lead


class ScreeningPort:
    """What the bot's screening flow needs from the records, bound to the boundary's session."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def record_screening(self, result: Result, answers: Mapping[str, Value], channel: str) -> int:
        return record_screening(self.session, result, answers, channel).id

    def create_lead(self, screening_id: int, *, name: str, village: str, phone: str,
                    village_id: int | None = None, channel: str = "bot") -> int:
        return create_lead(self.session, screening_id, name=name, village=village, phone=phone,
                           village_id=village_id, channel=channel).id
