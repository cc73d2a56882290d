"""订阅 + village name: hear when a publicity list goes up in that village, and the day before it closes.

The village is matched loosely in the sender's county; several candidates become numbered options. 退订 is
the channel's opt-out (bot.channels.optout): it silences every notification, subscriptions included.
"""

from __future__ import annotations

import re
from typing import Any

from api.i18n import N_
from bot.engine.context import meta, refused
from bot.engine.keywords import asks
from bot.engine.normalize import token
from bot.engine.types import Flow, Option, Reply, Turn
from bot.flows import county
from bot.flows.village_words import village_in, villages_named

NAME = "subscribe"
WORDS = ("订阅", "subscribe", "구독")
# "俺想收古城镇西村的公示通知", "我又想收了 订阅南村的通知", "公示了能通知我不": the wish in the farmer's words.
# Also "订阅南村" after other words ("俺又想收了 订阅南村") and "공지 구독하고 싶어요".
WISH = re.compile(r"^(?:(?:给|帮)?(?:俺|我|咱)(?:们)?)?(?:又|还|也|还是)?(?:想|要|想要)?(?:收|接收|订阅|订上|订)(?:了)?"
                  r"[\s,，]*.{0,14}?(?:公示|村|危改|危房|改造)的?(?:通知|消息|提醒)|"
                  r"^.{0,12}公示.{0,6}(?:通知我|告诉我|发给我|提醒我)|"
                  r"(?:^|[\s,，。]|还是|那就?)(?:订阅|我要订|想订|订上)(?:吧|了)?[\s,，]*[\u4e00-\u9fff]{1,6}村|"
                  r"^(?:i want to |please )?(?:get|receive|subscribe to) .{0,30}(?:notices|notifications|publicity)|"
                  r"^(?:i(?: want|'d like| would like) to |please |can you |could you )?subscribe(?: me)?\b|"
                  r"(?:notify|tell|text) me when .{0,30}(?:list|notice|publicity)|"
                  r"(?:공시|공지|명단).{0,10}(?:알림|받고 싶|구독)|구독(?:하고 싶|할래|해 주세요|신청)", re.IGNORECASE)
# "南村以后有危改公示了告诉俺一声", "贴名单了能给俺发个短信不", "동촌 공시 나오면 알려주세요", "let me know when the
# list for Dongcun is posted": a wish to be told, said beside the list it is about, in either order.
_LIST = r"(?:公示|名单|张榜|榜|公布|贴出)"
_TELL_ME = (r"(?:告诉|通知|提醒|知会|通告|喊|叫)(?:一下)?(?:俺|我|咱)(?:们)?|(?:给|跟|和|帮)(?:俺|我|咱)(?:们)?"
            r"(?:发|说|打|捎|递|来)(?:个|一个|条|一条|一)?(?:短信|消息|信息|信儿|信|电话|声|下)|吱一声|言语一声|"
            r"(?:发|打|捎)(?:个|一个|条|一条)?(?:短信|消息|信息|电话)(?:给|跟)(?:俺|我|咱)")
_KO_LIST = r"(?:공시|공고|명단|게시|발표)"
_KO_TELL = r"(?:알려|알림|연락|문자|통지|통보)\s*(?:주|줘|줄|드|해|을|를|받|부탁)"
_EN_LIST = r"(?:list|notice|publicity|posted|published|put up|goes up|announced)"
_EN_TELL = (r"(?:let me know|notify me|tell me|text me|message me|sms me|alert me|inform me|send me|"
            r"keep me (?:posted|updated|informed)|ping me|remind me)")
NOTIFY_ME = re.compile(
    _LIST + r".{0,24}?(?:" + _TELL_ME + r")|(?:" + _TELL_ME + r").{0,24}?" + _LIST + "|" +
    _KO_LIST + r".{0,20}?" + _KO_TELL + "|" + _KO_TELL + r".{0,20}?" + _KO_LIST + "|" +
    r"\b" + _EN_TELL + r"\b.{0,50}?\b" + _EN_LIST + r"|\b" + _EN_LIST + r"\b.{0,50}?\b" + _EN_TELL + r"\b",
    re.IGNORECASE | re.DOTALL)
# "告诉我公示几天", "公示期多少天 通知我一下": a question about the list, not a wish to hear of the next one.
ASKS_ABOUT_LIST = re.compile(r"几天|多少|多久|多长|怎么|咋|为什么|为啥|如何|哪些人|有谁|며칠|얼마|어떻게|왜|"
                             r"\bhow (?:long|many|much)\b|\bwhy\b|\bwho\b", re.IGNORECASE)
