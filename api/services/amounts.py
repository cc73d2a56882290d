"""Payments bounded by the county profile: no more than the documents allow, or an explained exception.

Where a county's document fixes an amount or a cap (武乡 001: 1.4万元, 上限1.4万元), nothing above the highest of
them is accepted. Where it states only an average (山阴 004 五(六): 每户平均补助1.4万元), one household may get
more, so an amount above the average is accepted only with a written note saying why. A county whose documents
state no amount bounds nothing but the sign; a wrong amount is then fixed by a correction (an audited event).
"""

from __future__ import annotations

from dataclasses import dataclass

from api.domain.errors import ValidationFailed
from api.profiles import get_profile

FIELD = "evidence.payment_amount_yuan"


@dataclass(frozen=True)
class Bound:
    yuan: int
    hard: bool          # True: a cap or fixed amount; False: an average that a note may exceed
    text: str
    citation: str


def payment_bound(county_code: str) -> Bound | None:
    """The highest amount the county's documents name, with the clause; None where they name none."""
    rules = get_profile(county_code).subsidy
    hard = [(r.cap_yuan or r.fixed_yuan, r) for r in rules if not r.average and (r.cap_yuan or r.fixed_yuan)]
    if hard:
        yuan, rule = max(hard, key=lambda pair: pair[0] or 0)
        return Bound(int(yuan or 0), True, rule.text, rule.citation)
    soft = [(r.fixed_yuan or r.cap_yuan, r) for r in rules if r.average and (r.fixed_yuan or r.cap_yuan)]
    if soft:
        yuan, rule = max(soft, key=lambda pair: pair[0] or 0)
        return Bound(int(yuan or 0), False, rule.text, rule.citation)
    return None


def check_payment(county_code: str, amount: int, note: str | None, field: str = FIELD) -> None:
    bound = payment_bound(county_code)
    if bound is None or amount <= bound.yuan:
        return
    if bound.hard:
        raise ValidationFailed(f"{field}: {amount} 元超过本县补助上限 {bound.yuan} 元（{bound.citation}：{bound.text}）"
                               " "
                               f"/ above the county's limit of {bound.yuan} yuan", field=field)
    if not (note or "").strip():
        raise ValidationFailed(f"{field}: {amount} 元高于本县每户平均补助 {bound.yuan} 元（{bound.citation}），"
                               f"请在“说明”中写明原因 / above the county's average of {bound.yuan} yuan: "
                               "explain it in the note", field=field)
