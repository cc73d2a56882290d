"""``anju serve``: one process by default, several web workers on request, refused where that would break."""

from __future__ import annotations

from typing import Any

import pytest

from api.settings import get_settings
from bot.cli import main


@pytest.fixture
def runs(monkeypatch: pytest.MonkeyPatch) -> list[tuple[tuple[Any, ...], dict[str, Any]]]:
    """What uvicorn.run was asked to serve, instead of serving it."""
    import uvicorn

    calls: list[tuple[tuple[Any, ...], dict[str, Any]]] = []
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: calls.append((args, kwargs)))
    return calls


def test_one_process_serves_the_app_it_built(runs: list[Any]) -> None:
    assert main(["serve", "--no-scheduler", "--port", "8123"]) == 0
    (args, kwargs), = runs
    assert type(args[0]).__name__ == "FastAPI" and kwargs["port"] == 8123 and "workers" not in kwargs


def test_workers_build_their_own_app_from_the_factory(runs: list[Any]) -> None:
    assert main(["serve", "--no-scheduler", "--workers", "2"]) == 0
    (args, kwargs), = runs
    assert args == ("api.app:create_app",) and kwargs["factory"] is True and kwargs["workers"] == 2


def test_workers_with_telegram_long_polling_are_refused(runs: list[Any], monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("ANJU_TELEGRAM_TOKEN", "123:abc")
    get_settings.cache_clear()
    assert main(["serve", "--no-scheduler", "--workers", "2"]) == 2
    assert "ANJU_TELEGRAM_WEBHOOK_URL" in capsys.readouterr().out and runs == []


def test_first_start_prints_a_one_time_admin_password_that_signs_in(runs: list[Any],
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    import re

    from api.db import get_engine, transaction
    from api.models import User
    from api.models._types import utcnow
    from api.services.accounts import authenticate

    assert main(["serve", "--no-scheduler"]) == 0
    out = capsys.readouterr().out
    password = re.search(r"login admin, one-time password (\w+)", out)
    assert password, out
    with transaction(get_engine()) as session:
        user = authenticate(session, "admin", password.group(1), utcnow())
        assert isinstance(user, User) and user.role.value == "admin" and user.area.level.value == "county"
    assert main(["serve", "--no-scheduler"]) == 0   # the second start makes no new password
    assert "one-time password" not in capsys.readouterr().out
    assert main(["user", "create", "--admin", "--login", "chief", "--area", "140621"]) == 0
    assert "one-time password" in capsys.readouterr().out
