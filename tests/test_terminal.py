"""The terminal channel: rendering, presets and an interactive session over a real database."""

from __future__ import annotations

import pytest
from engine_fakes import fake_flows
from sqlalchemy import Engine

from api.db import transaction
from bot.channels import terminal
from bot.channels.store import load_state
from bot.engine.types import Option, Reply


@pytest.fixture(autouse=True)
def _fake_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    flows = fake_flows()
    monkeypatch.setattr("bot.flows.registry.flows", lambda: flows)


def test_render_options_sources_and_blank_lines() -> None:
    replies = [Reply("好的。"), Reply("请选择：", options=(Option("1", "政策问答"),), citation="文件 一(二)")]
    assert terminal.render(replies) == "好的。\n\n请选择：\n  [1] 政策问答\n  — 依据：文件 一(二)"
    assert terminal.render([Reply("x", citation="doc")], "en") == "x\n  — Source: doc"


def test_preset_county_and_language(engine: Engine) -> None:
    terminal.preset(engine, "terminal", "clerk", county="140621", language="en")
    with transaction(engine) as session:
        state = load_state(session, "terminal", "clerk")
    assert (state.county, state.language) == ("140621", "en")
    assert "FAQ[140621]: subsidy" in terminal.send(engine, "subsidy", sender="clerk")[0].text


def test_chat_session_until_exit(engine: Engine) -> None:
    lines = iter(["你好", "语言", "2", "exit", "never read"])
    shown: list[str] = []
    terminal.chat(engine, sender="tester", read=lambda _prompt: next(lines), write=shown.append)
    assert "exit" in shown[0]
    assert "[2] 资格自测" in shown[1]
    assert "알겠습니다" in shown[3]
    assert len(shown) == 4


def test_chat_ends_on_eof(engine: Engine) -> None:
    def read(_prompt: str) -> str:
        raise EOFError

    shown: list[str] = []
    terminal.chat(engine, sender="tester", read=read, write=shown.append)
    assert shown[-1] == ""
