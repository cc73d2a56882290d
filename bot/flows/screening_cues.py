"""What a farmer's own message already says about the household ("俺是低保户 房子D级 没享受过危改"), so the
eligibility pre-check starts from it and asks only the rest.

Only plain statements are read; a fact the message does not state is asked as before. Each reading is shown back
to the farmer ("已记下：…"), and "上一步" or a new answer corrects it like any answer.
"""

from __future__ import annotations

import re

from api.screening.rules import Value
from bot.engine import keywords
from bot.nlu.retriever import retriever

# "看看俺能申请不", "能不能办", "够不够条件", "신청할 수 있어요", "can I apply": the wish to be checked.
WISH = re.compile(r"能不能申请|能申请不|能申请吗|可以申请不|可以申请吗|能不能办|能办不|够不够条件|够条件不|符合条件不|"
                  r"符不符合|有没有资格(?!证)|有资格不|看看.{0,6}(?:能|够|符合|行)|帮.{0,6}看看|能不能评|能评上不|"
                  r"纳入.{0,6}(?:保障|范围|对象)|算不算.{0,6}(?:对象|范围)|能不能享受|能享受不|"
                  r"대상이 되|해당되|받을 수 있|신청해도 되|"
                  r"신청할 수 있|신청 가능|해당(?:되|돼)|자격이? ?(?:되|돼|있)|"
                  r"够不够.{0,6}条件|符合.{0,6}条件(?:吗|不)|能不能.{0,4}(?:申请|评上|纳入)|有没有.{0,2}资格(?!证)|"
                  r"can (?:i|we|he|she) apply|eligible|qualif|"
                  r"can (?:i|we|my family|my parents?) get (?:any )?(?:help|support|assistance|aid|a subsidy|subsidy)",
                  re.IGNORECASE)
# "就这些", "그게 다예요", "that's all": the farmer has told what they know and wants the result now.
DONE = keywords.DONE

# What a bare wish to be checked is made of ("帮我查一下我能不能申请危房改造", "check if my family qualifies for
# house repair help", "우리 집 신청 가능한지 봐 주세요"): with these taken out, nothing of substance is left.
_BARE_WISH = re.compile(
    r"帮|给|替|我|俺|咱|家|们|的|查一下|查查|看看|看一下|瞧瞧|一下|问问|想|要|能不能|能|可以|申请|危房改造|危改|危房|"
    r"改造|房子?|够不够|条件|资格|符合|不|吗|呢|啊|吧|初步|到底|够|有没有|纳入|享受|政策|补助|"
    r"\b(?:check|see|find out|if|whether|i|we|my|our|family|household|qualify|qualifies|eligible|eligibility|am|"
    r"are|is|can|could|apply|get|help|for|the|a|an|house|home|repair|repairs|fixing|fix|renovation|renovating|"
    r"subsidy|programme|program|me|us|to|please|do|does|any|support|it|this|with|of|our)\b|"
    r"우리|집|신청|가능한지|가능|봐|주세요|저는?|제가|자격|되나요|돼요|할 수 있|있나요|있어요|확인|해|[\W_\d]",
    re.IGNORECASE)
BARE_LEFT = 2      # characters: what may remain of a bare wish (a particle, a typo)
# "帮俺看看…能不能申请", "给俺爹查查够不够条件", "check whether we qualify": asked to be checked outright, whatever
# else the message tells; "工匠会不会帮着看看" asks no eligibility.
CHECK_ME = re.compile(r"(?:帮|给|替)(?:我|俺|咱|我们|俺们)?.{0,3}(?:看看|看一下|查查|查一下|瞧瞧|算算)|"
                      r"\b(?:check|see|find out) (?:if|whether)\b|봐 ?주세요|확인해 ?주세요|알아봐", re.IGNORECASE)
ELIGIBLE = re.compile(r"能不能申请|能申请|可以申请|能不能办|能办不|够不够|够条件|符合|资格(?!证)|能不能评|能评上|"
                      r"能不能享受|能享受|纳入|算不算|看看.{0,6}(?:能|够|符合|行)|qualif|eligib|"
                      r"can (?:i|we|he|she) apply|can (?:i|we|my family|my parents?) get|"
                      r"신청 가능|신청할 수|신청해도 되|자격|해당|대상이 되|"
                      r"받을 수 있", re.IGNORECASE)


SELF = re.compile(r"我|俺|咱|\b(?:i|we|my|our)\b|(?:^|\s)(?:저는?|제가|우리)", re.IGNORECASE)
# A condition the rules weigh, named in the message ("俺在县城买了楼 还能申请不", "俺是优抚对象", "有两处宅子"): the
# farmer asks about that condition, which the FAQ answers; the pre-check would only ask it back.
CONDITION = re.compile(r"户口|户籍|楼|买房|买了房|宅|两处|另有|别处|优抚|抚恤|老兵|军人|退伍|打工|在外|外地|城里|县城|"
                       r"城镇|车|公司|合作社|财政|公务员|编制|国企|在编|搬迁|移民|改造过|享受过|修过|领过|五年|卖|租|"
                       r"hukou|another house|two houses|car|company|city|town|veteran|renovated before|"
                       r"호적|다른 집|자동차|회사", re.IGNORECASE)


def bare_wish(text: str) -> bool:
    """The message is the wish to be checked and little else: no condition asked about ("老兵能申请不"); about
    one's own household, what else it says is not a condition the rules weigh ("俺家房子裂了 俺能申请不")."""
    if len(_BARE_WISH.sub("", text)) <= BARE_LEFT:
        return True
    return (SELF.search(text) is not None and ELIGIBLE.search(text) is not None and not facts_in(text)
            and CONDITION.search(text) is None)


