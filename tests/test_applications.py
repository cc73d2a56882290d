"""Filing applications: by the farmer, or by the committee for someone 失能失智 (003 四); numbering."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session
from test_households import build_world, household_in, mobile, new_application, staff

from api.db import transaction
from api.domain.errors import Conflict, Forbidden, NotFound, ValidationFailed
from api.models import Application, ApplicationState, AuditEntry, FiledBy, NumberSeries, Role
from api.schemas.applications import ApplicationIn
from api.services.applications import create_application, get_application, list_applications
from api.services.households import create_household

DAY = dt.date(2026, 3, 2)


def test_farmer_filed_application_is_numbered_and_has_the_applicant_as_contact(session: Session) -> None:
    world = build_world(session)
    app = new_application(session, world, DAY)
    assert app.number == "140621-2026-00001"
    assert app.state is ApplicationState.submitted and app.filed_by is FiledBy.applicant
    assert [(c.phone, c.relation) for c in app.contacts] == [(app.household.phone, "本人")]
    assert app.village_id == world.village.id and app.township_id == world.township.id
    assert app.events[0].to_state is ApplicationState.submitted and app.events[0].effective_on == DAY
    assert session.scalar(select(AuditEntry).where(AuditEntry.action == "application.submitted"))


def test_numbers_run_per_county_and_year(session: Session) -> None:
    world = build_world(session)
    assert new_application(session, world, DAY).number == "140621-2026-00001"
    assert new_application(session, world, DAY, village=world.village2).number == "140621-2026-00002"
    assert new_application(session, world, dt.date(2027, 1, 4)).number == "140621-2027-00001"
    other = build_world(session, "230400")
    assert new_application(session, other, DAY).number == "230400-2026-00001"


def test_counter_continues_after_numbers_filed_before_it(session: Session) -> None:
    """A series without a counter row (data from before the counter) starts after its highest number."""
    world = build_world(session)
    first = new_application(session, world, DAY)
    first.number = "140621-2026-00007"
    session.execute(delete(NumberSeries))
    session.flush()
    assert new_application(session, world, DAY, village=world.village2).number == "140621-2026-00008"
    assert session.get(NumberSeries, "140621-2026-").last == 8


def test_a_filing_that_rolls_back_gives_its_number_back(engine: Engine) -> None:
    """Gap-free: the counter moves in the filing's transaction, so a failed filing leaves no hole."""
    with transaction(engine) as s:
        world = build_world(s)
        assert new_application(s, world, DAY).number == "140621-2026-00001"
    with pytest.raises(RuntimeError), transaction(engine) as s:
        assert new_application(s, world, DAY, village=world.village2).number == "140621-2026-00002"
        raise RuntimeError("the request failed after the number was taken")
    with transaction(engine) as s:
        assert new_application(s, world, DAY, village=world.village2).number == "140621-2026-00002"


def test_concurrent_filings_get_distinct_numbers(engine: Engine) -> None:
    with transaction(engine) as s:
        world = build_world(s)
        clerk = staff(world.village)
        ids = [create_household(s, clerk, household_in(world.village)).id for _ in range(4)]
    barrier = threading.Barrier(len(ids))
    numbers: list[str] = []
    errors: list[BaseException] = []

    def file(household_id: int) -> None:
        try:
            barrier.wait()
            with transaction(engine) as s:
                app = create_application(s, clerk, ApplicationIn(household_id=household_id, reason="危房"),
                                         today=DAY)
                numbers.append(app.number)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=file, args=(i,)) for i in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sorted(numbers) == [f"140621-2026-{n:05d}" for n in range(1, 5)]


def test_household_without_phone_needs_the_applicants_phone(session: Session) -> None:
    world = build_world(session)
    clerk = staff(world.village)
    household = create_household(session, clerk, household_in(world.village, phone=None))
    with pytest.raises(ValidationFailed) as err:
        create_application(session, clerk, ApplicationIn(household_id=household.id, reason="危房"), today=DAY)
    assert err.value.field == "phone"
    phone = mobile()
    data = ApplicationIn(household_id=household.id, reason="危房", phone=phone)
    app = create_application(session, clerk, data, today=DAY)
    assert app.contacts[0].phone == phone


