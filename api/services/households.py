"""Households and their members, recorded by the village committee within the actor's scope."""

from __future__ import annotations

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from api.domain.errors import Conflict, Forbidden, NotFound, ValidationFailed
from api.domain.idcard import validate_id_number
from api.domain.phone import validate_mobile
from api.models import Area, AreaLevel, Household, Member, Role
from api.schemas.households import HouseholdIn
from api.services import audit
from api.services.scope import Actor, visible_area

WRITERS = frozenset({Role.clerk, Role.reviewer, Role.admin})


def require_writer(actor: Actor) -> None:
    """Viewers read; every other role may record."""
    if actor.role not in WRITERS:
        raise Forbidden(f"角色 {actor.role.value} 只能查看 / role {actor.role.value} may only read")


def scoped(query: Select, actor: Actor, village_col, township_col, county_col) -> Select:  # type: ignore[no-untyped-def]
    """Restrict a query to the rows of the actor's area (a village its own, a township its villages …)."""
    query = query.where(county_col == actor.county_code)
    if actor.level is AreaLevel.township:
        return query.where(township_col == actor.area_id)
    if actor.level is AreaLevel.village:
        return query.where(village_col == actor.area_id)
    return query


def village_in_scope(session: Session, actor: Actor, village_id: int, field: str = "village_id") -> Area:
    """The village, if it is one and the actor covers it (a foreign one is 404, never 403)."""
    try:
        area = visible_area(session, actor, village_id)
    except NotFound as exc:
        raise NotFound(exc.message.replace("area", field, 1), field=field) from None
    if area.level is not AreaLevel.village:
        raise ValidationFailed(f"{field}: 区域 {village_id}（{area.name}）不是村 / area is a "
                               f"{area.level.value}, not a village", field=field)
    return area


def _id_number(value: str, field: str) -> str:
    try:
        return validate_id_number(value)
    except ValidationFailed as exc:
        raise ValidationFailed(f"{field}: {exc.message}", field=field, code=exc.code) from None


def create_household(session: Session, actor: Actor, data: HouseholdIn) -> Household:
    require_writer(actor)
    village = village_in_scope(session, actor, data.village_id)
    head_id = _id_number(data.head_id_number, "head_id_number")
    phone = None
    if data.phone:
        try:
            phone = validate_mobile(data.phone)
        except ValidationFailed as exc:
            raise ValidationFailed(f"phone: {exc.message}", field="phone", code=exc.code) from None
    seen = {head_id}
    members = []
    for i, m in enumerate(data.members):
        number = _id_number(m.id_number, f"members.{i}.id_number")
        if number in seen:
            raise ValidationFailed(f"members.{i}.id_number: 身份证号重复 / duplicate ID number",
                                   field=f"members.{i}.id_number")
        seen.add(number)
        members.append(Member(name=m.name, id_number=number, relation=m.relation, health=m.health))
    existing = session.scalar(
        select(Household.id).join(Area, Area.id == Household.village_id)
        .where(Household.head_id_number == head_id, Area.county_code == village.county_code))
    if existing is not None:
        raise Conflict(f"head_id_number: 该户主已登记（户 {existing}） / this head of household is already "
                       f"recorded as household {existing}", field="head_id_number")
    household = Household(
        village_id=village.id, head_name=data.head_name, head_id_number=head_id, phone=phone,
        address=data.address, village_group=data.village_group, category=data.category,
        disabled_family=data.disabled_family, ethnicity=data.ethnicity, size=1 + len(members),
        last_year_income_yuan=data.last_year_income_yuan, house_built_year=data.house_built_year,
        house_area_m2=data.house_area_m2, house_structure=data.house_structure, members=members)
    session.add(household)
    session.flush()
    audit.record(session, actor.label, "household.create", "household", household.id, None,
                 {"village_id": village.id, "head_name": data.head_name, "members": len(members)})
    return household


def get_household(session: Session, actor: Actor, household_id: int) -> Household:
    household = session.get(Household, household_id)
    if household is None:
        raise NotFound(f"户 {household_id} 不存在 / household not found", field="household_id")
    try:
        visible_area(session, actor, household.village_id)
    except NotFound:
        raise NotFound(f"户 {household_id} 不存在 / household not found", field="household_id") from None
    return household


def list_households(session: Session, actor: Actor, *, village_id: int | None = None, limit: int = 50,
                    offset: int = 0) -> tuple[list[Household], int]:
    query = scoped(select(Household).join(Area, Area.id == Household.village_id), actor,
                   Area.id, Area.township_id, Area.county_code)
    if village_id is not None:
        village_in_scope(session, actor, village_id)  # a foreign village is 404, not an empty page
        query = query.where(Household.village_id == village_id)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(Household.id).limit(limit).offset(offset)).unique().all()
    return list(rows), total


def find_households(session: Session, actor: Actor, text: str, limit: int = 20) -> list[Household]:
    """The households in the actor's scope whose head's name contains ``text``, or whose ID number or phone
    ends with it (a clerk types the last digits read off a paper form)."""
    text = (text or "").strip()
    if not text:
        return []
    query = scoped(select(Household).join(Area, Area.id == Household.village_id), actor,
                   Area.id, Area.township_id, Area.county_code)
    like = text.replace("\\", "").replace("%", "").replace("_", "")
    query = query.where(Household.head_name.contains(like) | Household.head_id_number.endswith(like.upper())
                        | Household.phone.endswith(like))
    return list(session.scalars(query.order_by(Household.id).limit(limit)).unique())