# "订上了吗", "订阅成功了吗", "구독됐어요?": asked right after subscribing.
SUBSCRIBED_Q = re.compile(r"订(?:上|好|阅)?(?:了)?(?:吗|没|没有|成功)|구독(?:이)? ?(?:됐|되었)|"
                          r"am i subscribed|did it work", re.IGNORECASE)
# "取消 订阅东村", "我不想订阅东村了", "退订，订阅西村的不要了": the pattern's words, meant the other way.
_CLAUSES = re.compile(r"[，,。;；、!！?？\s]+")
_DECLINE = re.compile(r"不用|不要|别|不想|不订|不必|甭")


def _declined(name: str, text: str) -> bool:
    """"东村的不用通知我，西村的通知我": the clause that names this village turns it down."""
    return any(name in clause and _DECLINE.search(clause) for clause in _CLAUSES.split(text))


NOT_WANTED = re.compile(r"取消|不要|不想|不订|别|退订|停止|unsubscribe|cancel|stop|그만|취소|해지", re.IGNORECASE)
SUBSCRIBED = "subscribed"   # engine meta: the village last subscribed to, for "订上了吗" right after it


class SubscribeFlow(Flow):
    name = NAME
    keywords = WORDS
    patterns = (WISH, NOTIFY_ME)
    menu_label = N_("订阅本村公示通知")
    needs_county = True
    repairable = True

    def start_from_match(self, turn: Turn, match: re.Match[str]) -> list[Reply] | None:
        """Declined when the message says it does not want the subscription it names (opt-out is elsewhere), or
        when "tell me" asks about the list rather than wishing to hear of it."""
        if NOT_WANTED.search(turn.text):
            return None
        if match.re is NOTIFY_ME and ASKS_ABOUT_LIST.search(turn.text):
            return None
        return self.start(turn)

    def start(self, turn: Turn) -> list[Reply]:
        if NOT_WANTED.search(turn.text):    # "取消订阅东村": the keyword is there, the wish is the opposite
            turn.finish()
            return [Reply(turn._("好的，没有为您订阅。不想再收任何短信通知，请回复“退订”。"))]
        if not turn.state.county:           # started by the farmer's own words, before any county was known
            turn.state.county = county.find_in_text(turn.text)
        if not turn.state.county:
            meta(turn.state)["pending"] = {"flow": self.name, "text": turn.text}
            return county.ask(turn)
        has_villages = getattr(turn.services, "has_villages", None)
        if has_villages is not None and not has_villages(turn.state.county or ""):
            turn.finish()          # said at once: no village can be named, so none is asked for
            instead = turn._("公示名单会在村里和乡镇张贴，可以留意村委会的通知。")
            refused(turn.state, instead)
            return [Reply(turn._("本县的村还没有录入系统，所以现在还不能订阅村里的公示通知。") + instead)]
        named = [v for v in map(turn.services.village, villages_named(turn, turn.text)) if v is not None]
        named = [v for v in named if not _declined(v.name, turn.text)] or named
        if len(named) > 1:              # "订阅东村和西村": each of them
            return [reply for v in named
                    for reply in self._done(turn, {"id": v.id, "name": v.name, "township": v.township})]
        if named:
            return self._done(turn, {"id": named[0].id, "name": named[0].name, "township": named[0].township})
        village = _strip(turn.text)
        if len(village) < 2 or not any("\u4e00" <= ch <= "\u9fff" or ch.isalpha() for ch in village) \
                or UNNAMED.search(village) or len(village) > LONGEST_NAME:
            village = ""    # "中 订阅": assent; "俺想订阅村里的危改通知": the wish, with no village in it
        if not village:
            return self._ask_village(turn)
        if asks(village, strong=True):       # "订阅要花钱不": a question about subscribing, not a village
            turn.enter(self.name, "village")
            return [Reply(self.explain(turn) or "")]
        return self._match(turn, village)

    def _ask_village(self, turn: Turn) -> list[Reply]:
        """The village is asked for; right after a subscription, the farmer is first told it was made."""
        turn.enter(self.name, "village")
        ask = turn._("请回复您所在的村名，例如：东村。")
        done = meta(turn.state).get(SUBSCRIBED)
        if done:
            return [Reply(turn._("您已经订阅了{village}的公示通知。").format(village=done) + "\n" +
                          turn._("要再订阅别的村，请回复村名。"))]
        return [Reply(ask)]

    def resume(self, turn: Turn) -> list[Reply]:
        data = turn.flow_data(self.name)
        choices: list[dict[str, Any]] = data.get("choices") or []
        tok = token(turn.text)
        if turn.state.step == "choose" and tok.isdigit() and 1 <= int(tok) <= len(choices):
            return self._done(turn, choices[int(tok) - 1])
        named = village_in(turn, turn.text)          # "丰州镇南村": the township and the village at once
        found = turn.services.village(named) if named is not None else None
        if found is not None:
            return self._done(turn, {"id": found.id, "name": found.name, "township": found.township})
        return self._match(turn, _strip(turn.text))

    def explain(self, turn: Turn) -> str | None:
        return turn._("订阅后，您村里张贴公示名单时和截止前一天，会发消息告诉您。回复您住的村名就行，比如“东村”。")

    def _match(self, turn: Turn, text: str) -> list[Reply]:
        found = turn.services.find_villages(turn.state.county, text) if text else []
        bare = TOWNSHIP.sub("", text)               # "丰州镇南存": the township, then a village mistyped
        if not found and bare and bare != text:
            found = turn.services.find_villages(turn.state.county, bare)
        if not found:
            turn.enter(self.name, "village")
            return [Reply(turn._("没有找到这个村。请再回复一次村名（只限本县）。"))]
        choices = [{"id": v.id, "name": v.name, "township": v.township} for v in found]
        if len(choices) == 1:
            return self._done(turn, choices[0])
        turn.enter(self.name, "choose")
        turn.flow_data(self.name)["choices"] = choices
        options = tuple(Option(str(i), f"{c['township']}{c['name']}") for i, c in enumerate(choices, 1))
        return [Reply(turn._("您说的是哪个村？"), options=options)]

    def _done(self, turn: Turn, village: dict[str, Any]) -> list[Reply]:
        turn.finish()
        turn.services.subscribe_village(turn.inbound.channel, turn.inbound.sender, village["id"])
        text = turn._("已订阅{village}的公示通知：公示名单张贴时和截止前一天会告诉您。回复“退订”可停止。")
        meta(turn.state)[SUBSCRIBED] = f"{village['township']}{village['name']}"
        return [Reply(text.format(village=f"{village['township']}{village['name']}")), *self._resumed(turn)]

    @staticmethod
    def _resumed(turn: Turn) -> list[Reply]:
        """A sender who had sent 退订 gets notices switched back on, and is told."""
        resume = getattr(turn.services, "resume_notifications", None)
        if resume is not None and resume(turn.inbound.channel, turn.inbound.sender):
            return [Reply(turn._("您之前退订了通知，现在已重新开通。"))]
        return []


