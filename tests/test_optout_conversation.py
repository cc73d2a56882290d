"""Opting out and back in as a conversation through the one inbox (what ``anju ask --channel sms`` uses): a wish
to have notices again that says 订阅 goes on to ask which village; the sentences are this file's own."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from test_dialog_repair import rows

from api.models import ChannelUser
from api.models.subscriptions import Subscription
from bot.channels import terminal

PHONE = "13600000077"


def send(engine: Engine, text: str) -> str:
    return "\n".join(reply.text for reply in terminal.send(engine, text, sender=PHONE, channel="sms"))


@pytest.mark.parametrize("again", ["又想收了 订阅", "还是想收 订阅吧", "다시 구독할게요"])
def test_back_in_with_subscribe_asks_the_village_and_subscribes(engine: Engine, villages: None, again: str) -> None:
    send(engine, "山阴县")
    assert "退订" in send(engine, "以后别给我发短信了")
    [user] = rows(engine, ChannelUser)
    assert user.opted_out
    reply = send(engine, again)
    assert not rows(engine, ChannelUser)[0].opted_out
    assert "东村" in reply or "村" in reply
    send(engine, "东村")
    assert [s.sender for s in rows(engine, Subscription)] == [PHONE]


def test_back_in_without_subscribe_is_only_confirmed(engine: Engine, villages: None) -> None:
    send(engine, "山阴县")
    send(engine, "TD")
    reply = send(engine, "又想收了")
    assert "已重新订阅" in reply and "村名" not in reply
    assert rows(engine, Subscription) == []
