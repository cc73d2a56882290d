"""The household archive table of 004 附件2 (农村危房改造农户纸质档案表), one row per application.

Every field of the paper table is a column, in its order and under its printed name, so the file can be laid
next to the paper archive. A field the records do not hold is left empty: the export never guesses. Rows
come from one joined query read in batches, so a county of tens of thousands of applications streams in
constant memory.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.engine import Row
from sqlalchemy.orm import Session, aliased

from api.models import Application, ApplicationState, Area, AreaLevel, Household, TargetCategory
from api.profiles import load_profiles
from api.schemas.disclosure import Disclosure, Personal
from api.services import xlsx

BATCH = 1000
BOM = "\ufeff"

Village = aliased(Area, name="village")
Township = aliased(Area, name="township")
County = aliased(Area, name="county")


@dataclass(frozen=True)
class Column:
    block: str  # the table's section: 地址情况, 农户情况, 改造情况, 资金情况
    header: str  # the field's name as printed in 附件2
    value: Callable[[Row[Any]], object]
    numeric: bool = False  # a count, area or sum of money: a number in XLSX, never a formula in CSV
    personal: Personal | None = None  # shown whole or masked by the caller's role (api/schemas/disclosure.py)


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("是" if value else "否")


def _number(value: float | int | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else str(value)


def _date(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _category(value: TargetCategory | None) -> str:
    if value is None:
        return ""
    return "无" if value is TargetCategory.none else value.value


def _province(row: Row[Any]) -> str:
    profile = load_profiles().get(row.county_code)
    return profile.province if profile else ""


def _prefecture(row: Row[Any]) -> str:
    profile = load_profiles().get(row.county_code)
    return (profile.parent or "") if profile else ""


def _accepted(row: Row[Any]) -> str:
    # Whether acceptance has passed: 是 once it has; before acceptance, or when it failed, 否.
    return "是" if row.acceptance_passed else "否"


LEADING = (
    Column("", "申请编号", lambda r: r.number),
    Column("", "当前状态", lambda r: r.state.value),
)

ARCHIVE = (
    Column("地址情况", "省（自治区、直辖市）", _province),
    Column("地址情况", "地区（市、州、盟）", _prefecture),
    Column("地址情况", "县（市、区、旗）", lambda r: r.county_name),
    Column("地址情况", "乡（镇）", lambda r: r.township_name),
    Column("地址情况", "村民委员会", lambda r: r.village_name),
    Column("地址情况", "村民小组", lambda r: r.village_group),
    Column("地址情况", "是否边境一线", lambda r: _yes_no(r.border_line)),
    Column("农户情况", "户主姓名", lambda r: r.head_name),
    Column("农户情况", "身份证号", lambda r: r.head_id_number, personal=Personal.id_number),
    Column("农户情况", "是否贫困残疾人家庭", lambda r: _yes_no(r.disabled_family)),
    Column("农户情况", "家庭人数", lambda r: _number(r.size), numeric=True),
    Column("农户情况", "民族", lambda r: r.ethnicity),
    Column("农户情况", "农户贫困类型", lambda r: _category(r.category)),
    Column("农户情况", "上年家庭年纯收入", lambda r: _number(r.last_year_income_yuan), numeric=True),
    Column("农户情况", "旧住房建造年代", lambda r: _number(r.house_built_year), numeric=True),
    Column("农户情况", "旧住房建筑面积", lambda r: _number(r.house_area_m2), numeric=True),
    Column("农户情况", "旧住房结构类型", lambda r: r.house_structure),
    Column("农户情况", "农户联系电话", lambda r: r.phone, personal=Personal.phone),
    Column("改造情况", "改造原因", lambda r: r.reason),
    Column("改造情况", "改造方式", lambda r: r.method),
    Column("改造情况", "建设方式", lambda r: r.build_mode),
    Column("改造情况", "改造后房屋结构类型", lambda r: r.new_structure),
    Column("改造情况", "改造后房屋面积", lambda r: _number(r.new_area_m2), numeric=True),
    Column("改造情况", "改造后房屋产权", lambda r: r.new_ownership),
    Column("改造情况", "列入计划的年度", lambda r: _number(r.year), numeric=True),
    Column("改造情况", "批准日期", lambda r: _date(r.approved_on)),
    Column("改造情况", "开工日期", lambda r: _date(r.started_on)),
    Column("改造情况", "竣工日期", lambda r: _date(r.completed_on)),
    Column("改造情况", "是否已验收", _accepted),
    Column("资金情况", "享受补助资金类型", lambda r: r.subsidy_type),
    Column("资金情况", "总投资", lambda r: _number(r.total_investment_yuan), numeric=True),
    Column("资金情况", "各级政府补助资金", lambda r: _number(r.paid_amount_yuan), numeric=True),
    Column("资金情况", "农户危房改造贷款", lambda r: _number(r.loan_yuan), numeric=True),
    Column("资金情况", "农户其它自筹资金", lambda r: _number(r.self_funded_yuan), numeric=True),
    Column("资金情况", "是否建筑节能示范户", lambda r: _yes_no(r.energy_demo)),
    Column("资金情况", "建筑节能示范内容", lambda r: r.energy_demo_content),
    Column("资金情况", "建筑节能增加的投资", lambda r: _number(r.energy_demo_extra_yuan), numeric=True),
)

COLUMNS = LEADING + ARCHIVE
HEADERS = tuple(c.header for c in COLUMNS)


def archive_query(area: Area, *, year: int | None = None,
                  states: list[ApplicationState] | None = None) -> Select[Any]:
    """One SELECT with the joins every column needs, limited to ``area`` (a village, township or county)."""
    a, h = Application, Household
    query = (
        select(a.number, a.state, a.county_code, a.reason, a.method, a.build_mode, a.new_structure,
               a.new_area_m2, a.new_ownership, a.year, a.approved_on, a.started_on, a.completed_on,
               a.acceptance_passed, a.subsidy_type, a.total_investment_yuan, a.paid_amount_yuan, a.loan_yuan,
               a.self_funded_yuan, a.energy_demo, a.energy_demo_content, a.energy_demo_extra_yuan,
               h.village_group, h.border_line, h.head_name, h.head_id_number, h.disabled_family, h.size,
               h.ethnicity, h.category, h.last_year_income_yuan, h.house_built_year, h.house_area_m2,
               h.house_structure, h.phone,
               Village.name.label("village_name"), Township.name.label("township_name"),
               County.name.label("county_name"))
        .join(h, h.id == a.household_id)
        .join(Village, Village.id == a.village_id)
        .join(Township, Township.id == a.township_id)
        .join(County, (County.county_code == a.county_code) & (County.level == AreaLevel.county))
        .order_by(Township.name, Village.name, a.number)
    )
    if area.level is AreaLevel.village:
        query = query.where(a.village_id == area.id)
    elif area.level is AreaLevel.township:
        query = query.where(a.township_id == area.id)
    else:
        query = query.where(a.county_code == area.county_code)
    if year is not None:
        query = query.where(a.year == year)
    if states:
        query = query.where(a.state.in_(states))
    return query


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _safe(text: str) -> str:
    """Text a spreadsheet would run as a formula (a name typed as '=HYPERLINK(…)') is quoted to stay text."""
    return "'" + text if text.startswith(FORMULA_START) else text


def _cell(column: Column, row: Row[Any], disclosure: Disclosure) -> str:
    text = _text(column.value(row))
    if column.personal is not None:
        text = disclosure.show(column.personal, text) or ""
    return text if column.numeric else _safe(text)


def archive_rows(session: Session, query: Select[Any], disclosure: Disclosure) -> Iterator[list[str]]:
    """Each application as the list of its archive-table cells, personal ones as ``disclosure`` allows, read
    ``BATCH`` rows at a time."""
    for row in session.execute(query.execution_options(yield_per=BATCH)):
        yield [_cell(c, row, disclosure) for c in COLUMNS]


def _typed(cell: str, numeric: bool) -> str | int | float | None:
    if not cell:
        return None
    if not numeric:
        return cell
    number = float(cell)
    return int(number) if number.is_integer() else number


def csv_chunks(rows: Iterator[list[str]]) -> Iterator[bytes]:
    """UTF-8 CSV with a BOM (so Excel shows the Chinese), in chunks of about ``BATCH`` rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write(BOM)
    writer.writerow(HEADERS)
    for n, row in enumerate(rows, 1):
        writer.writerow(row)
        if n % BATCH == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def write_xlsx(rows: Iterator[list[str]], title: str) -> tempfile.SpooledTemporaryFile[bytes]:
    """The same table as an Excel workbook: the blocks and the field names as two bold header rows, money,
    areas and counts as numbers, the first two columns and the headers frozen."""
    typed = ([_typed(cell, c.numeric) for cell, c in zip(row, COLUMNS, strict=True)] for row in rows)
    return xlsx.write(typed, title=title or "档案表", freeze_columns=len(LEADING),
                      header_rows=[[c.block for c in COLUMNS], list(HEADERS)])


def file_name(area: Area, suffix: str) -> str:
    return f"农村危房改造农户档案表_{area.name}_{dt.date.today():%Y%m%d}.{suffix}"
