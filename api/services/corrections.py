"""Corrections of recorded evidence: a wrong date or amount is never overwritten silently.

A correction is an application event (from a state to the same state) carrying the field, the old and the new
value and the written reason, plus an audit entry. Who may correct a fact is whoever may take the step that
records it (the level and role of that transition), so a village clerk cannot change the county's payment.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from api.clock import local_today
from api.domain.errors import ValidationFailed
from api.models import Application, ApplicationEvent
from api.services import audit
from api.services.amounts import check_payment
from api.services.households import require_writer
from api.services.scope import Actor
from api.services.workflow import _COLUMNS, TRANSITIONS, Rule, _parse, check_permission, snapshot

CORRECTABLE: dict[str, str] = {name: column for name, column in _COLUMNS.items() if name != "acceptance_result"}


def _rule_recording(field: str) -> tuple[Any, Rule]:
    for (frm, to), rule in TRANSITIONS.items():
        if field in rule.evidence or field in rule.optional:
            return (frm, to), rule
    raise ValidationFailed(f"field: {field} 不能更正 / not correctable", field="field")


def correct(session: Session, actor: Actor, app: Application, field: str, raw: Any, reason: str,
            today: dt.date | None = None) -> ApplicationEvent:
    """Change one recorded fact of ``app`` (loaded through the actor's scope), with the reason, as an event."""
    require_writer(actor)
    if field not in CORRECTABLE:
        raise ValidationFailed(f"field: 可更正：{'、'.join(CORRECTABLE)} / not correctable", field="field")
    (_frm, to), rule = _rule_recording(field)
    check_permission(actor, rule, app, to)
    column = CORRECTABLE[field]
    old = getattr(app, column)
    if old is None:
        raise ValidationFailed(f"{field}: 尚未登记，无需更正 / nothing recorded yet", field=field)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("reason: 更正须写明理由 / a correction needs a written reason", field="reason")
    value = _parse(field, raw)
    today = today or local_today()
    if isinstance(value, dt.date) and value > today:
        raise ValidationFailed(f"{field}: {value.isoformat()} 晚于今天 / in the future", field=field)
    if field == "payment_amount_yuan":
        check_payment(app.county_code, value, reason, field=field)
    if value == old:
        raise ValidationFailed(f"{field}: 与原值相同 / unchanged", field=field)
    before = snapshot(app)
    setattr(app, column, value)

    def show(v: Any) -> Any:
        return v.isoformat() if isinstance(v, dt.date) else v

    # The timeline does not move: the event keeps the last step's date; when it was entered is its ``at``.
    on = app.events[-1].effective_on if app.events else today
    event = ApplicationEvent(from_state=app.state, to_state=app.state, actor=actor.label, effective_on=on,
                             reason=reason, evidence={"correction": field, "old": show(old), "new": show(value)})
    app.events.append(event)
    session.flush()
    audit.record(session, actor.label, "application.correct", "application", app.id, before, snapshot(app))
    return event