_CATEGORY = (
    (r"低保边缘|边缘户|차상위|edge of (?:the )?(?:dibao|minimum)", "低保边缘家庭"),
    (r"低保|최저생활|기초생활|dibao|minimum[- ]living", "低保户"),
    (r"五保|特困|分散供养|특곤|분산부양|오보|wubao|five[- ]guarantee|extreme hardship", "分散供养特困人员"),
    (r"残疾|장애|disab", "贫困残疾人家庭"),
    (r"易返贫|致贫|back into poverty", "易返贫致贫户"), (r"脱贫户|lifted out of poverty", "其他脱贫户"),
    (r"严重困难|severe hardship", "严重困难家庭"),
    (r"一般(?:困难)?(?:农)?户|普通(?:农)?户|都不是|ordinary household|none of (?:these|them)", "none"),
)
_GRADE = re.compile(r"(?<![A-Za-z])([ABCDabcd])\s*(?:级|급|grade)|"
                    r"(?:grade|rated|class|level)\s*([ABCDabcd])(?![A-Za-z])", re.IGNORECASE)
_NO_HOUSE = re.compile(r"没房|没有房|无房|房子?塌(?:了|没了)|借住|집이 없|no house of (?:my|our) own|"
                       r"(?:don't|do not) have (?:a|any) house|house (?:has )?collapsed", re.IGNORECASE)
_NOT_GRADED = re.compile(r"没鉴定|未鉴定|没有鉴定|还没鉴定|감정(?:을)? 안|감정받지|"
                         r"not (?:been )?(?:assessed|graded|rated)", re.IGNORECASE)
_NOT_RENOVATED = re.compile(r"(?:没|没有|从没|从来没|未)(?:享受过|改过|改造过|修过|申请过|领过)|처음|"
                            r"개조(?:를)? 받은 적(?:이)? 없|never (?:got|received|had|been given) (?:any )?"
                            r"(?:housing |renovation )?(?:help|support|subsidy|renovation)|never renovated|"
                            r"not renovated before", re.IGNORECASE)
_RENOVATED = re.compile(r"(?<![没未])(?:享受过|改造过|改过一回|改过)(?:危改|危房|补助)?")
_OTHER_HOUSE = re.compile(r"(?:还有|另有|另外有|别处有)(?:一处|一套|一个)?.{0,4}(?:房|院子|住处)|"
                          r"(?:have|own) (?:another|a second) house", re.IGNORECASE)
_ONLY_HOUSE = re.compile(r"就这一处|只有这一|只这一|唯一的?(?:房|住)|没有别的房|没别的房|하나(?:밖에|뿐)|"
                         r"다른 집(?:은|이)? 없|no other (?:house|home)|only (?:this|one) (?:house|home)",
                         re.IGNORECASE)
_URBAN_HOUSE = re.compile(r"(?:县城|城里|市里|镇上)(?:有|买了?|买过)(?:套)?(?:楼|房|一套)")
_CAR = re.compile(r"(?:有|买了?)(?:一?辆)?(?:小车|轿车|小汽车|汽车)")
_HUKOU = re.compile(r"农业户口|农村户口|本村户口|户口在(?:村|本村|这)|farm(?:ing)? hukou|rural hukou", re.IGNORECASE)
_RESIDES = re.compile(r"(?:一直|常年|长期|常)住(?:在)?(?:村里|本村|这|老家)|住在村里|live in the village|"
                      r"living in the village", re.IGNORECASE)


# The yes/no facts, each with its readings in order: the first that the message holds is its answer.
_STATEMENTS: tuple[tuple[str, tuple[tuple[re.Pattern[str], bool], ...]], ...] = (
    ("previously_renovated", ((_NOT_RENOVATED, False), (_RENOVATED, True))),
    ("other_safe_house", ((_OTHER_HOUSE, True), (_ONLY_HOUSE, False))),
    ("bought_urban_house", ((_URBAN_HOUSE, True),)),
    ("owns_vehicle", ((_CAR, True),)),
    ("hukou_local", ((_HUKOU, True),)),
    ("resides_locally", ((_RESIDES, True),)),
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
_OTHER_QUESTION = re.compile(r"几天|多少|多久|哪里|哪儿|谁|什么时候|啥时候|how (?:much|long|many)|\bwhat\b|\bwhich\b|"
                             r"며칠|얼마|언제", re.IGNORECASE)
ENOUGH = 2   # facts: one ("低保户能申请不") is a question about that category, which the FAQ answers


def asks_to_be_checked(text: str, heard: dict[str, Value] | None = None) -> bool:
    """A wish to be checked, and no other question asked: with at least two things known about the household
    (told now or earlier in the conversation, ``heard``), or the bare wish ("帮我查一下我能不能申请危房改造", "check
    if I qualify"). One fact alone ("低保户能申请不") or a condition ("老兵能申请不") is a question about it, which the
    FAQ answers."""
    if WISH.search(text) is None or _OTHER_QUESTION.search(text) is not None:
        return False
    if len({**(heard or {}), **facts_in(text)}) >= ENOUGH or bare_wish(text):
        return True
    return CHECK_ME.search(text) is not None and ELIGIBLE.search(text) is not None


def names_elsewhere(text: str) -> bool:
    """The message names a place the service does not cover."""
    result = retriever().search(text)
    return result.outcome == "out_of_scope" and result.topic == "place"
