"""Builders for test data, shared by every test module.

Keep this small: each helper adds rows to the session it is given (flushing, never committing), fills every
required field with a valid default, and takes keyword overrides for what a test cares about.

    tree = make_area_tree(session)        # 2 townships and 3 villages in 山阴县, 1 village elsewhere
    token = make_token(session, tree["v1"], "clerk")
    household = make_household(session, tree["v1"])
    app = make_application(session, household, state=ApplicationState.approved, paid_amount_yuan=14000)
    client = make_client(engine); client.get("/api/v1/areas", headers=bearer(token))
"""

from __future__ import annotations

import itertools
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from api.models import (
    Application,
    ApplicationState,
    Area,
    AreaLevel,
    FiledBy,
    Household,
    Role,
    TargetCategory,
    User,
)
from api.services.users import create_user, issue_token

HOME_COUNTY = "140621"  # 山阴县
OTHER_COUNTY = "140429"  # 武乡县
_serial = itertools.count(1)


def _county(session: Session, code: str) -> Area:
    county = session.scalar(select(Area).where(Area.level == AreaLevel.county, Area.code == code))
    assert county is not None, f"county {code} not seeded (use the engine fixture)"
    return county


def _child(session: Session, parent: Area, name: str) -> Area:
    village = parent.level is AreaLevel.township
    area = Area(level=AreaLevel.village if village else AreaLevel.township, name=name, parent_id=parent.id,
                county_code=parent.county_code, township_id=parent.id if village else None)
    session.add(area)
    session.flush()
    return area


def make_area_tree(session: Session) -> dict[str, Area]:
    """county → t1 (v1, v2), t2 (v3) in 山阴县; other_county → other_township → other_village in 武乡县."""
    county = _county(session, HOME_COUNTY)
    t1, t2 = _child(session, county, "古城镇"), _child(session, county, "玉井镇")
    other_county = _county(session, OTHER_COUNTY)
    other_township = _child(session, other_county, "丰州镇")
    return {
        "county": county, "t1": t1, "t2": t2,
        "v1": _child(session, t1, "东村"), "v2": _child(session, t1, "西村"),
        "v3": _child(session, t2, "南村"),
        "other_county": other_county, "other_township": other_township,
        "other_village": _child(session, other_township, "北村"),
    }


def make_user(session: Session, area: Area, role: Role | str = Role.clerk, name: str = "测试员") -> User:
    return create_user(session, name=name, role=role, area=area, by="test")


def make_token(session: Session, area: Area, role: Role | str = Role.clerk, name: str = "测试员") -> str:
    """A new user with ``role`` in ``area`` and a bearer token for it."""
    return issue_token(session, make_user(session, area, role, name), by="test")


def area_tree_ids(engine: Engine) -> dict[str, int]:
    """``make_area_tree`` in its own committed unit of work, as ids that outlive the session."""
    from api.db import transaction

    with transaction(engine) as s:
        return {k: a.id for k, a in make_area_tree(s).items()}


def token_for(engine: Engine, area_id: int, role: Role | str = Role.clerk) -> str:
    """A committed token for a user of ``area_id``, for tests that hold ids rather than rows."""
    from api.db import transaction

    with transaction(engine) as s:
        area = s.get(Area, area_id)
        assert area is not None
        return make_token(s, area, role)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def id_number(serial: int, birth: str = "19600101", region: str = "140621") -> str:
    """A valid 18-digit 身份证号 (GB 11643 check digit) that differs for each ``serial``."""
    body = f"{region}{birth}{serial % 1000:03d}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    check = "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]
    return body + check


def make_household(session: Session, village: Area, **overrides: Any) -> Household:
    n = next(_serial)
    fields: dict[str, Any] = {
        "village_id": village.id, "head_name": f"王{n}", "head_id_number": id_number(n),
        "phone": f"138{n:08d}", "category": TargetCategory.dibao, "size": 3, "ethnicity": "汉族",
    }
    household = Household(**{**fields, **overrides})
    session.add(household)
    session.flush()
    return household


def make_application(session: Session, household: Household,
                     state: ApplicationState = ApplicationState.submitted, **overrides: Any) -> Application:
    """An application row in ``state`` as if the workflow had brought it there (no events are written)."""
    village = session.get(Area, household.village_id)
    assert village is not None and village.township_id is not None
    n = next(_serial)
    fields: dict[str, Any] = {
        "number": f"TEST-{n:06d}", "household_id": household.id, "village_id": village.id,
        "township_id": village.township_id, "county_code": village.county_code, "year": 2021, "state": state,
        "filed_by": FiledBy.applicant, "reason": "房屋经鉴定为C级危房",
    }
    application = Application(**{**fields, **overrides})
    session.add(application)
    session.flush()
    return application


def make_client(engine: Engine):  # type: ignore[no-untyped-def]
    """A TestClient on the whole app bound to ``engine``; 500s come back as responses, not exceptions."""
    from fastapi.testclient import TestClient

    from api.app import create_app

    return TestClient(create_app(engine), raise_server_exceptions=False)
