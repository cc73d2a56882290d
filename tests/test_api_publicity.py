"""Publicity and objections over HTTP: staff endpoints with a token, the public notice without one."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import Engine
from test_households import id_number, mobile

from api.clock import local_today
from api.db import transaction
from api.models._types import utcnow
from tests.factories import bearer, make_area_tree, make_client, make_token


@pytest.fixture
def api(engine: Engine) -> dict[str, Any]:
    with transaction(engine) as s:
        tree = make_area_tree(s)
        tokens = {"v1": make_token(s, tree["v1"], "clerk"), "v1_head": make_token(s, tree["v1"], "reviewer"),
                  "v2": make_token(s, tree["v2"], "clerk"), "t1": make_token(s, tree["t1"], "reviewer"),
                  "county": make_token(s, tree["county"], "reviewer"),
                  "wx": make_token(s, tree["other_village"], "clerk")}
    return {"client": make_client(engine), "tree": tree, "h": {k: bearer(v) for k, v in tokens.items()}}


def under_review(api: dict[str, Any], village: str = "v1", n: int = 2) -> list[dict[str, Any]]:
    """``n`` applications filed and surveyed today, through the API."""
    c, h = api["client"], api["h"][village if village != "other_village" else "wx"]
    vid = api["tree"][village].id
    apps = []
    for _ in range(n):
        r = c.post("/api/v1/households", headers=h, json={
            "village_id": vid, "head_name": "欧阳小明", "head_id_number": id_number(), "phone": mobile(),
            "category": "低保户"})
        assert r.status_code == 201, r.text
        r = c.post("/api/v1/applications", headers=h, json={"household_id": r.json()["id"], "reason": "危房"})
        app = r.json()
        r = c.post(f"/api/v1/applications/{app['id']}/transitions", headers=h,
                   json={"to": "village_review", "evidence": {"survey_date": local_today().isoformat()}})
        assert r.status_code == 201, r.text
        apps.append(app)
    return apps


def test_notice_objections_and_close_over_http(api: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    c, h, tree = api["client"], api["h"], api["tree"]
    apps = under_review(api)
    body = {"level": "village", "area_id": tree["v1"].id, "application_ids": [a["id"] for a in apps],
            "report_phone": "0349-5021234"}
    r = c.post("/api/v1/notices", json=body, headers=h["v1"])
    assert r.status_code == 422 and r.json()["field"] == "minutes_ref"
    r = c.post("/api/v1/notices", json={**body, "minutes_ref": "东村纪要1号"}, headers=h["v1"])
    assert r.status_code == 201, r.text
    notice = r.json()
    today = local_today()
    assert notice["closes_on"] == (today + dt.timedelta(days=7)).isoformat()
    assert notice["period_citation"] == "004 四(二)" and notice["status"] == "open"
    assert {e["state"] for e in notice["entries"]} == {"village_publicity"}
    assert c.get(f"/api/v1/notices/{notice['id']}", headers=h["t1"]).status_code == 200
    assert c.get(f"/api/v1/notices/{notice['id']}", headers=h["v2"]).status_code == 404
    assert [n["id"] for n in c.get("/api/v1/notices", headers=h["v1"]).json()] == [notice["id"]]
    assert c.get("/api/v1/notices", headers=h["v2"]).json() == []

    # the public page: no token, masked
    public = c.get("/api/v1/public/notices", params={"village_id": tree["v1"].id})
    assert public.status_code == 200 and [n["id"] for n in public.json()] == [notice["id"]]
    one = c.get(f"/api/v1/public/notices/{notice['id']}").json()
    assert {e["name"] for e in one["entries"]} == {"欧**明"}
    assert all("********" in e["id_number"] for e in one["entries"])
    assert one["report_phone"] == "0349-5021234" and one["open"] and "异议" in one["how_to_object"]
    assert c.get("/api/v1/public/notices/999").status_code == 404
    assert c.get("/api/v1/public/notices").status_code == 422
    assert c.get("/api/v1/public/notices", params={"village_id": tree["t1"].id}).status_code == 404

    # objections: one dismissed, one upheld (sent back)
    objs = []
    for app in apps:
        r = c.post("/api/v1/objections", headers=h["v1"], json={
            "notice_id": notice["id"], "application_id": app["id"], "reason": "来电反映：家有轿车",
            "contact_phone": "13700001111"})
        assert r.status_code == 201, r.text
        objs.append(r.json())
    assert objs[0]["number"].startswith(f"YY-140621-{today.year}-")
    r = c.post(f"/api/v1/objections/{objs[0]['id']}/decision", headers=h["v1"],
               json={"outcome": "maybe", "investigation": "x", "reason": "y"})
    assert r.status_code == 422 and r.json()["field"] == "outcome"
    r = c.post(f"/api/v1/objections/{objs[0]['id']}/decision", headers=h["v1"],
               json={"outcome": "dismissed", "investigation": "车辆属已分户的儿子", "reason": "异议不成立"})
    assert r.status_code == 200 and r.json()["status"] == "dismissed"
    r = c.post(f"/api/v1/objections/{objs[1]['id']}/decision", headers=h["v1"],
               json={"outcome": "upheld", "investigation": "核实有轿车", "reason": "异议成立，材料退回"})
    assert r.status_code == 200 and r.json()["status"] == "upheld"
    assert c.get(f"/api/v1/applications/{apps[1]['id']}", headers=h["v1"]).json()["state"] == "village_review"
    r = c.post(f"/api/v1/objections/{objs[1]['id']}/decision", headers=h["v1"],
               json={"outcome": "dismissed", "investigation": "x", "reason": "y"})
    assert r.status_code == 409
    listed = c.get("/api/v1/objections", params={"status": "upheld"}, headers=h["t1"]).json()
    assert [o["id"] for o in listed["items"]] == [objs[1]["id"]]
    assert c.get(f"/api/v1/objections/{objs[0]['id']}", headers=h["v2"]).status_code == 404

    # closing: not before the last day is over
    r = c.post(f"/api/v1/notices/{notice['id']}/close", headers=h["v1"])
    assert r.status_code == 409 and r.json()["field"] == "notice_id"
    import api.services.publicity as publicity

    monkeypatch.setattr(publicity, "local_today", lambda: today + dt.timedelta(days=8))
    r = c.post(f"/api/v1/notices/{notice['id']}/close", headers=h["v1"])
    assert r.status_code == 200 and r.json()["status"] == "closed"
    states = {e["application_id"]: e["state"] for e in r.json()["entries"]}
    assert states == {apps[0]["id"]: "township_review", apps[1]["id"]: "village_review"}
    assert c.get("/api/v1/public/notices", params={"village_id": tree["v1"].id}).json() == []


def test_objection_after_the_window_is_409_with_the_dates(api: dict[str, Any],
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    c, h, tree = api["client"], api["h"], api["tree"]
    apps = under_review(api, n=1)
    notice = c.post("/api/v1/notices", headers=h["v1"], json={
        "level": "village", "area_id": tree["v1"].id, "application_ids": [apps[0]["id"]],
        "minutes_ref": "m", "report_phone": "0349-5021234"}).json()
    import api.routes.objections as routes

    monkeypatch.setattr(routes, "utcnow", lambda: utcnow() + dt.timedelta(days=9))
    r = c.post("/api/v1/objections", headers=h["v1"], json={
        "notice_id": notice["id"], "application_id": apps[0]["id"], "reason": "迟到的异议"})
    assert r.status_code == 409 and r.json()["error"] == "window_closed"
    assert notice["closes_on"] in r.json()["message"]


def test_county_without_a_period_must_give_closes_on(api: dict[str, Any]) -> None:
    c, h, tree = api["client"], api["h"], api["tree"]
    apps = under_review(api, village="other_village", n=1)
    body = {"level": "village", "area_id": tree["other_village"].id, "application_ids": [apps[0]["id"]],
            "minutes_ref": "纪要"}
    r = c.post("/api/v1/notices", json=body, headers=h["wx"])
    assert r.status_code == 422 and r.json()["field"] == "closes_on"
    closes = (local_today() + dt.timedelta(days=5)).isoformat()
    r = c.post("/api/v1/notices", json={**body, "closes_on": closes}, headers=h["wx"])
    assert r.status_code == 201 and r.json()["closes_on"] == closes and r.json()["period_citation"] == ""


def test_notice_errors_are_4xx(api: dict[str, Any]) -> None:
    c, h, tree = api["client"], api["h"], api["tree"]
    apps = under_review(api, n=1)
    assert c.post("/api/v1/notices", json={}, headers=h["v1"]).status_code == 422
    r = c.post("/api/v1/notices", headers=h["v1"], json={"level": "county", "area_id": tree["county"].id,
                                                          "application_ids": [apps[0]["id"]]})
    assert r.status_code == 422 and r.json()["field"] == "level"
    r = c.post("/api/v1/notices", headers=h["v1"], json={"level": "village", "area_id": tree["v1"].id,
                                                          "application_ids": [], "minutes_ref": "m"})
    assert r.status_code == 422 and r.json()["field"] == "application_ids"
    r = c.post("/api/v1/notices", headers=h["t1"], json={"level": "township", "area_id": tree["t1"].id,
                                                          "application_ids": [apps[0]["id"]]})
    assert r.status_code == 409 and r.json()["error"] == "invalid_transition"
    assert c.post("/api/v1/notices/999/close", headers=h["v1"]).status_code == 404
    assert c.post("/api/v1/notices", json={"level": "village"}).status_code == 401
