"""Who sees personal data in full: one policy, by role, for every staff answer and export (docs/SECURITY.md).

ID numbers and phones are shown whole only to the roles whose work needs them (clerk, reviewer, admin: they
record, check and call); a viewer reads the same lists, details and exports with both masked. The policy is
applied where data leaves the service, not in each route: response schemas declare a personal field with the
``IdNumber`` or ``Phone`` type, whose serializer asks the request's policy (bound by ``api.auth.current_actor``
from the caller's role), and the archive export masks its columns through the same ``Disclosure``. Nothing
bound means no staff caller: everything is masked (fail closed).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Annotated

from pydantic import PlainSerializer

from api.domain.idcard import mask_id_number
from api.domain.phone import mask_phone
from api.models import Role


class Personal(enum.StrEnum):
    """The kinds of personal data a staff answer can carry."""

    id_number = "id_number"   # 身份证号 of a head of household or a member
    phone = "phone"           # a phone, or the SMS / Telegram address a message came from


# The one table of who sees what in full; every other role (and no role) sees the masked form.
FULL: Mapping[Role, frozenset[Personal]] = {
    Role.viewer: frozenset(),
    Role.clerk: frozenset(Personal),
    Role.reviewer: frozenset(Personal),
    Role.admin: frozenset(Personal),
}

MASK_CHAR = "*"


def mask(kind: Personal, value: str) -> str:
    """The masked form (``140621********1234``, ``138****5678``); a value already masked stays as it is."""
    if MASK_CHAR in value:
        return value
    if kind is Personal.id_number:
        return mask_id_number(value)
    return mask_phone(value)


@dataclass(frozen=True)
class Disclosure:
    """What one caller may see whole."""

    full: frozenset[Personal]

    def show(self, kind: Personal, value: str | None) -> str | None:
        if value is None or value == "" or kind in self.full:
            return value
        return mask(kind, value)


MASKED = Disclosure(frozenset())


def for_role(role: Role | None) -> Disclosure:
    return Disclosure(FULL.get(role, frozenset())) if role is not None else MASKED


_current: ContextVar[Disclosure] = ContextVar("disclosure", default=MASKED)


def bind(role: Role) -> None:
    """Make ``role``'s policy the one this request's answer is serialised with."""
    _current.set(for_role(role))


def current() -> Disclosure:
    return _current.get()


def _serializer(kind: Personal) -> PlainSerializer:
    return PlainSerializer(lambda value: current().show(kind, value), return_type=str, when_used="always")


IdNumber = Annotated[str, _serializer(Personal.id_number)]
"""A response field holding an ID number: whole or masked by the caller's role."""

Phone = Annotated[str, _serializer(Personal.phone)]
"""A response field holding a phone (or a sender's address): whole or masked by the caller's role."""
