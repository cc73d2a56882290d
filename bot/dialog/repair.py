"""Conversation repair around every question a flow asks, once for all flows (Rasa's repair patterns).

A flow that sets ``repairable`` only asks and parses; the engine handles, at each of its questions:
cancellation (算了 / 不弄了 / 취소 / never mind: leave, and say nothing was filed), correction (说错了 / 上一步 /
이전 / back: the previous question again, with its answer undone; "说错了，是李庄村" answers it at once),
say-that-again (再说一遍), clarification (什么意思: the question explained), skipping (跳过: the flow's own
meaning of it, or "this one cannot be skipped"), chitchat (你是谁, 谢谢), interruption (a policy question is
answered through ``faq.aside`` and the question asked again; a question is never stored as an answer) and
cannot-handle (an answer the flow cannot use, explained twice, then the choice to go on or leave). Human
hand-off is the ``handoff`` flow, whose patterns work at any point.

Each question asked is remembered as a snapshot (step, the flow's data, the village, the prompt) in the
engine's own memory, so "back" restores exactly what the farmer saw one question earlier.
"""

from __future__ import annotations

import copy
import re
from typing import TYPE_CHECKING, Any

from bot.engine.context import meta
from bot.engine.keywords import TAIL, alternatives, asks, cancels, repeats, split_aside
from bot.engine.normalize import token
from bot.engine.types import Flow, Option, Reply, Turn
from bot.flows import faq

if TYPE_CHECKING:
    from bot.dialog.engine import _Router

ASKED, MISSES, STUCK = "asked", "misses", "stuck"
MAX_SNAPSHOTS = 12
MAX_EXPLAINED = 2            # an answer the flow cannot use is explained this often, then the way out is offered
SHORT_FREE_QUESTION = 15     # at a free-text step only a question this short can be an aside


_BACK_WORDS = ("上一步", "上一题", "后退", "回到上一步", "返回上一步", "说错了", "我说错了", "不对", "不对不对",
               "错了", "选错了", "刚才那个选错了", "刚才选错了", "刚才说错了", "刚才那个不对", "写错了", "我写错了",
               "改一下", "重新选", "이전", "뒤로", "이전 단계", "잘못 했어요", "잘못했어요", "잘못 눌렀어요",
               "틀렸어요", "back", "go back", "previous", "wrong", "that's wrong", "i made a mistake", "undo")
# What may come before a back word without changing it: "sorry, wrong", "哎呀 说错了", "아 잘못했어요".
_BACK_LEAD = r"(?:(?:sorry|oops|oh|ah|no|对不起|不好意思|哎呀|哎|唉|啊|아|아이고|죄송해요|미안해요)[\s,，。.!！]+)*"
BACK = re.compile(r"^" + _BACK_LEAD + r"(?:(?:" + alternatives(*_BACK_WORDS) + r")" + TAIL + r")+$",
                  re.IGNORECASE)   # "잘못했어요 이전"
# "说错了，是李庄村" / "不对，应该是2" / "wrong, it's 2": back, then the remainder answers that question.
CORRECTION = re.compile(r"^" + _BACK_LEAD + r"(?:" + alternatives(*_BACK_WORDS) + r")[\s,，。.:：!！]+"
                        r"(?:应该是|应该选|改成|改为|是|选|it's|it is|아니라)?\s*(?P<rest>\S.*)$",
                        re.IGNORECASE | re.DOTALL)
INSTEAD = re.compile(r"^(?:不是|并不是)\S{0,20}?[\s,，。]*(?:而)?(?:是|应该是|应是|改成|改为)\s*(?P<right>\S.*)$",
                     re.DOTALL)
# "是西村不是东村": what it should be, then what it is not.
RATHER = re.compile(r"[\s,，。]*(?:(?:而)?不是\S{1,20}|\bnot (?:a |an |the )?\S{1,20})$", re.IGNORECASE)
EXPLAIN = re.compile(r"^(?:" + alternatives(
    "这个啥意思", "这是啥意思", "啥意思", "什么意思", "这是什么意思", "这个什么意思", "是什么意思", "啥意思啊",
    "不明白", "看不懂", "没看懂", "听不懂", "这问的啥", "问这个干啥", "问这个干什么", "为什么问这个",
    "这个是啥", "这是啥", "무슨 뜻이에요", "무슨 뜻이야", "무슨 뜻", "무슨 말이에요", "이해가 안 돼요",
    "what does this mean", "what does that mean", "what do you mean", "i don't understand", "meaning",
    "explain") + r")" + r"[\s,，。.!！?？~～吧啊呀]*$", re.IGNORECASE)
SKIP = re.compile(r"^(?:" + alternatives(
    "跳过", "下一个", "下一题", "不想说", "不想回答", "不方便说", "건너뛰기", "건너뛸게요", "넘어가요", "패스",
    "skip", "next", "pass") + r")" + TAIL + r"$", re.IGNORECASE)
WHO = re.compile(r"^(?:" + alternatives(
    "你是谁", "你是机器人吗", "你是人吗", "是机器人吗", "你是真人吗", "机器人吗", "누구세요", "로봇이에요",
    "are you a bot", "are you human", "are you a robot", "who are you") + r")[\s?？!！。.]*$", re.IGNORECASE)
