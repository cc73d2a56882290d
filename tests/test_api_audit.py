"""``GET /api/v1/audit``: supervisors read the log within their area, filtered by record, actor and time."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import Engine, text

from api.db import transaction
from api.models import Area, Role
from api.services import audit
from tests.factories import bearer, make_area_tree, make_client, make_household, make_token

URL = "/api/v1/audit"


@pytest.fixture
def world(engine: Engine) -> dict[str, Any]:
    """One household per village (v1, v2 in t1; v3 in t2; one in another county), one entry about each."""
    with transaction(engine) as s:
        tree = make_area_tree(s)
        houses = {k: make_household(s, tree[k]).id for k in ("v1", "v2", "v3", "other_village")}
        tokens = {k: make_token(s, tree[k], Role.reviewer) for k in ("v1", "t1", "county", "other_county")}
        tokens["clerk"] = make_token(s, tree["v1"], Role.clerk)
        ids = {k: a.id for k, a in tree.items()}
    for i, house in enumerate(houses.values()):
        with transaction(engine) as s:
            audit.record(s, f"user:{100 + i}:甲{i}", "household.update", "household", house, {"i": 0}, {"i": i})
    with transaction(engine) as s:
        t1 = s.get(Area, ids["t1"])
        assert t1 is not None
        audit.record(s, "user:200:乙", "area.update", "area", t1.id, None, {"name": t1.name})
    return {"houses": houses, "tokens": tokens, "ids": ids, "client": make_client(engine)}


def _get(world: dict[str, Any], who: str, **params: Any) -> Any:
    response = world["client"].get(URL, params=params, headers=bearer(world["tokens"][who]))
    assert response.status_code == 200, response.text
    return response.json()


def _houses_seen(page: dict[str, Any], world: dict[str, Any]) -> set[str]:
    by_id = {str(v): k for k, v in world["houses"].items()}
    return {by_id[e["entity_id"]] if e["entity"] == "household" else e["entity"] for e in page["items"]
            if e["entity"] in ("household", "area")}  # the fixture's users and tokens are logged too


def test_a_village_sees_its_own_entries(world: dict[str, Any]) -> None:
    page = _get(world, "v1")
    assert _houses_seen(page, world) == {"v1"}
    users = {e["entity"] for e in page["items"]} - {"household"}
    assert users == {"user", "api_token"}  # its own staff's accounts, created in the village


def test_a_township_sees_its_own_and_its_villages(world: dict[str, Any]) -> None:
    assert _houses_seen(_get(world, "t1"), world) == {"v1", "v2", "area"}


def test_a_county_sees_everything_in_it_and_nothing_of_another(world: dict[str, Any]) -> None:
    assert _houses_seen(_get(world, "county"), world) == {"v1", "v2", "v3", "area"}
    assert _houses_seen(_get(world, "other_county"), world) == {"other_village"}


def test_filters_by_record_actor_and_time(world: dict[str, Any], engine: Engine) -> None:
    v2 = str(world["houses"]["v2"])
    page = _get(world, "county", entity="household", entity_id=v2)
    assert [(e["entity_id"], e["after"]) for e in page["items"]] == [(v2, {"i": 1})]
    assert [e["actor"] for e in _get(world, "county", actor="user:102")["items"]] == ["user:102:甲2"]
    assert _get(world, "county", actor="user:10")["total"] == 0  # a prefix of another user's id is not them
    with engine.begin() as conn:  # move the v1 entry a day back, keeping the rest now
        conn.execute(text("UPDATE audit_entries SET at = :at WHERE entity_id = :id"),
                     {"at": dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC), "id": str(world["houses"]["v1"])})
    day = {"since": "2026-03-01T00:00:00+00:00", "until": "2026-03-02T00:00:00+00:00"}
    assert _houses_seen(_get(world, "county", **day), world) == {"v1"}
    assert "v1" not in _houses_seen(_get(world, "county", since="2026-03-02T00:00:00+08:00"), world)


def test_pages_newest_first(world: dict[str, Any]) -> None:
    first = _get(world, "county", entity="household", limit=2)
    second = _get(world, "county", entity="household", limit=2, offset=2)
    assert first["total"] == second["total"] == 3
    ids = [e["id"] for e in first["items"] + second["items"]]
    assert ids == sorted(ids, reverse=True) and len(set(ids)) == 3


def test_clerks_and_strangers_cannot_read_it(world: dict[str, Any]) -> None:
    client = world["client"]
    assert client.get(URL, headers=bearer(world["tokens"]["clerk"])).status_code == 403
    assert client.get(URL).status_code == 401


def test_bad_filters_get_a_clear_answer(world: dict[str, Any]) -> None:
    client, h = world["client"], bearer(world["tokens"]["county"])
    naive = client.get(URL, params={"since": "2026-03-01T00:00:00"}, headers=h)
    assert naive.status_code == 422 and "since" in naive.json()["message"]
    assert client.get(URL, params={"limit": 0}, headers=h).status_code == 422
    assert client.get(URL, params={"entity_id": "x" * 65}, headers=h).status_code == 422
