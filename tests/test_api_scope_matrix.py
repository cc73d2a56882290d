"""Every endpoint × a foreign village's token: 403 or 404, never 200 with village A's data.

The cases come from ``app.routes``, so a new endpoint is covered the day it is added. A path parameter, a
scoping query parameter or a body field names one of village A's records; a list endpoint without one must
answer with the caller's own records only, which the markers below (A's names, numbers, phones) would betray.
An endpoint without a token is allowed only when it is on the PUBLIC list, reviewed by hand.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import pytest
from sqlalchemy import Engine

from api.app import create_app
from api.db import make_engine, transaction
from api.models import (
    ApplicationState,
    Lead,
    NoticeEntry,
    NoticeLevel,
    Objection,
    PublicityNotice,
    ScreeningRecord,
)
from api.models.callbacks import CallbackRequest
from api.models.complaints import Complaint, ComplaintCategory, ComplaintSubject
from tests.factories import (
    bearer,
    id_number,
    make_application,
    make_area_tree,
    make_client,
    make_household,
    make_token,
)

# Endpoints that take no staff token, on purpose: citizens, the gateways, the bot.
PUBLIC = {
    "/api/v1/public/notices", "/api/v1/public/notices/{notice_id}", "/api/v1/screenings",
    "/sms/inbound", "/sms/twilio", "/sms/status", "/sms/twilio/status", "/telegram/webhook",
    # Open311 GeoReport v2: public by that standard; the views carry no description and no complainant.
    "/open311/v2/services.json", "/open311/v2/requests.json", "/open311/v2/requests/{number}.json",
}
FOREIGN_TOKENS = ("v2", "v3", "other_village")  # same township, same county, another county

A = {  # village A's markers: none of them may reach a foreign token
    "head_name": "甲户主", "id_number": id_number(777), "phone": "13912345678", "number": "A-2021-0001",
    "notice_title": "甲村公示", "objection": "甲村异议理由", "lead_name": "甲线索", "lead_phone": "13987654321",
    "complaint": "甲村举报内容", "complainant_phone": "13955556666", "callback_phone": "13944443333",
}
# Which of A's records a parameter or body field names, by its name.
REFS = {
    "area_id": "village", "village_id": "village", "parent_id": "village", "household_id": "household",
    "application_id": "application", "notice_id": "notice", "objection_id": "objection", "lead_id": "lead",
    "application_ids": "application", "screening_id": "screening", "complaint_id": "complaint",
    "callback_id": "callback",
}
# Records that carry no personal data and are shared county-wide by design (a screening's answers).
COUNTY_WIDE = {"screening"}
# Bodies that pass validation, so the answer is about scope, not a malformed request.
BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", "/api/v1/households"): {"village_id": "village", "head_name": "乙", "category": "低保户",
                                     "head_id_number": id_number(778), "phone": "13911112222"},
    ("POST", "/api/v1/applications"): {"household_id": "household", "reason": "房屋开裂"},
    ("POST", "/api/v1/leads/{lead_id}/convert"): {"household_id": "household", "reason": "房屋开裂"},
    ("POST", "/api/v1/applications/{application_id}/transitions"): {"to": "township_review", "reason": "x"},
    ("POST", "/api/v1/notices"): {"level": "village", "area_id": "village", "application_ids": ["application"]},
    ("POST", "/api/v1/objections"): {"notice_id": "notice", "application_id": "application", "reason": "x"},
    ("POST", "/api/v1/objections/{objection_id}/decision"): {"outcome": "dismissed", "investigation": "x",
                                                             "reason": "x"},
    ("POST", "/api/v1/areas"): {"parent_id": "village", "name": "一组"},
}


def _operations() -> list[tuple[str, str, dict[str, Any]]]:
    """Every operation of the app's OpenAPI document (which lists every route of every router)."""
    document = create_app(make_engine("sqlite://")).openapi()
    return sorted((method.upper(), path, {**op, "components": document.get("components", {})})
                  for path, item in document["paths"].items() for method, op in item.items())


