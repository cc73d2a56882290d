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


# --- complaints and their 回访 satisfaction -----------------------------------------------------------------

@pytest.fixture
def complained(engine: Engine) -> dict[str, dict]:
    """Complaints where they happened, who handles them, and the scores their filers gave the replies."""
    import datetime as dt

    from test_households import staff

    from api.models.complaints import ComplaintCategory, ComplaintSubject
    from api.services import complaints as svc

    now = dt.datetime(2025, 3, 3, 2, 0, tzinfo=dt.UTC)
    subj = ComplaintSubject
    with transaction(engine) as s:
        tree = make_area_tree(s)
        cases = [  # (village, about whom, handled by, score or None to leave it open)
            ("v1", subj.village_committee, "t1", 4),
            ("v2", subj.builder, "t1", 2),
            ("v1", subj.township, "county", 1),       # about the township: the county handles it
            ("v3", subj.other, None, None),
            ("other_village", subj.other, None, None),
            ("v1", subj.builder, None, None),         # assigned to the village below
        ]
        for n, (village, subject, handler, score) in enumerate(cases):
            sender = f"1391234560{n}"
            complaint, _ = svc.file_complaint(
                s, county_code=tree[village].county_code, category=ComplaintCategory.bribe,
                village_id=tree[village].id, subject=subject, text=f"第{n}件", channel="sms", sender=sender,
                contact_phone=sender, anonymous=False, now=now)
            if handler is not None:
                svc.resolve(s, staff(tree[handler]), complaint.id, "已处理", now)
                svc.rate(s, "sms", sender, score, now)
            if n == 5:
                svc.assign(s, staff(tree["t1"]), complaint.id, area_id=tree["v1"].id, assignee="东村", now=now)
        tokens = {k: make_token(s, tree[k], "viewer") for k in ("v1", "t1", "county")}
        return {"ids": {k: a.id for k, a in tree.items()}, "tokens": tokens}


def test_county_sees_satisfaction_per_township(engine: Engine, complained: dict) -> None:
    body = _stats(engine, complained["tokens"]["county"])
    assert body["complaints"] == {"total": 5, "open": 2, "rated": 3, "satisfaction": 2.33}
    children = {c["name"]: c["complaints"] for c in body["children"]}
    assert children["古城镇"] == {"total": 4, "open": 1, "rated": 3, "satisfaction": 2.33}
    assert children["玉井镇"] == {"total": 1, "open": 1, "rated": 0, "satisfaction": None}
    village = _stats(engine, complained["tokens"]["county"], area_id=complained["ids"]["v1"])
    assert village["complaints"] == {"total": 3, "open": 1, "rated": 2, "satisfaction": 2.5}


def test_township_sees_what_it_handles_per_village(engine: Engine, complained: dict) -> None:
    body = _stats(engine, complained["tokens"]["t1"])
    assert body["complaints"] == {"total": 3, "open": 1, "rated": 2, "satisfaction": 3.0}   # not the one about it
    children = {c["name"]: c["complaints"] for c in body["children"]}
    assert children["东村"] == {"total": 2, "open": 1, "rated": 1, "satisfaction": 4.0}
    assert children["西村"] == {"total": 1, "open": 0, "rated": 1, "satisfaction": 2.0}


def test_village_never_counts_complaints_about_itself(engine: Engine, complained: dict) -> None:
    body = _stats(engine, complained["tokens"]["v1"])
    assert body["complaints"] == {"total": 1, "open": 1, "rated": 0, "satisfaction": None}
