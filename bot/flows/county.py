"""Which county the sender lives in: asked once, remembered, and needed before any county-specific answer.

A farmer may answer with the full name (山阴县), a short one (山阴, 延边, 연변), the division code
(140621) or the number of a listed option; a county named inside a question ("山阴县补助多少") is
taken without asking.
"""

from __future__ import annotations

import re

from api.i18n import N_, language_name
from api.profiles import load_profiles
from bot.engine.context import has_pending, meta, reply_language
from bot.engine.normalize import token
from bot.engine.types import Flow, Option, Reply, Turn
from bot.flows import menu

NAME = "county"
MAX_TRIES = 3
_SUFFIXES = ("朝鲜族自治州", "自治州", "自治县", "县", "区", "市", "州")
_CODE = re.compile(r"(?<!\d)(\d{6})(?!\d)")


def _profiles():  # type: ignore[no-untyped-def]
    return load_profiles()


def _variants(name: str) -> set[str]:
    """A name with and without its administrative suffix, case-folded: 山阴县 → {山阴县, 山阴}."""
    key = name.casefold().replace(" ", "")
    variants = {key}
    for suffix in _SUFFIXES:
        if key.endswith(suffix) and len(key) - len(suffix) >= 2:
            variants.add(key[: -len(suffix)])
    return variants


def _names() -> dict[str, str]:
    """Every accepted spelling → division code."""
    return {variant: profile.code for profile in _profiles().values()
            for name in profile.names for variant in _variants(name)}


def find_in_text(text: str) -> str | None:
    """The one county a free-text message names (by name or code), or None when it names none or several."""
    profiles = _profiles()
    compact = token(text).replace(" ", "")
    found = {code for code in _CODE.findall(compact) if code in profiles}
    found |= {code for name, code in _names().items() if len(name) >= 2 and name in compact}
    return found.pop() if len(found) == 1 else None


def match(text: str, offered: list[str] | None = None) -> str | None:
    """The county meant by an answer to "which county?", or None."""
    tok = token(text).replace(" ", "")
    if offered and tok.isdigit() and 1 <= int(tok) <= len(offered):
        return offered[int(tok) - 1]
    return named(tok) or find_in_text(tok)


def named(text: str) -> str | None:
    """The county when the message is nothing but its name or code ("山阴", "연변", "140621")."""
    tok = token(text).replace(" ", "")
    names = _names()
    for suffix in ("", *_SUFFIXES):
        if tok.endswith(suffix) and tok[: len(tok) - len(suffix)] in names:
            return names[tok[: len(tok) - len(suffix)]]
    return tok if tok in _profiles() else None


def ask(turn: Turn, intro: str | None = None) -> list[Reply]:
    """Ask which county, listing the ones we serve as numbered options."""
    profiles = list(_profiles().values())
    turn.enter(NAME, "ask")
    turn.flow_data(NAME)["offered"] = [profile.code for profile in profiles]
    question = turn._("请问您住在哪个县（市、区）？请回复序号或名称：")
    return [Reply(text=f"{intro}\n{question}" if intro else question,
                  options=tuple(Option(str(n), p.name) for n, p in enumerate(profiles, 1)))]


def remember(turn: Turn, code: str) -> Reply:
    """Set the county and confirm it; offer Korean where the county serves it and the user reads another."""
    profile = _profiles()[code]
    turn.state.county = code
    text = turn._("好的，已记住您所在的地方：{county}。").format(county=profile.name)
    chosen = meta(turn.state).get("language_chosen")
    if "ko" in profile.languages and reply_language(turn) != "ko" and not chosen:
        text += "\n" + turn._("本地区也可以用朝鲜语（한국어）咨询：回复“한국어”即可切换。")
        return Reply(text=text, options=(Option(language_name("ko"), language_name("ko")),))
    return Reply(text=text)


class CountyFlow(Flow):
    name = NAME
    menu_label = N_("设置所在县")
    keywords = ()
    repairable = True

    def claims(self, turn: Turn) -> bool:
        return True        # every other answer is a place to look up; a policy question waits for the county

    def explain(self, turn: Turn) -> str | None:
        return turn._("每个县的政策不一样（补助多少、公示几天），所以要先知道您住在哪个县。回复序号或县名就行。")

    def start(self, turn: Turn) -> list[Reply]:
        return ask(turn)

    def resume(self, turn: Turn) -> list[Reply]:
        data = turn.flow_data(NAME)
        code = match(turn.text, data.get("offered"))
        if code:
            turn.finish()
            confirmation = remember(turn, code)
            return [confirmation] if has_pending(turn.state) else [confirmation, menu.show(turn)]
        data["tries"] = data.get("tries", 0) + 1
        if data["tries"] >= MAX_TRIES:
            turn.finish()
            meta(turn.state).pop("pending", None)
            return [menu.show(turn, turn._("抱歉，暂时只为列出的几个县提供服务。请向村委会或乡镇政府咨询。"))]
        return ask(turn, turn._("没有找到这个地方。"))


FLOW = CountyFlow()
