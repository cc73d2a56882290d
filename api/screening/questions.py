"""The questions that establish each fact, worded for a farmer; texts are gettext message ids.

One question per fact, plus group questions that settle several facts with one typical answer (都是 for the
residence conditions, 都没有 for the household checks), so the screening stays within a handful of SMS
messages; only the group's ``expand`` answer goes on to ask its facts one by one.
"""

from __future__ import annotations

from dataclasses import dataclass

from api.screening.rules import UNKNOWN, Value


def N_(message: str) -> str:
    """Mark a message id for extraction; it is translated where it is shown."""
    return message


@dataclass(frozen=True)
class Question:
    key: str                                   # a fact name, or a group name
    text: str
    label: str                                 # short noun phrase, for "still unclear: …"
    choices: tuple[tuple[Value, str], ...]     # (value, label) in the order the options are numbered
    facts: tuple[str, ...] = ()                # a group question settles these facts …
    expand: Value | None = None                # … except with this answer, which asks them one by one


YES_NO: tuple[tuple[Value, str], ...] = ((True, N_("是")), (False, N_("否")), (UNKNOWN, N_("不知道")))


def _yes_no(key: str, text: str, label: str) -> Question:
    return Question(key, text, label, YES_NO)


CHECKS_GROUP = "household_checks"
RESIDENCE_GROUP = "residence"

QUESTIONS: dict[str, Question] = {q.key: q for q in (
    _yes_no("relocation_village", N_("您家所在的村，是不是已经或规划为地质灾害治理搬迁村、整体移民搬迁村？"),
            N_("是否搬迁村")),
    Question("category", N_("您家属于下面哪一类？"), N_("家庭属于哪一类"), (
        ("易返贫致贫户", N_("易返贫致贫户")),
        ("低保户", N_("低保户")),
        ("分散供养特困人员", N_("分散供养特困人员（五保户）")),
        ("严重困难家庭", N_("因病因灾因意外严重困难家庭")),
        ("低保边缘家庭", N_("低保边缘家庭")),
        ("其他脱贫户", N_("其他脱贫户")),
        ("贫困残疾人家庭", N_("贫困残疾人家庭")),
        ("none", N_("都不是")),
        (UNKNOWN, N_("不知道")),
    )),
    Question("house_grade", N_("您家住的房子鉴定过危房等级吗？是几级？"), N_("房屋危险等级"), (
        ("C", N_("C级（局部危险）")),
        ("D", N_("D级（整栋危险）")),
        ("A", N_("A级")),
        ("B", N_("B级")),
        ("no_house", N_("没有自己的房子（倒塌了或借住）")),
        (UNKNOWN, N_("还没鉴定/不知道")),
    )),
    Question(RESIDENCE_GROUP, N_("您是本地农业户口（农村户口），并且长期住在户口所在地吗？"),
             N_("户口和居住情况"), ((True, N_("都是")), (False, N_("不全是")), (UNKNOWN, N_("不知道"))),
             facts=("hukou_local", "resides_locally"), expand=False),
    _yes_no("hukou_local", N_("您是本地农业户口（农村户口）吗？"), N_("是否本地农业户口")),
    _yes_no("resides_locally", N_("您长期住在户口所在地吗？"), N_("是否长期在户籍地居住")),
    _yes_no("other_safe_house", N_("除了现在住的房子，您家还有别的安全住房吗？"), N_("是否另有安全住房")),
    _yes_no("previously_renovated", N_("您家以前享受过危房改造补助吗？"), N_("以前是否改造过")),
    _yes_no("redamaged_by_disaster", N_("改造过的房子，是不是因为小型自然灾害等原因又成了危房？"),
            N_("是否因灾又成危房")),
    _yes_no("in_disaster_rebuild_programme", N_("您家是否已纳入因灾倒损农房恢复重建补助？"),
            N_("是否已纳入灾后恢复重建补助")),
    Question(CHECKS_GROUP, N_("您家有没有以下情况：有财政供养人员、在县城或城市买了房、有汽车或大中型农机具、"
                              "开办公司或入股合作社、有人在国有或集体企业在编？"), N_("家庭其他情况"),
             ((False, N_("都没有")), (True, N_("有")), (UNKNOWN, N_("不知道"))),
             facts=("financially_supported_staff", "bought_urban_house", "owns_vehicle", "registered_company",
                    "state_enterprise_staff"), expand=True),
    _yes_no("financially_supported_staff", N_("家里有财政供养人员（吃财政饭的）吗？"),
            N_("是否有财政供养人员")),
    _yes_no("bought_urban_house", N_("家里在县城或更大的城市买过房吗？"), N_("是否在城里买房")),
    _yes_no("owns_vehicle", N_("家里有汽车（大小汽车都算）或大中型农机具吗？"),
            N_("是否有汽车或大中型农机具")),
    _yes_no("registered_company", N_("家里有人开办公司、注册合作社或入股吗？"), N_("是否开办公司或合作社")),
    _yes_no("state_enterprise_staff", N_("家里有人是国有、集体企业的在编职工吗？"), N_("是否有国企在编人员")),
)}

GROUP_OF: dict[str, str] = {fact: q.key for q in QUESTIONS.values() for fact in q.facts}
