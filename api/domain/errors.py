"""The domain's exceptions, one hierarchy for the whole service.

Routes turn them into HTTP answers by ``http_status``; the bot turns them into a polite reply. Messages are
written for the person who will read them: Chinese first, then English. ``code`` is for machines (clients,
tests, metrics) so nobody has to parse the message.
"""

from __future__ import annotations

from typing import ClassVar


class DomainError(Exception):
    """Base of every error the domain raises on purpose; anything else is a bug."""

    http_status: ClassVar[int] = 400
    default_code: ClassVar[str] = "domain_error"

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code or self.default_code


class ValidationFailed(DomainError, ValueError):
    """Input that can never be right as given; a ValueError too, so pydantic validators can raise it."""

    http_status = 422
    default_code = "validation_failed"


class InvalidIdNumber(ValidationFailed):
    """A resident ID number that fails GB 11643-1999; ``reason`` says which check, for tests and metrics."""

    default_code = "invalid_id_number"

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None,
                 reason: str = "invalid") -> None:
        super().__init__(message, field=field, code=code)
        self.reason = reason


class InvalidPhone(ValidationFailed):
    """Not a mainland China mobile number; ``reason`` says which check failed."""

    default_code = "invalid_phone"

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None,
                 reason: str = "invalid") -> None:
        super().__init__(message, field=field, code=code)
        self.reason = reason


class NotFound(DomainError):
    """The thing does not exist, or the actor may not know it exists (out of scope is 404, never 403)."""

    http_status = 404
    default_code = "not_found"


class UnknownCounty(NotFound):
    """No county profile under that code, so no rules, periods or wording to apply."""

    default_code = "unknown_county"


class Forbidden(DomainError):
    """The actor is known and the thing is visible to them, but the action is not theirs to take."""

    http_status = 403
    default_code = "forbidden"


class Conflict(DomainError):
    """The request is well-formed but clashes with the current state (duplicates, stale versions)."""

    http_status = 409
    default_code = "conflict"


class InvalidTransition(Conflict):
    """A workflow step that the record's current status does not allow."""

    default_code = "invalid_transition"


class WindowClosed(Conflict):
    """A publicity or objection window that has not opened yet or is already over."""

    default_code = "window_closed"
