"""How a farmer answers the pre-check's questions: by the option's number, by its label, or in the words they
would say ("低保", "D级", "没鉴定", "不知道"). One reply, one question's value; what a longer message tells about
the household is read by ``screening_cues``.
"""

from __future__ import annotations

import re

from api.screening.questions import QUESTIONS
from api.screening.rules import UNKNOWN, Value
from bot.engine.normalize import token

YES = {"是", "是的", "对", "对的", "有", "嗯", "yes", "y"}
NO = {"否", "不是", "不", "没有", "没", "无", "都没有", "no", "n"}
# The answer to "shall the committee call you?": assent or refusal in the farmer's words, in each language.
AGREE = {"好", "好的", "行", "可以", "要", "要的", "同意", "愿意", "中", "成", "麻烦了", "麻烦你了", "네", "예",
         "좋아요", "그래요", "동의", "동의해요", "ok", "okay", "sure", "yes please", "please do", "agree"}
DECLINE = {"不用", "不用了", "不要", "不要了", "不需要", "不了", "算了吧", "别", "别了", "아니요", "아뇨", "괜찮아요",
           "필요 없어요", "no thanks", "no need", "not now", "don't"}
UNSURE = {"不知道", "不清楚", "不晓得", "不确定", "说不清", "不懂"}
# Words a farmer may type instead of a number for the category question, longest first.
CATEGORY_WORDS = (
    ("低保边缘", "低保边缘家庭"), ("边缘", "低保边缘家庭"), ("低保", "低保户"),
    ("五保", "分散供养特困人员"), ("特困", "分散供养特困人员"), ("残疾", "贫困残疾人家庭"),
    ("易返贫", "易返贫致贫户"), ("致贫", "易返贫致贫户"), ("脱贫", "其他脱贫户"),
    ("严重困难", "严重困难家庭"), ("因病", "严重困难家庭"), ("因灾", "严重困难家庭"), ("都不是", "none"),
)
NO_HOUSE_WORDS = ("没房", "没有房", "无房", "倒塌", "塌了", "借住")
NOT_GRADED_WORDS = ("没鉴定", "未鉴定", "没有鉴定", "还没")


def parse_choice(key: str, text: str) -> Value | None:
    """The value a reply chooses for question ``key``: its number, or the words a farmer would type."""
    question = QUESTIONS[key]
    text = token(text)
    if text.isdigit() and 1 <= int(text) <= len(question.choices):
        return question.choices[int(text) - 1][0]
    for value, label in question.choices:
        if text in (label, str(value)):
            return value
    if text in UNSURE:
        return UNKNOWN
    if key == "category":
        return next((value for word, value in CATEGORY_WORDS if word in text), "none" if text in NO else None)
    if key == "house_grade":
        grade = re.fullmatch(r"([ABCDabcd])\s*级?", text)
        if grade:
            return grade.group(1).upper()
        if any(w in text for w in NO_HOUSE_WORDS):
            return "no_house"
        return UNKNOWN if any(w in text for w in NOT_GRADED_WORDS) else None
    if text in YES:
        return True
    return False if text in NO else None
