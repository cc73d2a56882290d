"""Statistics: counts by state and category and money paid, for an area and each area below it, in scope."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from api.db import transaction
from api.models import ApplicationState, TargetCategory
from tests.factories import bearer, make_application, make_area_tree, make_client, make_household, make_token

S = ApplicationState


@pytest.fixture
def world(engine: Engine) -> dict[str, dict]:
    with transaction(engine) as s:
        tree = make_area_tree(s)
        for village, state, category, paid in [
            ("v1", S.paid, TargetCategory.dibao, 14000),
            ("v1", S.paid, TargetCategory.dispersed_support, 12000),
            ("v1", S.submitted, TargetCategory.dibao, None),
            ("v2", S.approved, TargetCategory.dibao_marginal, None),
            ("v3", S.paid, TargetCategory.dibao, 10000),
            ("other_village", S.paid, TargetCategory.dibao, 99999),
        ]:
            make_application(s, make_household(s, tree[village], category=category), state,
                             paid_amount_yuan=paid)
        tokens = {k: make_token(s, tree[k], "viewer") for k in ("v1", "t1", "county")}
        return {"ids": {k: a.id for k, a in tree.items()}, "tokens": tokens}


def _stats(engine: Engine, token: str, **params: object) -> dict:
    response = make_client(engine).get("/api/v1/stats", headers=bearer(token), params=params)
    assert response.status_code == 200, response.text
    return response.json()


def test_county_totals_and_townships(engine: Engine, world: dict) -> None:
    body = _stats(engine, world["tokens"]["county"])
    assert body["level"] == "county" and body["total"] == 5 and body["paid_yuan"] == 36000
    assert body["by_state"] == {"approved": 1, "paid": 3, "submitted": 1}
    assert body["by_category"] == {"低保户": 3, "低保边缘家庭": 1, "分散供养特困人员": 1}
    children = {c["name"]: c for c in body["children"]}
    assert set(children) == {"古城镇", "玉井镇"}
    assert (children["古城镇"]["total"], children["古城镇"]["paid_yuan"]) == (4, 26000)
    assert (children["玉井镇"]["total"], children["玉井镇"]["paid_yuan"]) == (1, 10000)


def test_township_sees_its_villages(engine: Engine, world: dict) -> None:
    body = _stats(engine, world["tokens"]["t1"])
    assert body["total"] == 4
    children = {c["name"]: c for c in body["children"]}
    assert set(children) == {"东村", "西村"}
    assert children["东村"]["by_state"] == {"paid": 2, "submitted": 1}
    assert children["西村"]["by_category"] == {"低保边缘家庭": 1}
    assert _stats(engine, world["tokens"]["t1"], area_id=world["ids"]["v1"])["total"] == 3


def test_village_sees_itself_only(engine: Engine, world: dict) -> None:
    ids, token = world["ids"], world["tokens"]["v1"]
    body = _stats(engine, token)
    assert (body["total"], body["paid_yuan"], body["children"]) == (3, 26000, [])
    client = make_client(engine)
    for foreign in ("v2", "v3", "t1", "county", "other_village", "other_county"):
        response = client.get("/api/v1/stats", params={"area_id": ids[foreign]}, headers=bearer(token))
        assert response.status_code == 404, foreign


def test_empty_area_has_zero_figures(engine: Engine, world: dict) -> None:
    body = _stats(engine, world["tokens"]["county"], area_id=world["ids"]["t2"])
    assert body["children"][0]["name"] == "南村"
    with transaction(engine) as s:
        from api.models import Area
        from api.services.areas import add_area

        t2 = s.get(Area, world["ids"]["t2"])
        assert t2 is not None
        empty = add_area(s, t2, "空村", by="test")
        empty_id = empty.id
    body = _stats(engine, world["tokens"]["county"], area_id=empty_id)
    assert (body["total"], body["by_state"], body["paid_yuan"]) == (0, {}, 0)
