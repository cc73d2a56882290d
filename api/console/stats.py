"""Statistics for the reader's area and the areas directly below it, as SVG charts, with the archive exports."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from sqlalchemy import and_, func, or_, select

from api.clock import local_today
from api.console.charts import Bar, stacked_bars
from api.console.web import STATE_NAMES, ConsoleRoute, StaffDep, language_of, render
from api.deps import SessionDep
from api.i18n import translator
from api.models import Application, AreaLevel
from api.models import ApplicationState as S
from api.routes import exports as export_routes
from api.services import stats
from api.services.households import scoped
from api.services.scope import visible_area
from api.services.workflow import ACTIVE

router = APIRouter(route_class=ConsoleRoute, include_in_schema=False)
AreaParam = Annotated[int | None, Query(ge=1, le=2**63 - 1)]


def overdue_by_child(session: SessionDep, staff: StaffDep, level: AreaLevel) -> dict[int, int]:
    """Overdue applications per township (county view) or village, by the rule of deadlines.list_overdue."""
    a, today = Application, local_today()
    child = a.township_id if level is AreaLevel.county else a.village_id
    late = or_(a.due_on < today, and_(a.start_overdue.is_(True), a.state == S.agreement_signed))
    query = scoped(select(child, func.count()).where(late, a.state.in_(ACTIVE)).group_by(child), staff.actor,
                   a.village_id, a.township_id, a.county_code)
    return {int(k): int(n) for k, n in session.execute(query).all()}


@router.get("/stats")
def stats_page(request: Request, session: SessionDep, staff: StaffDep, area_id: AreaParam = None) -> Response:
    _ = translator(language_of(request))
    area = visible_area(session, staff.actor, area_id or staff.actor.area_id)
    figures = stats.area_stats(session, area, staff.actor)
    children = figures["children"] or [figures]
    states = [s for s in S if any(c["by_state"].get(s.value) for c in children)]
    names = [_(STATE_NAMES[s]) for s in states]
    by_state = stacked_bars([Bar(c["name"], [(_(STATE_NAMES[s]), c["by_state"].get(s.value, 0)) for s in states])
                             for c in children], names, title=_("各状态申请数"))
    late = overdue_by_child(session, staff, area.level)
    overdue = stacked_bars([Bar(c["name"], [(_("逾期"), late.get(c["area_id"], 0))]) for c in children],
                           [_("逾期")], title=_("逾期申请"))
    complaints = stacked_bars(
        [Bar(c["name"], [(_("已办结"), c["complaints"]["total"] - c["complaints"]["open"]),
                         (_("未办结"), c["complaints"]["open"])]) for c in children],
        [_("已办结"), _("未办结")], title=_("举报投诉"))
    satisfaction = stacked_bars(
        [Bar(c["name"], [(_("满意度"), c["complaints"]["satisfaction"] or 0)]) for c in children],
        [_("满意度")], title=_("回访满意度（1–5）"), scale_max=5)
    return render(request, "stats.html", {
        "area": area, "figures": figures, "charts": [by_state, overdue, complaints, satisfaction],
        "late_total": sum(late.values())}, staff=staff)


@router.get("/exports/archive.csv")
def archive_csv(request: Request, session: SessionDep, staff: StaffDep, area_id: AreaParam = None) -> Response:
    """The same export as the API's, for the signed-in user's scope."""
    return export_routes.archive_csv(request, session, staff.actor, area_id=area_id, year=None, state=None)


@router.get("/exports/archive.xlsx")
def archive_xlsx(session: SessionDep, staff: StaffDep, area_id: AreaParam = None) -> Response:
    return export_routes.archive_xlsx(session, staff.actor, area_id=area_id, year=None, state=None)
