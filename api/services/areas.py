"""The area tree below the counties: townships in a county, villages in a township.

Counties come from the county profiles (api.bootstrap); this module adds what lies below them (by API, CSV
import or CLI) and resolves the ways people name an area: id, code, or a 'county/township/village' path.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.domain.errors import Conflict, Forbidden, NotFound, UnknownCounty, ValidationFailed
from api.models import Area, AreaLevel, Role
from api.profiles import get_profile
from api.services import audit
from api.services.scope import Actor, covers, visible_area

CHILD_LEVEL = {AreaLevel.county: AreaLevel.township, AreaLevel.township: AreaLevel.village}
CODE_RE = re.compile(r"^\d{12}$")


def county_prefix(county_code: str) -> str:
    """The digits every code below the county starts with: '140621' → '140621', '222400' → '2224'."""
    prefix = county_code
    while prefix.endswith("00"):
        prefix = prefix[:-2]
    return prefix


def validate_code(code: str | None, parent: Area) -> str | None:
    """A 12-digit 统计用区划代码 that fits under ``parent``; None when no code is given."""
    if code is None or not code.strip():
        return None
    code = code.strip()
    if not CODE_RE.match(code):
        raise ValidationFailed(f"区划代码须为12位数字 / code must be 12 digits: {code!r}", field="code")
    if not code.startswith(county_prefix(parent.county_code)):
        raise ValidationFailed(f"区划代码 {code} 不属于 {parent.county_code} / code is outside the county",
                               field="code")
    if parent.level is AreaLevel.county:
        if code[6:9] == "000" or code[9:] != "000":
            raise ValidationFailed(f"乡镇代码 {code} 须形如 XXXXXXYYY000 / not a township code", field="code")
    else:
        if code[9:] == "000":
            raise ValidationFailed(f"村代码 {code} 末三位不能为000 / not a village code", field="code")
        if parent.code and len(parent.code) == 12 and code[:9] != parent.code[:9]:
            raise ValidationFailed(f"村代码 {code} 不属于乡镇 {parent.code} / code is outside the township",
                                   field="code")
    return code


def child_named(session: Session, parent: Area, name: str) -> Area | None:
    return session.scalar(select(Area).where(Area.parent_id == parent.id, Area.name == name))


def add_area(session: Session, parent: Area, name: str, code: str | None = None, *, by: str) -> Area:
    """A township under a county or a village under a township; names are unique within the parent."""
    level = CHILD_LEVEL.get(parent.level)
    if level is None:
        raise ValidationFailed("村下不能再建区域 / a village has no sub-areas", field="parent_id")
    name = name.strip()
    if not name or len(name) > 64:
        raise ValidationFailed("名称须为1至64个字 / name must be 1–64 characters", field="name")
    code = validate_code(code, parent)
    if child_named(session, parent, name) is not None:
        raise Conflict(f"{parent.name} 下已有 {name} / {name} already exists in {parent.name}", field="name")
    if code and session.scalar(select(Area.id).where(Area.code == code)) is not None:
        raise Conflict(f"区划代码 {code} 已被使用 / code already in use", field="code")
    area = Area(level=level, name=name, code=code, parent_id=parent.id, county_code=parent.county_code,
                township_id=parent.id if level is AreaLevel.village else None)
    session.add(area)
    session.flush()
    audit.record(session, by, "area.create", "area", area.id, None, audit.snapshot(area))
    return area


def may_create_under(actor: Actor, parent: Area) -> bool:
    """County admins add townships (and villages); a township's admin or clerk adds villages to it."""
    if not covers(actor, parent):
        return False
    if actor.level is AreaLevel.county:
        return actor.role is Role.admin
    if actor.level is AreaLevel.township:
        return parent.id == actor.area_id and actor.role in (Role.admin, Role.clerk)
    return False


def create_area(session: Session, actor: Actor, parent_id: int, name: str, code: str | None) -> Area:
    """``add_area`` with the actor's scope and role checked first."""
    parent = visible_area(session, actor, parent_id)
    if not may_create_under(actor, parent):
        raise Forbidden("无权在此区域下新建 / you may not add areas here", field="parent_id")
    return add_area(session, parent, name, code, by=actor.label)


def list_children(session: Session, actor: Actor, parent_id: int | None) -> list[Area]:
    """The areas directly under ``parent_id`` (default: the actor's own area) that the actor may see."""
    parent = visible_area(session, actor, parent_id if parent_id is not None else actor.area_id)
    children = session.scalars(select(Area).where(Area.parent_id == parent.id).order_by(Area.name, Area.id))
    return [a for a in children if covers(actor, a)]


