"""The audit log: append-only and chained with a keyed MAC, so that changing, deleting, reordering or cutting
off entries shows (api/services/audit_chain.py holds the cryptography and ``verify``).

``record`` only stages an entry; the staged entries of a transaction are appended together just before it
commits (or before the transaction itself reads the log), by api/services/audit_append.py: their keyed MACs
are computed first, then the chain's head is taken for one statement (the tip row's lock on PostgreSQL, the
single write lock on SQLite), and on PostgreSQL the head is signed just after the commit. Writers never fork
the chain, and the key never reaches the database.
"""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import uuid
from collections.abc import Callable
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import ORMExecuteState, Session

from api.models import AuditEntry
from api.services import audit_append
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
AT_COMMIT = "anju.audit.at_commit"
TO_SIGN = "anju.audit.to_sign"


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


def at_commit(session: Session, step: Callable[[], None]) -> None:
    """Run ``step`` at commit, just before the staged entries are sealed and chained (it may still change them).

    For work that would otherwise need a lock of its own for the rest of the transaction: the filing's number
    (api/services/numbering.py) is taken here, so the county's counter is locked only for the commit's last
    statements. Needs an entry staged in the transaction.
    """
    session.info.setdefault(AT_COMMIT, []).append(step)


def append_pending(session: Session, *, commit: bool = False) -> list[AuditEntry]:
    """Seal, chain and write the transaction's staged entries. Idempotent; cheap when none.

    On PostgreSQL the new head is signed after the commit (``_sign_after_commit``); on SQLite at once.
    """
    pending: list[AuditEntry] | None = session.info.pop(PENDING, None)
    if not pending:
        return []
    for step in session.info.pop(AT_COMMIT, []):
        step()
    if commit:
        session.flush()  # nothing may be left for after the COMMIT that may go out with the append
    audit_append.seal_entries(pending)
    last = audit_append.append(session, pending, commit=commit and not session.in_nested_transaction())
    if session.get_bind().dialect.name == "postgresql":
        # signed after the commit, on the transaction's own connection (no second checkout and its ping)
        session.info[TO_SIGN] = (max(last, session.info.get(TO_SIGN, (0, None))[0]), session.connection())
    return pending


@event.listens_for(Session, "before_commit")
def _append_before_commit(session: Session) -> None:
    append_pending(session, commit=True)


@event.listens_for(Session, "after_soft_rollback")
def _drop_on_rollback(session: Session, previous_transaction: object) -> None:
    """Entries staged in a transaction that rolled back describe changes that never happened."""
    if getattr(previous_transaction, "nested", False):
        return  # a savepoint: its staged entries were recorded after it (see numbering), keep them
    session.info.pop(PENDING, None)
    session.info.pop(AT_COMMIT, None)
    session.info.pop(TO_SIGN, None)
    session.info.pop(audit_append.TIP_SEEN, None)


@event.listens_for(Session, "after_commit")
def _sign_after_commit(session: Session) -> None:
    """Sign the head this transaction's append made, in a short transaction of its own on the connection the
    committed one used, before the session gives it back (a signature that fails is logged and left to the
    next write, whose signature covers these entries)."""
    if session.in_nested_transaction():
        return  # a savepoint released: nothing is committed yet, the outer transaction's commit signs
    audit_append.tip_committed(session)
    to_sign = session.info.pop(TO_SIGN, None)
    if to_sign is None:
        return
    last, connection = to_sign
    # The committed transaction's connection, unless something has already begun another transaction on it
    # (then a connection of its own: never touch a transaction that is not the signature's).
    bind = connection if not connection.closed and not connection.in_transaction() else connection.engine
    try:
        audit_append.sign_through(bind, last)
    except Exception:  # the entries are committed; the next signature covers them
        audit_append.log.exception("audit chain: signing the head at entry %s failed", last)


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
