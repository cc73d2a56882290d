"""Wall time of ``anju ask`` from process start to the answer, on a database already prepared.

    python bench/cold_start.py            # median of 5 runs, plus the first run on a new data directory
    python bench/cold_start.py --runs 9

Each run is a new Python process, as a clerk typing ``anju ask …`` would start. The first run creates and
prepares the database (migrations, counties) and is reported apart; the timed runs continue one conversation
(greeting, a question before the county is known, the county, a follow-up, the menu). The floor is an empty
``python -c pass`` on the same machine, also reported.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MESSAGES = ("你好", "补助多少钱", "山阴", "1", "0", "公示几天", "2", "菜单", "语言")
ASK = "import sys; from bot.cli import main; sys.exit(main(sys.argv[1:]))"


def run(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one process; CPU time is the fairer figure on a busy machine."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(args, env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def line(name: str, samples: list[tuple[float, float]]) -> str:
    wall = statistics.median(s[0] for s in samples)
    cpu = statistics.median(s[1] for s in samples)
    return f"{name:22} wall {wall:6.3f} s   cpu {cpu:6.3f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    directory = Path(tempfile.mkdtemp(prefix="anju-cold-"))
    try:
        data = directory / "data"
        env = {**os.environ, "ANJU_DATA_DIR": str(data)}
        env.pop("ANJU_DATABASE_URL", None)
        ask = [sys.executable, "-c", ASK, "ask", "--from", "bench"]
        floor = [run([sys.executable, "-c", "pass"], env) for _ in range(3)]
        first = [run([*ask, "--county", "140621", "你好"], env)]
        times = [run([*ask, MESSAGES[i % len(MESSAGES)]], env) for i in range(args.runs)]
        print(f"load {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs, python {sys.version.split()[0]}")
        print(line("python -c pass", floor))
        print(line("first run (prepare)", first))
        print(line(f"anju ask, median of {args.runs}", times))
        print("runs (wall): " + " ".join(f"{wall:.3f}" for wall, _cpu in times))
    finally:
        shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()
