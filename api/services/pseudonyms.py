"""The keyed hash that stands for an anonymous complainant: repeats merge, the daily cap counts, 查 finds theirs.

``sender_key`` is HMAC-SHA256 under ``ANJU_COMPLAINANT_KEY`` (a setting, never stored in the database) over the
SHA-256 of ``channel:sender``. Without the key, a copy of the database cannot be tested against the ~10⁹ mobile
numbers, which an unkeyed hash of a phone allows in minutes. The inner unkeyed digest is what rows held before
the key existed, so migration 0004 re-keys them without knowing any phone. Changing the key later unlinks
earlier complaints from their senders (no merge, no 查 by sender, a fresh daily cap): set it once.
"""

from __future__ import annotations

import hashlib
import hmac

from api.settings import Settings, get_settings

DEV_MARK = "dev-only"
MIN_KEY_CHARS = 16


def complainant_key(settings: Settings | None = None) -> bytes:
    """The configured key; the development default, or a short key, only in development mode."""
    settings = settings or get_settings()
    key = settings.complainant_key.get_secret_value()
    if not settings.development and (DEV_MARK in key or len(key) < MIN_KEY_CHARS):
        raise RuntimeError(f"ANJU_COMPLAINANT_KEY must be set (at least {MIN_KEY_CHARS} characters) "
                           "outside development")
    return key.encode("utf-8")


def unkeyed_digest(channel: str, sender: str) -> str:
    """SHA-256 of ``channel:sender``: never stored alone any more, only under the key."""
    return hashlib.sha256(f"{channel}:{sender}".encode()).hexdigest()


def rekey(digest: str, key: bytes) -> str:
    """The stored form of an unkeyed digest: 64 hex characters, like the column always held."""
    return hmac.new(key, digest.encode("ascii"), hashlib.sha256).hexdigest()


def sender_key(channel: str, sender: str, settings: Settings | None = None) -> str:
    return rekey(unkeyed_digest(channel, sender), complainant_key(settings))
