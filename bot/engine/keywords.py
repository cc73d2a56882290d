"""Words that work at any point of a conversation, in every language we serve.

They are compared with the whole message (after ``normalize.token``), so a question that merely contains
"帮助" is still a question. Flow keywords may also be found inside a short message ("我能不能申请"), because
farmers rarely send a bare keyword — but not inside a short question about the thing ("为什么把我的资格取消了",
"举报电话多少"): that asks the FAQ, it does not ask to start the flow.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from bot.engine.normalize import has_content

MENU_WORDS = frozenset({"0", "菜单", "主菜单", "帮助", "返回", "메뉴", "도움말",
                        "menu", "help", "/menu", "/help"})
GREETINGS = frozenset({"你好", "您好", "在吗", "喂", "hi", "hello", "안녕", "안녕하세요", "start", "/start"})
LANGUAGE_WORDS = frozenset({"语言", "語言", "언어", "language", "lang", "/language"})
LANGUAGE_NAMES: dict[str, str] = {
    "中文": "zh_Hans", "汉语": "zh_Hans", "普通话": "zh_Hans", "chinese": "zh_Hans", "중국어": "zh_Hans",
    "한국어": "ko", "조선어": "ko", "朝鲜语": "ko", "韩语": "ko", "korean": "ko",
    "english": "en", "英语": "en", "英文": "en", "영어": "en",
}

# A flow keyword inside a message this short starts the flow; a longer message is a question for the FAQ.
SHORT_MESSAGE = 12

# Words that make a short message a question *about* something (why, how, what, how much) or a report of
# something that already happened, rather than a wish to do it: such a message goes to the FAQ.
ASKING = ("为什么", "为啥", "干啥", "凭啥", "怎么", "咋", "如何", "什么", "啥", "哪", "多少", "多长", "多久", "几",
          "谁",
          "why", "how", "what", "when", "who", "왜", "어떻게", "무엇", "뭐", "언제", "누가", "얼마")
HAPPENED = ("了", "已经", "被")
# …unless the message also says the sender wants it done ("我要举报", "我想查询进度").
WANTING = ("我要", "我想", "想要", "帮我", "给我", "i want", "하고 싶", "할래")
_WANT_PREFIXES = tuple(want.replace(" ", "") for want in WANTING)
# Ways of asking "do I qualify" that carry no keyword; each keyword listed here stands for its forms too.
INTENT_FORMS: dict[str, tuple[str, ...]] = {
    "资格": ("能不能评上", "能评上吗", "能不能评", "够不够条件", "够条件吗", "符合条件吗", "符不符合条件",
             "能不能享受", "能享受吗", "有没有份", "有份吗", "能不能办"),
}


def global_command(tok: str) -> tuple[str, str | None] | None:
    """("menu"|"greeting"|"language", None) or ("set_language", code) when ``tok`` is a global word."""
    if tok in MENU_WORDS:
        return "menu", None
    if tok in GREETINGS:
        return "greeting", None
    if tok in LANGUAGE_WORDS:
        return "language", None
    if tok in LANGUAGE_NAMES:
        return "set_language", LANGUAGE_NAMES[tok]
    return None


def asks_about(compact: str) -> bool:
    """A short message that asks why/how/what or reports what happened, and does not say "I want to"."""
    if any(word in compact for word in WANTING):
        return False
    return any(word in compact for word in ASKING) or any(word in compact for word in HAPPENED)


def _leads_with(compact: str, key: str) -> bool:
    """"我要举报…" or "举报：…" at any length: the sender says what they want first, then tells the story."""
    if len(key) < 2:
        return False
    if compact.startswith(key):
        return compact[len(key):len(key) + 1] in (":", "：")
    return _after_wanting(compact).startswith(key)


@lru_cache(maxsize=512)
def _after_wanting(compact: str) -> str:
    """The message after a leading 我要/我想…, or "" — asked once per message, not once per keyword."""
    want = next((w for w in _WANT_PREFIXES if compact.startswith(w)), None)
    return compact[len(want):] if want else ""


def matches(tok: str, keywords: Iterable[str]) -> bool:
    """The message is one of ``keywords``, or is a short request holding one of at least two characters
    (or one of its ``INTENT_FORMS``); a short question about the keyword's subject is not a request."""
    compact = tok.replace(" ", "")
    for keyword in keywords:
        key = keyword.casefold()
        if compact == key.replace(" ", "") or tok == key:
            return True
        if _leads_with(compact, key.replace(" ", "")):
            return True
        if len(compact) > SHORT_MESSAGE:
            continue
        if any(form in compact for form in INTENT_FORMS.get(key, ())):
            return True
        if len(key) >= 2 and key in compact and not asks_about(compact.replace(key, "")):
            return True
    return False


