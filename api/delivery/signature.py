"""Signatures on gateway callbacks and requests: our generic HMAC scheme, and Twilio's.

A callback whose signature is missing or wrong must change nothing, so routes check it before anything else.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping

from twilio.request_validator import RequestValidator

HEADER = "X-Anju-Signature"
PREFIX = "sha256="


def sign(secret: str, body: bytes) -> str:
    """The header value for ``body``: ``sha256=<hex HMAC-SHA256 of the raw bytes>``."""
    return PREFIX + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(secret: str, body: bytes, header: str | None) -> bool:
    """Constant-time comparison, so timing does not leak the expected signature."""
    if not header or not secret:
        return False
    return hmac.compare_digest(sign(secret, body), header.strip())


def verify_twilio(auth_token: str, url: str, params: Mapping[str, str], header: str | None) -> bool:
    """Twilio signs the full URL plus the sorted form parameters; its own validator checks that."""
    if not header or not auth_token:
        return False

    return bool(RequestValidator(auth_token).validate(url, dict(params), header))
