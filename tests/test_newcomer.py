"""A newcomer's path: the README's commands work as written on a fresh install, a sample CSV imports, a
missing file is a sentence not a traceback, one data directory whatever the working directory, quiet logs."""

from __future__ import annotations

import logging
import re
import shlex
import time
from pathlib import Path

import pytest

from api.settings import Settings, default_data_dir, get_settings
from bot.cli import main

ROOT = Path(__file__).resolve().parent.parent
INTERACTIVE = {"chat"}   # reads the terminal; `anju ask` covers the same engine


def _try_it_commands() -> list[list[str]]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("## Try it", 1)[1].split("```bash", 1)[1].split("```", 1)[0]
    commands = []
    for line in block.splitlines():
        line = re.sub(r"\s+#\s.*$", "", line).strip()
        if line.startswith("anju "):
            commands.append(shlex.split(line)[1:])
    return commands


def test_the_readme_try_it_commands_work_in_order_on_a_fresh_install(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(ROOT)
    commands = _try_it_commands()
    assert any(c[:2] == ["user", "contact"] for c in commands) and any(c[:2] == ["areas", "import"] for c in commands)
    for argv in commands:
        if argv[0] in INTERACTIVE:
            continue
        assert main(argv) == 0, f"anju {' '.join(argv)}: {capsys.readouterr()}"
    out = capsys.readouterr().out
    assert "villages added" in out and "user 1 管理员" in out


def test_the_readme_links_no_file_the_project_lacks() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in re.findall(r"`([\w./-]+\.(?:md|csv|yaml|py))`", readme):
        if "/" in name or name.endswith(".md"):
            assert (ROOT / name).exists() or any(ROOT.rglob(name)), name


def test_a_missing_file_is_a_clear_message(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["areas", "import", str(tmp_path / "villages.csv")]) == 2
    err = capsys.readouterr().err
    assert "No such file" in err and "villages.csv" in err and "Traceback" not in err


def test_the_default_data_directory_does_not_follow_the_working_directory(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("ANJU_DATA_DIR", raising=False)
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    seen = set()
    for where in ("a", "b"):
        (tmp_path / where).mkdir()
        monkeypatch.chdir(tmp_path / where)
        seen.add(Settings(_env_file=None).data_dir.resolve())  # type: ignore[call-arg]
    assert len(seen) == 1
    assert seen == {default_data_dir().resolve()}
    assert str(tmp_path / "home") in str(default_data_dir())
    monkeypatch.setenv("ANJU_DATA_DIR", str(tmp_path / "mine"))
    assert Settings(_env_file=None).data_dir == tmp_path / "mine"  # type: ignore[call-arg]


def test_the_scheduler_does_not_log_every_run(monkeypatch: pytest.MonkeyPatch,
                                              caplog: pytest.LogCaptureFixture) -> None:
    from apscheduler.schedulers.background import BackgroundScheduler

    from bot.cli.serve import configure_logging

    configure_logging()
    ran = []
    scheduler = BackgroundScheduler()
    scheduler.add_job(lambda: ran.append(1), "interval", seconds=0.05)
    with caplog.at_level(logging.INFO):
        scheduler.start()
        deadline = time.monotonic() + 5
        while len(ran) < 3 and time.monotonic() < deadline:
            time.sleep(0.02)
        scheduler.shutdown()
    assert len(ran) >= 3
    assert [r for r in caplog.records if r.name.startswith("apscheduler") and r.levelno < logging.WARNING] == []
    get_settings.cache_clear()


def test_a_first_start_says_once_that_it_migrated(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """A newcomer's first screen should be the addresses, not a page of alembic's plugin set-up."""
    from sqlalchemy import create_engine

    from api.db import upgrade
    from bot.cli.serve import configure_logging

    configure_logging()
    engine = create_engine(f"sqlite:///{tmp_path / 'first.db'}")
    with caplog.at_level(logging.INFO):
        upgrade(engine)
        upgrade(engine)                      # a ready database: nothing to say
    engine.dispose()
    chatter = [r for r in caplog.records if r.name.startswith("alembic") and r.levelno < logging.WARNING]
    assert chatter == []
    said = [r.getMessage() for r in caplog.records if r.name == "api.db"]
    assert len(said) == 1 and said[0].startswith("database schema migrated from empty to ")
