"""What a complaint's own words already say: its category and who it is about (content/nlu/complaint_cues.yaml).

Farmers rarely pick from a list first; they write "村主任说给他500块钱才给我评上". The complaint flow reads the
category, the subject and the account from such a message and asks only for what is missing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import yaml

from content import CONTENT_DIR

# A description needs at least this many characters besides the words that merely name the act (举报, 投诉).
MIN_ACCOUNT = 10
_ACT_WORDS = re.compile(r"我要|我想|想要|举报|投诉|反映|一下|신고|report", re.IGNORECASE)


@dataclass(frozen=True)
class Cues:
    categories: tuple[tuple[str, re.Pattern[str]], ...]
    subjects: tuple[tuple[str, re.Pattern[str]], ...]


@lru_cache(maxsize=1)
def cues() -> Cues:
    raw = yaml.safe_load((CONTENT_DIR / "nlu" / "complaint_cues.yaml").read_text(encoding="utf-8"))

    def table(key: str) -> tuple[tuple[str, re.Pattern[str]], ...]:
        return tuple((str(item["id"]), re.compile("|".join(f"(?:{cue})" for cue in item["cues"])))
                     for item in raw[key])

    return Cues(categories=table("categories"), subjects=table("subjects"))


def category_in(text: str) -> str | None:
    """The first category whose cues the text holds."""
    return next((key for key, pattern in cues().categories if pattern.search(text)), None)


def subject_in(text: str) -> str | None:
    return next((key for key, pattern in cues().subjects if pattern.search(text)), None)


def account_in(text: str) -> str | None:
    """The text as the complaint's account when it says more than "I want to report"."""
    rest = _ACT_WORDS.sub("", text).strip(" ：:，,。.!！")
    return text.strip() if len(rest) >= MIN_ACCOUNT else None
