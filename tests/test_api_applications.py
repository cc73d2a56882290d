"""The records API over HTTP: households, applications, transitions — scope, errors, never a 500."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from test_households import id_number, mobile

from api.clock import local_today
from api.db import transaction
from api.models import Application, Area, AuditEntry, Household
from tests.factories import bearer, make_area_tree, make_client, make_token


@pytest.fixture
def api(engine: Engine) -> dict[str, Any]:
    """The app, an area tree and a token for each kind of staff member the tests need."""
    with transaction(engine) as s:
        tree = make_area_tree(s)
        tokens = {
            "v1": make_token(s, tree["v1"], "clerk"), "v1_head": make_token(s, tree["v1"], "reviewer"),
            "v1_viewer": make_token(s, tree["v1"], "viewer"), "v2": make_token(s, tree["v2"], "clerk"),
            "t1": make_token(s, tree["t1"], "reviewer"), "t2": make_token(s, tree["t2"], "reviewer"),
            "county": make_token(s, tree["county"], "reviewer"),
        }
    return {"client": make_client(engine), "tree": tree, "h": {k: bearer(v) for k, v in tokens.items()}}


def household_body(village: Area, **over: Any) -> dict[str, Any]:
    body = {"village_id": village.id, "head_name": "张小三", "head_id_number": id_number(), "phone": mobile(),
            "category": "低保户", "members": [{"name": "李四", "id_number": id_number(born="19620202"),
                                              "relation": "配偶"}]}
    return {**body, **over}


def file(api: dict[str, Any], **over: Any) -> dict[str, Any]:
    c, h, tree = api["client"], api["h"], api["tree"]
    r = c.post("/api/v1/households", json=household_body(tree["v1"]), headers=h["v1"])
    assert r.status_code == 201, r.text
    r = c.post("/api/v1/applications", json={"household_id": r.json()["id"], "reason": "墙体开裂", **over},
               headers=h["v1"])
    assert r.status_code == 201, r.text
    return r.json()


def test_token_is_required(api: dict[str, Any]) -> None:
    c = api["client"]
    for method, path in [("get", "/api/v1/households"), ("post", "/api/v1/applications"),
                         ("get", "/api/v1/applications/1"), ("post", "/api/v1/applications/1/transitions"),
                         ("get", "/api/v1/applications/overdue")]:
        r = getattr(c, method)(path, **({"json": {}} if method == "post" else {}))
        assert r.status_code == 401, (path, r.text)


def test_household_round_trip_and_precise_errors(api: dict[str, Any]) -> None:
    c, h, tree = api["client"], api["h"], api["tree"]
    body = household_body(tree["v1"])
    r = c.post("/api/v1/households", json=body, headers=h["v1"])
    assert r.status_code == 201 and r.headers["Location"] == f"/api/v1/households/{r.json()['id']}"
    assert r.json()["size"] == 2 and r.json()["members"][0]["relation"] == "配偶"
    assert c.get(r.headers["Location"], headers=h["t1"]).status_code == 200
    assert c.get(r.headers["Location"], headers=h["v2"]).status_code == 404
    assert c.get(r.headers["Location"], headers=h["t2"]).status_code == 404
    bad_id = body["head_id_number"][:17] + ("0" if body["head_id_number"][17] != "0" else "1")
    cases = [
        ({"head_id_number": bad_id}, "head_id_number"),
        ({"phone": "1234"}, "phone"),
        ({"category": "富裕户"}, "category"),
        ({"members": [{"name": "王", "id_number": "x", "relation": "子女"}]}, "members.0.id_number"),
        ({"head_name": ""}, "head_name"),
    ]
    for over, field in cases:
        r = c.post("/api/v1/households", json=household_body(tree["v1"], **over), headers=h["v1"])
        assert r.status_code == 422, (over, r.text)
        assert r.json()["field"] == field, r.json()
    r = c.post("/api/v1/households", json=household_body(tree["t1"]), headers=h["county"])
    assert r.status_code == 422 and r.json()["field"] == "village_id"
    r = c.post("/api/v1/households", json=household_body(tree["t1"]), headers=h["v1"])
    assert r.status_code == 404 and r.json()["field"] == "village_id"
    r = c.post("/api/v1/households", json=household_body(tree["other_village"]), headers=h["county"])
    assert r.status_code == 404
    r = c.post("/api/v1/households", json=household_body(tree["v1"]), headers=h["v1_viewer"])
    assert r.status_code == 403
    r = c.get("/api/v1/households", headers=h["v1"])
    assert r.status_code == 200 and r.json()["total"] == 1


def test_application_round_trip(api: dict[str, Any]) -> None:
    c, h, tree = api["client"], api["h"], api["tree"]
    app = file(api)
    assert app["number"] == f"140621-{local_today().year}-00001" and app["state"] == "submitted"
    assert app["contacts"][0]["relation"] == "本人" and len(app["events"]) == 1
    r = c.get(f"/api/v1/applications/{app['id']}", headers=h["county"])
    assert r.status_code == 200 and r.json()["events"][0]["to_state"] == "submitted"
    assert c.get(f"/api/v1/applications/{app['id']}", headers=h["v2"]).status_code == 404
    assert c.get("/api/v1/applications/987654", headers=h["county"]).status_code == 404
    second = file(api)
    r = c.get("/api/v1/applications", params={"limit": 1, "offset": 1}, headers=h["t1"])
    assert r.json()["total"] == 2 and [a["id"] for a in r.json()["items"]] == [second["id"]]
    r = c.get("/api/v1/applications", params={"state": "village_review"}, headers=h["t1"])
    assert r.json()["total"] == 0
    r = c.get("/api/v1/applications", params={"village_id": tree["v1"].id}, headers=h["t2"])
    assert r.status_code == 404 and r.json()["field"] == "village_id"  # a foreign village is not found
    assert c.get("/api/v1/applications", params={"state": "bogus"}, headers=h["t1"]).status_code == 422
    assert c.get("/api/v1/applications", params={"limit": 0}, headers=h["t1"]).status_code == 422


def test_committee_filed_application(api: dict[str, Any]) -> None:
    guardian = mobile()
    app = file(api, filed_by="committee", incapacity_reason="长期卧床、失智",
               contacts=[{"phone": guardian, "name": "赵监护", "relation": "监护人"}])
    assert app["filed_by"] == "committee" and app["incapacity_reason"] == "长期卧床、失智"
    assert app["contacts"] == [{"phone": guardian, "name": "赵监护", "relation": "监护人"}]
    c, h, tree = api["client"], api["h"], api["tree"]
    r = c.post("/api/v1/households", json=household_body(tree["v1"]), headers=h["v1"])
    r = c.post("/api/v1/applications", json={"household_id": r.json()["id"], "reason": "x",
                                             "filed_by": "committee", "contacts": []}, headers=h["v1"])
    assert r.status_code == 422 and r.json()["field"] == "incapacity_reason"


def test_transitions_over_http(api: dict[str, Any]) -> None:
    c, h = api["client"], api["h"]
    app = file(api)
    url = f"/api/v1/applications/{app['id']}/transitions"
    today = local_today().isoformat()
    r = c.post(url, json={"to": "village_review", "evidence": {}}, headers=h["v1"])
    assert r.status_code == 422 and r.json()["field"] == "evidence.survey_date"
    r = c.post(url, json={"to": "village_review", "evidence": {"survey_date": 5}}, headers=h["v1"])
    assert r.status_code == 422 and r.json()["field"] == "evidence.survey_date"
    r = c.post(url, json={"to": "village_review", "evidence": {"survey_date": today}}, headers=h["t1"])
    assert r.status_code == 403
    r = c.post(url, json={"to": "village_review", "evidence": {"survey_date": today}}, headers=h["v1_viewer"])
    assert r.status_code == 403
    r = c.post(url, json={"to": "village_review", "evidence": {"survey_date": today}}, headers=h["v2"])
    assert r.status_code == 404
    r = c.post(url, json={"to": "approved", "evidence": {}}, headers=h["county"])
    assert r.status_code == 409 and r.json()["error"] == "invalid_transition"
    assert "submitted" in r.json()["message"] and "approved" in r.json()["message"]
    r = c.post(url, json={"to": "nowhere"}, headers=h["v1"])
    assert r.status_code == 422 and r.json()["field"] == "to"
    r = c.post(url, json={"to": "village_review", "effective_on": "yesterday"}, headers=h["v1"])
    assert r.status_code == 422 and r.json()["field"] == "effective_on"
    r = c.post(url, json={"to": "village_review", "evidence": {"survey_date": today}}, headers=h["v1"])
    assert r.status_code == 201 and r.json()["to_state"] == "village_review"
    assert r.json()["evidence"] == {"survey_date": today}
    r = c.post(url, json={"to": "village_publicity", "evidence": {"minutes_ref": "纪要1"}}, headers=h["v1"])
    assert r.status_code == 409 and "/notices" in r.json()["message"]
    r = c.post(url, json={"to": "withdrawn", "reason": "申请人书面撤回"}, headers=h["v1"])
    assert r.status_code == 201
    detail = c.get(f"/api/v1/applications/{app['id']}", headers=h["v1"]).json()
    assert detail["state"] == "withdrawn" and detail["closing_reason"] == "申请人书面撤回"
    assert [e["to_state"] for e in detail["events"]] == ["submitted", "village_review", "withdrawn"]


def test_bad_input_writes_nothing(api: dict[str, Any], engine: Engine) -> None:
    c, h, tree = api["client"], api["h"], api["tree"]
    with transaction(engine) as s:
        before = (s.scalar(select(func.count()).select_from(Household)),
                  s.scalar(select(func.count()).select_from(AuditEntry)))
    body = household_body(tree["v1"], members=[{"name": "甲", "id_number": id_number(), "relation": "子女"},
                                               {"name": "乙", "id_number": "bad", "relation": "子女"}])
    assert c.post("/api/v1/households", json=body, headers=h["v1"]).status_code == 422
    with transaction(engine) as s:
        after = (s.scalar(select(func.count()).select_from(Household)),
                 s.scalar(select(func.count()).select_from(AuditEntry)))
    assert after == before


def test_concurrent_transitions_over_http_one_gets_409(api: dict[str, Any], engine: Engine) -> None:
    app = file(api)
    url = f"/api/v1/applications/{app['id']}/transitions"
    h = api["h"]
    barrier = threading.Barrier(2)
    codes: list[int] = []
    bodies = [{"to": "village_review", "evidence": {"survey_date": local_today().isoformat()}},
              {"to": "rejected", "reason": "不属于保障对象"}]

    def go(body: dict[str, Any]) -> None:
        client = make_client(engine)
        barrier.wait()
        codes.append(client.post(url, json=body, headers=h["v1_head"]).status_code)

    threads = [threading.Thread(target=go, args=(b,)) for b in bodies]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(codes) == [201, 409]
    with transaction(engine) as s:
        row = s.get(Application, app["id"])
        assert row is not None and len(row.events) == 2
