"""The domain error hierarchy: HTTP statuses, codes and the ValueError bridge."""

from __future__ import annotations

import pytest

from api.domain.errors import (
    Conflict,
    DomainError,
    Forbidden,
    InvalidIdNumber,
    InvalidPhone,
    InvalidTransition,
    NotFound,
    UnknownCounty,
    ValidationFailed,
    WindowClosed,
)


@pytest.mark.parametrize(("cls", "status", "code", "parents"), [
    (DomainError, 400, "domain_error", ()),
    (ValidationFailed, 422, "validation_failed", (DomainError, ValueError)),
    (InvalidIdNumber, 422, "invalid_id_number", (ValidationFailed, ValueError)),
    (InvalidPhone, 422, "invalid_phone", (ValidationFailed, ValueError)),
    (NotFound, 404, "not_found", (DomainError,)),
    (UnknownCounty, 404, "unknown_county", (NotFound,)),
    (Forbidden, 403, "forbidden", (DomainError,)),
    (Conflict, 409, "conflict", (DomainError,)),
    (InvalidTransition, 409, "invalid_transition", (Conflict,)),
    (WindowClosed, 409, "window_closed", (Conflict,)),
])
def test_hierarchy(cls: type[DomainError], status: int, code: str, parents: tuple[type, ...]) -> None:
    err = cls("出错了 / something went wrong", field="x")
    assert err.http_status == status and err.code == code
    assert err.message == str(err) == "出错了 / something went wrong" and err.field == "x"
    assert all(isinstance(err, p) for p in parents)


def test_code_and_field_are_overridable() -> None:
    err = ValidationFailed("bad", code="too_long")
    assert err.code == "too_long" and err.field is None


def test_only_validation_errors_are_value_errors() -> None:
    assert not issubclass(NotFound, ValueError) and not issubclass(Conflict, ValueError)


def test_reason_on_field_validators() -> None:
    assert InvalidIdNumber("m", reason="check_digit").reason == "check_digit"
    assert InvalidPhone("m").reason == "invalid"
