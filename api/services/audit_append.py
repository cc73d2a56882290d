"""Appending a transaction's staged audit entries to the chain, and signing the chain's head.

The key never reaches the database, and the chain's head is held for one statement (docs/AUDIT.md):

1. Before the head is taken, the service gives each entry its time, a random nonce and its keyed MAC
   (``audit_chain.linked_mac``).
2. On PostgreSQL one statement takes the tip row (``main:tip``) FOR UPDATE, links the entries with keyless
   SHA-256 over the previous link and each MAC, inserts them and moves the tip; the COMMIT follows. On SQLite,
   whose one write lock is held to COMMIT whatever we do, the same runs in Python and the head is signed in the
   same transaction.
3. After the commit (PostgreSQL), the service reads the entries from the last signed head to its own, checks
   their MACs and links, and signs its own head (``sign_through``); a later writer's signature covers an
   earlier one's entries, so a lost signature (a crash between the commit and it) heals at the next write.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
import weakref

from sqlalchemy import Connection, Engine, and_, bindparam, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from api.db import hold_write_lock
from api.models import AuditEntry, AuditHead
from api.models._types import utcnow
from api.services.audit_chain import (
    COLUMNS,
    GENESIS,
    LINKED,
    MAIN_CHAIN,
    TIP_CHAIN,
    entry_fault,
    head_is_signed,
    head_mac,
    keys,
    link,
    linked_mac,
)

log = logging.getLogger(__name__)

# The one statement that holds the chain's head on PostgreSQL. ``rows`` is a JSON array of the entries, each
# with its MAC already computed; the ids come from the sequence in link order, under the tip's row lock.
APPEND_SQL = """
WITH RECURSIVE
tip AS (SELECT last_id, last_hash FROM audit_heads WHERE chain = :tip FOR UPDATE),
new AS (SELECT * FROM json_to_recordset(CAST(:rows AS json)) AS r(
    i int, at timestamptz, actor text, action text, entity text, entity_id text, before json, after json,
    area_id int, county_code text, scheme text, nonce text, mac text)),
chain (i, prev, hash) AS (
    SELECT 0, NULL::text, last_hash::text FROM tip
    UNION ALL
    SELECT n.i, c.hash, encode(sha256(convert_to(c.hash || n.mac, 'UTF8')), 'hex')
    FROM chain c JOIN new n ON n.i = c.i + 1),
ins AS (
    INSERT INTO audit_entries (at, actor, action, entity, entity_id, before, after, prev_hash, hash, scheme,
                               area_id, county_code, nonce, mac)
    SELECT n.at, n.actor, n.action, n.entity, n.entity_id, n.before, n.after, c.prev, c.hash, n.scheme,
           n.area_id, n.county_code, n.nonce, n.mac
    FROM new n JOIN chain c ON c.i = n.i ORDER BY n.i
    RETURNING id, prev_hash, hash),
moved AS (
    UPDATE audit_heads h
    SET base_id = h.last_id, last_id = (SELECT max(id) FROM ins),
        last_hash = (SELECT hash FROM chain ORDER BY i DESC LIMIT 1), at = now()
    WHERE h.chain = :tip RETURNING 1)
SELECT (SELECT json_agg(json_build_array(id, prev_hash, hash) ORDER BY id) FROM ins) AS made,
       CASE WHEN :guard THEN 1 / (SELECT count(*)::int FROM moved) END AS tip_present