OPERATIONS = _operations()


@pytest.fixture
def world(engine: Engine) -> dict[str, Any]:
    """Village A (东村) with one record of every kind; tokens (admin, the strongest role) for other villages."""
    with transaction(engine) as s:
        tree = make_area_tree(s)
        village = tree["v1"]
        household = make_household(s, village, head_name=A["head_name"], head_id_number=A["id_number"],
                                   phone=A["phone"])
        app = make_application(s, household, ApplicationState.village_publicity, number=A["number"])
        today = dt.date.today()
        notice = PublicityNotice(level=NoticeLevel.village, area_id=village.id, county_code=village.county_code,
                                 title=A["notice_title"], opened_on=today, closes_on=today + dt.timedelta(days=7),
                                 opened_by="test", entries=[NoticeEntry(application_id=app.id)])
        s.add(notice)
        s.flush()
        objection = Objection(number="OBJ-A-1", notice_id=notice.id, application_id=app.id,
                              reason=A["objection"])
        screening = ScreeningRecord(county_code=village.county_code, outcome="likely", channel="api")
        s.add_all([objection, screening])
        s.flush()
        lead = Lead(screening_id=screening.id, county_code=village.county_code, village_id=village.id,
                    village_name=village.name, name=A["lead_name"], phone=A["lead_phone"])
        s.add(lead)
        s.flush()
        # A complaint about village A's committee: routed to its township, never shown to a village.
        complaint = Complaint(number="JB-A-1", county_code=village.county_code, category=ComplaintCategory.other,
                              village_id=village.id, subject=ComplaintSubject.village_committee,
                              text=A["complaint"], channel="sms", sender_key="bench-a",
                              contact_phone=A["complainant_phone"], routed_to_id=tree["t1"].id)
        s.add(complaint)
        s.flush()
        callback = CallbackRequest(county_code=village.county_code, village_id=village.id, phone=A["callback_phone"],
                                   note="甲村回电", channel="sms", sender=A["callback_phone"])
        s.add(callback)
        s.flush()
        ids = {"village": village.id, "household": household.id, "application": app.id, "notice": notice.id,
               "objection": objection.id, "lead": lead.id, "screening": screening.id, "complaint": complaint.id,
               "callback": callback.id}
        tokens = {k: make_token(s, tree[k], "admin") for k in FOREIGN_TOKENS}
    return {"ids": ids, "tokens": tokens}


def _fill(value: Any, ids: dict[str, int]) -> Any:
    """BODIES with each record's name ("household") replaced by village A's id for it."""
    if isinstance(value, dict):
        return {k: _fill(v, ids) if k in REFS else v for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, ids) for v in value]
    return ids.get(value, value) if isinstance(value, str) else value


