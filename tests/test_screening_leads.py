"""Leads: with consent a screening becomes a lead that the committee sees and files an application from."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from test_households import build_world, household_in, staff

from api.app import create_app
from api.db import transaction
from api.domain.errors import ValidationFailed
from api.models import Application, AuditEntry, Lead, Role
from api.screening import evaluate
from api.screening.records import create_lead, record_screening
from api.services.households import create_household
from api.services.users import create_user, issue_token


@pytest.fixture
def world(engine):
    """Tokens for the 东村 clerk, the 西村 clerk, the township and the county; two leads, one unplaced."""
    with transaction(engine) as session:
        w = build_world(session)
        tokens = {}
        for key, area, role in [("east", w.village, Role.clerk), ("west", w.village2, Role.clerk),
                                ("town", w.township, Role.clerk), ("county", w.county, Role.viewer)]:
            user = create_user(session, name=key, role=role, area=area)
            tokens[key] = issue_token(session, user)
        answers = {"category": "低保户", "house_grade": "D"}
        record = record_screening(session, evaluate(answers, "140621"), answers, "sms")
        placed = create_lead(session, record.id, name="张三", village="东村", phone="13800138000",
                             channel="sms")
        unplaced = create_lead(session, record.id, name="李四", village="不存在村", phone="+86 139 0000 1111")
        household = create_household(session, staff(w.village), household_in(w.village))
        ids = {"placed": placed.id, "unplaced": unplaced.id, "household": household.id,
               "east_village": w.village.id}
    return tokens, ids


@pytest.fixture
def client(engine):
    return TestClient(create_app(engine))


def _get(client, token, path="/api/v1/leads"):
    return client.get(path, headers={"Authorization": f"Bearer {token}"})


def test_each_committee_sees_only_the_leads_in_its_area(client, world):
    tokens, ids = world
    east = _get(client, tokens["east"]).json()["items"]
    assert [(x["id"], x["name"], x["village_id"]) for x in east] == [
        (ids["placed"], "张三", ids["east_village"])]
    # issue 14: a 低保户 in a D-grade house with the department checks unanswered is likely_eligible
    assert east[0]["outcome"] == "likely_eligible" and east[0]["status"] == "new"
    assert _get(client, tokens["west"]).json()["items"] == []
    town = {x["id"] for x in _get(client, tokens["town"]).json()["items"]}
    assert town == {ids["placed"], ids["unplaced"]}        # an unplaced lead waits above the village
    assert len(_get(client, tokens["county"]).json()["items"]) == 2
    assert _get(client, tokens["east"], "/api/v1/leads?status=converted").json()["items"] == []


def test_leads_need_a_token(client, world):
    assert client.get("/api/v1/leads").status_code == 401


def test_a_committee_turns_a_lead_into_an_application(client, world, engine):
    tokens, ids = world
    headers = {"Authorization": f"Bearer {tokens['east']}"}
    body = {"household_id": ids["household"], "reason": "房屋墙体开裂，经筛查转来"}
    response = client.post(f"/api/v1/leads/{ids['placed']}/convert", json=body, headers=headers)
    assert response.status_code == 201, response.text
    lead = response.json()
    assert lead["status"] == "converted"
    assert response.headers["location"] == f"/api/v1/applications/{lead['application_id']}"
    again = client.post(f"/api/v1/leads/{ids['placed']}/convert", json=body, headers=headers)
    assert again.status_code == 409
    with transaction(engine) as session:
        application = session.get(Application, lead["application_id"])
        assert "13800138000" in {c.phone for c in application.contacts}
        actions = [e.action for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
        assert {"screening.recorded", "lead.created", "lead.converted"} <= set(actions)
        logged = session.scalars(select(AuditEntry).where(AuditEntry.action == "lead.created")).first()
        assert "张三" not in str(logged.after) and "13800138000" not in str(logged.after)


@pytest.mark.parametrize(("who", "status"), [("west", 404), ("county", 403)])
def test_another_village_or_a_viewer_cannot_convert(client, world, who, status):
    """Another village does not even learn the lead exists; the county's viewer may look but not file."""
    tokens, ids = world
    body = {"household_id": ids["household"], "reason": "x"}
    response = client.post(f"/api/v1/leads/{ids['placed']}/convert", json=body,
                           headers={"Authorization": f"Bearer {tokens[who]}"})
    assert response.status_code == status


def test_a_lead_needs_a_mobile_number_and_a_name(session):
    answers = {"house_grade": "C"}
    record = record_screening(session, evaluate(answers, "140405"), answers, "sms")
    with pytest.raises(ValidationFailed):
        create_lead(session, record.id, name="王五", village="", phone="0349-888888")
    with pytest.raises(ValidationFailed):
        create_lead(session, record.id, name=" ", village="", phone="13800138000")
    lead = create_lead(session, record.id, name="王五", village="", phone="138-0013-8000")
    assert session.get(Lead, lead.id).phone == "13800138000"


def test_staff_of_the_county_can_read_a_stored_screening(client, world, engine):
    tokens, _ids = world
    created = client.post("/api/v1/screenings", json={"county": "140621", "answers": {"house_grade": "B"}})
    path = created.headers["location"]
    body = _get(client, tokens["east"], path).json()
    assert body["outcome"] == "not_eligible" and body["answers"] == {"house_grade": "B"}
    assert client.get(path).status_code == 401
    other = client.post("/api/v1/screenings", json={"county": "230400", "answers": {}}).headers["location"]
    assert _get(client, tokens["east"], other).status_code == 404