"""
APPEND_PG = text(APPEND_SQL)
# The same for psycopg itself, sent with the COMMIT in one round trip (``_append_and_commit_pg``).
APPEND_RAW = re.sub(r"(?<!:):(\w+)", r"%(\1)s", APPEND_SQL)

# After the commit: the signed head and every entry after it up to the writer's own last one.
SEGMENT = (select(AuditHead.last_id.label("signed_id"), AuditHead.last_hash.label("signed_hash"),
                  AuditHead.mac.label("signed_mac"), *COLUMNS)
           .select_from(AuditHead)
           .outerjoin(AuditEntry, and_(AuditEntry.id > AuditHead.last_id, AuditEntry.id <= bindparam("mine")))
           .where(AuditHead.chain == MAIN_CHAIN).order_by(AuditEntry.id))

# The signature needs no wait for the disk (a crash loses it, and the next write signs past it), so the head
# row is released at once; it only ever moves forward.
SIGN_SQL = """
UPDATE audit_heads SET last_id = :id, last_hash = :hash, mac = :mac, at = :at
WHERE chain = :chain AND last_id < :id AND (SELECT set_config('synchronous_commit', 'off', true)) = 'off'
"""
# Sent with its COMMIT in one round trip, so the row is not held while the thread comes back to commit.
SIGN_RAW = re.sub(r"(?<!:):(\w+)", r"%(\1)s", SIGN_SQL)


def seal_entries(pending: list[AuditEntry]) -> None:
    """Time, nonce, scheme and keyed MAC of each entry: all the key is needed for, done before the head."""
    (kid, key) = keys()[0]
    at, scheme = utcnow(), f"{LINKED}:{kid}"
    for e in pending:
        e.at, e.scheme, e.nonce = at, scheme, secrets.token_hex(16)
        e.mac = linked_mac(key, nonce=e.nonce, at=at, actor=e.actor, action=e.action, entity=e.entity,
                           entity_id=e.entity_id, before=e.before, after=e.after, area_id=e.area_id,
                           county_code=e.county_code)


def append(session: Session, pending: list[AuditEntry], *, commit: bool = False) -> int:
    """Link and write ``pending`` (sealed) at the chain's tip; returns the last entry's id.

    On SQLite the head is signed here; on PostgreSQL the caller signs it after the commit (``sign_through``).
    ``commit`` (PostgreSQL, the session's whole transaction is committing and is flushed): send the COMMIT
    with the append in one round trip, so the tip is released when the database has run them rather than
    when the thread comes back to send COMMIT (on a busy worker that wait was half the tip's held time).
    """
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        params = _params(pending)
        if commit and bind in _TIP_SEEN:
            made = _append_and_commit_pg(session, params)
        else:
            made = session.execute(APPEND_PG, {**params, "guard": False}).scalar()
            if made is None:  # no tip yet: the first append after the upgrade (or into an empty log)
                _ensure_tip(session)
                made = session.execute(APPEND_PG, {**params, "guard": False}).scalar()
            session.info[TIP_SEEN] = bind  # trusted once this transaction commits (``tip_committed``)
        assert made is not None
        for e, (entry_id, prev, hash_) in zip(pending, made, strict=True):
            e.id, e.prev_hash, e.hash = entry_id, prev, hash_
        return pending[-1].id
    return _append_here(session, pending)


def _params(pending: list[AuditEntry]) -> dict[str, object]:
    rows = [{"i": i, "at": e.at.isoformat(), "actor": e.actor, "action": e.action, "entity": e.entity,
             "entity_id": e.entity_id, "before": e.before, "after": e.after, "area_id": e.area_id,
             "county_code": e.county_code, "scheme": e.scheme, "nonce": e.nonce, "mac": e.mac}
            for i, e in enumerate(pending, start=1)]
    return {"tip": TIP_CHAIN, "rows": json.dumps(rows, ensure_ascii=False)}


def _append_and_commit_pg(session: Session, params: dict[str, object]) -> list[list[object]]:
    """The append and the COMMIT in one round trip (psycopg's pipeline mode). The tip is known to exist (this
    process has appended to it); should it have vanished, the statement's guard divides by zero and the whole
    transaction rolls back rather than committing without its entries. SQLAlchemy's own COMMIT then finds the
    connection idle, which psycopg treats as nothing to do."""
    dbapi = session.connection().connection.dbapi_connection
    assert dbapi is not None
    with dbapi.pipeline():  # type: ignore[attr-defined]
        cursor = dbapi.cursor()
        cursor.execute(APPEND_RAW, {**params, "guard": True})
        dbapi.commit()
    row = cursor.fetchone()
    assert row is not None and row[0] is not None
    return row[0]  # type: ignore[no-any-return]


# Engines whose database this process has seen a tip in, in a committed transaction; only those take the
# one-round-trip commit.
_TIP_SEEN: weakref.WeakSet[Engine] = weakref.WeakSet()
TIP_SEEN = "anju.audit.tip_seen"


def tip_committed(session: Session) -> None:
    """After a commit: a tip this transaction read (or created) now exists for every later transaction."""
    bind = session.info.pop(TIP_SEEN, None)
    if bind is not None:
        _TIP_SEEN.add(bind)


def _append_here(session: Session, pending: list[AuditEntry]) -> int:
    """The same append in Python, under SQLite's write lock, with the head signed in the same transaction."""
    hold_write_lock(session)  # the write lock first, so the tip read next is the committed one
    query = select(AuditHead.last_id, AuditHead.last_hash).where(AuditHead.chain == TIP_CHAIN).with_for_update()
    tip = session.execute(query).first()
    if tip is None:
        _ensure_tip(session)
        tip = session.execute(query).one()
    prev = tip.last_hash
    for e in pending:
        e.prev_hash, e.hash = prev, link(prev, e.mac or "")
        prev = e.hash
    session.add_all(pending)
    session.flush()
    last = pending[-1].id
    session.execute(update(AuditHead).where(AuditHead.chain == TIP_CHAIN)
                    .values(base_id=tip.last_id, last_id=last, last_hash=prev, at=utcnow()))
    (_, key) = keys()[0]
    session.execute(update(AuditHead).where(AuditHead.chain == MAIN_CHAIN)
                    .values(last_id=last, last_hash=prev, mac=head_mac(key, MAIN_CHAIN, last, prev), at=utcnow()))
    return last


def _ensure_tip(session: Session) -> None:
    """Create the tip (and, for a new log, the signed head) where the chain ends now: at the signed head of a
    chain written before migration 0009, else at the newest (unkeyed) entry, else at the start. Two first
    writers race on the primary key; the loser's INSERT waits and then does nothing."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    head = session.execute(select(AuditHead.last_id, AuditHead.last_hash)
                           .where(AuditHead.chain == MAIN_CHAIN)).first()
    if head is None:
        newest = session.execute(select(AuditEntry.id, AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)
                                 ).first()
        base = (newest.id, newest.hash) if newest else (0, GENESIS)
        (_, key) = keys()[0]
        session.execute(insert(AuditHead).values(
            chain=MAIN_CHAIN, last_id=base[0], last_hash=base[1], mac=head_mac(key, MAIN_CHAIN, *base),
            at=utcnow()).on_conflict_do_nothing())
        head = session.execute(select(AuditHead.last_id, AuditHead.last_hash)
                               .where(AuditHead.chain == MAIN_CHAIN)).one()
    session.execute(insert(AuditHead).values(chain=TIP_CHAIN, last_id=head.last_id, last_hash=head.last_hash,
                                             mac="", at=utcnow(), base_id=head.last_id).on_conflict_do_nothing())


def sign_through(bind: Engine | Connection, last_id: int) -> bool:
    """Sign the chain's head at ``last_id`` (PostgreSQL, after the commit that wrote it), once the entries
    from the last signed head to it check out; nothing to do when a later writer has signed past it.

    Refusing to sign what does not check out is what keeps the signatures an unbroken attestation: each one
    vouches for the chain from the one before, so relinking entries the service signed earlier cannot be made
    to look signed again. A refusal is logged as an error; ``anju audit verify`` says where the chain broke.
    """
    if isinstance(bind, Engine):
        with bind.connect() as conn:
            return sign_through(conn, last_id)
    conn = bind
    ring = keys()[1]
    with conn.begin():  # commits on leaving; nothing is written when the checks fail
        rows = conn.execute(SEGMENT, {"mine": last_id}).all()
        if not rows:
            log.error("audit chain: the signed head is missing; not signing entry %s", last_id)
            return False
        signed_id, prev = rows[0].signed_id, rows[0].signed_hash
        if signed_id >= last_id:
            return True
        if not head_is_signed(MAIN_CHAIN, signed_id, prev, rows[0].signed_mac):
            log.error("audit chain: the signed head was written without the key; not signing entry %s", last_id)
            return False
        for r in rows:
            fault = entry_fault(r, ring) if r.id is not None else ("deleted", "no entries past the signed head")
            if fault is None and r.prev_hash != prev:
                fault = ("deleted", f"entry {r.id} does not follow the one before it")
            if fault is not None:
                log.error("audit chain: entry %s %s (%s); not signing its head", r.id, fault[0], fault[1])
                return False
            prev = r.hash
        if rows[-1].id != last_id:
            log.error("audit chain: entry %s is missing after the commit that wrote it; not signing", last_id)
            return False
        (_, key) = keys()[0]
        dbapi = conn.connection.dbapi_connection
        assert dbapi is not None
        with dbapi.pipeline():  # type: ignore[attr-defined]
            dbapi.cursor().execute(SIGN_RAW, {"id": last_id, "hash": prev, "at": utcnow(), "chain": MAIN_CHAIN,
                                              "mac": head_mac(key, MAIN_CHAIN, last_id, prev)})
            dbapi.commit()
    return True
