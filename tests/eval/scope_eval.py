"""The scope decision on a blind set: how often off-topic messages and other places are handed off, and how often
a real policy question is wrongly handed off (a false positive), as a farmer meets it.

    python tests/eval/scope_eval.py tests/data/blind/A.yaml [more sets …] [--list]

Runs each single message (or every turn of each conversation) through the same path as dialog_eval.py and
records whether the FAQ flow's hand-off ("not ours", "not a place we serve") answered it. Per set it prints the
recall of the three hand-off kinds (off_topic, other_county, no_answer_in_doc passing) and the false positives:
``fact`` items (and, in conversation sets, turns that fail) answered with a hand-off. ``--list`` prints them.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any

import time_machine
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

import dialog_eval


def _patch() -> list[tuple[str, str | None]]:
    """Record every hand-off the FAQ flow makes: (topic, place)."""
    from bot.flows.faq import FaqFlow

    seen: list[tuple[str, str | None]] = []
    original = FaqFlow._out_of_scope

    def spy(self: FaqFlow, turn: Any, result: Any, county: str | None) -> Any:
        seen.append((str(result.topic), result.place))
        return original(self, turn, result, county)

    FaqFlow._out_of_scope = spy  # type: ignore[method-assign]
    return seen


def measure(path: Path, engine: Any, seen: list[tuple[str, str | None]], show: bool) -> None:
    items = yaml.safe_load(path.read_text(encoding="utf-8"))
    counts: dict[str, list[int]] = {}
    false_positives: list[str] = []

    def tally(key: str, ok: bool) -> None:
        counts.setdefault(key, [0, 0])
        counts[key][0] += ok
        counts[key][1] += 1

    for item in items:
        channel = "telegram" if item.get("channel") == "telegram" else "sms"
        talk = dialog_eval.Talk(engine, channel, str(next(dialog_eval._phones)), item.get("county"))
        turns = item.get("turns") or [{"say": item["q"], "expect": item.get("expect"), "forbid": item.get("forbid")}]
        for turn in turns:
            del seen[:]
            said = talk.say(str(turn["say"]))
            handed = seen[-1] if seen else None
            ok = not dialog_eval._check(said.text, turn)
            kind = item.get("kind") or f"turn {item.get('class')}"
            if kind in ("off_topic", "other_county", "no_answer_in_doc"):
                tally(kind, ok)
                if show and not ok:
                    print(f"  miss {item['id']} [{kind}] {turn['say']} -> {handed} {said.text[:80]!r}")
            if handed and (kind == "fact" or ("turns" in item and not ok)):
                false_positives.append(f"{item['id']} [{kind}] {turn['say']} -> {handed}")
            if kind == "fact" or "turns" in item:
                tally("fact" if kind == "fact" else "turns", True)
    summary = ", ".join(f"{k} {v[0]}/{v[1]}" for k, v in sorted(counts.items()) if k not in ("fact", "turns"))
    checked = counts.get("fact", counts.get("turns", [0, 0]))[1]
    print(f"{path.stem}: {summary}; false positives {len(false_positives)}/{checked}")
    if show:
        print("\n".join(f"  FP {line}" for line in false_positives))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sets", type=Path, nargs="+")
    parser.add_argument("--list", action="store_true", help="print the misses and false positives")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, time_machine.travel(dialog_eval.NOW, tick=False):
        import os

        os.environ["ANJU_DATA_DIR"] = tmp
        seen = _patch()
        for number, path in enumerate(args.sets):
            engine = dialog_eval.build_world(f"sqlite:///{tmp}/eval{number}.db")
            measure(path, engine, seen, args.list)


if __name__ == "__main__":
    main()
