"""The audit log: append-only and chained with a keyed MAC, so that changing, deleting, reordering or cutting
off entries shows (api/services/audit_chain.py holds the cryptography and ``verify``).

``record`` only stages an entry; the staged entries of a transaction are appended together just before it
commits (or before the transaction itself reads the log). Only then is the chain's head taken: a row lock on
the ``audit_heads`` row on PostgreSQL, the single write lock on SQLite. So the head is held for the last few
statements of a transaction rather than from its first audited change, and writers still never fork the chain.
"""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import uuid
from collections.abc import Callable
from typing import Any

from sqlalchemy import event, inspect, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import ORMExecuteState, Session

from api.db import hold_write_lock
from api.models import AuditEntry, AuditHead
from api.models._types import utcnow
from api.services.audit_chain import (  # noqa: F401  (re-exported: the log's one public module)
    GENESIS,
    LEGACY,
    MAIN_CHAIN,
    VerifyResult,
    entry_hash,
    entry_mac,
    keys,
    sign_head,
    verify,
)
from api.services.audit_scope import where_of

PENDING = "anju.audit.pending"
UNDER_HEAD = "anju.audit.under_head"


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


def record(session: Session, actor: str, action: str, entity: str, entity_id: str | int,
           before: dict[str, Any] | None, after: dict[str, Any] | None) -> AuditEntry:
    """Stage one entry in the caller's transaction; it is chained and written when the transaction commits."""
    area_id, county_code = where_of(session, entity, entity_id)
    entry = AuditEntry(actor=actor, action=action, entity=entity, entity_id=str(entity_id),
                       before=_json_safe(before) if before is not None else None,
                       after=_json_safe(after) if after is not None else None,
                       area_id=area_id, county_code=county_code)
    session.info.setdefault(PENDING, []).append(entry)
    return entry


def under_head(session: Session, step: Callable[[], None]) -> None:
    """Run ``step`` at commit, once the chain's head is held and before the staged entries are chained.

    For work that would otherwise need a lock of its own for the rest of the transaction: the filing's number
    (api/services/numbering.py) is taken here, so every writer queues on one row (the head) instead of a
    filing holding the county's counter while it waits for the head. Needs an entry staged in the transaction.
    """
    session.info.setdefault(UNDER_HEAD, []).append(step)


def _take_head(session: Session) -> AuditHead:
    """The chain's head row, locked until commit (created on the chain's first keyed entry)."""
    hold_write_lock(session)  # SQLite: the write lock first, so the head read next is the committed one
    query = select(AuditHead).where(AuditHead.chain == MAIN_CHAIN).with_for_update()
    head = session.scalars(query).first()
    if head is not None:
        return head
    # First keyed entry: continue from the newest (unkeyed) entry. Two first writers race on the primary key;
    # the loser's INSERT waits and then does nothing, and its SELECT ... FOR UPDATE finds the winner's row.
    newest = session.execute(select(AuditEntry.id, AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)).first()
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    session.execute(insert(AuditHead).values(
        chain=MAIN_CHAIN, last_id=newest.id if newest else 0, last_hash=newest.hash if newest else GENESIS,
        mac="", at=utcnow()).on_conflict_do_nothing())
    head = session.scalars(query.execution_options(populate_existing=True)).first()
    assert head is not None
    return head


def append_pending(session: Session) -> list[AuditEntry]:
    """Chain and write the transaction's staged entries, and sign the new head. Idempotent; cheap when none."""
    pending: list[AuditEntry] | None = session.info.pop(PENDING, None)
    if not pending:
        return []
    (kid, key) = keys()[0]
    scheme = f"hmac-sha256:{kid}"
    head = _take_head(session)
    for step in session.info.pop(UNDER_HEAD, []):
        step()
    prev = head.last_hash
    at = utcnow()
    for entry in pending:
        entry.at, entry.prev_hash, entry.scheme = at, prev, scheme
        entry.hash = prev = entry_mac(key, at=at, actor=entry.actor, action=entry.action, entity=entry.entity,
                                      entity_id=entry.entity_id, before=entry.before, after=entry.after,
                                      prev_hash=entry.prev_hash, area_id=entry.area_id,
                                      county_code=entry.county_code)
    session.add_all(pending)
    session.flush()
    sign_head(head, pending[-1].id, prev)
    head.at = at
    return pending


@event.listens_for(Session, "before_commit")
def _append_before_commit(session: Session) -> None:
    append_pending(session)


@event.listens_for(Session, "after_soft_rollback")
def _drop_on_rollback(session: Session, previous_transaction: object) -> None:
    """Entries staged in a transaction that rolled back describe changes that never happened."""
    if getattr(previous_transaction, "nested", False):
        return  # a savepoint: its staged entries were recorded after it (see numbering), keep them
    session.info.pop(PENDING, None)
    session.info.pop(UNDER_HEAD, None)


@event.listens_for(Session, "do_orm_execute")
def _append_before_reading_log(state: ORMExecuteState) -> None:
    """A transaction that reads the audit log sees its own entries: append them first."""
    if state.is_select and PENDING in state.session.info and any(
            m.class_ is AuditEntry for m in state.all_mappers):
        append_pending(state.session)


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
