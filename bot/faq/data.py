"""Reading our YAML content fast: libyaml's C loader when PyYAML has it (10× the pure-Python one)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(path: Path) -> Any:
    """The safe-loaded content of ``path`` (None for an empty file)."""
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)
