"""One settings object for the whole service, read from ANJU_* environment variables."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Defaults give the embedded set-up: SQLite in ./data, console SMS gateway, no Telegram."""

    model_config = SettingsConfigDict(env_prefix="ANJU_", env_file=".env", extra="ignore")

    environment: str = "development"
    data_dir: Path = Path("data")
    database_url: str | None = None
    timezone: str = "Asia/Shanghai"
    default_language: str = "zh_Hans"

    api_host: str = "127.0.0.1"
    api_port: int = 8000

    sms_gateway: str = "console"
    sms_signature: str = "【安居】"
    sms_max_parts: int = 3
    sms_hmac_secret: SecretStr = SecretStr("dev-only-sms-secret")

    # sms_gateway: "console" (records, sends nothing), "http" (generic gateway) or "twilio" (its REST API).
    sms_http_url: str | None = None
    sms_http_timeout: float = 10.0
    twilio_account_sid: str | None = None
    twilio_auth_token: SecretStr | None = None
    twilio_from: str | None = None
    twilio_public_url: str | None = None     # the URL Twilio signs, when a proxy rewrites ours
    sms_content_cap: int = 500               # characters one gateway request may carry
    sms_daily_cap_per_number: int = 50       # messages one number may receive per day
    sms_dedup_window_seconds: int = 10       # same sender + text without a message id within this is a retry
    flood_limit: int = 20                    # messages one sender may send per flood window, on any channel
    flood_window_seconds: int = 60

    # The delivery worker (bot/notify/worker.py). Operational limits, not policy: notifications wait out the
    # quiet hours (local time, ``timezone``); direct replies never wait. Rates are per process and channel.
    quiet_hours_start: dt.time = dt.time(21, 0)
    quiet_hours_end: dt.time = dt.time(8, 0)
    sms_rate_per_second: float = 20.0
    telegram_rate_per_second: float = 25.0  # Telegram's documented bulk limit is about 30 messages/s
    # Staff reminders (bot/notify/staff.py): how many days before a review deadline township staff hear of it.
    staff_review_remind_days: int = 2

    telegram_token: SecretStr | None = None
    telegram_webhook_url: str | None = None
    telegram_secret_token: SecretStr | None = None
    telegram_base_url: str | None = None     # a self-hosted Bot API server (and the tests' fake one)

    # The audit chain's HMAC key (ANJU_AUDIT_KEY), kept outside the database. Unset, development uses a public
    # development key (api/services/audit_chain.py); anywhere else the service refuses to start.
    # ANJU_AUDIT_OLD_KEYS: comma-separated earlier keys, so entries signed before a rotation still verify.
    audit_key: SecretStr | None = None
    audit_old_keys: SecretStr | None = None

    @property
    def resolved_database_url(self) -> str:
        """The configured URL, or a SQLite file in the data directory (created on first use)."""
        if self.database_url:
            return self.database_url
        self.data_dir.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{(self.data_dir / 'anju.db').resolve()}"

    def check_production_secrets(self) -> None:
        """Refuse development placeholders outside development, so nobody ships a guessable secret."""
        if self.environment != "development" and "dev-only" in self.sms_hmac_secret.get_secret_value():
            raise RuntimeError("ANJU_SMS_HMAC_SECRET must be set outside development")
        if self.environment != "development" and len(self.audit_key.get_secret_value() if self.audit_key
                                                     else "") < 32:
            raise RuntimeError("ANJU_AUDIT_KEY (32 characters or more) must be set outside development")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Cached so every module shares one object; tests call get_settings.cache_clear()."""
    return Settings()
