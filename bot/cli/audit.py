"""``anju audit verify`` and ``anju audit seal``: check the keyed audit chain; keep its head outside the database.

``verify`` recomputes every entry's MAC and link, checks the signed head in ``audit_heads``, and, when a sealed
head file exists, that the chain still reaches it; exit 1 at the first problem. ``seal`` writes the current
signed head to a file (default ``$ANJU_DATA_DIR/audit-head.json``): run it from cron, or copy the file off the
machine, so that even someone who can restore an old head row in the database cannot cut the chain back
past the last seal unnoticed.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from api import db as database
from api.db import transaction
from api.models import AuditHead
from api.services.audit import verify
from api.services.audit_chain import MAIN_CHAIN, head_is_signed
from api.settings import get_settings


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    audit = subparsers.add_parser("audit", help="the audit log")
    audit_sub = audit.add_subparsers(dest="audit_command", required=True)
    verify = audit_sub.add_parser("verify", help="check that no entry was changed, deleted, reordered or cut off")
    verify.add_argument("--sealed", type=Path, default=None,
                        help="a head written by `anju audit seal` (default: $ANJU_DATA_DIR/audit-head.json if any)")
    verify.set_defaults(func=_verify)
    seal = audit_sub.add_parser("seal", help="write the signed head of the chain to a file outside the database")
    seal.add_argument("--file", type=Path, default=None, help="default: $ANJU_DATA_DIR/audit-head.json")
    seal.set_defaults(func=_seal)


def _default_file() -> Path:
    return get_settings().data_dir / "audit-head.json"


def _read_sealed(path: Path) -> tuple[int, str] | str:
    """(last id, last hash) of a sealed head whose signature holds, or why it cannot be used."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        chain, last_id, last_hash, mac = data["chain"], int(data["last_id"]), str(data["last_hash"]), data["mac"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return f"cannot read the sealed head {path}: {exc}"
    if not head_is_signed(chain, last_id, last_hash, mac):
        return f"the sealed head {path} is not signed with a configured audit key"
    return last_id, last_hash


def _verify(args: argparse.Namespace) -> int:
    path = args.sealed or _default_file()
    sealed = None
    if args.sealed is not None or path.exists():
        read = _read_sealed(path)
        if isinstance(read, str):
            print(f"audit log NOT VERIFIED: {read}")
            return 1
        sealed = read
    with transaction(database.get_engine()) as session:
        result = verify(session, sealed=sealed)
    if result.ok:
        notes = [f"{result.legacy} of them unkeyed, from before the chain was keyed"] if result.legacy else []
        notes += [f"reaches the head sealed in {path}"] if sealed else []
        if result.head_id is None and result.count:
            notes.append("no signed head yet: cutting off the newest entries would not show")
        print(f"audit log intact: {result.count} entries" + "".join(f"; {n}" for n in notes))
        return 0
    print(f"audit log BROKEN at entry {result.bad_id} ({result.reason}): {result.detail}; "
          f"{result.count} entries before it are intact")
    return 1


def _seal(args: argparse.Namespace) -> int:
    path = args.file or _default_file()
    with transaction(database.get_engine()) as session:
        head = session.get(AuditHead, MAIN_CHAIN)
        if head is None:
            print("nothing to seal: the chain has no signed head yet")
            return 1
        data = {"chain": head.chain, "last_id": head.last_id, "last_hash": head.last_hash, "mac": head.mac,
                "at": head.at.isoformat()}
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    tmp.replace(path)
    print(f"sealed the audit head at entry {data['last_id']} in {path}")
    return 0
