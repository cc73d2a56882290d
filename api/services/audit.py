"""The audit log: append-only and hash-chained, so that changing, deleting or reordering an entry shows.

Each entry's ``hash`` is SHA-256 over a canonical JSON of its fields and ``prev_hash`` (the previous entry's
hash; 64 zeros for the first). Writers serialise on the chain's head so it never forks: PostgreSQL through a
transaction-scoped advisory lock, SQLite through its single write lock, taken before the head is read.
"""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import hashlib
import json
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event, inspect, select, text
from sqlalchemy.orm import Session

from api.db import hold_write_lock
from api.models import AuditEntry
from api.models._types import utcnow

GENESIS = "0" * 64
# Any constant works; it only has to be the same for every writer of the chain ("anju" + "audit" in ASCII).
ADVISORY_LOCK_KEY = 0x616E6A7561756469


class AuditTampering(RuntimeError):
    """Raised when code tries to update or delete an audit entry through the ORM."""


def _json_safe(value: Any) -> Any:
    """A value as JSON holds it, stably: what ``verify`` reads back must hash the same as what was written."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value
    if isinstance(value, enum.Enum):
        return _json_safe(value.value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [_json_safe(v) for v in value]
        return sorted(items, key=repr) if isinstance(value, set | frozenset) else items
    return str(value)


def snapshot(obj: object) -> dict[str, Any]:
    """An ORM row's column values as a JSON-safe dict, for an audit entry's ``before``/``after``."""
    mapper = inspect(obj).mapper
    return {attr.key: _json_safe(getattr(obj, attr.key)) for attr in mapper.column_attrs}


def _stamp(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).isoformat(timespec="microseconds")


def entry_hash(*, at: dt.datetime, actor: str, action: str, entity: str, entity_id: str,
               before: dict[str, Any] | None, after: dict[str, Any] | None, prev_hash: str) -> str:
    """SHA-256 over the canonical JSON of an entry (sorted keys, no spaces, UTF-8)."""
    payload = {"at": _stamp(at), "actor": actor, "action": action, "entity": entity, "entity_id": entity_id,
               "before": before, "after": after, "prev_hash": prev_hash}
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                           allow_nan=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _lock_chain(session: Session) -> None:
    """Hold the chain's head for the rest of the transaction, so the head read next is the real one."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK_KEY})
        return
    # SQLite: the database's single write lock, held until commit; reads after it see every committed entry.
    hold_write_lock(session)


def record(session: Session, actor: str, action: str, entity: str, entity_id: str | int,
           before: dict[str, Any] | None, after: dict[str, Any] | None) -> AuditEntry:
    """Append one entry in the caller's transaction (the caller commits), chained to the newest one."""
    session.flush()
    _lock_chain(session)
    prev = session.scalar(select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)) or GENESIS
    at = utcnow()
    before_j = _json_safe(before) if before is not None else None
    after_j = _json_safe(after) if after is not None else None
    entry = AuditEntry(at=at, actor=actor, action=action, entity=entity, entity_id=str(entity_id),
                       before=before_j, after=after_j, prev_hash=prev)
    entry.hash = entry_hash(at=at, actor=actor, action=action, entity=entity, entity_id=str(entity_id),
                            before=before_j, after=after_j, prev_hash=prev)
    session.add(entry)
    session.flush()
    return entry


@dataclass(frozen=True)
class VerifyResult:
    """``ok`` with the number of entries checked; otherwise the first bad entry and why."""

    ok: bool
    count: int
    bad_id: int | None = None
    reason: str | None = None  # "changed", "deleted", "reordered"
    detail: str = ""


def verify(session: Session) -> VerifyResult:
    """Walk the chain in id order, recomputing every hash and checking every link.

    A deleted entry shows as a link to a hash that no longer exists; a reordered one as a link to an entry
    that is not the one before it. Removing the newest entries leaves a valid shorter chain: compare
    ``count`` with a copy kept elsewhere to catch that.
    """
    columns = (AuditEntry.id, AuditEntry.at, AuditEntry.actor, AuditEntry.action, AuditEntry.entity,
               AuditEntry.entity_id, AuditEntry.before, AuditEntry.after, AuditEntry.prev_hash,
               AuditEntry.hash)
    rows = session.execute(select(*columns).order_by(AuditEntry.id).execution_options(yield_per=1000))
    expected_prev = GENESIS
    count = 0
    for e in rows:
        recomputed = entry_hash(at=e.at, actor=e.actor, action=e.action, entity=e.entity,
                                entity_id=e.entity_id, before=e.before, after=e.after, prev_hash=e.prev_hash)
        if recomputed != e.hash:
            rows.close()
            return VerifyResult(False, count, e.id, "changed",
                                "the entry's content no longer matches its hash")
        if e.prev_hash != expected_prev:
            rows.close()
            linked = session.scalar(select(AuditEntry.id).where(AuditEntry.hash == e.prev_hash))
            if linked is not None:
                return VerifyResult(False, count, e.id, "reordered",
                                    f"the entry follows entry {linked}, which is not the one before it")
            return VerifyResult(False, count, e.id, "deleted",
                                "the entry it follows is missing (deleted, or a gap in the chain)")
        expected_prev = e.hash
        count += 1
    return VerifyResult(True, count)


def append_only_ddl(dialect: str) -> list[str]:
    """Triggers that make the database itself refuse UPDATE and DELETE on audit entries, for a migration.

    TRUNCATE is left alone (test fixtures empty tables with it); revoke it from the service's role instead.
    """
    if dialect == "postgresql":
        return [
            """CREATE OR REPLACE FUNCTION audit_entries_append_only() RETURNS trigger AS $$
               BEGIN RAISE EXCEPTION 'audit_entries is append-only (% refused)', TG_OP; END;
               $$ LANGUAGE plpgsql""",
            "DROP TRIGGER IF EXISTS audit_entries_append_only ON audit_entries",
            """CREATE TRIGGER audit_entries_append_only BEFORE UPDATE OR DELETE ON audit_entries
               FOR EACH ROW EXECUTE FUNCTION audit_entries_append_only()""",
        ]
    if dialect == "sqlite":
        return [
            f"""CREATE TRIGGER IF NOT EXISTS audit_entries_no_{op.lower()} BEFORE {op} ON audit_entries
                BEGIN SELECT RAISE(ABORT, 'audit_entries is append-only'); END"""
            for op in ("UPDATE", "DELETE")
        ]
    return []


@event.listens_for(Session, "before_flush")
def _refuse_audit_changes(session: Session, _flush_context: object, _instances: object) -> None:
    """Entries are written once: the ORM refuses to update or delete them (the database refuses too, via a
    trigger, on PostgreSQL)."""
    for obj in session.deleted:
        if isinstance(obj, AuditEntry):
            raise AuditTampering(f"audit entry {obj.id} may not be deleted")
    for obj in session.dirty:
        if isinstance(obj, AuditEntry) and session.is_modified(obj, include_collections=False):
            raise AuditTampering(f"audit entry {obj.id} may not be changed")
