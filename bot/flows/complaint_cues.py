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
# "能不写名字不", "不想留电话": the wish not to be named or contacted, however it is put.
ANONYMOUS_WISH = re.compile(r"匿名|不写名字|不留名|不想留名|不留姓名|不写姓名|不想让人知道|别让人知道|不留电话|"
                            r"不想留电话|不要留电话|不留联系方式|不用联系|不用答复|不用回复|이름 없이|익명|anonymous",
                            re.IGNORECASE)
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
