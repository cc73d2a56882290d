"""Personal data by role (docs/SECURITY.md): a viewer gets ID numbers and phones masked in every list, detail
and export; clerk, reviewer and admin get them whole. And every response field that can hold one is under the
policy, so a new endpoint cannot forget it."""

from __future__ import annotations

import csv
import datetime as dt
import io
import typing
from typing import Any

import pytest
from openpyxl import load_workbook
from pydantic import BaseModel, PlainSerializer
from sqlalchemy import Engine

from api.app import create_app
from api.db import make_engine, transaction
from api.domain.idcard import mask_id_number
from api.domain.phone import mask_phone
from api.models import (
    ApplicationContact,
    ApplicationState,
    Lead,
    Member,
    NoticeEntry,
    NoticeLevel,
    Objection,
    PublicityNotice,
    Role,
    ScreeningRecord,
)
from api.models.complaints import Complaint, ComplaintCategory, ComplaintSubject
from api.schemas import disclosure
from tests.factories import bearer, id_number, make_application, make_area_tree, make_client, make_household, make_token

HEAD_ID, MEMBER_ID = id_number(501), id_number(502)
PHONES = {"household": "13911110001", "contact": "13911110002", "objector": "13911110003",
          "lead": "13911110004", "sender": "13911110005", "complainant": "13911110006"}
SECRETS = [HEAD_ID, MEMBER_ID, *PHONES.values()]
FULL_ROLES = (Role.clerk, Role.reviewer, Role.admin)


@pytest.fixture
def world(engine: Engine) -> dict[str, Any]:
    """One record of each kind carrying personal data, and a county token for every role."""
    with transaction(engine) as s:
        tree = make_area_tree(s)
        village = tree["v1"]
        household = make_household(s, village, head_id_number=HEAD_ID, phone=PHONES["household"],
                                   members=[Member(name="王妻", id_number=MEMBER_ID, relation="配偶")])
        app = make_application(s, household, ApplicationState.village_publicity,
                               contacts=[ApplicationContact(phone=PHONES["contact"], name="王子", relation="亲属")])
        today = dt.date.today()
        notice = PublicityNotice(level=NoticeLevel.village, area_id=village.id, county_code=village.county_code,
                                 title="公示", opened_on=today, closes_on=today + dt.timedelta(days=7),
                                 opened_by="test", entries=[NoticeEntry(application_id=app.id)])
        s.add(notice)
        s.flush()
        objection = Objection(number="OBJ-1", notice_id=notice.id, application_id=app.id, reason="不符合条件",
                              contact_phone=PHONES["objector"])
        screening = ScreeningRecord(county_code=village.county_code, outcome="likely", channel="api")
        s.add_all([objection, screening])
        s.flush()
        s.add(Lead(screening_id=screening.id, county_code=village.county_code, village_id=village.id,
                   village_name=village.name, name="线索", phone=PHONES["lead"]))
        complaint = Complaint(number="JB-1", county_code=village.county_code, category=ComplaintCategory.other,
                              village_id=village.id, subject=ComplaintSubject.builder, text="举报内容",
                              channel="sms", sender=PHONES["sender"], sender_key="k",
                              contact_phone=PHONES["complainant"], routed_to_id=tree["t1"].id)
        s.add(complaint)
        s.flush()
        ids = {"household": household.id, "application": app.id, "objection": objection.id,
               "complaint": complaint.id}
        tokens = {role: make_token(s, tree["county"], role) for role in Role}
    return {"ids": ids, "tokens": tokens}


def _reads(ids: dict[str, int]) -> list[str]:
    """Every staff list and detail that shows one of the markers."""
    return ["/api/v1/households", f"/api/v1/households/{ids['household']}",
            f"/api/v1/applications/{ids['application']}", "/api/v1/objections",
            f"/api/v1/objections/{ids['objection']}", "/api/v1/leads", "/api/v1/complaints",
            f"/api/v1/complaints/{ids['complaint']}"]


