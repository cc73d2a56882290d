"""Each application step in plain words: where it stands, what comes next, what the farmer must do.

One table shared by the 查询 reply and the change notifications, so a farmer reads the same words for the
same step whichever way they learn of it. Message ids are gettext ids (Chinese); no policy figure appears —
periods and dates come from the record, which took them from the county profile.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from api.i18n import N_, format_date, format_money
from api.models import ApplicationState as S
from api.services.status import ApplicationStatus


@dataclass(frozen=True)
class StepText:
    now: str
    next: str = ""
    todo: str = ""


STEPS: dict[S, StepText] = {
    S.submitted: StepText(N_("村委会已收到您的申请。"), N_("下一步：村委会入户调查核实。"),
                          N_("请保持电话畅通，配合入户调查。")),
    S.village_review: StepText(N_("村委会正在调查和评议您的申请。"), N_("下一步：评议通过后在村里公示。"),
                               N_("现在不需要您做什么。")),
    S.village_publicity: StepText(N_("您的申请正在村里公示。"), N_("下一步：公示结束后报乡镇审核。"),
                                  N_("现在不需要您做什么；如有人提出异议，村委会会调查。")),
    S.township_review: StepText(N_("乡镇正在审核您的申请。"), N_("下一步：审核通过后在乡镇公示。"),
                                N_("现在不需要您做什么。")),
    S.township_publicity: StepText(N_("您的申请正在乡镇公示。"), N_("下一步：公示结束后由有关部门核查。"),
                                   N_("现在不需要您做什么；如有人提出异议，乡镇会调查。")),
    S.department_check: StepText(N_("有关部门正在核查您家的信息。"), N_("下一步：房屋危险性鉴定。"),
                                 N_("现在不需要您做什么。")),
    S.appraisal: StepText(N_("正在鉴定您家房屋的危险等级。"), N_("下一步：鉴定为C级或D级的，报县里审批。"),
                          N_("请配合鉴定人员查看房屋。")),
    S.approved: StepText(N_("县里已批准您的申请。"), N_("下一步：与乡镇签订改造协议。"),
                         N_("请联系乡镇签订改造协议。")),
    S.agreement_signed: StepText(N_("改造协议已签订。"), N_("下一步：按协议开工。"),
                                 N_("请在开工期限前开工，开工后告诉村委会。")),
    S.under_construction: StepText(N_("房屋正在改造施工。"), N_("下一步：竣工后验收。"),
                                   N_("竣工后请告诉村委会。")),
    S.completed: StepText(N_("改造已竣工，等待验收。"), N_("下一步：验收合格后拨付补助资金。"),
                          N_("请配合验收。")),
    S.accepted: StepText(N_("验收已合格。"), N_("下一步：拨付补助资金。"), N_("现在不需要您做什么。")),
    S.paid: StepText(N_("补助资金已拨付。"), N_("下一步：资料归档。")),
    S.archived: StepText(N_("您的申请已办结。")),
    S.rejected: StepText(N_("您的申请没有通过。"), "", N_("如有疑问，请向村委会或乡镇咨询。")),
    S.withdrawn: StepText(N_("您的申请已撤回。"), "", N_("如需重新申请，请联系村委会。")),
    S.deferred: StepText(N_("您的申请已暂缓，转入以后年度办理。"), "",
                         N_("请联系乡镇了解何时继续办理。")),
    S.rectification: StepText(N_("验收没有通过，需要整改。"), N_("下一步：整改完成后重新验收。"),
                              N_("请按要求整改，完成后告诉村委会。")),
}
CLOSED = frozenset({S.rejected, S.withdrawn, S.deferred})
DUE_LABELS: dict[S, str] = {
    S.township_review: N_("乡镇审核期限：{date}"),
    S.department_check: N_("部门核查期限：{date}"),
    S.agreement_signed: N_("开工期限：{date}"),
}


def describe(status: ApplicationStatus, gettext: Callable[[str], str], language: str | None) -> str:
    """The lines a farmer reads about one application, in ``language``."""
    _ = gettext
    step = STEPS[status.state]
    lines = [_("申请编号 {number}").format(number=status.number), _(step.now)]
    if status.state in CLOSED and status.closing_reason:
        lines.append(_("理由：{reason}").format(reason=status.closing_reason))
    if status.window_closes_on:
        lines.append(_("公示截止：{date}").format(date=_date(status.window_closes_on, language)))
    if status.due_on:
        label = DUE_LABELS.get(status.state, N_("本步骤期限：{date}"))
        due = _(label).format(date=_date(status.due_on, language))
        lines.append(due + (_("（暂定）") if status.due_provisional else ""))
    if status.start_overdue:
        lines.append(_("已超过开工期限，请尽快联系乡镇。"))
    if status.state in (S.paid, S.archived) and status.paid_amount_yuan and status.paid_on:
        lines.append(_("补助金额：{amount}，拨付日期：{date}").format(
            amount=format_money(status.paid_amount_yuan, language), date=_date(status.paid_on, language)))
    lines += [_(text) for text in (step.next, step.todo) if text]
    return "\n".join(lines)


def _date(value: dt.date, language: str | None) -> str:
    return format_date(value, language)