# What names no village: "村里", "俺村", "危改通知" are the subject of the wish, not the place.
UNNAMED = re.compile(r"村里|本村|[俺我咱]们?村|危改|危房|改造|通知|公示|消息|告诉|提醒|短信")
LONGEST_NAME = 10        # characters: a township and a village at most
TOWNSHIP = re.compile(r"^[\u4e00-\u9fff]{1,5}?(?:镇|乡|街道)")

# Words around the village name in "我想订阅我们村的公示通知": peeled off the edges only, so a village whose
# name contains one of them keeps it.
FILLERS = ("俺想", "俺要", "我想", "我要", "想要", "帮我", "给我", "请", "一下", "我们村的", "我们村", "本村的",
           "本村", "村里的", "公示通知", "公示消息", "通知", "消息", "提醒", "公示", "的")


def _strip(text: str) -> str:
    """The village name in the message, or "" when it names none (then the flow asks for it)."""
    rest = text.strip(" ：:，,。.!！")
    changed = True
    while changed and rest:
        changed = False
        for word in (*WORDS, *FILLERS):
            if rest.casefold().startswith(word):
                rest, changed = rest[len(word):].lstrip(" ：:，,"), True
            if rest.casefold().endswith(word):
                rest, changed = rest[: len(rest) - len(word)].rstrip(" ：:，,。.!！"), True
    return rest


def after(turn: Turn, text: str, assent: bool = False) -> list[Reply] | None:
    """"订上了吗", or an assent ("好 确认", ``assent``), right after subscribing: yes, and to which village. None
    otherwise; asked once, so that a later "成功了没" about something else is not answered with the subscription."""
    village = meta(turn.state).pop(SUBSCRIBED, None)
    if village is None or not (assent or SUBSCRIBED_Q.search(text)) or len(text) > 20:
        return None
    return [Reply(turn._("已经订阅了{village}的公示通知，不用再发。回复“退订”可停止。").format(village=village))]


FLOW = SubscribeFlow()
