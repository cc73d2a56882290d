"""Filing applications (by the farmer, or by the committee for a person who is 失能失智) and reading them."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session, selectinload

from api.clock import local_today
from api.domain.errors import Conflict, ValidationFailed
from api.domain.phone import validate_mobile
from api.models import Application, ApplicationContact, ApplicationEvent, ApplicationState, FiledBy
from api.schemas.applications import ApplicationIn
from api.services import audit
from api.services.households import get_household, require_writer, scoped, village_in_scope
from api.services.numbering import insert_numbered, placeholder, prefix
from api.services.numbering import number_at_commit as number_at_commit_of
from api.services.scope import Actor, visible_area, visible_record
from api.services.workflow import ACTIVE, snapshot

SELF = "本人"


def _phone(value: str, field: str) -> str:
    try:
        return validate_mobile(value)
    except ValidationFailed as exc:
        raise ValidationFailed(f"{field}: {exc.message}", field=field, code=exc.code) from None


def _contacts(data: ApplicationIn, household_phone: str | None) -> list[ApplicationContact]:
    """Who is told about this application: the applicant, or the people the committee named (003 四)."""
    if data.filed_by is FiledBy.applicant:
        if data.contacts or data.incapacity_reason:
            raise ValidationFailed("filed_by: contacts 与 incapacity_reason 仅用于村委会代为申请 "
                                   "(filed_by=committee) / only for committee-filed applications",
                                   field="filed_by")
        phone = _phone(data.phone, "phone") if data.phone else household_phone
        if not phone:
            raise ValidationFailed("phone: 请提供申请人手机号（该户未登记电话） / the applicant's phone is "
                                   "required (none recorded for the household)", field="phone")
        return [ApplicationContact(phone=phone, name="", relation=SELF)]
    if not (data.incapacity_reason or "").strip():
        raise ValidationFailed("incapacity_reason: 村委会代为申请须写明失能失智情况 / required when the "
                               "committee files on behalf of the applicant (003 四)",
                               field="incapacity_reason")
    if not data.contacts:
        raise ValidationFailed("contacts: 须至少登记一位监护人或亲属的电话 / at least one guardian or "
                               "relative to notify is required", field="contacts")
    contacts: list[ApplicationContact] = []
    for i, c in enumerate(data.contacts):
        phone = _phone(c.phone, f"contacts.{i}.phone")
        if any(existing.phone == phone for existing in contacts):
            raise ValidationFailed(f"contacts.{i}.phone: 电话重复 / duplicate phone",
                                   field=f"contacts.{i}.phone")
        if c.relation == SELF:
            raise ValidationFailed(f"contacts.{i}.relation: 代为申请时联系人不能是本人 / the contact of a "
                                   "committee-filed application is not the applicant",
                                   field=f"contacts.{i}.relation")
        contacts.append(ApplicationContact(phone=phone, name=c.name, relation=c.relation))
    return contacts


def create_application(session: Session, actor: Actor, data: ApplicationIn,
                       today: dt.date | None = None, paper_ref: str | None = None,
                       number_at_commit: bool = False) -> Application:
    """File an application; ``today`` (the local filing day) is for tests and back-filled paper files, whose
    reference ``paper_ref`` the filing event keeps (who entered it and when are the event's actor and time).

    ``number_at_commit``: the row is written with a placeholder and takes its number when the transaction
    commits, under the audit chain's head (``numbering.number_at_commit``); the caller commits before it
    shows the number (the API's filing route). Otherwise the number is taken now."""
    require_writer(actor)
    household = get_household(session, actor, data.household_id)
    village = visible_area(session, actor, household.village_id)
    contacts = _contacts(data, household.phone)
    open_one = session.scalar(select(Application.number).where(
        Application.household_id == household.id, Application.state.in_(ACTIVE)))
    if open_one is not None:
        raise Conflict(f"household_id: 该户已有在办申请 {open_one} / household already has an open "
                       f"application {open_one}", field="household_id")
    today = today or local_today()
    year = today.year

    def build(number: str) -> Application:
        return Application(
            number=number, household_id=household.id, village_id=village.id,
            township_id=village.township_id or village.parent_id, county_code=village.county_code, year=year,
            state=ApplicationState.submitted, filed_by=data.filed_by,
            incapacity_reason=data.incapacity_reason if data.filed_by is FiledBy.committee else None,
            reason=data.reason, method=data.method, contacts=contacts,
            events=[ApplicationEvent(from_state=None, to_state=ApplicationState.submitted, actor=actor.label,
                                     effective_on=today, reason=data.reason,
                                     evidence={"filed_by": data.filed_by.value,
                                               **({"paper_ref": paper_ref} if paper_ref else {})})])

    head = prefix(village.county_code, year)
    if number_at_commit:
        app = build(placeholder())
        session.add(app)
        session.flush()
    else:
        app = insert_numbered(session, Application.number, head, build)
    entry = audit.record(session, actor.label, "application.submitted", "application", app.id, None,
                         {**snapshot(app), "household_id": household.id, "filed_by": data.filed_by.value,
                          "contacts": len(contacts)})
    if number_at_commit:
        number_at_commit_of(session, app, Application.number, head, entry)
    return app


def get_application(session: Session, actor: Actor, application_id: int) -> Application:
    """The application if the actor's area covers its village; a foreign one is simply not found."""
    return visible_record(session, actor, Application, application_id, area_of=lambda a: a.village_id,
                          missing=f"申请 {application_id} 不存在 / application not found", field="application_id")


def list_applications(session: Session, actor: Actor, *, state: ApplicationState | None = None,
                      village_id: int | None = None, limit: int = 50,
                      offset: int = 0) -> tuple[list[Application], int]:
    return list_scoped(session, actor, state=state, village_id=village_id, limit=limit, offset=offset)


def list_scoped(session: Session, actor: Actor, *conditions: ColumnElement[bool],
                state: ApplicationState | None = None, village_id: int | None = None, limit: int = 50,
                offset: int = 0) -> tuple[list[Application], int]:
    """One page of the applications the actor may see, newest filings last, with the total count."""
    query = scoped(select(Application), actor, Application.village_id, Application.township_id,
                   Application.county_code).where(*conditions)
    if state is not None:
        query = query.where(Application.state == state)
    if village_id is not None:
        village_in_scope(session, actor, village_id)  # a foreign village is 404, not an empty page
        query = query.where(Application.village_id == village_id)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.options(selectinload(Application.contacts))
                           .order_by(Application.id).limit(limit).offset(offset)).unique().all()
    return list(rows), total
