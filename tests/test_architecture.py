"""The layers hold: import-linter's contracts in pyproject.toml (docs/ARCHITECTURE.md), checked with the suite."""

from __future__ import annotations

import os
from pathlib import Path

from importlinter.cli import EXIT_STATUS_SUCCESS, lint_imports

ROOT = Path(__file__).resolve().parents[1]


def test_import_contracts_are_kept() -> None:
    here = Path.cwd()
    os.chdir(ROOT)   # lint-imports reads pyproject.toml and finds the packages from the working directory
    try:
        status = lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True, no_logo=True)
    finally:
        os.chdir(here)
    assert status == EXIT_STATUS_SUCCESS, "an import breaks a layer contract: run `lint-imports` to see which"