def resolve_area(session: Session, ref: str) -> Area:
    """An area by 'county/township/village' names (or codes) path, by code, or by id."""
    ref = ref.strip()
    if "/" in ref:
        parts = [p.strip() for p in ref.strip("/").split("/")]
        area = _county(session, parts[0])
        for part in parts[1:]:
            found = child_named(session, area, part) or session.scalar(
                select(Area).where(Area.parent_id == area.id, Area.code == part))
            if found is None:
                raise NotFound(f"{area.name} 下没有 {part} / no {part!r} in {area.name}", field="area")
            area = found
        return area
    if ref.isdigit():
        by_code = session.scalar(select(Area).where(Area.code == ref))
        if by_code is not None:
            return by_code
        by_id = session.get(Area, int(ref))
        if by_id is not None:
            return by_id
    else:
        return _county(session, ref)
    raise NotFound(f"找不到区域 {ref} / area not found", field="area")


def _county(session: Session, ref: str) -> Area:
    county = session.scalar(select(Area).where(Area.level == AreaLevel.county,
                                               (Area.code == ref) | (Area.name == ref)))
    if county is None:
        try:
            code = get_profile(ref).code
        except UnknownCounty:
            raise NotFound(f"找不到县 {ref} / county not found", field="area") from None
        county = session.scalar(select(Area).where(Area.level == AreaLevel.county, Area.code == code))
        if county is None:
            raise NotFound(f"县 {ref} 尚未载入 / county not loaded; run anju db upgrade", field="area")
    return county


IMPORT_COLUMNS = ("county", "township", "village", "code")


def import_csv(session: Session, lines: Iterable[str], *, by: str) -> dict[str, int]:
    """Add the townships and villages of a CSV (county,township,village[,code]) that are not there yet.

    Idempotent: a row naming existing areas changes nothing (or only fills in a missing code). The first bad
    row raises ValidationFailed with its line number; the caller's transaction then rolls the whole file back.
    ``code`` belongs to the deepest area of its row. A header row (after any # comments) is recognised and skipped.
    """
    counts = {"townships": 0, "villages": 0, "unchanged": 0, "codes_added": 0}
    reader = csv.reader(lines)
    first = True
    for row in reader:
        line = reader.line_num
        cells = [c.strip() for c in row]
        if not any(cells) or cells[0].lstrip("\ufeff").startswith("#"):
            continue
        header, first = first and [c.lower().lstrip("\ufeff") for c in cells[:3]] == list(IMPORT_COLUMNS[:3]), False
        if header:   # the first row that is not a comment may name the columns
            continue
        try:
            _import_row(session, cells, counts, by=by)
        except (ValidationFailed, NotFound, Conflict) as exc:
            raise ValidationFailed(f"第{line}行 / line {line}: {exc.message}", field=exc.field) from exc
    return counts


def _import_row(session: Session, cells: list[str], counts: dict[str, int], *, by: str) -> None:
    if len(cells) < 3 or len(cells) > 4:
        raise ValidationFailed("须为 county,township,village[,code] 四列 / expected 3 or 4 columns")
    county_ref, township_name, village_name = cells[:3]
    code = cells[3] if len(cells) == 4 and cells[3] else None
    if not county_ref or not township_name:
        raise ValidationFailed("县和乡镇不能为空 / county and township are required")
    county = _county(session, county_ref)
    township = _ensure(session, county, township_name, None if village_name else code, counts, by=by)
    if village_name:
        _ensure(session, township, village_name, code, counts, by=by)


def _ensure(session: Session, parent: Area, name: str, code: str | None, counts: dict[str, int], *,
            by: str) -> Area:
    existing = child_named(session, parent, name)
    if existing is None:
        area = add_area(session, parent, name, code, by=by)
        counts["townships" if area.level is AreaLevel.township else "villages"] += 1
        return area
    code = validate_code(code, parent)
    if code and existing.code and existing.code != code:
        raise Conflict(f"{name} 已有代码 {existing.code}，与 {code} 不符 / code differs from the recorded "
                       "one", field="code")
    if code and not existing.code:
        if session.scalar(select(Area.id).where(Area.code == code)) is not None:
            raise Conflict(f"区划代码 {code} 已被使用 / code already in use", field="code")
        before = audit.snapshot(existing)
        existing.code = code
        session.flush()
        audit.record(session, by, "area.update", "area", existing.id, before, audit.snapshot(existing))
        counts["codes_added"] += 1
    else:
        counts["unchanged"] += 1
    return existing
