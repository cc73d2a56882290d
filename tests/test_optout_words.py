"""Which whole messages are a wish to stop notifications, or to have them again, in the farmers' words."""

from __future__ import annotations

import pytest

from bot.channels.optout_words import may_change_preference, wants_start, wants_stop
from bot.engine.normalize import normalize

STOP = ["TD", "退订", "退订！", "TD退订", "回复TD", "不要再给我发短信了", "别再给我发了", "以后别给我发消息了 谢谢",
        "退订通知", "取消短信通知", "不想再收到你们的短信", "拒收", "取消订阅",
        "stop sending me messages please", "Unsubscribe me", "STOP", "opt out", "no more texts",
        "don't send me messages anymore",
        "문자 그만 보내주세요", "알림 끄기", "수신 거부합니다", "이제 문자 그만", "구독 취소"]
NOT_STOP = ["取消订阅东村", "村干部说不要再发补助了", "不发补助了咋办", "通知啥时候发", "公示结束了还发通知吗",
            "我想订阅东村", "别让人知道是我", "停止施工了咋办", "不要了", "算了", "取消", "don't know",
            "stop the builder from cheating", "문자로 신청할 수 있나요", "문자 안 받았어요", "문자를 받지 않았어요",
            "알림 안 받았는데요", "我想退掉", "退掉吧", "我不想发了", "不用发了", "I want to stop",
            "알림 받을 수 있어요?", "不要再拖欠补助了"]
START = ["订阅", "重新订阅", "恢复通知", "又想收了", "我还是想收通知", "subscribe again", "opt in", "다시 받을게요",
         "继续发吧"]
NOT_START = ["订阅东村", "重新订阅东村的", "我想订阅村里的危改通知", "subscribe to dongcun", "收到通知了", "补助发了吗"]


@pytest.mark.parametrize("text", STOP)
def test_a_wish_to_stop(text: str) -> None:
    assert wants_stop(normalize(text))
    assert may_change_preference(normalize(text))


@pytest.mark.parametrize("text", NOT_STOP)
def test_not_a_wish_to_stop(text: str) -> None:
    assert not wants_stop(normalize(text))


@pytest.mark.parametrize("text", START)
def test_a_wish_to_have_notices_again(text: str) -> None:
    assert wants_start(normalize(text))


@pytest.mark.parametrize("text", NOT_START)
def test_a_village_named_is_the_subscription_flow_not_the_channel(text: str) -> None:
    assert not wants_start(normalize(text))
