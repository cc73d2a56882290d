"""Secrets: placeholders and short secrets are refused outside development; the embedded default is development
and says so when it starts."""

from __future__ import annotations

from typing import Any

import pytest

from api.settings import MIN_SECRET_CHARS, InsecureSettings, Settings, get_settings
from bot.cli import main

STRONG = "k" * MIN_SECRET_CHARS
OTHER_KEYS = ("ANJU_COMPLAINANT_KEY", "ANJU_AUDIT_KEY")


def _settings(monkeypatch: pytest.MonkeyPatch, **env: str) -> Settings:
    for key in ("ANJU_ENVIRONMENT", "ANJU_DATABASE_URL", "ANJU_SMS_HMAC_SECRET", "ANJU_TELEGRAM_TOKEN",
                "ANJU_TELEGRAM_WEBHOOK_URL", "ANJU_TELEGRAM_SECRET_TOKEN", "ANJU_SMS_GATEWAY"):
        monkeypatch.delenv(key, raising=False)
    for key in OTHER_KEYS:          # the keys other tests look at (complainant hash, audit chain): set and strong
        monkeypatch.setenv(key, STRONG)
    for key, value in env.items():
        monkeypatch.setenv(f"ANJU_{key.upper()}", value)
    return Settings(_env_file=None)  # type: ignore[call-arg]


def test_the_embedded_default_is_development_and_allows_the_placeholder(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = _settings(monkeypatch)
    assert settings.development and settings.secret_problems() == []


@pytest.mark.parametrize("env", [{"database_url": "postgresql+psycopg://db/anju"}, {"environment": "production"}])
def test_outside_development_the_placeholder_secret_is_refused(monkeypatch: pytest.MonkeyPatch,
                                                               env: dict[str, str]) -> None:
    settings = _settings(monkeypatch, **env)
    assert not settings.development
    with pytest.raises(InsecureSettings, match="ANJU_SMS_HMAC_SECRET"):
        settings.check_production_secrets()


def test_a_short_secret_is_refused_and_a_long_one_accepted(monkeypatch: pytest.MonkeyPatch) -> None:
    assert _settings(monkeypatch, environment="production", sms_hmac_secret="x").secret_problems()
    assert _settings(monkeypatch, environment="production", sms_hmac_secret=STRONG[:-1]).secret_problems()
    assert _settings(monkeypatch, environment="production", sms_hmac_secret=STRONG).secret_problems() == []


def test_webhook_mode_needs_a_long_telegram_secret_token(monkeypatch: pytest.MonkeyPatch) -> None:
    webhook = {"environment": "production", "sms_hmac_secret": STRONG, "telegram_token": "1:a",
               "telegram_webhook_url": "https://anju.example/telegram/webhook"}
    [problem] = _settings(monkeypatch, **webhook, telegram_secret_token="short").secret_problems()
    assert "ANJU_TELEGRAM_SECRET_TOKEN" in problem
    assert _settings(monkeypatch, **webhook, telegram_secret_token=STRONG).secret_problems() == []


def test_the_twilio_gateway_needs_its_auth_token(monkeypatch: pytest.MonkeyPatch) -> None:
    [problem] = _settings(monkeypatch, environment="production", sms_hmac_secret=STRONG,
                          sms_gateway="twilio").secret_problems()
    assert "ANJU_TWILIO_AUTH_TOKEN" in problem


def test_an_explicit_development_mode_allows_placeholders_on_any_database(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = _settings(monkeypatch, environment="development", database_url="postgresql+psycopg://db/anju")
    assert settings.development and settings.secret_problems() == []


@pytest.fixture
def runs(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    import uvicorn

    calls: list[Any] = []
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: calls.append(args))
    return calls


def test_serve_refuses_to_start_with_the_placeholder_in_production(
        runs: list[Any], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("ANJU_ENVIRONMENT", "production")
    monkeypatch.delenv("ANJU_SMS_HMAC_SECRET", raising=False)
    get_settings.cache_clear()
    assert main(["serve", "--no-scheduler"]) == 2
    err = capsys.readouterr().err
    assert "ANJU_SMS_HMAC_SECRET" in err and "Traceback" not in err
    assert runs == []


def test_serve_on_the_embedded_default_says_it_runs_in_development(
        runs: list[Any], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("ANJU_ENVIRONMENT", raising=False)
    monkeypatch.delenv("ANJU_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    assert main(["serve", "--no-scheduler"]) == 0
    assert "Mode:      development" in capsys.readouterr().out
    assert len(runs) == 1


def test_serve_in_production_with_real_secrets_starts(runs: list[Any], monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("ANJU_ENVIRONMENT", "production")
    monkeypatch.setenv("ANJU_SMS_HMAC_SECRET", STRONG)
    for key in OTHER_KEYS:
        monkeypatch.setenv(key, STRONG)
    get_settings.cache_clear()
    assert main(["serve", "--no-scheduler"]) == 0
    assert "Mode:      production" in capsys.readouterr().out
