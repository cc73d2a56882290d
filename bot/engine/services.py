"""The records port a flow reaches as ``turn.services``: every service port, bound to the message's session.

The engine stays pure; ``store.process`` builds one ``Services`` per message inside its transaction, so a
screening record or a lead commits with the state and the inbound record, or not at all. A flow asks for a
method by name (``turn.services.create_lead``); the first port that has it answers. Ports are built on first
use, so a message that needs no records imports none of their modules.
"""

from __future__ import annotations

import importlib
from contextlib import AbstractContextManager
from typing import Any

from sqlalchemy.orm import Session

# "module:Class" taking the session; add a line for a new port (status, objections, subscriptions…).
PORTS: tuple[str, ...] = (
    "api.screening.records:ScreeningPort",
    "api.services.status:StatusPort",
    "api.services.subscriptions:SubscriptionPort",
    "api.services.objection_port:ObjectionPort",
    "api.services.complaint_port:ComplaintPort",
    "api.services.callbacks:CallbackPort",
)


class Services:
    def __init__(self, session: Session, ports: tuple[str, ...] = PORTS) -> None:
        self._session = session
        self._names = ports
        self._ports: list[Any] | None = None

    def _bound(self) -> list[Any]:
        if self._ports is None:
            self._ports = []
            for spec in self._names:
                module, _, name = spec.partition(":")
                self._ports.append(getattr(importlib.import_module(module), name)(self._session))
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
