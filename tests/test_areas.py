"""The area tree: who may add what, names unique per parent, codes checked, scope, and the CSV import."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from api.db import transaction
from api.domain.errors import NotFound, ValidationFailed
from api.models import Area, AreaLevel, AuditEntry
from api.services import areas
from bot.cli import main as anju
from tests.factories import area_tree_ids, bearer, make_client, token_for


@pytest.fixture
def tree(engine: Engine) -> dict[str, int]:
    return area_tree_ids(engine)


def test_county_admin_adds_a_township_with_code(engine: Engine, tree: dict[str, int]) -> None:
    client = make_client(engine)
    token = token_for(engine, tree["county"], "admin")
    response = client.post("/api/v1/areas", headers=bearer(token),
                           json={"parent_id": tree["county"], "name": "岱岳镇", "code": "140621104000"})
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["level"] == "township" and body["county_code"] == "140621" and body["township_id"] is None
    assert response.headers["location"] == f"/api/v1/areas/{body['id']}"
    with transaction(engine) as s:
        created = select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "area.create")
        assert s.scalar(created)


def test_county_clerk_may_not_add_townships(engine: Engine, tree: dict[str, int]) -> None:
    response = make_client(engine).post("/api/v1/areas", headers=bearer(token_for(engine, tree["county"])),
                                        json={"parent_id": tree["county"], "name": "岱岳镇"})
    assert response.status_code == 403


def test_township_clerk_adds_a_village_to_its_own_township_only(engine: Engine, tree: dict[str, int]) -> None:
    client = make_client(engine)
    token = token_for(engine, tree["t1"])
    response = client.post("/api/v1/areas", headers=bearer(token),
                           json={"parent_id": tree["t1"], "name": "新村"})
    assert response.status_code == 201
    assert response.json()["township_id"] == tree["t1"] and response.json()["level"] == "village"
    other = client.post("/api/v1/areas", headers=bearer(token),
                        json={"parent_id": tree["t2"], "name": "新村"})
    assert other.status_code == 404  # t2 is not t1's to see
    county = client.post("/api/v1/areas", headers=bearer(token),
                         json={"parent_id": tree["county"], "name": "x"})
    assert county.status_code == 404


def test_village_token_adds_nothing(engine: Engine, tree: dict[str, int]) -> None:
    response = make_client(engine).post("/api/v1/areas", headers=bearer(token_for(engine, tree["v1"], "admin")),
                                        json={"parent_id": tree["v1"], "name": "一组"})
    assert response.status_code == 403


def test_names_are_unique_within_the_parent(engine: Engine, tree: dict[str, int]) -> None:
    client = make_client(engine)
    token = token_for(engine, tree["county"], "admin")
    dup = client.post("/api/v1/areas", headers=bearer(token), json={"parent_id": tree["t1"], "name": "东村"})
    assert dup.status_code == 409 and dup.json()["field"] == "name"
    elsewhere = client.post("/api/v1/areas", headers=bearer(token),
                            json={"parent_id": tree["t2"], "name": "东村"})
    assert elsewhere.status_code == 201


@pytest.mark.parametrize(("parent", "code"), [
    ("county", "14062110400"),      # 11 digits
    ("county", "14062110400x"),     # not digits
    ("county", "140429104000"),     # another county
    ("county", "140621104001"),     # a village code given to a township
    ("t1", "140621104000"),         # a township code given to a village
])
def test_bad_codes_are_422(engine: Engine, tree: dict[str, int], parent: str, code: str) -> None:
    token = token_for(engine, tree["county"], "admin")
    response = make_client(engine).post("/api/v1/areas", headers=bearer(token),
                                        json={"parent_id": tree[parent], "name": "某地", "code": code})
    assert response.status_code == 422 and response.json()["field"] == "code", response.text


def test_prefecture_codes_use_the_prefecture_prefix(engine: Engine) -> None:
    with transaction(engine) as s:
        yanbian = s.scalar(select(Area).where(Area.code == "222400"))
        assert yanbian is not None
        assert areas.validate_code("222401100000", yanbian) == "222401100000"
        with pytest.raises(ValidationFailed):
            areas.validate_code("222501100000", yanbian)


def test_listing_and_reading_stay_in_scope(engine: Engine, tree: dict[str, int]) -> None:
    client = make_client(engine)
    township = bearer(token_for(engine, tree["t1"]))
    names = [a["name"] for a in client.get("/api/v1/areas", headers=township).json()]
    assert sorted(names) == ["东村", "西村"]
    assert client.get(f"/api/v1/areas/{tree['v2']}", headers=township).status_code == 200
    assert client.get(f"/api/v1/areas/{tree['v3']}", headers=township).status_code == 404
    village = bearer(token_for(engine, tree["v1"]))
    assert client.get(f"/api/v1/areas/{tree['v1']}", headers=village).status_code == 200
    for foreign in ("v2", "v3", "t1", "county", "other_village"):
        assert client.get(f"/api/v1/areas/{tree[foreign]}", headers=village).status_code == 404, foreign
        listed = client.get("/api/v1/areas", params={"parent_id": tree[foreign]}, headers=village)
        assert listed.status_code == 404, foreign
    county = bearer(token_for(engine, tree["county"], "viewer"))
    assert {a["name"] for a in client.get("/api/v1/areas", headers=county).json()} == {"古城镇", "玉井镇"}
    assert client.get(f"/api/v1/areas/{tree['other_village']}", headers=county).status_code == 404


def test_resolve_area_by_path_code_id_and_short_name(engine: Engine, tree: dict[str, int]) -> None:
    with transaction(engine) as s:
        assert areas.resolve_area(s, "山阴县/古城镇/东村").id == tree["v1"]
        assert areas.resolve_area(s, "山阴/古城镇").id == tree["t1"]
        assert areas.resolve_area(s, "140621").id == tree["county"]
        assert areas.resolve_area(s, str(tree["v3"])).id == tree["v3"]
        with pytest.raises(NotFound):
            areas.resolve_area(s, "山阴县/古城镇/无此村")


def _import(tmp_path: Path, text: str) -> int:
    path = tmp_path / "areas.csv"
    path.write_text(text, encoding="utf-8-sig")
    return anju(["areas", "import", str(path)])


@pytest.fixture
def cli_engine(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Engine:
    monkeypatch.setattr("api.db.get_engine", lambda: engine)
    monkeypatch.setattr("api.bootstrap.prepare_database", lambda _engine: None)
    return engine


def _count(engine: Engine, level: AreaLevel) -> int:
    with transaction(engine) as s:
        return s.scalar(select(func.count()).select_from(Area).where(Area.level == level)) or 0


def test_csv_import_is_idempotent(cli_engine: Engine, tmp_path: Path) -> None:
    text = ("county,township,village,code\n"
            "山阴县,古城镇,东村,140621100001\n"
            "山阴县,古城镇,西村,\n"
            "140621,玉井镇,,140621101000\n"
            "武乡县,丰州镇,北村\n")
    assert _import(tmp_path, text) == 0
    townships, villages = _count(cli_engine, AreaLevel.township), _count(cli_engine, AreaLevel.village)
    assert (townships, villages) == (3, 3)
    assert _import(tmp_path, text) == 0
    assert (_count(cli_engine, AreaLevel.township), _count(cli_engine, AreaLevel.village)) == (3, 3)
    with transaction(cli_engine) as s:
        village = areas.resolve_area(s, "山阴县/古城镇/东村")
        assert village.code == "140621100001" and village.township_id == village.parent_id


def test_csv_import_is_all_or_nothing(cli_engine: Engine, tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    text = ("山阴县,古城镇,东村\n"
            "山阴县,古城镇,西村\n"
            "山阴县,古城镇,南村,123\n")
    assert _import(tmp_path, text) == 2
    assert "第3行 / line 3" in capsys.readouterr().err
    assert _count(cli_engine, AreaLevel.township) == 0 and _count(cli_engine, AreaLevel.village) == 0


@pytest.mark.parametrize("row", ["无此县,古城镇,东村", "山阴县,,东村", "山阴县,古城镇", "a,b,c,d,e"])
def test_csv_import_reports_the_bad_line(cli_engine: Engine, tmp_path: Path, row: str,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    assert _import(tmp_path, f"山阴县,古城镇,东村\n{row}\n") == 2
    assert "line 2" in capsys.readouterr().err
    assert _count(cli_engine, AreaLevel.village) == 0
