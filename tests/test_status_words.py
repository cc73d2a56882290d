"""Asking where one's application stands with a relative or a remark about the wait around it, and the words
that only look like it (this file's own sentences)."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from test_dialog_repair import say

from bot.flows.status import PLAIN


@pytest.mark.parametrize("words", ["俺家那个危改批下来没有啊 等好久了", "申请了半年了 批了没有 急死了",
                                   "我爸的危房申请现在啥情况 申请号140621-2026-00004", "补助钱批下来没有 都等一年了"])
def test_status_with_a_remark_or_a_relative_starts_the_status_flow(engine: Engine, words: str) -> None:
    say(engine, "山阴县")
    reply = say(engine, words)
    assert "没有找到登记这个手机号的申请" in reply
    assert "依据" not in reply                                          # not a policy answer


@pytest.mark.parametrize("words", ["申请危改要啥材料", "批下来以后多久开工", "危房改造啥情况能申请"])
def test_questions_about_the_rule_are_no_status_question(words: str) -> None:
    assert not any(pattern.search(words) for pattern in PLAIN)
