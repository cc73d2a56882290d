"""``anju audit verify``: recompute the audit log's hash chain; exit 1 at the first bad entry."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    audit = subparsers.add_parser("audit", help="the audit log")
    audit_sub = audit.add_subparsers(dest="audit_command", required=True)
    verify = audit_sub.add_parser("verify", help="check that no entry was changed, deleted or reordered")
    verify.set_defaults(func=_verify)


def _verify(_args: argparse.Namespace) -> int:
    from api.db import get_engine, transaction
    from api.services.audit import verify

    with transaction(get_engine()) as session:
        result = verify(session)
    if result.ok:
        print(f"audit log intact: {result.count} entries")
        return 0
    print(f"audit log BROKEN at entry {result.bad_id} ({result.reason}): {result.detail}; "
          f"{result.count} entries before it are intact")
    return 1
