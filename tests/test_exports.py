"""The archive table (004 附件2): every printed field, values as recorded, empty when unknown, in scope."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine

from api.db import transaction
from api.models import ApplicationState, Area, Role
from api.schemas import disclosure
from api.services import exports
from tests.factories import bearer, make_application, make_area_tree, make_client, make_household, make_token

# The fields of 农村危房改造农户纸质档案表 as printed in 004 附件2, block by block.
PAPER_FIELDS = [
    "省（自治区、直辖市）", "地区（市、州、盟）", "县（市、区、旗）", "乡（镇）", "村民委员会", "村民小组",
    "是否边境一线",
    "户主姓名", "身份证号", "是否贫困残疾人家庭", "家庭人数", "民族", "农户贫困类型", "上年家庭年纯收入",
    "旧住房建造年代", "旧住房建筑面积", "旧住房结构类型", "农户联系电话",
    "改造原因", "改造方式", "建设方式", "改造后房屋结构类型", "改造后房屋面积", "改造后房屋产权",
    "列入计划的年度", "批准日期", "开工日期", "竣工日期", "是否已验收",
    "享受补助资金类型", "总投资", "各级政府补助资金", "农户危房改造贷款", "农户其它自筹资金",
    "是否建筑节能示范户", "建筑节能示范内容", "建筑节能增加的投资",
]


@pytest.fixture
def world(engine: Engine) -> dict[str, object]:
    """v1 has a fully recorded, paid application and a bare new one; v2 and v3 have one each."""
    with transaction(engine) as s:
        tree = make_area_tree(s)
        full = make_household(s, tree["v1"], head_name="李四", village_group="三组", border_line=False,
                              disabled_family=True, size=4, ethnicity="汉族", last_year_income_yuan=5200,
                              house_built_year=1978, house_area_m2=62.5, house_structure="土木",
                              phone="13800000001")
        make_application(s, full, ApplicationState.paid, number="SY-2021-0001", method="拆除重建",
                         build_mode="自建", new_structure="砖混", new_area_m2=60.0, new_ownership="农户自有",
                         approved_on=dt.date(2021, 5, 10), started_on=dt.date(2021, 6, 1),
                         completed_on=dt.date(2021, 9, 30), acceptance_passed=True, paid_amount_yuan=14000,
                         subsidy_type="中央及省级补助", total_investment_yuan=52000, loan_yuan=0,
                         self_funded_yuan=38000, energy_demo=False)
        bare = make_household(s, tree["v1"], head_name="=HYPERLINK(1)")
        make_application(s, bare, number="SY-2021-0002", reason="")
        make_application(s, make_household(s, tree["v2"]), number="SY-2021-0003")
        make_application(s, make_household(s, tree["v3"]), number="SY-2021-0004")
        make_application(s, make_household(s, tree["other_village"]), number="WX-2021-0001")
        tokens = {k: make_token(s, tree[k], "clerk") for k in ("v1", "t1", "county", "other_village")}
        return {"ids": {k: a.id for k, a in tree.items()}, "tokens": tokens}


def _csv(engine: Engine, token: str, **params: object) -> list[dict[str, str]]:
    response = make_client(engine).get("/api/v1/exports/archive.csv", headers=bearer(token), params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    assert response.content.startswith("\ufeff".encode())  # the BOM Excel needs for UTF-8
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_csv_has_every_field_of_the_paper_table_in_order(engine: Engine, world: dict) -> None:
    token = world["tokens"]["county"]
    response = make_client(engine).get("/api/v1/exports/archive.csv", headers=bearer(token))
    header = next(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    archive = [h for h in header if h not in ("申请编号", "当前状态")]
    assert archive == PAPER_FIELDS
    assert [c.header for c in exports.ARCHIVE] == PAPER_FIELDS


def test_csv_values_are_the_recorded_ones(engine: Engine, world: dict) -> None:
    rows = {r["申请编号"]: r for r in _csv(engine, world["tokens"]["v1"])}
    assert set(rows) == {"SY-2021-0001", "SY-2021-0002"}
    full = rows["SY-2021-0001"]
    assert full["省（自治区、直辖市）"] == "山西省" and full["地区（市、州、盟）"] == "朔州市"
    assert (full["县（市、区、旗）"], full["乡（镇）"], full["村民委员会"]) == ("山阴县", "古城镇", "东村")
    assert (full["村民小组"], full["是否边境一线"], full["是否贫困残疾人家庭"]) == ("三组", "否", "是")
    assert (full["户主姓名"], full["家庭人数"], full["农户贫困类型"]) == ("李四", "4", "低保户")
    assert full["上年家庭年纯收入"] == "5200"
    assert (full["旧住房建筑面积"], full["旧住房建造年代"]) == ("62.5", "1978")
    assert len(full["身份证号"]) == 18 and full["农户联系电话"] == "13800000001"
    assert (full["改造方式"], full["建设方式"], full["改造后房屋面积"]) == ("拆除重建", "自建", "60")
    assert (full["批准日期"], full["竣工日期"], full["是否已验收"]) == ("2021-05-10", "2021-09-30", "是")
    assert (full["总投资"], full["各级政府补助资金"], full["农户危房改造贷款"]) == ("52000", "14000", "0")
    assert full["列入计划的年度"] == "2021" and full["当前状态"] == "paid"


def test_unrecorded_fields_are_empty_never_invented(engine: Engine, world: dict) -> None:
    bare = {r["申请编号"]: r for r in _csv(engine, world["tokens"]["v1"])}["SY-2021-0002"]
    for field in ("是否边境一线", "上年家庭年纯收入", "旧住房建造年代", "旧住房建筑面积", "改造原因",
                  "建设方式", "改造后房屋面积", "批准日期", "开工日期", "享受补助资金类型", "总投资",
                  "各级政府补助资金", "是否建筑节能示范户", "建筑节能增加的投资"):
        assert bare[field] == "", field
    assert bare["是否已验收"] == "否"
    assert bare["户主姓名"] == "'=HYPERLINK(1)"  # a would-be formula stays text


def test_scope_village_township_county(engine: Engine, world: dict) -> None:
    ids, tokens = world["ids"], world["tokens"]
    in_t1 = {"SY-2021-0001", "SY-2021-0002", "SY-2021-0003"}
    assert {r["申请编号"] for r in _csv(engine, tokens["t1"])} == in_t1
    assert len(_csv(engine, tokens["county"])) == 4
    assert len(_csv(engine, tokens["county"], area_id=ids["v2"])) == 1
    assert {r["申请编号"] for r in _csv(engine, tokens["other_village"])} == {"WX-2021-0001"}
    client = make_client(engine)
    for foreign in ("v2", "v3", "t1", "county", "other_village"):
        for suffix in ("csv", "xlsx"):
            response = client.get(f"/api/v1/exports/archive.{suffix}", params={"area_id": ids[foreign]},
                                  headers=bearer(tokens["v1"]))
            assert response.status_code == 404, (foreign, suffix)


def test_filters_by_year_and_state(engine: Engine, world: dict) -> None:
    county = world["tokens"]["county"]
    assert [r["申请编号"] for r in _csv(engine, county, state="paid")] == ["SY-2021-0001"]
    assert _csv(engine, county, year=2020) == []


def test_xlsx_has_the_same_table(engine: Engine, world: dict) -> None:
    response = make_client(engine).get("/api/v1/exports/archive.xlsx", headers=bearer(world["tokens"]["t1"]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert [h for h in rows[1][2:]] == PAPER_FIELDS
    assert rows[0][2] == "地址情况" and rows[0][-1] == "资金情况"
    body = {r[0]: dict(zip(rows[1], r, strict=True)) for r in rows[2:]}
    assert set(body) == {"SY-2021-0001", "SY-2021-0002", "SY-2021-0003"}
    assert body["SY-2021-0001"]["各级政府补助资金"] == 14000  # a number Excel can sum
    assert body["SY-2021-0001"]["身份证号"].isdigit() or body["SY-2021-0001"]["身份证号"].endswith("X")
    assert body["SY-2021-0002"]["总投资"] is None


def test_export_is_one_query(engine: Engine, world: dict) -> None:
    with transaction(engine) as s:
        county = s.get(Area, world["ids"]["county"])
        assert county is not None
        statements: list[str] = []
        from sqlalchemy import event

        def count(*args: object) -> None:
            statements.append(str(args[2]))

        event.listen(engine, "before_cursor_execute", count)
        try:
            rows = list(exports.archive_rows(s, exports.archive_query(county), disclosure.for_role(Role.clerk)))
        finally:
            event.remove(engine, "before_cursor_execute", count)
    assert len(rows) == 4
    assert len([q for q in statements if q.lstrip().upper().startswith("SELECT")]) == 1
