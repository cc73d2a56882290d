"""``anju ask``: one message per process, the conversation kept in the database under ANJU_DATA_DIR."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def _data_dir(tmp_path: Path) -> Path:
    """A fresh data directory: ``anju ask`` creates and migrates its database on first use."""
    return tmp_path / "anju-data"


def _ask(data: Path, *args: str, code: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ANJU_DATA_DIR": str(data), "PYTHONIOENCODING": "utf-8"}
    env.pop("ANJU_DATABASE_URL", None)
    script = code or "import sys; from bot.cli import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.run([sys.executable, "-c", script, "ask", *args], env=env, capture_output=True,
                          text=True, timeout=120, check=False)


def test_two_processes_continue_one_conversation(tmp_path: Path) -> None:
    data = _data_dir(tmp_path)
    first = _ask(data, "--from", "alice", "语言")
    assert first.returncode == 0, first.stderr
    assert "[3] English" in first.stdout
    second = _ask(data, "--from", "alice", "3")
    assert second.returncode == 0, second.stderr
    assert "in English" in second.stdout
    other = _ask(data, "--from", "bob", "3")       # another sender has no language menu open
    assert "in English" not in other.stdout


def test_county_and_language_presets_and_blank_lines_between_replies(tmp_path: Path) -> None:
    data = _data_dir(tmp_path)
    result = _ask(data, "--county", "140621", "--lang", "ko", "--from", "kim", "--channel", "terminal", "0")
    assert result.returncode == 0, result.stderr
    assert "번호로 선택해 주세요" in result.stdout
    result = _ask(data, "--county", "鹤岗", "--from", "lee", "语言")
    assert result.returncode == 0
    result = _ask(data, "--from", "lee", "1")
    blocks = result.stdout.strip().split("\n\n")
    assert len(blocks) == 1 and "中文" in blocks[0]


def test_sms_channel_renders_numbered_replies(tmp_path: Path) -> None:
    data = _data_dir(tmp_path)
    result = _ask(data, "--channel", "sms", "--from", "13800000000", "语言")
    assert result.returncode == 0, result.stderr
    assert "回复1 中文" in result.stdout


def test_unknown_county_is_a_clear_error(tmp_path: Path) -> None:
    result = _ask(_data_dir(tmp_path), "--county", "火星县", "hi")
    assert result.returncode == 2
    assert "火星县" in result.stderr and "Traceback" not in result.stderr


def test_the_web_stack_is_not_imported(tmp_path: Path) -> None:
    heavy = ("fastapi", "uvicorn", "telegram", "starlette", "apscheduler")
    code = ("import sys; from bot.cli import main; main(sys.argv[1:]); "
            f"print('LOADED', [m for m in {heavy!r} if m in sys.modules])")
    result = _ask(_data_dir(tmp_path), "你好", code=code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("LOADED []")
