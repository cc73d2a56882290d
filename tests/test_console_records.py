"""The console's audit-log page (supervisors, their area only) and the call-back requests staff ring back."""

from __future__ import annotations

from typing import Any

from test_console import csrf_of, signed_in, world  # noqa: F401  (the fixture)

from api.db import transaction
from api.models.callbacks import CallbackRequest, CallbackStatus


def test_the_audit_log_is_for_supervisors_and_shows_their_area(world: dict[str, Any]) -> None:  # noqa: F811
    county = signed_in(world["engine"], "county")
    page = county.get("/audit")
    assert page.status_code == 200 and 'id="audit"' in page.text and "user " in page.text  # the users made
    rows = page.text.count("<tr><td>")
    only = county.get("/audit", params={"entity": "user", "actor": "test"})
    assert only.status_code == 200 and 0 < only.text.count("<tr><td>") <= rows
    assert "暂无" in county.get("/audit", params={"day": "1999-01-01"}).text
    assert signed_in(world["engine"], "clerk").get("/audit").status_code == 403
    assert signed_in(world["engine"], "v2").get("/audit").status_code == 403
    assert county.get("/audit", params={"page": "0"}).status_code in (404, 422)   # refused, not a 500


def test_a_call_back_request_is_rung_back_and_marked_in_the_console(world: dict[str, Any]) -> None:  # noqa: F811
    with transaction(world["engine"]) as s:
        row = CallbackRequest(county_code="140621", village_id=world["tree"]["v1"], phone="13800001234",
                              note="想问补助", channel="sms", sender="13800001234")
        s.add(row)
        s.flush()
        callback_id = row.id
    clerk = signed_in(world["engine"], "clerk")
    page = clerk.get("/callbacks")
    assert "想问补助" in page.text and "13800001234" in page.text
    r = clerk.post(f"/callbacks/{callback_id}/handled", data={"csrf": csrf_of(page.text), "outcome": "已解释"},
                   follow_redirects=False)
    assert r.status_code == 303
    assert clerk.post(f"/callbacks/{callback_id}/handled", data={"csrf": "wrong"}).status_code in (400, 403)
    with transaction(world["engine"]) as s:
        stored = s.get(CallbackRequest, callback_id)
        assert stored is not None and stored.status is CallbackStatus.handled and stored.outcome == "已解释"
