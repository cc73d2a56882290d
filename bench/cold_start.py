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


def run(args: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(args, env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def prepare_schema_if_unmigrated(data: Path) -> None:
    """Until the first Alembic migration exists, ``prepare_database`` cannot build a schema: make it here."""
    sys.path.insert(0, str(ROOT))
    from api.db import MIGRATIONS_DIR

    if list((MIGRATIONS_DIR / "versions").glob("*.py")):
        return
    import api.models  # noqa: F401
    from api.db import Base, make_engine

    data.mkdir(parents=True, exist_ok=True)
    engine = make_engine(f"sqlite:///{data / 'anju.db'}")
    Base.metadata.create_all(engine)
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    directory = Path(tempfile.mkdtemp(prefix="anju-cold-"))
    try:
        data = directory / "data"
        prepare_schema_if_unmigrated(data)
        env = {**os.environ, "ANJU_DATA_DIR": str(data)}
        env.pop("ANJU_DATABASE_URL", None)
        ask = [sys.executable, "-c", ASK, "ask", "--from", "bench"]
        floor = statistics.median(run([sys.executable, "-c", "pass"], env) for _ in range(3))
        first = run([*ask, "--county", "140621", "你好"], env)
        times = [run([*ask, MESSAGES[i % len(MESSAGES)]], env) for i in range(args.runs)]
        print(f"load {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs, python {sys.version.split()[0]}")
        print(f"python -c pass      {floor:6.3f} s")
        print(f"first run (prepare) {first:6.3f} s")
        print(f"anju ask, median    {statistics.median(times):6.3f} s   runs: "
              + " ".join(f"{t:.3f}" for t in times))
    finally:
        shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()
