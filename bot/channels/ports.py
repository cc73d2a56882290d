"""The records port a flow reaches as ``turn.services``: every service port, bound to the message's session.

The engine stays pure; ``store.process`` builds one ``Services`` per message inside its transaction, so a
screening record or a lead commits with the state and the inbound record, or not at all. A flow asks for a
method by name (``turn.services.create_lead``); the first port that has it answers. Ports are bound on first
use, so a message that needs no records builds none.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

from sqlalchemy.orm import Session

from api.screening.records import ScreeningPort
from api.services.callbacks import CallbackPort
from api.services.complaint_port import ComplaintPort
from api.services.objection_port import ObjectionPort
from api.services.status import StatusPort
from api.services.subscriptions import SubscriptionPort

# Each takes the session; add a line for a new port (status, objections, subscriptions…).
PORTS: tuple[Callable[[Session], Any], ...] = (
    ScreeningPort,
    StatusPort,
    SubscriptionPort,
    ObjectionPort,
    ComplaintPort,
    CallbackPort,
)


class Services:
    def __init__(self, session: Session, ports: tuple[Callable[[Session], Any], ...] = PORTS) -> None:
        self._session = session
        self._factories = ports
        self._ports: list[Any] | None = None

    def _bound(self) -> list[Any]:
        if self._ports is None:
            self._ports = [port(self._session) for port in self._factories]
        return self._ports

    def step_guard(self) -> AbstractContextManager[Any]:
        """A savepoint around one flow step: the engine rolls back what a failing step wrote (a complaint, an
        objection, a lead, a call-back) together with the step's state, so the farmer is never told "系统出了
        点问题" about a record that was in fact kept."""
        return self._session.begin_nested()

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        for port in self._bound():
            if hasattr(port, name):
                return getattr(port, name)
        raise AttributeError(f"no service port offers {name!r}")
