"""FAQ retrieval latency, in process with all content loaded: ``python bench/nlu_latency.py [--rounds 5]``.

Measures, per question, ``retriever().search`` (normalise, scope, segment, synonyms, BM25 fields, fuzzy,
homophone repair) and one whole FAQ turn through the engine (``handle`` with a county set), over the labelled
set, the development questions and every FAQ phrasing. Also how long building the retriever takes in a fresh
process, with the on-disk cache warm and cold. Target: p99 ≤ 10 ms per question.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BUILD = ("import time; t = time.perf_counter(); from bot.nlu.retriever import retriever; retriever(); "
         "print(time.perf_counter() - t)")


def _questions() -> list[tuple[str, str | None]]:
    from bot.faq.loader import load_faq
    from bot.nlu.evaluate import load_items
    from tests.nlu_dev_questions import DEV

    found: list[tuple[str, str | None]] = []
    labelled = ROOT / "tests" / "data" / "questions.yaml"
    if labelled.exists():
        found += [(item.q, item.county) for item in load_items(labelled)]
    found += [(q, "140621") for q, _ in DEV]
    found += [(q, "140621") for entry in load_faq().values() for q in entry.questions]
    return found


def _percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)

    def at(p: float) -> float:
        return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000

    return (f"n={len(ordered)}  p50 {at(0.50):.2f} ms  p90 {at(0.90):.2f} ms  p99 {at(0.99):.2f} ms  "
            f"max {ordered[-1] * 1000:.1f} ms  mean {statistics.fmean(ordered) * 1000:.2f} ms")


def _build_seconds(cache: str | None) -> float:
    env = dict(os.environ)
    if cache:
        env["ANJU_CACHE_DIR"] = cache
    out = subprocess.run([sys.executable, "-c", BUILD], env=env, cwd=ROOT, capture_output=True, text=True,
                         check=True)
    return float(out.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="passes over all questions (default 5)")
    args = parser.parse_args()

    from bot.dialog.engine import handle
    from bot.engine.types import ConversationState, Inbound
    from bot.nlu.retriever import retriever

    started = time.perf_counter()
    index = retriever()
    print(f"retriever built in this process: {(time.perf_counter() - started) * 1000:.0f} ms")
    questions = _questions()
    index.search("热身")  # first call pays for jieba's lazy start; a server does this at start-up
    handle(ConversationState(county="140621"), Inbound("sms", "1", "热身"), now=dt.datetime.now(dt.UTC))
    search: list[float] = []
    search_cpu: list[float] = []
    turns: list[float] = []
    now = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)
    for _ in range(args.rounds):
        for text, county in questions:
            t, c = time.perf_counter(), time.process_time()
            index.search(text)
            search.append(time.perf_counter() - t)
            search_cpu.append(time.process_time() - c)
            state = ConversationState(county=county or "140621")
            t = time.perf_counter()
            handle(state, Inbound("sms", "13800000000", text), now=now)
            turns.append(time.perf_counter() - t)
    print(f"retriever.search        {_percentiles(search)}")
    print(f"  same, CPU time only   {_percentiles(search_cpu)}")
    load = os.getloadavg()[0]
    print(f"  load average {load:.1f} on {os.cpu_count()} CPUs (wall time includes waiting for a CPU)")
    print(f"FAQ turn through handle {_percentiles(turns)}")
    warm = statistics.median(_build_seconds(None) for _ in range(3))
    with tempfile.TemporaryDirectory() as empty:
        cold = _build_seconds(empty)
    print(f"fresh process, build retriever: cache warm {warm * 1000:.0f} ms (median of 3), "
          f"cold {cold * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