def _export_text(client: Any, token: str) -> str:
    csv_body = client.get("/api/v1/exports/archive.csv", headers=bearer(token))
    xlsx_body = client.get("/api/v1/exports/archive.xlsx", headers=bearer(token))
    assert csv_body.status_code == xlsx_body.status_code == 200
    rows = list(csv.DictReader(io.StringIO(csv_body.content.decode("utf-8-sig"))))
    sheet = load_workbook(io.BytesIO(xlsx_body.content), read_only=True).active
    cells = [str(c) for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
    return "\n".join([*(v for r in rows for v in r.values()), *cells])


@pytest.mark.parametrize("role", list(Role))
def test_lists_details_and_exports_show_id_and_phone_by_role(engine: Engine, world: dict[str, Any],
                                                             role: Role) -> None:
    client = make_client(engine)
    token = world["tokens"][role]
    seen = {}
    for path in _reads(world["ids"]):
        response = client.get(path, headers=bearer(token))
        assert response.status_code == 200, (path, response.text)
        seen[path] = response.text
    seen["exports"] = _export_text(client, token)
    everything = "\n".join(seen.values())
    if role in FULL_ROLES:
        assert all(secret in everything for secret in SECRETS)
        assert PHONES["household"] in seen["exports"] and HEAD_ID in seen["exports"]
        return
    leaked = {path: [s for s in SECRETS if s in text] for path, text in seen.items()}
    assert not any(leaked.values()), leaked
    # Masked, not dropped: the viewer can still tell records apart by region and last digits.
    assert mask_id_number(HEAD_ID) in seen[f"/api/v1/households/{world['ids']['household']}"]
    assert mask_id_number(MEMBER_ID) in seen["/api/v1/households"]
    assert mask_phone(PHONES["contact"]) in seen[f"/api/v1/applications/{world['ids']['application']}"]
    assert mask_phone(PHONES["complainant"]) in seen["/api/v1/complaints"]
    assert mask_id_number(HEAD_ID) in seen["exports"] and mask_phone(PHONES["household"]) in seen["exports"]


def test_outside_a_request_everything_is_masked_and_each_role_gets_its_row_of_the_table() -> None:
    """The policy outside a request is the masked one (fail closed); binding a role changes it."""
    policy = disclosure.MASKED
    assert policy.show(disclosure.Personal.phone, "13911110001") == "139****0001"
    assert disclosure.for_role(Role.clerk).show(disclosure.Personal.id_number, HEAD_ID) == HEAD_ID
    assert disclosure.for_role(Role.viewer).show(disclosure.Personal.id_number, HEAD_ID) == mask_id_number(HEAD_ID)
    assert disclosure.mask(disclosure.Personal.phone, "139****0001") == "139****0001"   # idempotent


# Response fields that look personal but are not under the role policy, each for a reason.
NOT_PERSONAL = {
    ("NoticeOut", "report_phone"), ("PublicNotice", "report_phone"),  # the county's public hotline
    ("PublicEntry", "id_number"),          # the public board: always masked by the publicity service
    ("ContactOut", "phone"),               # /me/contact: the caller's own phone, always masked
}
PERSONAL_NAMES = ("id_number", "phone", "sender")


def _models(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in _models(arg)]


def _under_policy(annotation: Any) -> bool:
    for arg in (annotation, *typing.get_args(annotation)):
        if any(isinstance(m, PlainSerializer) for m in getattr(arg, "__metadata__", ())):
            return True
    return False


def _routes(routes: list[Any]) -> list[Any]:
    """The app's routes, through included routers."""
    found = []
    for route in routes:
        inner = getattr(route, "original_router", None)
        found += _routes(inner.routes) if inner is not None else [route]
    return found


def test_every_personal_response_field_is_under_the_policy() -> None:
    """Walks every route's response model: a field named like an ID number or phone uses IdNumber / Phone."""
    app = create_app(make_engine("sqlite://"))
    todo = [m for route in _routes(app.routes) for m in _models(getattr(route, "response_model", None))]
    seen: set[type[BaseModel]] = set()
    unguarded = []
    while todo:
        model = todo.pop()
        if model in seen:
            continue
        seen.add(model)
        for name, field in model.model_fields.items():
            todo += _models(field.annotation)
            personal = any(part in name for part in PERSONAL_NAMES)
            guarded = _under_policy(field.annotation) or any(isinstance(m, PlainSerializer) for m in field.metadata)
            if personal and not guarded and (model.__name__, name) not in NOT_PERSONAL:
                unguarded.append(f"{model.__name__}.{name}")
    assert len(seen) > 10
    assert not unguarded, unguarded
