"""Households: 身份证 and phones checked, the village in the actor's scope.

The builders at the top (``build_world``, ``staff``, ``id_number`` …) are shared by the other records-core
test modules (``from test_households import …``), so each scenario reads as the clerk's steps.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass

import pytest
from sqlalchemy.orm import Session

from api.domain.errors import Conflict, Forbidden, NotFound, ValidationFailed
from api.domain.idcard import check_digit
from api.models import Application, Area, AreaLevel, Household, Role, TargetCategory
from api.schemas.applications import ApplicationIn
from api.schemas.households import HouseholdIn, MemberIn
from api.services.applications import create_application
from api.services.households import create_household, get_household, list_households
from api.services.scope import Actor

_serial = itertools.count(1)
_phones = itertools.count(1)


@dataclass
class World:
    """One county, two townships, the first with two villages; ``elsewhere`` is in another county."""

    county: Area
    township: Area
    village: Area
    village2: Area
    township2: Area
    village3: Area
    elsewhere: Area


def _area(session: Session, level: AreaLevel, name: str, parent: Area | None, county_code: str,
          township: Area | None = None) -> Area:
    area = Area(level=level, name=name, parent_id=parent.id if parent else None, county_code=county_code,
                township_id=township.id if township else None)
    session.add(area)
    session.flush()
    return area


def county_area(session: Session, code: str) -> Area:
    from sqlalchemy import select

    return session.scalars(select(Area).where(Area.level == AreaLevel.county, Area.code == code)).one()


def build_world(session: Session, code: str = "140621") -> World:
    county = county_area(session, code)
    t1 = _area(session, AreaLevel.township, "岱岳镇", county, code)
    t1.township_id = t1.id
    v1 = _area(session, AreaLevel.village, "东村", t1, code, t1)
    v2 = _area(session, AreaLevel.village, "西村", t1, code, t1)
    t2 = _area(session, AreaLevel.township, "马营庄乡", county, code)
    t2.township_id = t2.id
    v3 = _area(session, AreaLevel.village, "南村", t2, code, t2)
    other_code = "230400" if code != "230400" else "140621"
    other = county_area(session, other_code)
    ot = _area(session, AreaLevel.township, "外镇", other, other_code)
    elsewhere = _area(session, AreaLevel.village, "外村", ot, other_code, ot)
    session.flush()
    return World(county, t1, v1, v2, t2, v3, elsewhere)


def staff(area: Area, role: Role = Role.clerk, user_id: int = 1) -> Actor:
    return Actor(user_id=user_id, name=f"{area.name}{role.value}", role=role, area_id=area.id,
                 level=area.level, county_code=area.county_code)


def id_number(region: str = "140621", born: str = "19560312") -> str:
    """A fresh valid 18-digit number (GB 11643 check digit)."""
    first17 = f"{region}{born}{next(_serial) % 1000:03d}"
    return first17 + check_digit(first17)


def mobile() -> str:
    return f"139{next(_phones):08d}"


def household_in(village: Area, **over: object) -> HouseholdIn:
    data: dict[str, object] = dict(village_id=village.id, head_name="张小三", head_id_number=id_number(),
                                   phone=mobile(), category=TargetCategory.dibao,
                                   members=[MemberIn(name="李四", id_number=id_number(born="19600101"),
                                                     relation="配偶")])
    data.update(over)
    return HouseholdIn.model_validate(data)


def new_application(session: Session, world: World, today: dt.date, village: Area | None = None,
                    **over: object) -> Application:
    """A household and its application, filed by the village committee's clerk on ``today``."""
    village = village or world.village
    clerk = staff(village)
    household = create_household(session, clerk, household_in(village))
    data = ApplicationIn.model_validate({"household_id": household.id, "reason": "房屋墙体开裂", **over})
    return create_application(session, clerk, data, today=today)


# --- households -------------------------------------------------------------------------------------------