THANKS = re.compile(r"^(?:" + alternatives(
    "谢谢", "谢谢你", "谢谢您", "多谢", "感谢", "고마워요", "감사합니다", "thanks", "thank you") + r")" + TAIL + "$",
    re.IGNORECASE)
GO_ON = frozenset({"1", "继续", "接着", "go on", "continue", "계속"})
# "好 接着来", "继续吧", "ok go on": back to the question after an aside, not an answer to it.
GO_ON_AGAIN = re.compile(r"^(?:好|好的|行|嗯|ok|okay|네)?[\s,，。]*(?:继续|接着来|接着问|接着|往下问|下一个问题|继续问|"
                         r"go on|continue|carry on|계속(?:해 주세요|할게요|하세요)?)" + TAIL + r"$", re.IGNORECASE)
LEAVE = frozenset({"2"})

# ---------------------------------------------------------------------------------------------- snapshots

def _keys(flow: Flow) -> tuple[str, ...]:
    return (flow.name, *flow.state_keys)


def _progress(turn: Turn, flow: Flow) -> dict[str, Any]:
    """What answering a question changes: the step, the flow's data and the village (not the clock)."""
    state = turn.state
    data = {}
    for key in _keys(flow):
        value = state.data.get(key)
        if isinstance(value, dict):
            value = {k: v for k, v in value.items() if k != "saved_at"}
        data[key] = copy.deepcopy(value)
    return {"flow": state.flow, "step": state.step, "data": data, "village_id": state.village_id}


def _reply_json(reply: Reply) -> dict[str, Any]:
    return {"text": reply.text, "options": [[o.key, o.label] for o in reply.options],
            "request_contact": reply.request_contact}


def _reply(raw: dict[str, Any]) -> Reply:
    return Reply(raw["text"], options=tuple(Option(k, v) for k, v in raw.get("options", [])),
                 request_contact=bool(raw.get("request_contact")))


def remember(turn: Turn, flow: Flow | None, replies: list[Reply]) -> None:
    """After a turn: the question now asked joins the snapshots; leaving the flow forgets them."""
    memory = meta(turn.state)
    if flow is None or not flow.repairable or turn.state.flow != flow.name or not replies:
        for key in (ASKED, MISSES, STUCK):
            memory.pop(key, None)
        return
    asked = memory.get(ASKED)
    if not asked or asked.get("flow") != flow.name:
        asked = memory[ASKED] = {"flow": flow.name, "stack": []}
        memory.pop(MISSES, None)
    stack: list[dict[str, Any]] = asked["stack"]
    now = _progress(turn, flow)
    if stack and stack[-1]["state"] == now:
        return
    if stack and stack[-1]["state"]["step"] == now["step"] and len(stack) > 1 \
            and stack[-2]["state"] == now:    # undone by the flow itself (its own "上一步")
        stack.pop()
        return
    stack.append({"state": now, "prompt": _reply_json(replies[-1]),
                  "saved": {k: copy.deepcopy(turn.state.data.get(k)) for k in _keys(flow)}})
    del stack[:-MAX_SNAPSHOTS]


def _prompt(turn: Turn) -> Reply | None:
    stack = (meta(turn.state).get(ASKED) or {}).get("stack") or []
    return _reply(stack[-1]["prompt"]) if stack else None


def _restore(turn: Turn, flow: Flow, snapshot: dict[str, Any]) -> None:
    state = turn.state
    state.flow, state.step = flow.name, snapshot["state"]["step"]
    state.village_id = snapshot["state"]["village_id"]
    for key, value in snapshot["saved"].items():
        if value is None:
            state.data.pop(key, None)
        else:
            state.data[key] = copy.deepcopy(value)


# ---------------------------------------------------------------------------------------------- the turn

def resume(router: _Router, flow: Flow) -> list[Reply]:
    """The active repairable flow's next message: repaired here, or handed to the flow."""
    turn = router.turn
    memory = meta(turn.state)
    text = turn.text.strip()
    said = token(text)
    if memory.pop(STUCK, None):
        if said in GO_ON:
            memory.pop(MISSES, None)
            return _again(turn, None)
        if said in LEAVE:
            return leave(turn, flow)
    if cancels(said) or cancels(text):
        return leave(turn, flow)
    if BACK.match(said):
        return _back(router, flow, None)
    correction = CORRECTION.match(text)
    if correction and not flow.claims(turn):
        rest = correction.group("rest").strip()
        while (again := CORRECTION.match(rest)) is not None:      # "不对 刚才说错了 是…": more back words
            rest = again.group("rest").strip()
        instead = INSTEAD.match(rest)              # "不是克扣 是索要好处费": what it should have been
        if instead:
            rest = instead.group("right").strip()
        elif (kept := RATHER.sub("", rest).strip()) != rest:
            rest = kept if len(kept.replace(" ", "")) >= 2 else ""   # "我不是说东村": what it is not, no answer
        corrected = flow.correct(turn, rest) if rest else None
        if corrected is not None:
            return corrected
        return _back(router, flow, rest or None)
    if repeats(said) or GO_ON_AGAIN.match(said):
        return _again(turn, None)
    if EXPLAIN.match(said):
        return _again(turn, flow.explain(turn) or turn._(
            "这一步就是上面这个问题，按提示回复就行。回复“上一步”改上一个回答，回复“取消”退出，回复“人工”找人帮忙。"))
    if SKIP.match(said):
        meaning = flow.skip(turn)
        if meaning is None:
            return _again(turn, turn._("这个问题不能跳过；不想回答可以回复“取消”退出。"))
        turn.text = meaning
        return _run(router, flow)
    if WHO.match(said):
        return _again(turn, turn._("我是安居的自动回复，正在帮您办这件事。想找工作人员请回复“人工”。"))
    if THANKS.match(said) and turn.state.step not in flow.free_text_steps:
        return _again(turn, turn._("不客气。"))
    granted = flow.grant(turn)
    if granted is not None:
        return _again(turn, granted)
    both = _answer_and_aside(router, flow, text)
    if both is not None:
        return both
    if not flow.claims(turn):
        aside = _aside(turn, flow, text)
        if aside is not None:
            return aside
    return _run(router, flow)


