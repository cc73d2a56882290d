"""POST /api/v1/screenings and ``anju screen``: one engine, the same JSON, precise errors."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from api.app import create_app
from api.db import transaction
from api.models import ScreeningRecord
from bot.cli import main

ELIGIBLE = {"relocation_village": False, "category": "低保户", "house_grade": "D", "hukou_local": True,
            "resides_locally": True, "other_safe_house": False, "previously_renovated": False,
            "financially_supported_staff": False, "bought_urban_house": False, "owns_vehicle": False,
            "registered_company": False, "state_enterprise_staff": False}


@pytest.fixture
def client(engine):
    return TestClient(create_app(engine))


def test_a_screening_is_judged_cited_and_stored_without_personal_data(client, engine):
    response = client.post("/api/v1/screenings", json={"county": "140621", "answers": ELIGIBLE})
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["outcome"] == "likely_eligible"
    assert {r["code"] for r in body["reasons"]} == {"priority_category", "house_dangerous"}
    assert all(r["citation"].startswith("004 ") for r in body["reasons"])
    assert body["missing"] == []
    steps = " ".join(s["text"] for s in body["next_steps"])
    assert "村委会" in steps and "身份证" in steps and "10个工作日" in steps
    assert "初步判断" in body["disclaimer"]["text"]
    with transaction(engine) as session:
        record = session.scalars(select(ScreeningRecord)).one()
        assert response.headers["location"] == f"/api/v1/screenings/{record.id}"
        assert (record.county_code, record.outcome, record.channel) == ("140621", "likely_eligible", "api")
        assert record.answers == ELIGIBLE


def test_a_county_may_be_named(client):
    response = client.post("/api/v1/screenings", json={"county": "鹤岗", "answers": {"house_grade": "A"}})
    assert response.status_code == 201
    assert response.json()["county"] == "230400"
    assert response.json()["outcome"] == "not_eligible"


def test_partial_answers_say_what_is_missing(client):
    payload = {"county": "140405", "answers": {"category": "低保户"}}
    body = client.post("/api/v1/screenings", json=payload).json()
    assert body["outcome"] == "needs_appraisal"
    assert body["missing"][0] == "house_grade"


@pytest.mark.parametrize(("payload", "status", "field"), [
    ({"county": "140621", "answers": {"income": 3}}, 422, "answers.income"),
    ({"county": "140621", "answers": {"hukou_local": "yes"}}, 422, "answers.hukou_local"),
    ({"county": "140621", "answers": {"hukou_local": 1}}, 422, "answers.hukou_local"),
    ({"county": "140621", "answers": {"house_grade": "E"}}, 422, "answers.house_grade"),
    ({"county": "140621", "answers": {"category": 2}}, 422, "answers.category"),
    ({"county": "140621", "answers": {"category": "五保户"}}, 422, "answers.category"),
    ({"county": "140621", "answers": {"owns_vehicle": None}}, 422, "answers.owns_vehicle"),
    ({"county": "999999", "answers": {}}, 404, "county"),
    ({"county": "140621", "answers": [], }, 422, "answers"),
    ({"answers": {}}, 422, "county"),
    ({"county": "140621", "answers": {}, "name": "张三"}, 422, "name"),
])
def test_bad_requests_get_a_precise_error(client, payload, status, field):
    response = client.post("/api/v1/screenings", json=payload)
    assert response.status_code == status, response.text
    assert response.json()["field"] == field
    assert response.json()["message"]


def test_the_unknown_county_error_names_the_counties(client):
    body = client.post("/api/v1/screenings", json={"county": "北京", "answers": {}}).json()
    assert body["error"] == "unknown_county" and "山阴县" in body["message"]


def test_the_cli_prints_what_the_api_returns(client, capsys):
    api = client.post("/api/v1/screenings", json={"county": "140621", "answers": ELIGIBLE}).json()
    assert main(["screen", "--county", "140621", "--answers", json.dumps(ELIGIBLE)]) == 0
    assert json.loads(capsys.readouterr().out) == api


@pytest.mark.parametrize(("args", "message"), [
    (["--county", "999999"], "999999"),
    (["--county", "140621", "--answers", "{not json"], "JSON"),
    (["--county", "140621", "--answers", '{"car": true}'], "car"),
    (["--county", "140621", "--answers", '{"owns_vehicle": "no"}'], "owns_vehicle"),
    (["--county", "140621", "--answers", "[1]"], "answers"),
])
def test_the_cli_rejects_bad_input_with_a_message(args, message, capsys):
    assert main(["screen", *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith("错误 / error:") and message in err


def test_korean_is_served_where_the_rules_have_it(client, capsys):
    payload = {"county": "222400", "answers": {"house_grade": "A"}, "language": "ko"}
    body = client.post("/api/v1/screenings", json=payload).json()
    assert "위험주택" in body["reasons"][0]["text"] and body["reasons"][0]["citation"] == "000 重监管"
    assert main(["screen", "--county", "延边", "--answers", '{"house_grade": "A"}', "--language", "ko"]) == 0
    assert json.loads(capsys.readouterr().out) == body
    assert client.post("/api/v1/screenings", json={**payload, "language": "fr"}).status_code == 422


_scalar = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
_json = st.recursive(_scalar | st.text(max_size=8),
                     lambda inner: st.lists(inner, max_size=3)
                     | st.dictionaries(st.text(max_size=8), inner, max_size=3), max_leaves=6)
_keys = st.sampled_from(["house_grade", "category", "owns_vehicle", "hukou_local", "x"]) | st.text(max_size=6)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(county=st.sampled_from(["140621", "230400", "延边", "", "0"]) | st.text(max_size=6),
       answers=st.dictionaries(_keys, _json | st.sampled_from(["A", "unknown", "低保户", True]), max_size=4))
def test_any_json_gets_a_judgement_or_a_precise_4xx_never_a_500(client, county, answers):
    response = client.post("/api/v1/screenings", json={"county": county, "answers": answers})
    assert response.status_code in (201, 404, 422), response.text
    if response.status_code != 201:
        field = response.json()["field"]
        assert field in ("county", "answers") or field.startswith("answers.")
