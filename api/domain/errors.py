"""The domain's exceptions, one hierarchy for the whole service.

Routes turn them into HTTP answers by ``http_status``; the bot turns them into a polite reply. Messages are
written for the person who will read them: Chinese first, then English.
"""

from __future__ import annotations

from typing import ClassVar


class DomainError(Exception):
    http_status: ClassVar[int] = 400
    default_code: ClassVar[str] = "domain_error"

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code or self.default_code


class ValidationFailed(DomainError, ValueError):
    http_status = 422
    default_code = "validation_failed"


class NotFound(DomainError):
    http_status = 404
    default_code = "not_found"


class UnknownCounty(NotFound):
    default_code = "unknown_county"


class Forbidden(DomainError):
    http_status = 403
    default_code = "forbidden"


class Conflict(DomainError):
    http_status = 409
    default_code = "conflict"


class InvalidTransition(Conflict):
    default_code = "invalid_transition"


class WindowClosed(Conflict):
    default_code = "window_closed"
