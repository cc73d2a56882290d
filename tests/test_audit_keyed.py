"""The keyed audit chain: cutting off the newest entries, recomputing the chain without the key, forging or
removing the signed head, and restoring an old head all show; old unkeyed chains and rotated keys still verify.

The tampering is done the way an insider with database access would: raw SQL, no key.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, text

from api.db import transaction
from api.models import AuditEntry, AuditHead
from api.services import audit, audit_chain
from api.settings import get_settings
from bot.cli import main as anju


def _write(engine: Engine, n: int) -> None:
    for i in range(n):
        with transaction(engine) as s:
            audit.record(s, "user:1:张三", "thing.change", "thing", i, {"n": i}, {"n": i + 1})


def _verify(engine: Engine, sealed: tuple[int, str] | None = None) -> audit.VerifyResult:
    with transaction(engine) as s:
        return audit.verify(s, sealed=sealed)


def _delete_newest(engine: Engine, n: int) -> None:
    with engine.begin() as conn:
        top = conn.scalar(text("SELECT max(id) FROM audit_entries"))
        conn.execute(text("DELETE FROM audit_entries WHERE id > :cut"), {"cut": top - n})


def _recompute_plain(engine: Engine, from_id: int, *, scheme: str | None = None) -> None:
    """Change entry ``from_id`` and recompute every hash from there with plain SHA-256 (no key to hand)."""
    with engine.begin() as conn:
        conn.execute(text("UPDATE audit_entries SET actor = 'someone else' WHERE id = :id"), {"id": from_id})
        rows = conn.execute(text("SELECT id, at, actor, action, entity, entity_id, before, after, prev_hash "
                                 "FROM audit_entries ORDER BY id")).all()
    with transaction(engine) as s:  # read back through the ORM types, as verify does
        entries = list(s.scalars(select(AuditEntry).order_by(AuditEntry.id)))
    prev = None
    with engine.begin() as conn:
        for row, e in zip(rows, entries, strict=True):
            if row.id < from_id:
                prev = e.hash
                continue
            new = audit_chain.entry_hash(at=e.at, actor=e.actor, action=e.action, entity=e.entity,
                                         entity_id=e.entity_id, before=e.before, after=e.after,
                                         prev_hash=prev or e.prev_hash)
            conn.execute(text("UPDATE audit_entries SET hash = :h, prev_hash = :p, scheme = :sc WHERE id = :id"),
                         {"h": new, "p": prev or e.prev_hash, "sc": scheme or e.scheme, "id": row.id})
            prev = new
        conn.execute(text("UPDATE audit_heads SET last_hash = :h"), {"h": prev})


def test_entries_are_keyed_and_the_head_is_signed(engine: Engine) -> None:
    _write(engine, 3)
    with transaction(engine) as s:
        entries = list(s.scalars(select(AuditEntry).order_by(AuditEntry.id)))
        head = s.get(AuditHead, "main")
        assert head is not None and (head.last_id, head.last_hash) == (entries[-1].id, entries[-1].hash)
    kid = audit_chain.key_id(audit_chain.DEV_AUDIT_KEY.encode())
    assert {e.scheme for e in entries} == {f"hmac-sha256:{kid}"}
    result = _verify(engine)
    assert result.ok and result.count == 3 and result.head_id == entries[-1].id and result.legacy == 0


@pytest.mark.parametrize("n", [1, 5])
def test_deleting_the_newest_entries_is_found(engine: Engine, n: int) -> None:
    _write(engine, 8)
    _delete_newest(engine, n)
    result = _verify(engine)
    assert (result.ok, result.reason, result.bad_id, result.count) == (False, "truncated", 8, 8 - n)


def test_changing_a_row_and_recomputing_plain_hashes_is_found(engine: Engine) -> None:
    _write(engine, 5)
    _recompute_plain(engine, 3)
    result = _verify(engine)
    assert (result.ok, result.reason, result.bad_id) == (False, "changed", 3)


def test_recomputing_as_an_unkeyed_chain_is_found(engine: Engine) -> None:
    """Relabelling the entries as pre-key ``sha256`` ones does not help: they follow keyed entries."""
    _write(engine, 5)
    _recompute_plain(engine, 3, scheme="sha256")
    result = _verify(engine)
    assert (result.ok, result.reason, result.bad_id) == (False, "downgraded", 3)


def test_recomputing_the_whole_chain_as_unkeyed_is_found_by_the_head(engine: Engine) -> None:
    _write(engine, 4)
    with engine.begin() as conn:
        conn.execute(text("UPDATE audit_heads SET last_hash = 'x'"))  # restored below by the recomputation
    _recompute_plain(engine, 1, scheme="sha256")
    result = _verify(engine)
    assert (result.ok, result.reason) == (False, "head_forged")


def test_a_head_moved_back_without_the_key_is_forged(engine: Engine) -> None:
    _write(engine, 4)
    _delete_newest(engine, 2)
    with engine.begin() as conn:
        last = conn.execute(text("SELECT id, hash FROM audit_entries ORDER BY id DESC LIMIT 1")).one()
        conn.execute(text("UPDATE audit_heads SET last_id = :i, last_hash = :h"), {"i": last.id, "h": last.hash})
    assert (_verify(engine).ok, _verify(engine).reason) == (False, "head_forged")


def test_removing_the_head_is_found(engine: Engine) -> None:
    _write(engine, 3)
    _delete_newest(engine, 1)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_heads"))
    assert (_verify(engine).ok, _verify(engine).reason) == (False, "head_missing")


def test_a_mac_made_with_another_key_is_found(engine: Engine) -> None:
    _write(engine, 3)
    with transaction(engine) as s:
        e = s.get(AuditEntry, 2)
        assert e is not None
        guess = audit_chain.entry_mac(b"guessed", at=e.at, actor="forged", action=e.action, entity=e.entity,
                                      entity_id=e.entity_id, before=e.before, after=e.after,
                                      prev_hash=e.prev_hash, area_id=e.area_id, county_code=e.county_code)
    with engine.begin() as conn:
        conn.execute(text("UPDATE audit_entries SET actor = 'forged', hash = :h WHERE id = 2"), {"h": guess})
    assert (_verify(engine).reason, _verify(engine).bad_id) == ("changed", 2)


def test_restoring_an_old_head_is_found_by_the_sealed_copy(engine: Engine) -> None:
    """The limit of a head inside the database: an insider who saved an old head row can put it back after
    cutting the chain. A head sealed outside the database still shows it."""
    _write(engine, 3)
    with engine.begin() as conn:
        saved = conn.execute(text("SELECT last_id, last_hash, mac FROM audit_heads")).one()
    _write(engine, 3)
    with transaction(engine) as s:
        head = s.get(AuditHead, "main")
        assert head is not None
        sealed = (head.last_id, head.last_hash)
    _delete_newest(engine, 3)
    with engine.begin() as conn:
        conn.execute(text("UPDATE audit_heads SET last_id = :i, last_hash = :h, mac = :m"),
                     {"i": saved.last_id, "h": saved.last_hash, "m": saved.mac})
    assert _verify(engine).ok  # the database alone cannot tell
    result = _verify(engine, sealed=sealed)
    assert (result.ok, result.reason, result.bad_id) == (False, "truncated", 6)


def test_unkeyed_entries_from_before_the_upgrade_stay_verifiable(engine: Engine) -> None:
    """A chain written before keys existed (plain SHA-256, no head) verifies, and the keyed chain continues
    from it, so recomputing the old part afterwards breaks the link to the first keyed entry."""
    import datetime as dt

    prev = audit.GENESIS
    with engine.begin() as conn:
        for i in range(3):
            at = dt.datetime(2026, 1, 1, 8, i, tzinfo=dt.UTC)
            h = audit_chain.entry_hash(at=at, actor="old", action="a", entity="thing", entity_id=str(i),
                                       before=None, after={"i": i}, prev_hash=prev)
            conn.execute(AuditEntry.__table__.insert().values(
                at=at, actor="old", action="a", entity="thing", entity_id=str(i), before=None, after={"i": i},
                prev_hash=prev, hash=h, scheme="sha256"))
            prev = h
    assert _verify(engine) == audit.VerifyResult(True, 3, legacy=3)
    _write(engine, 2)
    result = _verify(engine)
    assert result.ok and result.count == 5 and result.legacy == 3 and result.head_id == 5
    _recompute_plain(engine, 2, scheme="sha256")
    assert not _verify(engine).ok


def test_rotated_key_keeps_old_entries_verifiable(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    first, second = "k" * 40, "m" * 40
    monkeypatch.setenv("ANJU_AUDIT_KEY", first)
    get_settings.cache_clear()
    _write(engine, 2)
    monkeypatch.setenv("ANJU_AUDIT_KEY", second)
    get_settings.cache_clear()
    assert (_verify(engine).ok, _verify(engine).reason) == (False, "unknown_key")
    monkeypatch.setenv("ANJU_AUDIT_OLD_KEYS", first)
    get_settings.cache_clear()
    _write(engine, 2)
    with transaction(engine) as s:
        schemes = [e.scheme for e in s.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert schemes[0] == schemes[1] != schemes[2] == schemes[3]
    assert _verify(engine).ok


def test_no_key_outside_development_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANJU_ENVIRONMENT", "production")
    monkeypatch.setenv("ANJU_SMS_HMAC_SECRET", "s" * 40)
    monkeypatch.delenv("ANJU_AUDIT_KEY", raising=False)
    get_settings.cache_clear()
    with pytest.raises(audit_chain.AuditKeyMissing):
        audit_chain.keys()
    with pytest.raises(RuntimeError, match="ANJU_AUDIT_KEY"):
        get_settings().check_production_secrets()
    monkeypatch.setenv("ANJU_AUDIT_KEY", "short")
    get_settings.cache_clear()
    with pytest.raises(RuntimeError, match="ANJU_AUDIT_KEY"):
        get_settings().check_production_secrets()


def test_a_transaction_reads_its_own_entries_and_a_rollback_drops_them(engine: Engine) -> None:
    with transaction(engine) as s:
        audit.record(s, "x", "a", "thing", 1, None, None)
        assert s.scalar(select(AuditEntry.action)) == "a"  # appended before the read
    with pytest.raises(RuntimeError), transaction(engine) as s:
        audit.record(s, "x", "b", "thing", 2, None, None)
        raise RuntimeError
    with transaction(engine) as s:
        assert [e.action for e in s.scalars(select(AuditEntry))] == ["a"]
    assert _verify(engine).ok


def test_cli_finds_truncation_and_checks_the_sealed_head(engine: Engine, monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str],
                                                         tmp_path: Path) -> None:
    monkeypatch.setattr("api.db.get_engine", lambda: engine)
    _write(engine, 4)
    seal = tmp_path / "head.json"
    assert anju(["audit", "seal", "--file", str(seal)]) == 0
    assert json.loads(seal.read_text())["last_id"] == 4
    assert anju(["audit", "verify", "--sealed", str(seal)]) == 0
    assert "4 entries" in capsys.readouterr().out
    _delete_newest(engine, 1)
    assert anju(["audit", "verify"]) == 1
    assert "(truncated)" in capsys.readouterr().out
    data = json.loads(seal.read_text())
    seal.write_text(json.dumps({**data, "last_id": 2}))
    assert anju(["audit", "verify", "--sealed", str(seal)]) == 1
    assert "not signed" in capsys.readouterr().out