def _aside(turn: Turn, flow: Flow, text: str) -> list[Reply] | None:
    """A policy question asked instead of an answer: answered, and the flow's question asked again."""
    free = turn.state.step in flow.free_text_steps
    if free and (len(text) > SHORT_FREE_QUESTION or not asks(text, strong=True)):
        return None
    if not asks(text):
        return None
    answered = faq.aside(turn, text)
    if answered is not None:
        return [answered, *_again(turn, turn._("我们接着刚才的问题："))]
    if free or not asks(text, strong=True):
        return None
    return _again(turn, turn._("这个问题我现在答不上来，可以回复“人工”找工作人员。我们接着刚才的问题："))


def _answer_and_aside(router: _Router, flow: Flow, text: str) -> list[Reply] | None:
    """"村里克扣俺的补助 对了 补助该给多少": the answer goes to the flow, the question after the mark is answered
    too — both, the answer to the question first, then what the flow says next."""
    parts = split_aside(text)
    if parts is None or not parts[0] or not asks(parts[1]):
        return None
    answered = faq.aside(router.turn, parts[1])
    if answered is None:
        return None
    if router.turn.state.step not in flow.free_text_steps:
        router.turn.text = parts[0]   # an account (a complaint's story) is the farmer's words: none of it is cut
    return [answered, *_run(router, flow)]


def _again(turn: Turn, intro: str | None) -> list[Reply]:
    """The current question once more, after ``intro``."""
    prompt = _prompt(turn)
    replies = [Reply(intro)] if intro else []
    if prompt is None:
        return replies or [Reply(turn._("请按上面的提示回复；回复“取消”退出。"))]
    return [*replies, prompt]


def _run(router: _Router, flow: Flow) -> list[Reply]:
    """The flow takes the answer; an answer it cannot use is explained twice, then the way out is offered."""
    turn = router.turn
    memory = meta(turn.state)
    before = _progress(turn, flow)
    replies = router._run(flow, flow.resume)
    if turn.state.flow != flow.name or _progress(turn, flow) != before:
        memory.pop(MISSES, None)
        return replies
    misses = memory.get(MISSES, 0) + 1
    if misses <= MAX_EXPLAINED:
        memory[MISSES] = misses
        if misses == MAX_EXPLAINED:          # the second time: the ways out are said with the question
            replies = [*replies, Reply(turn._("不想办了可以回复“取消”退出，或回复“人工”找工作人员。"))]
        return replies
    memory.pop(MISSES, None)
    memory[STUCK] = True
    options = (Option("1", turn._("接着回答")), Option("2", turn._("不办了，退出")))
    return [Reply(turn._("这一步好像没对上。回复1接着回答这个问题，回复2退出（不会提交任何内容），"
                         "也可以回复“人工”找工作人员。"), options=options)]


def leave(turn: Turn, flow: Flow) -> list[Reply]:
    """Leave the flow: its data and the question waiting for it go; nothing was filed."""
    extra = flow.on_leave(turn)
    for key in flow.state_keys:
        turn.state.data.pop(key, None)
    meta(turn.state).pop("pending", None)
    turn.finish()
    text = turn._("好的，已经退出，没有提交任何内容。")
    if extra:
        text += extra
    return [Reply(text + "\n" + turn._("有问题可以直接问我，回复0看菜单。"))]


def _back(router: _Router, flow: Flow, answer: str | None) -> list[Reply]:
    """One question back, its answer undone; with ``answer``, that question answered again at once."""
    turn = router.turn
    stack = (meta(turn.state).get(ASKED) or {}).get("stack") or []
    meta(turn.state).pop(MISSES, None)
    if len(stack) < 2:
        if answer:
            turn.text = answer
            return _run(router, flow)
        return _again(turn, turn._("这已经是第一个问题了。"))
    stack.pop()
    _restore(turn, flow, stack[-1])
    if answer:
        turn.text = answer
        return _run(router, flow)
    return _again(turn, turn._("好的，回到上一个问题："))
