"""Per-message latency of the dialog engine, in process, with all content loaded.

    python bench/engine_latency.py                   # 200 conversations, pure engine and through SQLite
    python bench/engine_latency.py --conversations 500 --no-db

Every conversation plays the same script (greeting, a policy question before the county is known, the
county, a follow-up, the screening's first answers, a language switch, Korean, odd messages). "engine" times
``handle`` alone on in-memory state; "process" times ``store.process`` on a temporary SQLite database: dedup
record, state load, engine, state save, one commit per message. The first conversation warms up (imports,
content, NLU) and is not counted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SCRIPT = (
    "你好", "补助多少钱", "山阴", "1", "公示几天", "0", "2", "1", "2", "菜单", "语言", "3", "how to apply",
    "中文", "연변 보조금 얼마예요", "😀", "", "山" * 5000, "能不能申请", "菜单",
)


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def report(name: str, samples: list[float]) -> None:
    ms = [s * 1000 for s in samples]
    print(f"{name:8} n={len(ms):5}  p50 {percentile(ms, .5):6.2f} ms  p90 {percentile(ms, .9):6.2f} ms  "
          f"p99 {percentile(ms, .99):6.2f} ms  max {max(ms):7.2f} ms  mean {statistics.fmean(ms):6.2f} ms")


def bench_engine(conversations: int) -> list[float]:
    from bot.dialog.engine import handle
    from bot.engine.types import ConversationState, Inbound

    samples: list[float] = []
    now = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)
    for number in range(conversations + 1):
        state = ConversationState()
        for text in SCRIPT:
            now += dt.timedelta(seconds=20)
            started = time.perf_counter()
            state, _replies = handle(state, Inbound("sms", f"1380000{number:04}", text), now=now)
            if number:
                samples.append(time.perf_counter() - started)
    return samples


def bench_process(conversations: int) -> list[float]:
    import api.models  # noqa: F401
    from api.bootstrap import seed_counties
    from api.db import Base, make_engine
    from bot.channels.store import process
    from bot.engine.types import Inbound

    with tempfile.TemporaryDirectory() as directory:
        engine = make_engine(f"sqlite:///{os.path.join(directory, 'bench.db')}")
        Base.metadata.create_all(engine)
        seed_counties(engine)
        samples: list[float] = []
        for number in range(conversations + 1):
            for index, text in enumerate(SCRIPT):
                inbound = Inbound("sms", f"1390000{number:04}", text, message_id=f"{number}-{index}")
                started = time.perf_counter()
                process(engine, inbound)
                if number:
                    samples.append(time.perf_counter() - started)
        engine.dispose()
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--conversations", type=int, default=200)
    parser.add_argument("--no-db", action="store_true", help="time the pure engine only")
    args = parser.parse_args()
    print(f"{len(SCRIPT)} messages per conversation, {args.conversations} conversations, "
          f"python {sys.version.split()[0]}, load {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    report("engine", bench_engine(args.conversations))
    if not args.no_db:
        report("process", bench_process(args.conversations))


if __name__ == "__main__":
    main()
