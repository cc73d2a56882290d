"""The audit chain's cryptography and its check: keyed entry MACs, the signed head, ``verify``.

Each entry's ``hash`` is HMAC-SHA256, under a key kept outside the database (ANJU_AUDIT_KEY), over a canonical
JSON of its fields and ``prev_hash``. Someone who can write to the database but does not hold the key can
neither change an entry nor recompute the chain after a change. The head (the newest entry's id and hash,
signed with the same key) lives in its own table, so deleting the newest entries no longer matches it.
Entries written before the chain was keyed (scheme ``sha256``) stay verifiable: they are anchored by the first
keyed entry, whose MAC covers the last of them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.models import AuditEntry, AuditHead
from api.settings import get_settings

GENESIS = "0" * 64
LEGACY = "sha256"
MAIN_CHAIN = "main"
# DEVELOPMENT ONLY: public, so a chain made with it protects nothing. Used only when ANJU_ENVIRONMENT is
# "development" and ANJU_AUDIT_KEY is unset; anywhere else keys() refuses.
DEV_AUDIT_KEY = "dev-only-audit-key-not-secret-do-not-deploy"

log = logging.getLogger(__name__)


class AuditKeyMissing(RuntimeError):
    """No audit key outside development: the service must not write an unprotected chain."""


def key_id(key: bytes) -> str:
    """A short public name for a key, stored with each entry so a rotated chain finds the right key."""
    return hmac.new(key, b"anju-audit-key-id", hashlib.sha256).hexdigest()[:8]


@lru_cache(maxsize=4)
def _keyring(current: str | None, old: str, development: bool) -> tuple[tuple[str, bytes], dict[str, bytes]]:
    if not current:
        if not development:
            raise AuditKeyMissing("ANJU_AUDIT_KEY must be set outside development")
        log.warning("audit chain signed with the public DEVELOPMENT key; set ANJU_AUDIT_KEY for real use")
        current = DEV_AUDIT_KEY
    signing = current.encode("utf-8")
    ring = {key_id(k): k for k in (s.strip().encode("utf-8") for s in old.split(",")) if k}
    ring[key_id(signing)] = signing
    return (key_id(signing), signing), ring


def keys() -> tuple[tuple[str, bytes], dict[str, bytes]]:
    """(id, key) that signs new entries, and every key (by id) that verifies old ones."""
    s = get_settings()
    old = s.audit_old_keys.get_secret_value() if s.audit_old_keys else ""
    return _keyring(s.audit_key.get_secret_value() if s.audit_key else None, old, s.development)


def _stamp(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).isoformat(timespec="microseconds")


def _canonical(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                      allow_nan=False).encode("utf-8")


def entry_hash(*, at: dt.datetime, actor: str, action: str, entity: str, entity_id: str,
               before: dict[str, Any] | None, after: dict[str, Any] | None, prev_hash: str) -> str:
    """The legacy (unkeyed) hash: SHA-256 over the canonical JSON of an entry. Kept to verify old entries."""
    payload = {"at": _stamp(at), "actor": actor, "action": action, "entity": entity, "entity_id": entity_id,
               "before": before, "after": after, "prev_hash": prev_hash}
    return hashlib.sha256(_canonical(payload)).hexdigest()


def entry_mac(key: bytes, *, at: dt.datetime, actor: str, action: str, entity: str, entity_id: str,
              before: dict[str, Any] | None, after: dict[str, Any] | None, prev_hash: str,
              area_id: int | None, county_code: str | None) -> str:
    """HMAC-SHA256 over the canonical JSON of an entry, its area and its predecessor's hash."""
    payload = {"at": _stamp(at), "actor": actor, "action": action, "entity": entity, "entity_id": entity_id,
               "before": before, "after": after, "prev_hash": prev_hash, "area_id": area_id,
               "county_code": county_code}
    return hmac.new(key, _canonical(payload), hashlib.sha256).hexdigest()


def head_mac(key: bytes, chain: str, last_id: int, last_hash: str) -> str:
    return hmac.new(key, f"head|{chain}|{last_id}|{last_hash}".encode(), hashlib.sha256).hexdigest()


def sign_head(head: AuditHead, last_id: int, last_hash: str) -> None:
    (_, key) = keys()[0]
    head.last_id, head.last_hash = last_id, last_hash
    head.mac = head_mac(key, head.chain, last_id, last_hash)


def head_is_signed(chain: str, last_id: int, last_hash: str, mac: str) -> bool:
    """Whether any known key signed this head (a head signed before a rotation still counts)."""
    return any(hmac.compare_digest(head_mac(k, chain, last_id, last_hash), mac) for k in keys()[1].values())


@dataclass(frozen=True)
class VerifyResult:
    """``ok`` with the number of entries checked; otherwise the first bad entry and why.

    ``reason``: changed, deleted, reordered, unknown_key, downgraded (an unkeyed entry after keyed ones),
    truncated (newest entries gone), head_forged, head_missing, unsigned_tail (entries past the signed head).
    ``legacy`` counts the unkeyed entries from before the chain was keyed.
    """

    ok: bool
    count: int
    bad_id: int | None = None
    reason: str | None = None
    detail: str = ""
    legacy: int = 0
    head_id: int | None = field(default=None, compare=False)


