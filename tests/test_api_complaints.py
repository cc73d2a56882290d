"""Complaints over HTTP: each level sees what it should, the village never the complainant."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import Engine

from api.db import transaction
from api.models.complaints import ComplaintCategory, ComplaintSubject
from api.services.complaints import file_complaint, rate
from tests.factories import bearer, make_area_tree, make_client, make_token


def now() -> dt.datetime:
    """The test's own now, read when it runs (not at import): the API judges 'overdue' by the clock too."""
    return dt.datetime.now(dt.UTC)


@pytest.fixture
def api(engine: Engine) -> dict[str, Any]:
    with transaction(engine) as s:
        tree = make_area_tree(s)
        tokens = {"v1": make_token(s, tree["v1"], "clerk"), "t1": make_token(s, tree["t1"], "reviewer"),
                  "t2": make_token(s, tree["t2"], "reviewer"), "county": make_token(s, tree["county"], "reviewer")}
        ids = {}
        for name, subject in (("committee", ComplaintSubject.village_committee),
                              ("builder", ComplaintSubject.builder)):
            complaint, _ = file_complaint(
                s, county_code="140621", category=ComplaintCategory.construction_safety,
                village_id=tree["v1"].id, subject=subject, text=f"{name} 的问题", channel="sms",
                sender="13912345678", contact_phone="13912345678", anonymous=False, now=now())
            ids[name] = complaint.id
        ids["v1"] = tree["v1"].id
    return {"client": make_client(engine), "ids": ids, "h": {k: bearer(v) for k, v in tokens.items()}}


def test_list_assign_note_resolve(api: dict[str, Any]) -> None:
    c, h, ids = api["client"], api["h"], api["ids"]
    page = c.get("/api/v1/complaints", headers=h["t1"]).json()
    assert page["total"] == 2 and page["items"][0]["contact_phone"] == "13912345678"
    assert c.get("/api/v1/complaints", headers=h["t2"]).json()["total"] == 0
    assert c.get("/api/v1/complaints", headers=h["v1"]).json()["total"] == 0
    assert c.get(f"/api/v1/complaints/{ids['committee']}", headers=h["v1"]).status_code == 404
    refused = c.post(f"/api/v1/complaints/{ids['committee']}/assign", headers=h["t1"],
                     json={"assignee": "东村", "area_id": ids["v1"]})
    assert refused.status_code == 403
    ok = c.post(f"/api/v1/complaints/{ids['builder']}/assign", headers=h["t1"],
                json={"assignee": "东村主任", "area_id": ids["v1"]})
    assert ok.status_code == 200 and ok.json()["status"] == "in_progress"
    seen = c.get("/api/v1/complaints", headers=h["v1"]).json()
    assert seen["total"] == 1 and seen["items"][0]["sender"] is None and "13912345678" not in str(seen)
    note = c.post(f"/api/v1/complaints/{ids['builder']}/notes", headers=h["v1"], json={"text": "已到现场查看"})
    assert note.status_code == 201 and note.json()["notes"][0]["text"] == "已到现场查看"
    done = c.post(f"/api/v1/complaints/{ids['builder']}/resolve", headers=h["t1"], json={"reply": "已返工加固"})
    assert done.status_code == 200 and done.json()["status"] == "resolved"
    assert c.get("/api/v1/complaints?status=resolved", headers=h["county"]).json()["total"] == 1
    assert c.get("/api/v1/complaints?category=工程质量安全&overdue=false",
                 headers=h["county"]).json()["total"] == 2
    assert c.get(f"/api/v1/complaints?area_id={ids['v1']}", headers=h["county"]).json()["total"] == 2


def test_satisfaction_per_area(api: dict[str, Any], engine: Engine) -> None:
    c, h, ids = api["client"], api["h"], api["ids"]
    c.post(f"/api/v1/complaints/{ids['builder']}/resolve", headers=h["t1"], json={"reply": "已返工"})
    with transaction(engine) as s:
        rate(s, "sms", "13912345678", 3, now())
    [row] = c.get("/api/v1/complaints/satisfaction", headers=h["county"]).json()
    assert row["area"] == "古城镇" and row["rated"] == 1 and row["mean"] == 3.0
    assert c.get("/api/v1/complaints/satisfaction", headers=h["t2"]).json() == []
