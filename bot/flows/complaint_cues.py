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
# "能不写名字不", "不用留名", "怕被报复", "이름은 빼 주세요", "keep my name out of it": the wish not to be named or
# contacted, however it is put — fear of retaliation says it too.
ANONYMOUS_WISH = re.compile(
    r"匿名|保密|(?:不|别|甭|不用|不必|不要|不想|不愿|无需|不需要)(?:意)?(?:留|写|填|登记|透露|公开|说出?|暴露)"
    r"(?:我的?|俺的?|咱的?|真实)?(?:名|姓名|名字|真名|身份|电话|手机|号码|联系方式)|"
    r"(?:名字|姓名|真名|电话|号码)(?:就|也)?(?:别|不|不用|不要|甭)(?:留|写|填|说|提|公开)|"
    r"不想让人知道|别让人知道|不用联系|不用答复|不用回复|(?:别|不|不想|不要|不能)让.{0,6}知道|"
    r"(?:怕|担心|害怕|恐怕).{0,4}(?:报复|打击报复|穿小鞋|得罪人|被整|被人知道|知道是我|知道是俺)|"
    r"이름 없이|이름(?:을|은)? ?(?:안|빼|밝히지|말하지|쓰지|남기지)|익명|비밀로|모르게|신원.{0,6}(?:밝히지|비밀)|"
    r"보복.{0,6}(?:두려|무서|걱정)|"
    r"anonym|without (?:my |a )?name|(?:don't|do not|dont) (?:use|give|put|want|share|record|take|keep) "
    r"(?:my|them to know|anyone to know|people to know)|keep (?:my name|me) out|no name|confidential|"
    r"(?:afraid|scared|fear) of (?:retaliation|revenge|reprisal)|(?:don't|do not) tell (?:anyone|them)",
    re.IGNORECASE)
# "不匿名", "实名", "留名字", "可以留名 王大山", "my name is …": the opposite wish, which may hold the word 匿名 too.
NAMED_WISH = re.compile(r"不匿名|不用匿名|不要匿名|实名|署名|"
                        r"(?<!不)(?<!别)(?<!甭)(?<!不想)(?<!不要)(?<!不愿)(?<!不用)(?<!不必)(?<!无需)"
                        r"(?:留名字|可以留名|留名|留姓名|写我名字|写上名字|留我的名字)|"
                        r"not anonymous|my name is|use my name|이름은 .{1,6}(?:이에요|입니다|예요)|실명",
                        re.IGNORECASE)
# "可以留名 王大山 电话…", "俺叫王大山", "my name is Wang Dashan": the name the farmer signs with.
SIGNED_NAME = re.compile(r"(?:我叫|俺叫|名字(?:是|叫)|姓名(?:是|叫)?[:：]?|留名[:：]?|署名[:：]?|实名[:：]?)\s*"
                         r"(?P<zh>[\u4e00-\u9fff]{2,4}?)(?=[\s,，。电手号]|$)|"
                         r"my name is (?P<en>[A-Za-z]+(?: [A-Za-z]+)?)|"
                         r"(?:제 )?이름은 (?P<ko>[\uac00-\ud7a3\u4e00-\u9fff]{2,4}?)(?:이에요|입니다|예요)",
                         re.IGNORECASE)
_NOT_A_NAME = re.compile(r"确认|确定|提交|可以|就行|没问题|电话|手机|号码|联系|就这|吧|了|^(?:is|not|the)$",
                         re.IGNORECASE)
# "能匿名不", "可以不写名字吗": asking whether one may, rather than saying one wishes it.
ASKS_MAY = re.compile(r"(?:能|可以|可不可以|能不能|行不行).{0,6}(?:匿名|不写|不留)|"
                      r"(?:匿名|不留名|不写名字).{0,4}(?:吗|么|不|行不|[?？])|"
                      r"(?:能|可以|能不能)(?:不|别)让.{0,6}知道|익명.{0,6}(?:되나요|돼요|가능)|이름.{0,6}(?:돼요|되나요)|"
                      r"can i .{0,20}anonymous|"
                      # the fear: "会不会被报复", "他们会知道是我吗", "보복당하지 않나요", "will they find out"
                      r"(?:会不会|会|怕不怕).{0,4}(?:被)?(?:报复|打击报复|穿小鞋|知道是我|知道是俺)|"
                      r"知道是(?:我|俺).{0,6}(?:吗|么|不|[?？])|보복.{0,8}(?:않|없|까요|나요|[?？])|"
                      r"(?:retaliat|revenge|find out it was me|know it was me|know who reported)", re.IGNORECASE)
