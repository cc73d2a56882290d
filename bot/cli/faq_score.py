"""``anju faq-score [--file tests/data/questions.yaml]``: how well free text finds its FAQ entry."""

from __future__ import annotations

import argparse
from pathlib import Path

from api.domain.errors import ValidationFailed
from bot.nlu.retriever import retriever

DEFAULT_FILE = Path("tests/data/questions.yaml")


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser("faq-score", help="FAQ retrieval accuracy on a labelled question set")
    parser.add_argument("--file", type=Path, default=DEFAULT_FILE,
                        help="YAML list of {q, county, expect} (default: tests/data/questions.yaml)")
    parser.add_argument("--quiet", action="store_true", help="print the figures only, not the misses")
    parser.set_defaults(func=_score)


def _score(args: argparse.Namespace) -> int:
    from bot.nlu.evaluate import format_report, load_items, score  # +50 ms on every `anju` start if above

    if not args.file.exists():
        raise ValidationFailed(f"找不到文件：{args.file} / no such file: {args.file}", field="file")
    report = score(load_items(args.file), retriever())
    if args.quiet:
        report.misses.clear()
    print(format_report(report))
    return 0
