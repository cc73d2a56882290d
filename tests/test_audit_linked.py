"""The chain since migration 0009: each entry's keyed MAC is made by the service before the chain's head is
taken, the database links entries with keyless SHA-256, and the service signs the head after the commit.

The attacker here administers the database but holds no key: everything keyless (links, the tip) they can
recompute, so what must catch them is the per-entry MACs, the signed head, and the service refusing to sign
over a chain that no longer checks out. Runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine, event, select, text

from api.db import transaction
from api.models import AuditEntry, AuditHead
from api.services import audit, audit_append, audit_chain
from api.services.audit_chain import GENESIS, link

ENTRIES = AuditEntry.__table__
CONTENT = ("at", "actor", "action", "entity", "entity_id", "before", "after", "area_id", "county_code", "nonce",
           "mac", "scheme")


def _write(engine: Engine, n: int, start: int = 0) -> None:
    for i in range(start, start + n):
        with transaction(engine) as s:
            audit.record(s, "user:1:张三", "thing.change", "thing", i, {"n": i}, {"n": i + 1})


def _verify(engine: Engine) -> audit.VerifyResult:
    with transaction(engine) as s:
        return audit.verify(s)


def _rows(engine: Engine) -> list[Any]:
    with engine.connect() as conn:
        return list(conn.execute(select(ENTRIES).order_by(ENTRIES.c.id)))


def _relink(engine: Engine, *, head_too: bool = False) -> None:
    """Recompute every link with plain SHA-256, as anyone can, and move the tip (and the head row's hash, whose
    signature they cannot redo) to the new end."""
    prev = GENESIS
    with engine.begin() as conn:
        for r in conn.execute(select(ENTRIES.c.id, ENTRIES.c.mac).order_by(ENTRIES.c.id)).all():
            new = link(prev, r.mac)
            conn.execute(ENTRIES.update().where(ENTRIES.c.id == r.id).values(prev_hash=prev, hash=new))
            prev = new
        last = conn.scalar(text("SELECT max(id) FROM audit_entries"))
        chains = ("main:tip", "main") if head_too else ("main:tip",)
        for chain in chains:
            conn.execute(text("UPDATE audit_heads SET last_id = :i, last_hash = :h WHERE chain = :c"),
                         {"i": last, "h": prev, "c": chain})


def _resign_head_at(engine: Engine, entry_id: int) -> None:
    """What a lost signature leaves (a crash between the commit and it): the head signed at an older entry."""
    with engine.begin() as conn:
        h = conn.scalar(text("SELECT hash FROM audit_entries WHERE id = :i"), {"i": entry_id})
        mac = audit_chain.head_mac(audit_chain.keys()[0][1], "main", entry_id, h)
        conn.execute(text("UPDATE audit_heads SET last_id = :i, last_hash = :h, mac = :m WHERE chain = 'main'"),
                     {"i": entry_id, "h": h, "m": mac})


def test_entries_carry_a_mac_and_a_keyless_link(engine: Engine) -> None:
    _write(engine, 3)
    rows = _rows(engine)
    assert [r.prev_hash for r in rows] == [GENESIS, rows[0].hash, rows[1].hash]
    assert all(r.hash == link(r.prev_hash, r.mac) for r in rows)
    assert len({r.nonce for r in rows}) == 3
    result = _verify(engine)
    assert (result.ok, result.count, result.head_id, result.unsigned) == (True, 3, rows[-1].id, 0)


def test_rewriting_an_entry_is_found_by_its_mac_whatever_the_links(engine: Engine) -> None:
    _write(engine, 5)
    with engine.begin() as conn:
        conn.execute(text("UPDATE audit_entries SET actor = 'someone else' WHERE id = 3"))
    _relink(engine, head_too=True)
    assert (_verify(engine).reason, _verify(engine).bad_id) == ("changed", 3)


@pytest.mark.parametrize("head_too", [False, True])
def test_deleting_an_entry_and_relinking_is_found_by_the_signed_head(engine: Engine, head_too: bool) -> None:
    _write(engine, 5)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_entries WHERE id = 3"))
    _relink(engine, head_too=head_too)
    result = _verify(engine)
    assert not result.ok
    assert result.reason == ("head_forged" if head_too else "changed")


def test_reordering_entries_and_relinking_is_found(engine: Engine) -> None:
    _write(engine, 5)
    two, three = _rows(engine)[1:3]
    with engine.begin() as conn:
        conn.execute(ENTRIES.update().where(ENTRIES.c.id == 2).values({c: getattr(three, c) for c in CONTENT}))
        conn.execute(ENTRIES.update().where(ENTRIES.c.id == 3).values({c: getattr(two, c) for c in CONTENT}))
    _relink(engine)
    assert not _verify(engine).ok


def test_a_copied_entry_placed_as_the_last_append_is_found(engine: Engine) -> None:
    """A copy keeps a valid MAC; placed after the signed head and dressed as the last append, only the
    repeated MAC (every MAC covers a fresh nonce) shows it."""
    _write(engine, 3)
    rows = _rows(engine)
    with engine.begin() as conn:
        new = link(rows[-1].hash, rows[0].mac)
        conn.execute(ENTRIES.insert().values({**{c: getattr(rows[0], c) for c in CONTENT},
                                              "prev_hash": rows[-1].hash, "hash": new}))
        conn.execute(text("UPDATE audit_heads SET base_id = last_id, last_id = 4, last_hash = :h "
                          "WHERE chain = 'main:tip'"), {"h": new})
    result = _verify(engine)
    assert (result.ok, result.reason, result.bad_id) == (False, "duplicated", 4)


def test_only_the_last_append_may_wait_for_its_signature(engine: Engine) -> None:
    _write(engine, 4)
    _resign_head_at(engine, 3)
    result = _verify(engine)
    assert (result.ok, result.head_id, result.unsigned) == (True, 3, 1)
    _resign_head_at(engine, 2)
    result = _verify(engine)
    assert (result.ok, result.reason, result.bad_id) == (False, "unsigned_tail", 4)
    _write(engine, 1, start=4)  # the next write signs past the lost signatures
    if engine.dialect.name == "postgresql":
        result = _verify(engine)
        assert (result.ok, result.head_id, result.unsigned) == (True, 5, 0)


def test_the_key_never_reaches_the_database(engine: Engine) -> None:
    """Neither the key nor anything derived from it but a MAC (its HMAC pads: whoever holds them can sign) is
    in any statement or parameter the service sends while it writes and signs."""
    key = audit_chain.keys()[0][1]
    block = key.ljust(64, b"\0")
    secrets = {key.hex(), key.decode(errors="replace"), bytes(b ^ 0x36 for b in block).hex(),
               bytes(b ^ 0x5C for b in block).hex()}
    sent: list[str] = []

    @event.listens_for(engine, "before_cursor_execute")
    def _spy(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        sent.append(f"{statement} {parameters!r}")

    _write(engine, 3)
    event.remove(engine, "before_cursor_execute", _spy)
    assert any("audit_entries" in s for s in sent)
    assert not [s for s in sent if any(secret in s for secret in secrets)]


def test_entries_from_before_0009_verify_by_their_own_rule(engine: Engine) -> None:
    """A chain written by the earlier code (``hmac-sha256``: the MAC over the entry and ``prev_hash``, the head
    signed in the same transaction) keeps verifying, and the linked chain continues from its head."""
    import datetime as dt

    (kid, key) = audit_chain.keys()[0]
    prev, last = GENESIS, 0
    with engine.begin() as conn:
        for i in range(3):
            at = dt.datetime(2026, 11, 1, 8, i, tzinfo=dt.UTC)
            mac = audit_chain.entry_mac(key, at=at, actor="old", action="a", entity="thing", entity_id=str(i),
                                        before=None, after={"i": i}, prev_hash=prev, area_id=None,
                                        county_code=None)
            last = conn.execute(ENTRIES.insert().values(
                at=at, actor="old", action="a", entity="thing", entity_id=str(i), before=None, after={"i": i},
                prev_hash=prev, hash=mac, scheme=f"hmac-sha256:{kid}").returning(ENTRIES.c.id)).scalar_one()
            prev = mac
        conn.execute(AuditHead.__table__.insert().values(
            chain="main", last_id=last, last_hash=prev, mac=audit_chain.head_mac(key, "main", last, prev),
            at=dt.datetime(2026, 11, 1, 9, tzinfo=dt.UTC)))
    assert _verify(engine).ok
    _write(engine, 2)
    rows = _rows(engine)
    assert rows[3].prev_hash == rows[2].hash and rows[3].scheme.startswith("hmac-link:")
    result = _verify(engine)
    assert (result.ok, result.count, result.head_id) == (True, 5, rows[-1].id)
    with engine.begin() as conn:
        conn.execute(text("UPDATE audit_entries SET actor = 'forged' WHERE id = :i"), {"i": rows[1].id})
    assert (_verify(engine).reason, _verify(engine).bad_id) == ("changed", rows[1].id)


def test_the_service_refuses_to_sign_over_a_relinked_chain(engine: Engine, caplog: pytest.LogCaptureFixture
                                                           ) -> None:
    """PostgreSQL signs after the commit, after checking the entries since the last signed head: once an
    admin has relinked the chain, no later write gets a signature over it."""
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite signs the head inside the append's transaction")
    _write(engine, 4)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_entries WHERE id = 2"))
    _relink(engine)
    _write(engine, 1, start=4)
    assert "not signing" in caplog.text
    with transaction(engine) as s:
        head = s.get(AuditHead, "main")
        assert head is not None and head.last_id == 4
    assert not _verify(engine).ok
    assert audit_append.sign_through(engine, 5) is False


def test_a_vanished_tip_fails_the_write_rather_than_committing_it_without_entries(engine: Engine) -> None:
    """On PostgreSQL the append and the COMMIT go out together once the process has seen the tip; if the tip
    is gone by then (deleted by hand), the whole transaction rolls back. Either way, no change is committed
    without its audit entries."""
    _write(engine, 2)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_heads WHERE chain = 'main:tip'"))
        conn.execute(text("CREATE TABLE IF NOT EXISTS probe (n int)"))
    try:
        with transaction(engine) as s:
            s.execute(text("INSERT INTO probe VALUES (1)"))
            audit.record(s, "x", "thing.change", "thing", 9, None, {"n": 9})
    except Exception:  # the PostgreSQL path refuses (division by zero in the guard); SQLite recreates the tip
        pass
    with engine.begin() as conn:
        probes = conn.scalar(text("SELECT count(*) FROM probe"))
        entries = conn.scalar(text("SELECT count(*) FROM audit_entries WHERE entity_id = '9'"))
        conn.execute(text("DROP TABLE probe"))
    assert (probes, entries) == ((0, 0) if engine.dialect.name == "postgresql" else (1, 1))


def test_a_savepoint_released_mid_transaction_signs_nothing_until_the_commit(engine: Engine,
                                                                              caplog: pytest.LogCaptureFixture
                                                                              ) -> None:
    """Releasing a savepoint runs the commit hooks (the staged entries are appended there), but nothing is
    committed yet: the head is signed at the outer commit, and no signature is attempted before it."""
    _write(engine, 1)
    with transaction(engine) as s:
        with s.begin_nested():
            audit.record(s, "x", "thing.change", "thing", 7, None, {"n": 7})
        audit.record(s, "x", "thing.change", "thing", 8, None, {"n": 8})
    assert "not signing" not in caplog.text and "failed" not in caplog.text
    result = _verify(engine)
    assert (result.ok, result.count, result.unsigned) == (True, 3, 0)