def _recompute(e: Any, ring: dict[str, bytes]) -> str | None:
    if e.scheme == LEGACY:
        return entry_hash(at=e.at, actor=e.actor, action=e.action, entity=e.entity, entity_id=e.entity_id,
                          before=e.before, after=e.after, prev_hash=e.prev_hash)
    key = ring.get(e.scheme.partition(":")[2])
    if key is None:
        return None
    return entry_mac(key, at=e.at, actor=e.actor, action=e.action, entity=e.entity, entity_id=e.entity_id,
                     before=e.before, after=e.after, prev_hash=e.prev_hash, area_id=e.area_id,
                     county_code=e.county_code)


def verify(session: Session, *, sealed: tuple[int, str] | None = None) -> VerifyResult:
    """Walk the chain in id order, recomputing every MAC and checking every link, then check the signed head.

    A deleted entry shows as a link to a hash that no longer exists; a reordered one as a link to an entry
    that is not the one before it; deleting the newest entries as a head that names an entry no longer there;
    a recomputed chain as entries whose MAC does not match (without the key nobody can make one that does).
    ``sealed`` is a head kept outside the database (``anju audit seal``): the chain must still reach it.
    """
    ring = keys()[1]
    columns = (AuditEntry.id, AuditEntry.at, AuditEntry.actor, AuditEntry.action, AuditEntry.entity,
               AuditEntry.entity_id, AuditEntry.before, AuditEntry.after, AuditEntry.prev_hash,
               AuditEntry.hash, AuditEntry.scheme, AuditEntry.area_id, AuditEntry.county_code)
    head = session.get(AuditHead, MAIN_CHAIN)
    rows = session.execute(select(*columns).order_by(AuditEntry.id).execution_options(yield_per=1000))
    expected_prev, count, legacy, keyed_seen = GENESIS, 0, 0, False
    seen: dict[int, str] = {}
    wanted = {head.last_id} if head else set()
    if sealed:
        wanted.add(sealed[0])
    last_id: int | None = None
    for e in rows:
        fail = None
        if e.scheme == LEGACY and keyed_seen:
            fail = ("downgraded", "an unkeyed entry follows keyed ones: the chain was recomputed without the key")
        else:
            recomputed = _recompute(e, ring)
            if recomputed is None:
                fail = ("unknown_key", f"signed with key {e.scheme.partition(':')[2]}, which is not configured "
                                       "(ANJU_AUDIT_KEY / ANJU_AUDIT_OLD_KEYS)")
            elif not hmac.compare_digest(recomputed, e.hash):
                fail = ("changed", "the entry's content no longer matches its MAC")
        if fail is None and e.prev_hash != expected_prev:
            rows.close()
            linked = session.scalar(select(AuditEntry.id).where(AuditEntry.hash == e.prev_hash))
            if linked is not None:
                return VerifyResult(False, count, e.id, "reordered",
                                    f"the entry follows entry {linked}, which is not the one before it", legacy)
            return VerifyResult(False, count, e.id, "deleted",
                                "the entry it follows is missing (deleted, or a gap in the chain)", legacy)
        if fail is not None:
            rows.close()
            return VerifyResult(False, count, e.id, fail[0], fail[1], legacy)
        keyed_seen = keyed_seen or e.scheme != LEGACY
        legacy += e.scheme == LEGACY
        if e.id in wanted:
            seen[e.id] = e.hash
        expected_prev, last_id = e.hash, e.id
        count += 1
    return _check_head(head, sealed, seen, count, legacy, last_id, keyed_seen)


def _check_head(head: AuditHead | None, sealed: tuple[int, str] | None, seen: dict[int, str], count: int,
                legacy: int, last_id: int | None, keyed_seen: bool) -> VerifyResult:
    """The chain must end exactly at the signed head, and reach every head sealed outside the database."""
    if sealed is not None and seen.get(sealed[0]) != sealed[1]:
        what = "is missing" if sealed[0] not in seen else "has a different hash"
        return VerifyResult(False, count, sealed[0], "truncated",
                            f"entry {sealed[0]}, the head sealed outside the database, {what}", legacy)
    if head is None:
        if keyed_seen:
            return VerifyResult(False, count, last_id, "head_missing",
                                "keyed entries exist but the signed head is gone", legacy)
        return VerifyResult(True, count, legacy=legacy)
    if not head_is_signed(head.chain, head.last_id, head.last_hash, head.mac):
        return VerifyResult(False, count, head.last_id, "head_forged",
                            "the head's signature does not match: it was written without the key", legacy)
    if head.last_id not in seen:
        return VerifyResult(False, count, head.last_id, "truncated",
                            f"the signed head names entry {head.last_id}, which is no longer in the chain "
                            f"(the newest entries were deleted; the chain now ends at {last_id})", legacy)
    if seen[head.last_id] != head.last_hash:
        return VerifyResult(False, count, head.last_id, "changed",
                            "the entry the signed head names has a different hash: the chain was recomputed", legacy)
    if last_id != head.last_id:
        return VerifyResult(False, count, last_id, "unsigned_tail",
                            f"entries after {head.last_id}, the signed head, were added without updating it",
                            legacy)
    return VerifyResult(True, count, legacy=legacy, head_id=head.last_id)
