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
                            r"不想留电话|不要留电话|不留联系方式|不用联系|不用答复|不用回复|(?:别|不|不想|不要)让.{0,6}知道|"
                            r"이름 없이|이름(?:을)? 안|익명|anonymous|without (?:my )?name",
                            re.IGNORECASE)
# "不匿名", "实名", "留名字": the opposite wish, which holds the word 匿名 too.
NAMED_WISH = re.compile(r"不匿名|不用匿名|不要匿名|实名|(?<!不)(?<!不想)(?<!不要)(?<!不愿)(?:留名字|可以留名)|"
                        r"not anonymous", re.IGNORECASE)
# "能匿名不", "可以不写名字吗": asking whether one may, rather than saying one wishes it.
ASKS_MAY = re.compile(r"(?:能|可以|可不可以|能不能|行不行).{0,6}(?:匿名|不写|不留)|"
                      r"(?:匿名|不留名|不写名字).{0,4}(?:吗|么|不|行不|[?？])|"
                      r"(?:能|可以|能不能)(?:不|别)让.{0,6}知道|익명.{0,6}(?:되나요|돼요|가능)|이름.{0,6}(?:돼요|되나요)|"
                      r"can i .{0,20}anonymous", re.IGNORECASE)
# "电话就这个", "就用这个号", "use this number": the phone the message came from.
OWN_PHONE = re.compile(r"(?:电话|号码|手机|号)(?:就|也)?(?:是|用)?(?:这个|这)|就用这个|用这个(?:号|电话|手机)|本机|"
                       r"this (?:number|phone)|use this|my number|이 번호", re.IGNORECASE)
# "举报 村里有人冒领…", "俺是南村的 举报村里有人挪用…", "신고하고 싶어요", "I want to report the builder": a wish to
# report, said with what happened; a question about reporting ("举报电话多少") has no incident in it.
REPORT_WORD = re.compile(r"举报|投诉|告发|告状|检举|反映一下|신고|report|complain", re.IGNORECASE)
REPORT_WISH = re.compile(r"신고(?:하고 싶|할게|할래|합니다|하려고)|(?:i want to|i'd like to|i wish to|let me) "
                         r"(?:report|complain|file a complaint)", re.IGNORECASE)
_ACT_WORDS = re.compile(r"我要|我想|想要|举报|投诉|反映|一下|신고|report", re.IGNORECASE)


@dataclass(frozen=True)
class Cues:
    categories: tuple[tuple[str, re.Pattern[str]], ...]
    subjects: tuple[tuple[str, re.Pattern[str]], ...]


@lru_cache(maxsize=1)
def cues() -> Cues:
    raw = yaml.safe_load((CONTENT_DIR / "nlu" / "complaint_cues.yaml").read_text(encoding="utf-8"))

    def table(key: str) -> tuple[tuple[str, re.Pattern[str]], ...]:
        return tuple((str(item["id"]), re.compile("|".join(f"(?:{cue})" for cue in item["cues"]),
                                                         re.IGNORECASE))
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


def anonymous_wish(text: str) -> bool:
    return ANONYMOUS_WISH.search(text) is not None and NAMED_WISH.search(text) is None


def wants_to_report(text: str) -> bool:
    """A report, not a question about reporting: the wish said outright, or a report word with an incident."""
    if REPORT_WISH.search(text):
        return True
    return REPORT_WORD.search(text) is not None and category_in(text) is not None