# "电话就这个", "就用这个号", "use this number": the phone the message came from.
OWN_PHONE = re.compile(r"(?:电话|号码|手机|号)(?:就|也)?(?:是|用)?(?:这个|这)|就用这个|用这个(?:号|电话|手机)|本机|"
                       r"this (?:number|phone)|use this|my number|이 번호", re.IGNORECASE)
# "俺电话139…", "联系我 139…", "my number is …": a phone in a longer message that is the farmer's own, not the
# number of someone the story is about ("村主任的电话是138…").
OWN_CONTACT = re.compile(r"(?:我|俺|咱|本人)(?:的)?(?:电话|手机|号码|联系方式)|联系(?:我|俺)|"
                         r"(?:打|回)(?:我|俺)?(?:这个)?电话|"
                         r"找(?:我|俺)|(?:我|俺)(?:电话|手机)|^(?:电话|手机|号码)|留名|留个?电话|我叫|俺叫|"
                         r"my (?:phone|number|mobile|cell)|call me|reach me|contact me|제 (?:번호|전화|연락처)|"
                         r"연락(?:은|주세요|해 주세요)|전화번호는", re.IGNORECASE)
# "举报 村里有人冒领…", "俺是南村的 举报村里有人挪用…", "신고하고 싶어요", "I want to report the builder": a wish to
# report, said with what happened; a question about reporting ("举报电话多少") has no incident in it.
REPORT_WORD = re.compile(r"举报|投诉|告发|告状|检举|反映一下|揭发|신고|제보|report|complain", re.IGNORECASE)
REPORT_WISH = re.compile(r"(?:我|俺|咱)?(?:要|想|想要|得)(?:实名|匿名)?(?:举报|投诉|检举|揭发|告发)|"
                         r"신고(?:하고 싶|할게|할래|합니다|하려고|하겠)|제보(?:하고 싶|할게|합니다)|"
                         r"(?:i want to|i wanna|i'd like to|i would like to|i wish to|let me|i need to|i have to) "
                         r"(?:make a |file a )?(?:report|complain|complaint)|i(?:'m| am) reporting", re.IGNORECASE)
# A report word at the head of the message, then the incident: "举报 东村干部让俺先交钱", "신고: …", "report: …".
REPORT_HEAD = re.compile(r"^(?:我|俺|咱)?(?:要|想)?(?:举报|投诉|检举|揭发|告发|신고|제보|report|complaint)"
                         r"(?:합니다|해요|할게요)?[\s:：,，。]", re.IGNORECASE)
_ACT_WORDS = re.compile(r"我要|我想|想要|举报|投诉|反映|一下|신고하고 싶어요|신고|제보|i want to|i'd like to|report|"
                        r"something|complaint", re.IGNORECASE)


# A phone number and the words that hand it over ("俺叫李四 电话138…"): how to be reached, not what happened.
_CONTACT_ONLY = re.compile(r"\+?\d[\d\s-]{6,}\d|(?:我|俺)?(?:叫|的)?(?:电话|手机|号码)(?:是|号)?|"
                           r"my (?:phone|number)(?: is)?",
                           re.IGNORECASE)


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
    rest = _ACT_WORDS.sub("", _CONTACT_ONLY.sub("", text)).strip(" ：:，,。.!！")
    return text.strip() if len(rest) >= MIN_ACCOUNT else None


def anonymous_wish(text: str) -> bool:
    return ANONYMOUS_WISH.search(text) is not None and NAMED_WISH.search(text) is None


def signed_name(text: str) -> str | None:
    """The name the farmer signs with, when the message says it ("可以留名 王大山", "my name is Li")."""
    found = SIGNED_NAME.search(text) if not anonymous_wish(text) else None
    name = next((value for value in found.groups() if value), None) if found else None
    return None if name is None or _NOT_A_NAME.search(name) else name


def wants_to_report(text: str) -> bool:
    """A report, not a question about reporting: the wish said outright, a report word with an incident, or the
    word at the head of a message that goes on to tell what happened."""
    if REPORT_WISH.search(text):
        return True
    if REPORT_WORD.search(text) is None:
        return False
    return category_in(text) is not None or (REPORT_HEAD.search(text) is not None and account_in(text) is not None)