def test_committee_files_for_an_incapacitated_person_with_guardians_as_contacts(session: Session) -> None:
    world = build_world(session)
    guardian, niece = mobile(), mobile()
    app = new_application(session, world, DAY, filed_by="committee", incapacity_reason="重度失智",
                          contacts=[{"phone": guardian, "name": "王监护", "relation": "监护人"},
                                    {"phone": niece, "name": "王小妹", "relation": "亲属"}])
    assert app.filed_by is FiledBy.committee and app.incapacity_reason == "重度失智"
    assert [(c.phone, c.name, c.relation) for c in app.contacts] == [
        (guardian, "王监护", "监护人"), (niece, "王小妹", "亲属")]
    assert app.household.phone not in {c.phone for c in app.contacts}


@pytest.mark.parametrize(("over", "field"), [
    ({"filed_by": "committee", "contacts": [{"phone": "13900000001", "name": "王", "relation": "监护人"}]},
     "incapacity_reason"),
    ({"filed_by": "committee", "incapacity_reason": "失能"}, "contacts"),
    ({"filed_by": "committee", "incapacity_reason": "失能",
      "contacts": [{"phone": "1390000", "name": "王", "relation": "监护人"}]}, "contacts.0.phone"),
    ({"filed_by": "committee", "incapacity_reason": "失能",
      "contacts": [{"phone": "13900000001", "name": "王", "relation": "本人"}]}, "contacts.0.relation"),
    ({"filed_by": "committee", "incapacity_reason": "失能",
      "contacts": [{"phone": "13900000001", "name": "王", "relation": "监护人"},
                   {"phone": "13900000001", "name": "李", "relation": "亲属"}]}, "contacts.1.phone"),
    ({"contacts": [{"phone": "13900000001", "name": "王", "relation": "监护人"}]}, "filed_by"),
    ({"phone": "2345"}, "phone"),
])
def test_committee_filing_rules_name_the_field(session: Session, over: dict[str, object], field: str) -> None:
    world = build_world(session)
    with pytest.raises(ValidationFailed) as err:
        new_application(session, world, DAY, **over)
    assert err.value.field == field
    assert session.scalar(select(Application.id)) is None  # nothing half-written


def test_one_open_application_per_household(session: Session) -> None:
    world = build_world(session)
    app = new_application(session, world, DAY)
    with pytest.raises(Conflict) as err:
        create_application(session, staff(world.village), ApplicationIn(household_id=app.household_id,
                                                                         reason="再次申请"), today=DAY)
    assert app.number in err.value.message


def test_scope_and_role(session: Session) -> None:
    world = build_world(session)
    app = new_application(session, world, DAY)
    with pytest.raises(NotFound):
        create_application(session, staff(world.village2), ApplicationIn(household_id=app.household_id,
                                                                          reason="x"), today=DAY)
    with pytest.raises(Forbidden):
        create_application(session, staff(world.village, Role.viewer),
                           ApplicationIn(household_id=app.household_id, reason="x"), today=DAY)
    with pytest.raises(NotFound):
        get_application(session, staff(world.township2), app.id)
    with pytest.raises(NotFound):
        get_application(session, staff(world.village), 99999)
    assert get_application(session, staff(world.county), app.id) is app


def test_list_filters_and_pages(session: Session) -> None:
    world = build_world(session)
    a1 = new_application(session, world, DAY)
    a2 = new_application(session, world, DAY, village=world.village2)
    a3 = new_application(session, world, DAY, village=world.village3)
    a2.state = ApplicationState.village_review
    session.flush()
    rows, total = list_applications(session, staff(world.township))
    assert total == 2 and [a.id for a in rows] == [a1.id, a2.id]
    rows, total = list_applications(session, staff(world.county), state=ApplicationState.village_review)
    assert [a.id for a in rows] == [a2.id]
    rows, total = list_applications(session, staff(world.county), limit=2, offset=2)
    assert total == 3 and [a.id for a in rows] == [a3.id]
    rows, total = list_applications(session, staff(world.county), village_id=world.village3.id)
    assert [a.id for a in rows] == [a3.id]
    rows, total = list_applications(session, staff(world.village))
    assert [a.id for a in rows] == [a1.id]
