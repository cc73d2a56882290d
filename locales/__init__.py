"""gettext catalogues (zh_Hans, ko, en), managed with Babel."""
from pathlib import Path

LOCALES_DIR = Path(__file__).resolve().parent
