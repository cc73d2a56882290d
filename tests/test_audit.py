"""The audit log: a valid chain verifies; a changed, deleted or reordered entry is found; no fork.

The keyed chain and its signed head (truncation, recomputation, rotation, sealing) are in test_audit_keyed.py.
"""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from api.db import transaction
from api.models import Area, AuditEntry
from api.services import audit
from bot.cli import main as anju


def _write(engine: Engine, n: int, actor: str = "user:1:张三") -> None:
    for i in range(n):
        with transaction(engine) as s:
            audit.record(s, actor, "thing.change", "thing", i, {"n": i, "名": "旧"}, {"n": i + 1, "名": "新"})


def _verify(engine: Engine) -> audit.VerifyResult:
    with transaction(engine) as s:
        return audit.verify(s)


def test_chain_starts_at_genesis_and_links(engine: Engine) -> None:
    _write(engine, 3)
    with transaction(engine) as s:
        entries = list(s.scalars(select(AuditEntry).order_by(AuditEntry.id)))
    assert entries[0].prev_hash == audit.GENESIS
    assert [e.prev_hash for e in entries[1:]] == [e.hash for e in entries[:-1]]
    assert _verify(engine) == audit.VerifyResult(True, 3)


def test_empty_log_verifies(engine: Engine) -> None:
    assert _verify(engine).ok


def test_changed_entry_is_found(engine: Engine) -> None:
    _write(engine, 4)
    with engine.begin() as conn:
        conn.execute(text("UPDATE audit_entries SET actor = 'someone else' WHERE id = 3"))
    result = _verify(engine)
    assert (result.ok, result.bad_id, result.reason, result.count) == (False, 3, "changed", 2)


def test_changed_before_after_json_is_found(engine: Engine) -> None:
    _write(engine, 2)
    with engine.begin() as conn:
        conn.execute(text("UPDATE audit_entries SET after = :v WHERE id = 1"),
                     {"v": '{"n": 999, "名": "新"}'})
    assert (_verify(engine).bad_id, _verify(engine).reason) == (1, "changed")


def test_deleted_entry_is_found(engine: Engine) -> None:
    _write(engine, 4)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_entries WHERE id = 2"))
    result = _verify(engine)
    assert (result.ok, result.bad_id, result.reason) == (False, 3, "deleted")


def test_deleted_first_entry_is_found(engine: Engine) -> None:
    _write(engine, 2)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_entries WHERE id = 1"))
    assert (_verify(engine).bad_id, _verify(engine).reason) == (2, "deleted")


def test_reordered_entries_are_found(engine: Engine) -> None:
    _write(engine, 4)
    with engine.begin() as conn:  # swap entries 2 and 3 by their ids
        conn.execute(text("UPDATE audit_entries SET id = 1000 WHERE id = 2"))
        conn.execute(text("UPDATE audit_entries SET id = 2 WHERE id = 3"))
        conn.execute(text("UPDATE audit_entries SET id = 3 WHERE id = 1000"))
    result = _verify(engine)
    assert (result.ok, result.bad_id, result.reason) == (False, 2, "reordered")


def test_orm_refuses_update_and_delete(session: Session) -> None:
    audit.record(session, "test", "x", "thing", 1, None, {"a": 1})
    [entry] = audit.append_pending(session)
    entry.actor = "forged"
    with pytest.raises(audit.AuditTampering):
        session.flush()
    session.expire(entry)
    session.delete(entry)
    with pytest.raises(audit.AuditTampering):
        session.flush()
    session.rollback()


def test_snapshot_is_json_safe(session: Session) -> None:
    area = session.scalars(select(Area)).first()
    assert area is not None
    snap = audit.snapshot(area)
    assert snap["level"] == "county" and snap["id"] == area.id and set(snap) >= {"name", "code", "parent_id"}


def test_concurrent_writers_keep_one_chain(engine: Engine) -> None:
    errors: list[BaseException] = []

    def writer(k: int) -> None:
        try:
            with transaction(engine) as s:  # a read before the audit write, as a real unit of work does
                s.scalars(select(Area)).first()
            _write(engine, 10, actor=f"writer:{k}")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    result = _verify(engine)
    assert result.ok and result.count == 80
    with transaction(engine) as s:
        prevs = list(s.scalars(select(AuditEntry.prev_hash)))
    assert len(prevs) == len(set(prevs)), "two entries share a predecessor: the chain forked"


def test_cli_verify_exit_codes(engine: Engine, monkeypatch: pytest.MonkeyPatch,
                               capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("api.db.get_engine", lambda: engine)
    _write(engine, 3)
    assert anju(["audit", "verify"]) == 0
    assert "3 entries" in capsys.readouterr().out
    with engine.begin() as conn:
        conn.execute(text("UPDATE audit_entries SET action = 'forged' WHERE id = 2"))
    assert anju(["audit", "verify"]) == 1
    assert "entry 2 (changed)" in capsys.readouterr().out


def test_database_triggers_refuse_update_and_delete(engine: Engine) -> None:
    """The DDL a migration installs: the database itself refuses to change or remove entries."""
    from sqlalchemy.exc import DBAPIError

    _write(engine, 2)
    dialect = engine.dialect.name
    with engine.begin() as conn:
        for statement in audit.append_only_ddl(dialect):
            conn.execute(text(statement))
    try:
        for statement in ("UPDATE audit_entries SET actor = 'x' WHERE id = 1", "DELETE FROM audit_entries"):
            with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
                conn.execute(text(statement))
        _write(engine, 1)  # appending still works, including the chain lock's no-op write
        assert _verify(engine) == audit.VerifyResult(True, 3)
    finally:
        with engine.begin() as conn:
            if dialect == "postgresql":
                conn.execute(text("DROP TRIGGER IF EXISTS audit_entries_append_only ON audit_entries"))
            else:
                conn.execute(text("DROP TRIGGER IF EXISTS audit_entries_no_update"))
                conn.execute(text("DROP TRIGGER IF EXISTS audit_entries_no_delete"))
