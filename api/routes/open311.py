"""Open311 GeoReport v2 over the complaints, so existing civic-complaint clients can file and follow them.

JSON only. ``jurisdiction_id`` is the county's division code; a request names its village in
``attribute[village]`` (or ``address_string``) and whom it is about in ``attribute[subject]``. The public
views carry no description, no complainant and no reply: those go to the complainant alone.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.deps import SessionDep
from api.domain.errors import DomainError
from api.models import Area
from api.models._types import utcnow
from api.models.complaints import Complaint, ComplaintCategory, ComplaintStatus, ComplaintSubject
from api.profiles import load_profiles
from api.services.complaints import file_complaint
from api.services.objection_port import match_villages

router = APIRouter(prefix="/open311/v2", tags=["open311"])
MAX_LIST = 200


def _error(status: int, description: str) -> JSONResponse:
    return JSONResponse(status_code=status, content=[{"code": status, "description": description}])


def _jurisdiction(value: str | None) -> str | None:
    return value if value in load_profiles() else None


@router.get("/services.json")
def services() -> list[dict[str, Any]]:
    return [{"service_code": c.name, "service_name": c.value, "description": c.value, "metadata": False,
             "type": "realtime", "keywords": "举报,投诉", "group": c.value.split("-")[0]}
            for c in ComplaintCategory]


def _public(complaint: Complaint, areas: dict[int, str]) -> dict[str, Any]:
    done = complaint.status is ComplaintStatus.resolved
    return {"service_request_id": complaint.number, "status": "closed" if done else "open",
            "service_code": complaint.category.name, "service_name": complaint.category.value,
            "agency_responsible": areas.get(complaint.routed_to_id, ""),
            "requested_datetime": complaint.filed_at.isoformat(),
            "updated_datetime": (complaint.resolved_at or complaint.filed_at).isoformat(),
            "expected_datetime": complaint.resolve_due.isoformat() if complaint.resolve_due else None,
            "status_notes": None, "description": None, "address": None, "lat": None, "long": None,
            "media_url": None}


def _views(session: Session, rows: list[Complaint]) -> list[dict[str, Any]]:
    ids = {c.routed_to_id for c in rows}
    areas = {a.id: a.name for a in session.scalars(select(Area).where(Area.id.in_(ids)))} if ids else {}
    return [_public(c, areas) for c in rows]


@router.get("/requests.json", response_model=None)
def list_requests(session: SessionDep, jurisdiction_id: Annotated[str | None, Query(max_length=16)] = None,
                  service_request_id: Annotated[str | None, Query(max_length=1000)] = None,
                  service_code: Annotated[str | None, Query(max_length=200)] = None,
                  status: Annotated[str | None, Query(max_length=16)] = None) -> Any:
    query = select(Complaint)
    if jurisdiction_id:
        query = query.where(Complaint.county_code == jurisdiction_id)
    if service_request_id:
        query = query.where(Complaint.number.in_([n.strip() for n in service_request_id.split(",")]))
    if service_code:
        codes = [c for c in ComplaintCategory if c.name in service_code.split(",")]
        query = query.where(Complaint.category.in_(codes))
    if status in ("open", "closed"):
        query = query.where((Complaint.status == ComplaintStatus.resolved) if status == "closed"
                            else (Complaint.status != ComplaintStatus.resolved))
    rows = list(session.scalars(query.order_by(Complaint.id.desc()).limit(MAX_LIST)))
    return _views(session, rows)


@router.get("/requests/{number}.json", response_model=None)
def get_request(number: Annotated[str, Path(max_length=32)], session: SessionDep) -> Any:
    complaint = session.scalar(select(Complaint).where(Complaint.number == number))
    if complaint is None:
        return _error(404, "service_request_id not found")
    return _views(session, [complaint])


@router.post("/requests.json", status_code=201, response_model=None)
async def create_request(request: Request, session: SessionDep) -> Any:
    form = await request.form()
    field = {k: str(v) for k, v in form.items()}
    county = _jurisdiction(field.get("jurisdiction_id"))
    if county is None:
        return _error(400, "jurisdiction_id: a county division code we serve")
    try:
        category = ComplaintCategory[field.get("service_code", "")]
    except KeyError:
        return _error(400, "service_code not found")
    try:
        subject = ComplaintSubject(field.get("attribute[subject]") or ComplaintSubject.other.value)
    except ValueError:
        return _error(400, "attribute[subject]: " + ", ".join(s.value for s in ComplaintSubject))
    place = field.get("attribute[village]") or field.get("address_string") or ""
    villages = match_villages(session, county, place) if place else []
    if place and len(villages) != 1:
        return _error(400, "attribute[village]: no single village of this county has that name")
    phone = field.get("phone") or None
    # The sender, which the 5-a-day cap counts by, is the client's address: phone, device_id and account_id
    # are whatever the caller writes, so a cap keyed to them is no cap. Behind a reverse proxy, uvicorn takes
    # the address from X-Forwarded-For of a trusted proxy (--forwarded-allow-ips).
    sender = f"ip:{request.client.host}" if request.client else "ip:unknown"
    attachments = (field["media_url"],) if field.get("media_url") else ()
    try:
        complaint, _ = file_complaint(
            session, county_code=county, category=category, village_id=villages[0].id if villages else None,
            subject=subject, text=field.get("description", ""), channel="open311", sender=sender,
            contact_phone=phone, anonymous=phone is None, now=utcnow(), attachments=attachments)
    except DomainError as exc:
        return _error(exc.http_status if exc.http_status != 422 else 400, exc.message)
    notice = "已受理，处理结果将答复联系电话" if phone else "匿名举报已受理，无法答复 / anonymous: no reply"
    return [{"service_request_id": complaint.number, "service_notice": notice, "account_id": None}]
