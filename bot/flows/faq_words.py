"""What farmers send between questions, and the words that tell a report or an objection from a question about
one: the FAQ flow's vocabulary, kept apart from its answering."""

from __future__ import annotations

import re

from bot.engine.keywords import TAIL, alternatives

# What farmers send between questions. Matched whole (after normalize.token), and only here, where no flow
# took the message: inside screening 没有 and 不知道 are answers.
ACKNOWLEDGED = frozenset({"谢谢", "多谢", "谢谢你", "谢谢您", "感谢", "好的", "好", "好吧", "好滴", "行", "行吧", "嗯",
                          "嗯嗯", "哦", "噢", "知道了", "明白了", "明白", "懂了", "收到", "可以", "是的", "对", "没有",
                          "没有了", "没了", "没事", "没事了", "ok", "okay", "thanks", "thank you", "thx", "고마워요",
                          "감사합니다", "알겠습니다", "네"})
THANKS = frozenset({"谢谢", "多谢", "谢谢你", "谢谢您", "感谢", "thanks", "thank you", "thx", "고마워요", "감사합니다"})
# "好 确认", "行 就这样", "ok sure", "네 확인": assent in a few words, right after a flow ended. Acknowledged, never
# searched as a question (a policy answer to "好 确认" is noise).
ASSENT_WORDS = frozenset({"确认", "确定", "对的", "没问题", "就这样", "就这样吧", "中", "妥", "成", "要得", "同意",
                          "confirm", "confirmed", "yes", "sure", "fine", "great", "good", "확인", "좋아요", "그래요",
                          "예", "알겠어요"})
_PIECES = re.compile(r"[\s,，。.!！~～、]+")


def assents(said: str) -> bool:
    """Nothing but words of assent or thanks, two or more of them ("好 确认"; a single one is ACKNOWLEDGED)."""
    pieces = [p for p in _PIECES.split(said.strip()) if p]
    return bool(pieces) and all(p in ACKNOWLEDGED or p in ASSENT_WORDS for p in pieces)


# "好的 知道了", "ok thx", "行 明白了 谢谢啦": several of them in one message, with particles between.
_ACK_WORDS = (*ACKNOWLEDGED, *ASSENT_WORDS, "好嘞", "好哒", "知道啦", "明白啦", "谢啦", "谢了", "got it", "i see",
              "네네")
ACK_RUN = re.compile(r"^(?:(?:" + alternatives(*_ACK_WORDS) + r")" + TAIL + r"[啦嘞哦噢]*" + TAIL + r")+$",
                      re.IGNORECASE)
THANKS_IN = re.compile(alternatives(*THANKS, "谢啦", "谢了"), re.IGNORECASE)
PUZZLED = frozenset({"不知道", "不懂", "我不懂", "看不懂", "听不懂", "不明白", "没看懂", "啥意思", "什么意思", "啥",
                     "什么", "咋整", "怎么办", "不会", "모르겠어요", "무슨 뜻이에요", "i don't understand", "what"})
# What a farmer says who has something to report or to object to, rather than a question about the rule.
REPORT_INTENT = re.compile(r"(我|俺|咱)(们)?(要|想)(举报|告|反映|投诉)|我要告")
OBJECT_INTENT = re.compile(r"(我|俺|咱)(们)?(要|想)(对.{0,24}?)?(提|提出)?(个)?异议|对.{0,12}有意见|"
                           r"(公示|名单).{0,12}(我|俺|咱)(们)?(要|想|得)(提|提出|反映)(个|点)?(意见|看法)|"
                           r"(我|俺|咱)(们)?(要|想)(对|给)?.{0,12}(公示|名单).{0,6}(提|提出)(个|点)?(意见|看法)|"
                           r"(公示|名单).{0,12}(不服|不同意|不认)|"
                           r"^(?!.*(咋|怎么|怎样|如何|啥|吗|么|[?？])).*((公示|名单).{0,6}有问题|不该评|不应该评|还评上了)|"
                           r"\b(i|we) (want|would like|wish|need) to (file |make |raise |lodge )?(an )?object|"
                           r"\b(i|we) (disagree with|dispute|challenge) .{0,30}\b(list|publicity|notice)|"
                           r"(공시|명단).{0,12}(이의|이견|의견|문제 ?(가|를)? ?(제기|있))|"
                           r"\bi object to\b|이의\s*(를|가)?\s*(제기|신청|있어요|있습니다|하고 싶)", re.IGNORECASE)
# "举报冒领的咋处理", "举报电话多少": a question about reporting, even with an incident named in it.
_HOW = re.compile(r"怎么|咋|如何|多少|哪里|哪儿|电话|吗|么|[?？]|有没有|能不能|可以.{0,4}不|\b(?:how|what|where)\b|\?|"
                  r"어떻게|어디|뭐", re.IGNORECASE)


def asks_how(text: str) -> bool:
    """A question about reporting or objecting (how, where, the phone), not a report."""
    return _HOW.search(text) is not None
