"""Many concurrent writers, on SQLite and on PostgreSQL: application numbers stay gap-free per county and
year, the audit chain stays one intact keyed chain, and no transition is lost."""

from __future__ import annotations

import threading
from collections.abc import Callable

from sqlalchemy import Engine, func, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm.exc import StaleDataError
from test_applications import DAY
from test_households import build_world, household_in, staff

from api.db import transaction
from api.domain.errors import DomainError
from api.models import Application, ApplicationEvent, ApplicationState, AuditEntry
from api.schemas.applications import ApplicationIn
from api.services import audit, workflow
from api.services.applications import create_application, get_application
from api.services.households import create_household

WRITERS = 8
EACH = 4


def _run(threads: int, work: Callable[[int], None]) -> list[BaseException]:
    barrier = threading.Barrier(threads)
    errors: list[BaseException] = []

    def go(k: int) -> None:
        try:
            barrier.wait()
            work(k)
        except BaseException as exc:  # pragma: no cover - reported by the caller
            errors.append(exc)

    pool = [threading.Thread(target=go, args=(k,)) for k in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return errors


def test_concurrent_filing_and_moving_keeps_every_invariant(engine: Engine) -> None:
    with transaction(engine) as s:
        world = build_world(s)
        villages = [world.village, world.village2]
        clerks = [staff(v) for v in villages]
        plan = [[create_household(s, clerks[k % 2], household_in(villages[k % 2])).id for _ in range(EACH)]
                for k in range(WRITERS)]

    def writer(k: int) -> None:
        clerk = clerks[k % 2]
        for i, household_id in enumerate(plan[k]):
            with transaction(engine) as s:
                app = create_application(s, clerk, ApplicationIn(household_id=household_id, reason="危房"),
                                         today=DAY)
                app_id = app.id
            if i == 1:  # a filing that fails after taking its number must not leave a hole
                try:
                    with transaction(engine) as s:
                        create_application(s, clerk, ApplicationIn(household_id=plan[k][2], reason="危房"),
                                           today=DAY)
                        raise RuntimeError("rolled back")
                except RuntimeError:
                    pass
            with transaction(engine) as s:
                workflow.transition(s, clerk, get_application(s, clerk, app_id), ApplicationState.village_review,
                                    evidence={"survey_date": DAY.isoformat()}, today=DAY)

    assert _run(WRITERS, writer) == []
    with transaction(engine) as s:
        numbers = sorted(s.scalars(select(Application.number)))
        moved = s.scalar(select(func.count()).select_from(Application)
                         .where(Application.state == ApplicationState.village_review))
        entries = s.scalar(select(func.count()).select_from(AuditEntry))
        result = audit.verify(s)
    assert numbers == [f"140621-2026-{n:05d}" for n in range(1, WRITERS * EACH + 1)]
    assert moved == WRITERS * EACH
    assert result.ok and result.count == entries and result.head_id is not None


def test_racing_transitions_on_one_application_lose_nothing(engine: Engine) -> None:
    """Two clerks take the same step on the same applications at once: for each, exactly one lands, with its
    event and audit entry, and the other is told (a conflict, nothing half-written, nothing twice)."""
    with transaction(engine) as s:
        world = build_world(s)
        clerk = staff(world.village)
        ids = [create_application(s, clerk, ApplicationIn(
            household_id=create_household(s, clerk, household_in(world.village)).id, reason="危房"),
            today=DAY).id for _ in range(6)]
    outcomes: list[str] = []

    def mover(_k: int) -> None:
        for app_id in ids:
            try:
                with transaction(engine) as s:
                    workflow.transition(s, clerk, get_application(s, clerk, app_id),
                                        ApplicationState.village_review,
                                        evidence={"survey_date": DAY.isoformat()}, today=DAY)
                outcomes.append("moved")
            except (StaleDataError, DomainError, DBAPIError):
                outcomes.append("refused")

    assert _run(2, mover) == []
    with transaction(engine) as s:
        events = s.scalar(select(func.count()).select_from(ApplicationEvent)
                          .where(ApplicationEvent.from_state == ApplicationState.submitted))
        moved_audit = s.scalar(select(func.count()).select_from(AuditEntry)
                               .where(AuditEntry.action == "application.village_review"))
        assert audit.verify(s).ok
    assert outcomes.count("moved") == events == moved_audit == len(ids)
    assert outcomes.count("refused") == len(ids)


def test_concurrent_clerks_over_http_keep_every_invariant(engine: Engine) -> None:
    """The API's own path (the filing takes its number at commit, under the audit head; the token is
    remembered per worker; the step's notification is one INSERT): clerks of two villages of one county file
    and move at once over HTTP, and the numbers stay gap-free, every step lands once, the chain stays intact."""
    from factories import bearer, make_client, make_token

    from api.models import OutboundMessage
    from api.services.workflow import local_today

    with transaction(engine) as s:
        world = build_world(s)
        villages = [world.village, world.village2]
        clerks = [staff(v) for v in villages]
        tokens = [make_token(s, villages[k % 2], "clerk", name=f"文书{k}") for k in range(WRITERS)]
        plan = [[create_household(s, clerks[k % 2], household_in(villages[k % 2])).id for _ in range(EACH)]
                for k in range(WRITERS)]
    survey = {"to": "village_review", "evidence": {"survey_date": local_today().isoformat()}}
    codes: list[int] = []

    def clerk(k: int) -> None:
        client, headers = make_client(engine), bearer(tokens[k])
        for household_id in plan[k]:
            created = client.post("/api/v1/applications", headers=headers,
                                  json={"household_id": household_id, "reason": "房屋开裂"})
            codes.append(created.status_code)
            assert created.json()["number"].startswith(f"140621-{local_today().year}-")
            moved = client.post(f"/api/v1/applications/{created.json()['id']}/transitions", headers=headers,
                                json=survey)
            codes.append(moved.status_code)

    assert _run(WRITERS, clerk) == []
    assert codes == [201] * (2 * WRITERS * EACH)
    with transaction(engine) as s:
        numbers = sorted(s.scalars(select(Application.number)))
        moved = s.scalar(select(func.count()).select_from(Application)
                         .where(Application.state == ApplicationState.village_review))
        notices = s.scalar(select(func.count()).select_from(OutboundMessage))
        entries = s.scalar(select(func.count()).select_from(AuditEntry))
        result = audit.verify(s)
    year = local_today().year
    assert numbers == [f"140621-{year}-{n:05d}" for n in range(1, WRITERS * EACH + 1)]
    assert moved == notices == WRITERS * EACH
    assert result.ok and result.count == entries and result.head_id is not None