def alternatives(*words: str) -> str:
    """A regular expression alternation of ``words``, longest first."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


TAIL = r"[\s,，。.!！~～吧啊呀哈了]*"       # what may follow a short reply: particles, punctuation
# "再说一遍", "没听清 再说一遍", "你刚才说的啥", "다시 한번 말해 주세요", "didn't get that, send it again": the last
# question or answer once more (the repair layer inside a flow, the FAQ after an answer). A grammar of the ways
# of asking, one or more of them with politeness and particles between, so the whole message must be the wish.
_REPEAT_PIECES = (
    r"(?:你|您)?(?:刚才|刚刚|上面|上一条|前面|之前)?(?:那个|那条|这个)?(?:说|讲|发|回|问|写)的?(?:是)?(?:啥|什么|哪个)(?:来着)?",
    r"再(?:说|讲|发|来|问|念|回|给我发)(?:一遍|一次|一下|遍|次)",     # not "再说吧" (later)
    r"重新(?:说|讲|发|问|念|回|给我发)(?:一遍|一次|一下|遍|次)?",
    r"重(?:发|复)(?:一下|一遍|一次)?",
    r"没(?:看|听)(?:清|清楚|全|明白)",          # not 没看到 (an answer: "I did not see it")
    r"(?:刚才|刚刚|上一条|那条)(?:那个|那条|的|短信|消息)?(?:没收到|没看到|收不到)",   # not a bare 没收到
    r"(?:短信|消息)?(?:没收全|没显示全|显示不全|乱码了?)",
    r"다시\s*(?:한\s*번\s*)?(?:말|말씀|알려|보내|설명)\S*", r"한\s*번\s*더\S*", r"다시요", r"다시\s*한\s*번",
    r"못\s*(?:들었|봤|읽었|받았)\S*", r"뭐라고\S*",
    r"repeat(?:\s+(?:that|it|this|the answer))?",       # "send it", "tell me" alone are no repeat
    r"(?:say|send|tell me|text)(?:\s+(?:that|it|this|me|the answer|the message))?"
    r"\s+(?:again|one more time|once more)",
    r"pardon(?:\s+me)?", r"come again", r"what did you (?:say|write|send)", r"one more time", r"again",
    r"(?:i\s+)?(?:didn'?t|did not|couldn'?t)\s+(?:get|catch|see|read|receive)"
    r"(?:\s+(?:that|it|the message|the answer))?",
)
_REPEAT_FILLER = (r"(?:[\s,，。.!！?？~～吧啊呀哈了]|请|麻烦|能不能|能|可以|可不可以|吗|不|呗|一下|please|plz|sorry|"
                  r"주세요|요)*")
REPEAT = re.compile(r"^" + _REPEAT_FILLER + r"(?:(?:" + "|".join(_REPEAT_PIECES) + r")" + _REPEAT_FILLER + r")+$",
                    re.IGNORECASE)
# "说简单点 听不懂", "쉽게 말해 주세요", "in plain words please": after an answer, the answer again (its first line is
# the plain summary); inside a flow the repair layer explains the question instead.
PLAINER = re.compile(
    r"^(?:(?:" + "|".join((
        r"(?:能不能|能|可以|请|麻烦)?(?:说|讲|写)(?:得)?(?:简单|明白|清楚|通俗|直白|白话)(?:一?点|些)?(?:吗|不)?",
        r"说白了?(?:是)?(?:啥|什么)?(?:意思)?", r"大白话", r"(?:听|看)不(?:懂|明白)", r"没(?:看|听)懂", r"不明白",
        r"(?:쉽게|간단히|알기\s*쉽게)\s*(?:말|설명)\S*", r"이해(?:가|를)?\s*(?:안|못)\S*", r"모르겠\S*",
        r"(?:in\s+)?(?:plain|simple|simpler|easier)\s+(?:words|english|terms)",
        r"i\s+(?:don'?t|do not)\s+understand",
        r"(?:say|explain)\s+it\s+(?:simply|more simply|in plain words)")) + r")" + _REPEAT_FILLER + r")+$",
    re.IGNORECASE)

# Leaving whatever is under way, in every flow and outside one: "算了", "不弄了", "취소", "forget it, stop".
CANCEL_WORDS = (
    "算了", "取消", "退出", "不办了", "不弄了", "不要了", "不想弄了", "不想办了", "不做了", "不填了", "不提了",
    "不举报了", "不投诉了", "不订阅了", "不查了", "不测了", "不问了", "先不弄了", "先不办了", "以后再说",
    "改天再说", "结束", "不弄", "不办", "我不弄了", "我不办了", "我不想弄了", "我不想办了", "那算了", "不整了",
    "不申请了", "不异议了", "不告了", "不看了",
    "不想举报了", "不想投诉了", "我不举报了", "我不想举报了", "还是算了", "那就算了", "就算了", "不报了", "不告状了",
    "不反映了", "撤回", "撤销", "撤了吧", "不搞了", "拉倒", "拉倒吧", "不折腾了",
    "취소", "그만", "그만할래요", "그만할게요", "안 할래요", "안할래요", "됐어요", "종료", "나갈래요", "취소할게요",
    "취소해 주세요", "그만둘게요", "취소할래요", "취소하고 싶어요", "취소해요", "취소요", "취소해줘", "취소합니다",
    "안 할게요", "안할게요", "그만 둘래요", "그만둘래요", "그만두겠습니다", "하지 않을래요", "신고 안 할래요",
    "신고 안 할게요", "신고 취소", "신고 안 해요", "됐습니다", "필요 없어요", "그냥 둘게요",
    "cancel", "quit", "exit", "never mind", "nevermind", "forget it", "abort", "i changed my mind",
    "i don't want to do this", "stop this", "stop", "forget about it", "cancel it", "cancel that", "no thanks",
    "cancel please", "please cancel", "cancel this", "cancel the report", "cancel my report", "don't bother",
    "i don't want to report", "i don't want to report anymore", "i don't want to continue", "let's stop",
    "drop it", "leave it")
# What may come before a leave word without changing it: "아니에요 취소할게요", "不了 算了", "no, cancel", "哎 算了".
_LEAVE_LEAD = (r"(?:(?:아니에요|아니요|아뇨|아니|음|그냥|저기|不了|不|唉|哎|嗯|那|还是|那还是|其实|no|nah|actually|"
               r"oh|um|ok|okay|sorry|please|hmm)[\s,，。.!！~～…]+)*")
CANCEL = re.compile(r"^" + _LEAVE_LEAD + r"(?:(?:" + alternatives(*CANCEL_WORDS) + r")" + TAIL + r")+$",
                    re.IGNORECASE)
# "算了 还是不举报了 怕得罪人": a leave word first, then why; but not "算了 还是举报吧" (go on after all).
CANCEL_FIRST = re.compile(r"^" + _LEAVE_LEAD + r"(?:算了|取消|退出|不弄了|不办了|不要了|不想弄了|不想办了|不举报了|"
                          r"不投诉了|不提了|不订阅了|不查了|不测了|不申请了|不整了|不想举报了|그만|취소|cancel|"
                          r"never mind|forget it)"
                          r"(?:[\s,，。.!！]|$)", re.IGNORECASE)
GO_ON_AFTER_ALL = re.compile(r"还是(?:要|想|得)?(?:举报|投诉|提|办|弄|订|查|测|继续)|继续|接着")


def cancels(text: str) -> bool:
    """The message leaves: nothing but leave words, or a leave word first and then why (not "算了 还是举报吧")."""
    return CANCEL.match(text.strip()) is not None or (
        CANCEL_FIRST.match(text.strip()) is not None and GO_ON_AFTER_ALL.search(text) is None)


def leaves_to_ask(text: str) -> bool:
    """"算了 那补助多少钱": a leave word, then a question — outside a flow there is nothing to leave, and the
    question is what the farmer wants answered."""
    said = text.strip()
    first = CANCEL_FIRST.match(said)
    if first is None:
        return False
    rest = said[first.end():]
    return asks(rest) or (has_content(rest) and _WHAT.search(rest) is not None)


# "那申请要交啥材料": a question by its word for "what", without a mark — read so only after a leave word.
_WHAT = re.compile(r"啥|什么|哪|几|多少|what|which|무엇|뭐|어느", re.IGNORECASE)


# "That's all / file it": one vocabulary for every flow that collects (complaint, objection, pre-check). Words
# that say it wherever they stand ("……就这些"), and short ones that say it only as the message's last clause
# ("村长说完了就走了" and "我确认过了是C级" are not "that's all"; "好 确认", "是的提交" and "说完了" are).
DONE_ANYWHERE = (
    "就这些", "就这些了", "就这么多", "没别的", "没有别的", "别的不知道", "就这样吧", "确认提交", "提交吧", "确定提交",
    "그게 다", "그게 다예요", "이게 다예요", "더 없어요", "이상입니다", "이상이에요", "제출해 주세요",
    "접수해 주세요", "접수해주세요", "접수해 줘", "접수할게요",
    "that's all", "that is all", "nothing else", "please submit", "file it")
DONE_AT_END = ("确认", "提交", "说完了", "确定", "交了吧", "发吧", "제출", "제출할게요", "접수", "submit",
               "send it", "go ahead", "confirm", "confirmed", "i confirm", "submit it", "send it in", "file it please")
DONE_WORDS = DONE_ANYWHERE + DONE_AT_END
# Inside a longer message: a Chinese done word is not followed by what it would be asking about (提交什么材料).
DONE = re.compile(r"(?:" + alternatives(*DONE_ANYWHERE).replace("\\'", "'") + r")(?!什么|啥|哪|材料|多少|几)|"
                  r"(?:^|[\s,，。.!！;；]|是的|好的|好|对|行|嗯|那就|就|可以)(?:" + alternatives(*DONE_AT_END) +
                  r")[\s,，。.!！吧了啊呀]*$",
                  re.IGNORECASE)
# The words a farmer types between spaces (Korean, English), which a Chinese piece-splitter leaves whole.
DONE_FOREIGN = re.compile(r"\bthat(?:'s| is) all\b|\bsubmit\b|\bconfirm\b|\bnothing else\b|\bfile it\b|제출|이상입니다|"
                          r"그게 다|이게 다|접수해", re.IGNORECASE)

# "对了 补助给多少", "先问一下 公示几天", "by the way, …": what follows is a question beside the matter in hand.
_ASIDE_WORDS = ("对了", "等会", "等会儿", "等一下", "先说说", "先说一下", "先讲讲", "顺便问一下", "顺便问问", "顺便问",
                "先问一下", "先问问", "我先问一下", "另外问一下", "还想问一下", "还想问问", "还有个事", "还有个问题",
                "问一下", "请问", "by the way", "btw", "also,", "그런데", "참고로")
ASIDE_MARK = re.compile(r"(?:^|[\s,，。.!！;；]+)(?:" + alternatives(*_ASIDE_WORDS) + r")[\s,，:：]*", re.IGNORECASE)


def split_aside(text: str) -> tuple[str, str] | None:
    """(what comes before the aside mark, the question after it), or None when the message has no mark."""
    found = ASIDE_MARK.search(text)
    if found is None:
        return None
    tail = text[found.end():]
    while (more := ASIDE_MARK.match(tail)) is not None and more.end() > 0:     # "等会 先说说 …"
        tail = tail[more.end():]
    return (text[:found.start()].strip(), tail.strip()) if tail.strip() else None

# "那咋办", "그럼 어떻게 해요", "what now": right after being told something cannot be done here.
WHAT_NOW = re.compile(
    r"^(?:那|那么|那俺|那我|那咱|那俺们|那我们)?(?:俺|我|咱)?(?:该|应该|得)?"
    r"(?:咋办|怎么办|咋整|怎么弄|咋弄|找谁|去找谁|去哪|上哪|咋搞)(?:呢|啊|呀|嘛)?[\s?？!！。.]*$|"
    r"^(?:그럼|그러면)?\s*어떻게 (?:해요|하나요|하죠|해야 (?:해요|하나요|돼요))[\s?？.]*$|"
    r"^(?:so |then )?what (?:can|should|do) i do(?: now| then)?[\s?.!]*$|^what now[\s?.!]*$|"
    r"^(?:so )?then what[\s?.!]*$", re.IGNORECASE)


# A message that asks rather than answers: a question mark, a question particle at the end, a question word.
_STRONG_QUESTION = re.compile(
    r"(?:[?？]|[吗么嘛呢]\W*$|(?:能|可以|会|要|有|算|行|是)\S{0,8}[不没]\W*$|나요\W*$|까요\W*$|가요\W*$|니까\W*$)")
_QUESTION_WORDS = re.compile(
    r"(?:怎么|怎样|为什么|为啥|咋|多少|几天|几年|几个|几月|能不能|可不可以|是不是|有没有|要不要|会不会|行不行|"
    r"算不算|能否|如何|谁|哪|啥时候|什么时候|^(?:what|how|why|when|who|where|which|can|could|is|are|do|does|did|will|should|am|may)\b|"
    r"뭐|왜|어떻게|언제|얼마|누구|어디)", re.IGNORECASE)


def asks(text: str, *, strong: bool = False) -> bool:
    """The message reads as a question (``strong``: unmistakably, by its mark or its last word)."""
    compact = text.strip()
    if len(compact.replace(" ", "")) < 3 or not has_content(compact):   # "？？？" asks nothing
        return False
    if _STRONG_QUESTION.search(compact):
        return True
    return not strong and _QUESTION_WORDS.search(compact) is not None


# A short message holding an unmistakable "say again" with a remark around it: "啥？你再讲一遍 俺眼神不好".
_STRONG_REPEAT = re.compile(
    r"(?:再|重新)(?:说|讲|发|念)(?:一遍|一次|一下|遍)|重复一[下遍次]|重发|"
    r"(?:say|send|repeat)\s+(?:that|it)\s+again|repeat\s+(?:that|it)|다시\s*(?:한\s*번\s*)?(?:말|보내|알려)\S*",
    re.IGNORECASE)
_HUH = re.compile(r"^(?:啥|什么|嗯|哈|啊|huh|what|뭐|네)\s*[?？!！]+\s*", re.IGNORECASE)
_SHORT_REMARK = 20


def repeats(text: str) -> bool:
    """The message asks for the last question or answer again (``text`` normalised, case-folded)."""
    if REPEAT.match(text):
        return True
    said = _HUH.sub("", text)
    if len(said) > _SHORT_REMARK or not (strong := _STRONG_REPEAT.search(said)):
        return False
    rest = (said[:strong.start()] + " " + said[strong.end():]).strip()
    return not asks(rest)
