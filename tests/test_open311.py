"""Open311 GeoReport v2 round trip with a plain HTTP client against the app under uvicorn."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from sqlalchemy import Engine
from telegram_fake import serve
from test_households import build_world, staff

from api.app import create_app
from api.db import transaction
from api.models import Area
from api.models._types import utcnow
from api.models.complaints import Complaint
from api.services.complaints import resolve


def call(port: int, path: str, form: dict[str, str] | None = None) -> tuple[int, Any]:
    data = urllib.parse.urlencode(form).encode() if form is not None else None
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def test_services_create_list_get_and_close(engine: Engine) -> None:
    with transaction(engine) as s:
        world = build_world(s)
        township = world.township.id
    with serve(create_app(engine)) as port:
        status, services = call(port, "/open311/v2/services.json")
        bribe = next(s for s in services if s["service_code"] == "bribe")
        assert status == 200 and len(services) == 8 and bribe["service_name"] == "索要好处费"
        form = {"jurisdiction_id": "140621", "service_code": "bribe", "description": "村干部收钱才给评",
                "attribute[village]": "东村", "attribute[subject]": "village_committee", "phone": "13912345678"}
        status, created = call(port, "/open311/v2/requests.json", form)
        assert status == 201 and created[0]["service_request_id"].startswith("TS-140621-")
        number = created[0]["service_request_id"]
        status, [got] = call(port, f"/open311/v2/requests/{number}.json")
        assert status == 200 and got["status"] == "open" and got["agency_responsible"] == "岱岳镇"
        assert got["description"] is None and "13912345678" not in json.dumps(got)
        with transaction(engine) as s:
            complaint = s.query(Complaint).one()
            assert complaint.routed_to_id == township and complaint.channel == "open311"
            resolve(s, staff(s.get(Area, township)), complaint.id, "已查处", utcnow())
        status, listed = call(port, "/open311/v2/requests.json?jurisdiction_id=140621&status=closed")
        assert [r["service_request_id"] for r in listed] == [number]
        assert call(port, "/open311/v2/requests.json?status=open")[1] == []
        status, error = call(port, "/open311/v2/requests.json", {**form, "service_code": "nope"})
        assert status == 400 and error[0]["code"] == 400
        assert call(port, "/open311/v2/requests/TS-0.json")[0] == 404