def test_create_household_with_members(session: Session) -> None:
    world = build_world(session)
    head = id_number()
    household = create_household(session, staff(world.village),
                                 household_in(world.village, head_id_number=head))
    assert household.id and household.size == 2 and household.head_id_number == head
    assert household.members[0].relation == "配偶"


def test_lowercase_x_and_spaces_are_normalised(session: Session) -> None:
    world = build_world(session)
    first17 = "14062119560312" + "009"
    number = first17 + check_digit(first17)
    typed = " " + number.lower() + " "
    household = create_household(session, staff(world.village),
                                 household_in(world.village, head_id_number=typed))
    assert household.head_id_number == number


@pytest.mark.parametrize(("field", "value"), [
    ("head_id_number", "wrong check digit"),
    ("head_id_number", "140621199902300012"),      # 30 February
    ("head_id_number", "14062119560312001"),       # 17 characters
    ("phone", "12345678901"),
    ("phone", "0349-8888888"),
])
def test_bad_identity_or_phone_names_the_field(session: Session, field: str, value: str) -> None:
    world = build_world(session)
    data = household_in(world.village)
    if value == "wrong check digit":
        first17 = "14062119560312001"
        value = first17 + ("0" if check_digit(first17) != "0" else "2")
    with pytest.raises(ValidationFailed) as err:
        create_household(session, staff(world.village), data.model_copy(update={field: value}))
    assert err.value.field == field
    assert field in err.value.message


def test_bad_member_id_number_names_the_member(session: Session) -> None:
    world = build_world(session)
    first17 = "14062119800101001"
    wrong = first17 + ("1" if check_digit(first17) != "1" else "2")
    data = household_in(world.village, members=[MemberIn(name="王五", id_number=wrong, relation="子女")])
    with pytest.raises(ValidationFailed) as err:
        create_household(session, staff(world.village), data)
    assert err.value.field == "members.0.id_number"


def test_member_may_not_repeat_the_head(session: Session) -> None:
    world = build_world(session)
    head = id_number()
    data = household_in(world.village, head_id_number=head,
                        members=[MemberIn(name="张小三", id_number=head, relation="本人")])
    with pytest.raises(ValidationFailed) as err:
        create_household(session, staff(world.village), data)
    assert err.value.field == "members.0.id_number"


def test_same_head_twice_in_a_county_is_a_conflict(session: Session) -> None:
    world = build_world(session)
    head = id_number()
    create_household(session, staff(world.village), household_in(world.village, head_id_number=head))
    with pytest.raises(Conflict):
        create_household(session, staff(world.county), household_in(world.village2, head_id_number=head))


def test_village_must_be_in_scope_and_a_village(session: Session) -> None:
    world = build_world(session)
    with pytest.raises(NotFound):
        create_household(session, staff(world.village), household_in(world.village2))
    with pytest.raises(NotFound):
        create_household(session, staff(world.county), household_in(world.elsewhere))
    with pytest.raises(ValidationFailed) as err:
        create_household(session, staff(world.county), household_in(world.township))
    assert err.value.field == "village_id"


def test_viewer_may_not_record(session: Session) -> None:
    world = build_world(session)
    with pytest.raises(Forbidden):
        create_household(session, staff(world.village, Role.viewer), household_in(world.village))


def test_reads_are_scoped(session: Session) -> None:
    world = build_world(session)
    h1 = create_household(session, staff(world.village), household_in(world.village))
    h2 = create_household(session, staff(world.village2), household_in(world.village2))
    h3 = create_household(session, staff(world.village3), household_in(world.village3))
    assert get_household(session, staff(world.township), h1.id).id == h1.id
    with pytest.raises(NotFound):
        get_household(session, staff(world.village), h2.id)
    with pytest.raises(NotFound):
        get_household(session, staff(world.township2), h1.id)
    rows, total = list_households(session, staff(world.township))
    assert total == 2 and {h.id for h in rows} == {h1.id, h2.id}
    rows, total = list_households(session, staff(world.county), limit=1)
    assert total == 3 and len(rows) == 1
    assert isinstance(h3, Household)