def _body_schema(op: dict[str, Any]) -> dict[str, Any] | None:
    content = op.get("requestBody", {}).get("content", {}).get("application/json")
    if content is None:
        return None
    schema = content["schema"]
    if "$ref" in schema:
        schema = op["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _generic_body(op: dict[str, Any], ids: dict[str, int]) -> dict[str, Any] | None:
    """A body from the operation's schema for endpoints not in BODIES: A's ids where a field names a record."""
    schema = _body_schema(op)
    if schema is None:
        return None
    body: dict[str, Any] = {}
    for name in schema.get("required", []):
        prop = schema["properties"][name]
        kind = prop.get("type") or next((t.get("type") for t in prop.get("anyOf", []) if t.get("type")), "string")
        if name in REFS:
            body[name] = [ids[REFS[name]]] if kind == "array" else ids[REFS[name]]
        elif "enum" in prop:
            body[name] = prop["enum"][0]
        else:
            body[name] = {"string": "测试", "integer": 1, "number": 1, "boolean": False, "array": [],
                          "object": {}}.get(kind, "测试")
    return body


def _leaks(response: Any) -> list[str]:
    """A's markers found in a response, whether JSON, CSV or an XLSX workbook."""
    if response.headers.get("content-type", "").startswith("application/vnd.openxmlformats"):
        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
        text = " ".join(str(v) for row in sheet.iter_rows(values_only=True) for v in row if v is not None)
    else:
        text = response.content.decode("utf-8-sig", errors="replace")
    return [marker for marker in A.values() if marker in text]


@pytest.mark.parametrize("foreign", FOREIGN_TOKENS)
@pytest.mark.parametrize(("method", "path", "op"), OPERATIONS, ids=[f"{m} {p}" for m, p, _ in OPERATIONS])
def test_foreign_token_gets_nothing(engine: Engine, world: dict[str, Any], foreign: str, method: str, path: str,
                                    op: dict[str, Any]) -> None:
    if not op.get("security"):
        assert path in PUBLIC, f"{method} {path} takes no token: add it to PUBLIC only if it is meant to be public"
        return
    ids, headers = world["ids"], bearer(world["tokens"][foreign])
    parameters = op.get("parameters", [])
    path_names = [p["name"] for p in parameters if p["in"] == "path"]
    unknown = set(path_names) - set(REFS)
    assert not unknown, f"{path}: teach the matrix which record {unknown} names (REFS)"
    url = path.format(**{name: ids[REFS[name]] for name in path_names})
    body = _fill(BODIES[(method, path)], ids) if (method, path) in BODIES else _generic_body(op, ids)
    scoping = [p["name"] for p in parameters if p["in"] == "query" and p["name"] in REFS]

    if path_names or scoping or (body and set(body) & set(REFS)):
        query = {name: ids[REFS[name]] for name in scoping}
        response = client_request(engine, method, url, query, headers, body)
        assert not _leaks(response), f"{method} {url} leaks village A's records to {foreign}"
        named = {REFS[n] for n in path_names}
        if response.status_code == 200 and named <= COUNTY_WIDE and foreign != "other_village":
            pass  # shared within the county by design, and nothing personal leaked (checked above)
        elif response.status_code == 200 and not path_names and not body and scoping:
            pytest.xfail(f"{method} {path}?{scoping[0]}=<foreign> answers 200 with an empty list, not 404")
        else:
            assert response.status_code in (403, 404), (
                f"{method} {url}?{query} with {foreign}'s token: {response.status_code} {response.text[:300]}")
    if not path_names and method == "GET":
        response = make_client(engine).get(url, headers=headers)  # the caller's own list, without A's records
        assert response.status_code == 200, response.text[:300]
        assert not _leaks(response), f"{path} leaks village A's records"


def client_request(engine: Engine, method: str, url: str, query: dict[str, int], headers: dict[str, str],
                   body: Any) -> Any:
    return make_client(engine).request(method, url, params=query, headers=headers, json=body)


def test_public_notice_view_masks_village_a(engine: Engine, world: dict[str, Any]) -> None:
    """The public notice is meant to be read by anyone, but never with full ID numbers or phones."""
    client = make_client(engine)
    response = client.get("/api/v1/public/notices", params={"village_id": world["ids"]["village"]})
    assert response.status_code == 200
    text = json.dumps(response.json(), ensure_ascii=False)
    assert A["id_number"] not in text and A["phone"] not in text and A["head_name"] not in text


def test_open311_public_views_keep_the_complaint_private(engine: Engine, world: dict[str, Any]) -> None:
    client = make_client(engine)
    for url, params in (("/open311/v2/requests.json", {"jurisdiction_id": "140621"}),
                        ("/open311/v2/requests.json", {}), ("/open311/v2/requests/JB-A-1.json", {})):
        response = client.get(url, params=params)
        assert response.status_code in (200, 404), response.text[:300]
        assert not _leaks(response), f"{url} shows village A's complaint text or complainant"


def test_matrix_covers_the_records_api() -> None:
    paths = {path for _, path, _ in OPERATIONS}
    assert {"/api/v1/households", "/api/v1/applications/{application_id}/transitions", "/api/v1/stats",
            "/api/v1/exports/archive.csv", "/api/v1/areas/{area_id}"} <= paths
