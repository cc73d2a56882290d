"""One settings object for the whole service, read from ANJU_* environment variables."""

from __future__ import annotations

import datetime as dt
import os
import sys
from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


def default_data_dir() -> Path:
    """One place per user whatever the working directory (ANJU_DATA_DIR overrides it): the platform's user
    data directory — ``$XDG_DATA_HOME/anju``, else ``~/.local/share/anju``; macOS and Windows their own."""
    home = Path.home()
    if sys.platform == "win32":
        return Path(os.environ.get("LOCALAPPDATA") or home / "AppData" / "Local") / "anju"
    if sys.platform == "darwin":
        return home / "Library" / "Application Support" / "anju"
    return Path(os.environ.get("XDG_DATA_HOME") or home / ".local" / "share") / "anju"


DEV_SMS_SECRET = "dev-only-sms-secret"
MIN_SECRET_CHARS = 32
MIN_COMPLAINANT_KEY_CHARS = 16   # as api/services/pseudonyms.py checks at use


class InsecureSettings(RuntimeError):
    """Settings that must not run outside development; the message says which and how to fix them."""


class Settings(BaseSettings):
    """Defaults give the embedded set-up: SQLite in the user's data directory, console SMS gateway, no Telegram."""

    model_config = SettingsConfigDict(env_prefix="ANJU_", env_file=".env", extra="ignore")

    # "development" allows the placeholder secrets; anything else is production. Unset, it follows the database:
    # the embedded default (no ANJU_DATABASE_URL) is development, a configured database is production.
    environment: str | None = None
    data_dir: Path = Field(default_factory=lambda: default_data_dir())
    database_url: str | None = None
    timezone: str = "Asia/Shanghai"
    default_language: str = "zh_Hans"

    api_host: str = "127.0.0.1"
    api_port: int = 8000

    sms_gateway: str = "console"
    sms_signature: str = "【安居】"
    sms_max_parts: int = 3
    sms_hmac_secret: SecretStr = SecretStr(DEV_SMS_SECRET)

    # sms_gateway: "console" (records, sends nothing), "http" (generic gateway) or "twilio" (its REST API).
    sms_http_url: str | None = None
    sms_http_timeout: float = 10.0
    # Only when the gateway is known to drop a repeated idempotency key: SMS then go in locked batches, and a
    # worker crash repeats a batch the gateway drops. Otherwise each SMS is marked in flight before its call.
    sms_http_honours_key: bool = False
    twilio_account_sid: str | None = None
    twilio_auth_token: SecretStr | None = None
    twilio_from: str | None = None
    twilio_public_url: str | None = None     # the URL Twilio signs, when a proxy rewrites ours
    sms_content_cap: int = 500               # characters one gateway request may carry
    sms_daily_cap_per_number: int = 50       # messages one number may receive per day
    sms_dedup_window_seconds: int = 10       # same sender + text without a message id within this is a retry
    flood_limit: int = 20                    # messages one sender may send per flood window, on any channel
    flood_window_seconds: int = 60

    # The delivery worker (api/delivery/worker.py). Operational limits, not policy: notifications wait out the
    # quiet hours (local time, ``timezone``); direct replies never wait. Rates are per process and channel.
    quiet_hours_start: dt.time = dt.time(21, 0)
    quiet_hours_end: dt.time = dt.time(8, 0)
    sms_rate_per_second: float = 20.0
    telegram_rate_per_second: float = 25.0  # Telegram's documented bulk limit is about 30 messages/s
    # Staff reminders (api/services/notices/staff.py): how many days before a review deadline township staff hear of it.
    staff_review_remind_days: int = 2

    telegram_token: SecretStr | None = None
    telegram_webhook_url: str | None = None
    telegram_secret_token: SecretStr | None = None
    telegram_base_url: str | None = None     # a self-hosted Bot API server (and the tests' fake one)

    # The key of the keyed hash that links an anonymous complainant's messages (api/services/pseudonyms.py).
    # Kept outside the database: a copy of the database alone cannot test phone numbers against the hashes.
    complainant_key: SecretStr = SecretStr("dev-only-complainant-key")
    max_body_bytes: int = 1024 * 1024        # a larger request body is refused with 413 (api/limits.py)
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

    @property
    def development(self) -> bool:
        """Explicitly (ANJU_ENVIRONMENT=development), or implied by running on the embedded SQLite default."""
        if self.environment is None:
            return self.database_url is None
        return self.environment.strip().lower() == "development"

    def secret_problems(self) -> list[str]:
        """What makes these settings unsafe outside development: a placeholder, missing or short secret."""
        if self.development:
            return []
        problems = []
        sms = self.sms_hmac_secret.get_secret_value()
        if sms == DEV_SMS_SECRET or len(sms) < MIN_SECRET_CHARS:
            problems.append(f"ANJU_SMS_HMAC_SECRET: set a random secret of at least {MIN_SECRET_CHARS} characters "
                            "(e.g. `python -c 'import secrets; print(secrets.token_urlsafe(32))'`)")
        if self.telegram_token is not None and self.telegram_webhook_url:
            token = self.telegram_secret_token.get_secret_value() if self.telegram_secret_token else ""
            if len(token) < MIN_SECRET_CHARS:
                problems.append(f"ANJU_TELEGRAM_SECRET_TOKEN: webhook mode needs a secret token of at least "
                                f"{MIN_SECRET_CHARS} characters (A-Z, a-z, 0-9, _ and -)")
        if self.sms_gateway == "twilio" and not (self.twilio_auth_token and self.twilio_auth_token.get_secret_value()):
            problems.append("ANJU_TWILIO_AUTH_TOKEN: the Twilio gateway checks every callback's signature with it")
        key = self.complainant_key.get_secret_value()
        if "dev-only" in key or len(key) < MIN_COMPLAINANT_KEY_CHARS:
            problems.append(f"ANJU_COMPLAINANT_KEY: set a random key of at least {MIN_COMPLAINANT_KEY_CHARS} "
                            "characters (the keyed hash of anonymous complainants' phones)")
        audit_key = self.audit_key.get_secret_value() if self.audit_key else ""
        if len(audit_key) < MIN_SECRET_CHARS:
            problems.append(f"ANJU_AUDIT_KEY: set a random key of at least {MIN_SECRET_CHARS} characters (the audit "
                            "chain's HMAC key, kept outside the database)")
        return problems

    def check_production_secrets(self) -> None:
        """Refuse placeholder or short secrets outside development, so nobody ships a guessable secret."""
        problems = self.secret_problems()
        if problems:
            raise InsecureSettings("refusing to start outside development mode:\n  " + "\n  ".join(problems)
                                   + "\n(or set ANJU_ENVIRONMENT=development on a machine nobody else reaches)")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Cached so every module shares one object; tests call get_settings.cache_clear()."""
    return Settings()
