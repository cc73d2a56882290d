"""What a farmer's own message already says about the household ("俺是低保户 房子D级 没享受过危改"), so the
eligibility pre-check starts from it and asks only the rest.

Only plain statements are read; a fact the message does not state is asked as before. Each reading is shown back
to the farmer ("已记下：…"), and "上一步" or a new answer corrects it like any answer.
"""

from __future__ import annotations

import re

from api.screening.rules import Value

# "看看俺能申请不", "能不能办", "够不够条件", "신청할 수 있어요", "can I apply": the wish to be checked.
WISH = re.compile(r"能不能申请|能申请不|能申请吗|可以申请不|可以申请吗|能不能办|能办不|够不够条件|够条件不|符合条件不|"
                  r"符不符合|有没有资格|有资格不|看看.{0,6}(?:能|够|符合|行)|帮.{0,6}看看|能不能评|能评上不|"
                  r"纳入.{0,6}(?:保障|范围|对象)|算不算.{0,6}(?:对象|范围)|能不能享受|能享受不|"
                  r"대상이 되|해당되|받을 수 있|신청해도 되|"
                  r"신청할 수 있|신청 가능|해당(?:되|돼)|자격이? ?(?:되|돼|있)|"
                  r"can (?:i|we|he|she) apply|eligible|qualify",
                  re.IGNORECASE)

# "就这些", "그게 다예요", "that's all": the farmer has told what they know and wants the result now.
DONE = re.compile(r"就这些|就这么多|没别的|别的不知道|就这样吧|그게 다|더 없어요|that'?s all|that is all|nothing else",
                  re.IGNORECASE)

_CATEGORY = (
    (r"低保边缘|边缘户|차상위", "低保边缘家庭"), (r"低保|최저생활|기초생활", "低保户"),
    (r"五保|特困|分散供养|특곤|분산부양|오보", "分散供养特困人员"), (r"残疾|장애", "贫困残疾人家庭"),
    (r"易返贫|致贫", "易返贫致贫户"), (r"脱贫户", "其他脱贫户"), (r"严重困难", "严重困难家庭"),
)
_GRADE = re.compile(r"(?<![A-Za-z])([ABCDabcd])\s*(?:级|급|grade)|grade\s*([ABCDabcd])(?![A-Za-z])", re.IGNORECASE)
_NO_HOUSE = re.compile(r"没房|没有房|无房|房子?塌(?:了|没了)|借住|집이 없")
_NOT_GRADED = re.compile(r"没鉴定|未鉴定|没有鉴定|还没鉴定|감정(?:을)? 안|감정받지")
_NOT_RENOVATED = re.compile(r"(?:没|没有|从没|从来没|未)(?:享受过|改过|改造过|修过|申请过|领过)|처음|"
                            r"개조(?:를)? 받은 적(?:이)? 없")
_RENOVATED = re.compile(r"(?<![没未])(?:享受过|改造过|改过一回|改过)(?:危改|危房|补助)?")
_OTHER_HOUSE = re.compile(r"(?:还有|另有|另外有|别处有)(?:一处|一套|一个)?.{0,4}(?:房|院子|住处)")
_ONLY_HOUSE = re.compile(r"就这一处|只有这一|只这一|唯一的?(?:房|住)|하나(?:밖에|뿐)")
_URBAN_HOUSE = re.compile(r"(?:县城|城里|市里|镇上)(?:有|买了?|买过)(?:楼|房|一套)")
_CAR = re.compile(r"(?:有|买了?)(?:一?辆)?(?:小车|轿车|小汽车|汽车)")


# The yes/no facts, each with its readings in order: the first that the message holds is its answer.
_STATEMENTS: tuple[tuple[str, tuple[tuple[re.Pattern[str], bool], ...]], ...] = (
    ("previously_renovated", ((_NOT_RENOVATED, False), (_RENOVATED, True))),
    ("other_safe_house", ((_OTHER_HOUSE, True), (_ONLY_HOUSE, False))),
    ("bought_urban_house", ((_URBAN_HOUSE, True),)),
    ("owns_vehicle", ((_CAR, True),)),
)


def facts_in(text: str) -> dict[str, Value]:
    """The household facts ``text`` states, by the pre-check's fact names."""
    found: dict[str, Value] = {}
    category = next((value for pattern, value in _CATEGORY if re.search(pattern, text)), None)
    if category:
        found["category"] = category
    grade = _GRADE.search(text)
    if grade:
        found["house_grade"] = (grade.group(1) or grade.group(2)).upper()
    elif _NO_HOUSE.search(text):
        found["house_grade"] = "no_house"
    elif _NOT_GRADED.search(text):
        found["house_grade"] = "unknown"
    for fact, readings in _STATEMENTS:
        value = next((value for pattern, value in readings if pattern.search(text)), None)
        if value is not None:
            found[fact] = value
    return found


# Another question in the same message ("…能申请不 申请了公示几天") is answered first, by the FAQ.
_OTHER_QUESTION = re.compile(r"几天|多少|多久|哪里|哪儿|谁|什么时候|啥时候|how (?:much|long|many)|며칠|얼마|언제")
ENOUGH = 2   # facts: one ("低保户能申请不") is a question about that category, which the FAQ answers


def asks_to_be_checked(text: str, heard: dict[str, Value] | None = None) -> bool:
    """A wish to be checked, with at least two things known about the household (told now or earlier in the
    conversation, ``heard``), and no other question asked."""
    known = {**(heard or {}), **facts_in(text)}
    return WISH.search(text) is not None and len(known) >= ENOUGH and _OTHER_QUESTION.search(text) is None
