"""Policy questions in the farmer's own words: the county's answer with its source, or an honest "not here".

Free text lands here (the engine's default). A confident match gets its county's short answer — the default
answer where the county's documents are silent — in the user's language, with "回复1 看详情" when there is
more; an uncertain one gets the two or three nearest topics to pick from; a question outside the programme or
about a place we do not serve is told so, with where to ask instead. No figure is ever produced here: every
number a farmer reads comes from the FAQ text of the county it names.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from api.i18n import N_
from api.profiles import load_profiles
from bot.engine import context
from bot.engine.context import reply_language
from bot.engine.keywords import (
    DONE,
    PLAINER,
    WHAT_NOW,
    cancels,
    leaves_to_ask,
    repeats,
    split_aside,
)
from bot.engine.normalize import token
from bot.engine.types import Flow, Option, Reply, Turn
from bot.faq.citation import checked_sources, compact_citation, short_name
from bot.faq.loader import Answer, Cite, FaqEntry
from bot.flows import (
    complaint,
    complaint_cues,
    followup,
    handoff,
    menu,
    objection,
    screening_cues,
    status,
    subscribe,
    wishes,
)
from bot.flows import county as county_flow
from bot.flows.faq_several import Asked, asked_topics, compose
from bot.flows.faq_words import (
    ACK_RUN,
    ACKNOWLEDGED,
    OBJECT_INTENT,
    PUZZLED,
    REPORT_INTENT,
    THANKS,
    THANKS_IN,
    asks_how,
    assents,
)
from bot.flows.wishes import PUBLICITY_TOPIC
from bot.nlu import brief, grounding
from bot.nlu.clauses import Clause, with_continuation
from bot.nlu.retriever import Result, retriever

NAME = "faq"
DETAIL_KEY = "1"
ALSO_KEY = "2"
MENU_SIZE = 3
ASK, ANSWERED, CHOOSE = "ask", "answered", "choose"
ASIDE_MIN_CHARS = 4
# An aside retrieval is unsure of is still answered with its best topic when it scores this well (as a question
# outside a flow is: "decide, don't deflect"); below it the flow's question is asked again.
ASIDE_CLARIFY_SCORE = 0.5


# Closing words outside any flow, besides the leave words every flow knows: the farmer is done, not asking.
CLOSING = frozenset({"不用了", "没事了", "没事", "stop asking", "no need"})
FILED_Q = re.compile(r"(?:提交|记下|收到|登记|受理|报上去)(?:了)?(?:吗|没|没有|不)|有编号(?:吗|没)|접수(?:됐|되었)|"
                     r"was it (?:filed|submitted)", re.IGNORECASE)
AFTER_FILING = 20    # characters: "就这些 确认提交" right after a filing is about that filing
LEAD_CHARS = 120     # characters: a longer summary leads with its sentence that holds the question
BARE_WORD = 4        # characters: a one-word message this short ("房子") gets the nearest topics to pick from


def _entries() -> dict[str, FaqEntry]:
    """The FAQ as indexed (the cached retriever carries it, so answering parses no YAML)."""
    return retriever().entries  # type: ignore[return-value]


def _closing(said: str) -> bool:
    """Nothing but closing words ("算了不弄了", "那算了吧", "forget it, stop"); "啊啊啊" is no closing word."""
    rest = said.replace(" ", "")
    for word in sorted(CLOSING, key=len, reverse=True):
        rest = rest.replace(word.replace(" ", ""), "")
    if said.strip() and rest != said.replace(" ", "") and not rest.strip("吧啊呀了哈嘛呢,，。.!！"):
        return True
    return cancels(said) and not leaves_to_ask(said)


def entry_title(faq_id: str) -> str:
    entry = _entries().get(faq_id)
    return entry.title if entry else ""


def _language(turn: Turn) -> str:
    return reply_language(turn) or "zh_Hans"


def where_to_ask(turn: Turn, county: str | None) -> str:
    """The county's hotline and its note, or the general advice when the county is unknown."""
    profile = load_profiles().get(county or "")
    if profile is None:
        return turn._("请向村委会、乡镇政府或县住建局咨询。")
    if profile.hotline:
        text = turn._("咨询电话：{hotline}。{note}")
        return text.format(hotline=profile.hotline, note=profile.hotline_note)
    return profile.hotline_note


def _citation(turn: Turn, answer: Answer, county: str | None) -> str | None:
    """The answer's compact source; for a default answer, the county's documents that were checked."""
    if answer.cite is not None:
        return compact_citation(answer.cite)
    checked = checked_sources(county)
    return turn._("{sources}（未写明）").format(sources=checked) if checked else None


def _citation_with(answer: Answer, clause: Clause) -> str | None:
    """The answer's citation, with the quoted sentence's section added when the answer does not cite it."""
    if answer.cite is None or answer.cite.doc != clause.doc:
        return None
    sections = [part.strip() for part in answer.cite.section.split(";")]
    if any(clause.section.startswith(part) or part.startswith(clause.section) for part in sections if part):
        return None
    return compact_citation(Cite(doc=clause.doc, section="; ".join([*sections, clause.section])))


def _citations(turn: Turn, answers: list[Answer], county: str | None) -> str | None:
    """The sources of several answers: their sections together when they cite one document, else each one."""
    cites = [answer.cite for answer in answers if answer.cite is not None]
    if not cites:
        return _citation(turn, answers[0], county)
    if all(cite.doc == cites[0].doc for cite in cites):
        sections = list(dict.fromkeys(part.strip() for cite in cites for part in cite.section.split(";")))
        return compact_citation(Cite(doc=cites[0].doc, section="; ".join(sections)))
    return "；".join(dict.fromkeys(filter(None, (compact_citation(cite) for cite in cites))))


class FaqFlow(Flow):
    name = NAME
    keywords = ()
    menu_label = N_("政策问答（直接输入问题）")
    # The county is asked here, not by the engine: a question about fertiliser or another province is answered
    # as such at once, without making the farmer pick a county first.
    needs_county = False

    def start(self, turn: Turn) -> list[Reply]:
        turn.flow_data(NAME).clear()
        if not turn.text.strip():
            turn.enter(NAME, ASK)
            return [Reply(turn._("请直接输入您的问题，例如：“公示几天”“补助多少钱”。"))]
        return self._ask(turn, turn.text)

    def resume(self, turn: Turn) -> list[Reply]:
        data = turn.flow_data(NAME)
        key = token(turn.text)
        if turn.state.step == CHOOSE and key.isdigit():
            options: list[str] = data.get("options") or []
            if 1 <= int(key) <= len(options):
                return self._answer(turn, options[int(key) - 1], data.get("county"))
            return self._no_such_option(turn)
        if turn.state.step == ANSWERED and key == DETAIL_KEY and data.get("detail_of"):
            return self._detail(turn, data)
        if turn.state.step == ANSWERED and key == ALSO_KEY and data.get("also"):
            return self._answer(turn, data["also"], data.get("county"))
        if key.isdigit():
            return self._no_such_option(turn)
        answered = turn.state.step == ANSWERED
        said = token(turn.text)
        if answered and data.get("asked") and (repeats(said) or PLAINER.match(said)):
            return self._ask(turn, data["asked"])         # "再说一遍", "听不懂": the same answer again
        return self._ask(turn, turn.text, previous=data.get("asked") if answered else None,
                         previous_topic=data.get("topic") if answered else None)

    # ---------------------------------------------------------------------------------------------- asking

    def _ask(self, turn: Turn, text: str, previous: str | None = None,
             previous_topic: str | None = None) -> list[Reply]:
        """``previous``: the question just answered (on ``previous_topic``), against which a short follow-up is
        read."""
        data = turn.flow_data(NAME)
        data.clear()
        said = token(text)
        place = county_flow.named(text)
        if place:                        # just the county's name: remember it, invite the question
            turn.finish()
            return [county_flow.remember(turn, place),
                    Reply(turn._("请直接输入您的问题，例如：“公示几天”“补助多少钱”；回复0看菜单。"))]
        filed = context.meta(turn.state).get("filed")
        if filed and len(said) <= AFTER_FILING and (DONE.search(text) or FILED_Q.search(text)):
            turn.finish()
            return [Reply(turn._("已经提交了，编号{number}，不用再发。还有别的事可以直接说。").format(number=filed))]
        subscribed = subscribe.after(turn, text, assents(said))   # "订上了吗", "好 确认" right after subscribing
        if subscribed is not None:
            turn.finish()
            return subscribed
        instead = context.meta(turn.state).pop(context.REFUSED, None)
        if instead and WHAT_NOW.match(said):             # "那咋办" after "no villages here": the way, and who
            turn.finish()
            return [Reply(instead + "\n" + where_to_ask(turn, turn.state.county))]
        if _closing(said):
            turn.finish()
            return [Reply(turn._("好的，不办了，什么也没有提交。有问题随时再问；回复0看菜单。"))]
        acknowledged = said in ACKNOWLEDGED or ACK_RUN.match(said) is not None or assents(said)
        if acknowledged or said in PUZZLED:
            turn.finish()
            if said in THANKS or (acknowledged and THANKS_IN.search(said)):
                return [Reply(turn._("不客气。还有问题可以直接问我，回复0看菜单。"))]
            if acknowledged:
                return [Reply(turn._("好的。还有问题可以直接问我，回复0看菜单。"))]
            return [Reply(turn._("没关系。您可以直接说想问什么，比如“补助多少钱”“怎么申请”“公示几天”；"
                                 "回复0看菜单。"))]
        after_status = status.follow_up(turn, text)     # "那还得等几天", "那他自己咋查" after a status answer
        if after_status is not None:
            topic, replies = after_status
            if topic is None:
                turn.finish()
                return replies
            return self._answer(turn, topic, turn.state.county, text)
        listed = objection.FLOW.from_free_text(turn, text)   # "东村公示上都有谁": the records, not the rule
        if listed is not None:
            return listed
        heard = screening_cues.facts_in(text)
        if heard:                              # kept for the pre-check, so nothing told is asked again
            context.meta(turn.state).setdefault("household", {}).update(heard)
        named = county_flow.find_in_text(text)
        if named and not turn.state.county:     # a new sender who names a county ("俺是鹤岗的…") lives there
            turn.state.county = named
        county = named or turn.state.county
        result = retriever().search(text)
        if previous and followup.reads_as_followup(text, result):
            text = followup.joined(previous, text)
            result = retriever().search(text)
        wished = self._wish(turn, text, county)
        if wished is not None:
            return wished
        if result.outcome == "out_of_scope":
            return self._out_of_scope(turn, result, county)
        handed = self._hand_over(turn, text, result)
        if handed is not None:
            return handed
        if county is None:                 # a question for us: now the county matters
            turn.finish()
            context.meta(turn.state)["pending"] = {"flow": NAME, "text": text}
            return county_flow.ask(turn)
        if result.outcome == "clarify" and len(set(result.tokens)) <= 1 and len(said) <= BARE_WORD:
            return self._clarify(turn, result, county, text)   # one bare word ("房子"): truly ambiguous
        several = asked_topics(text) if not previous else []
        if several:                      # "能补多少钱 啥时候给": each asked fact, briefly, in the order asked
            answered = self._answer_several(turn, several, county, text)
            if answered is not None:
                return answered
        if previous and result.top and result.top.faq_id == previous_topic:
            # the same topic again ("乡镇审核得多久" → "审完了镇上还公示不"): still asking how long, so the
            # document's sentence that gives the period leads instead of the summary just sent
            result = followup.with_asks_of(result, retriever().search(previous))
        return self._answer(turn, result.top.faq_id if result.top else "", county, text, result)

    def _wish(self, turn: Turn, text: str, county: str | None) -> list[Reply] | None:
        """"能不公示不", "能不能快点 房子快塌了": a wish, answered as what happens (bot.flows.wishes)."""
        entry = _entries().get(PUBLICITY_TOPIC)
        rule = entry.answer_for(county) if entry is not None and county else None
        if county and wishes.hides_application(text) and rule is not None and not rule.is_default:
            # only where the county's own document says the list is posted; elsewhere retrieval answers
            replies = self._answer(turn, PUBLICITY_TOPIC, county, text)
            first = replies[0]
            return [dataclasses.replace(first, text=wishes.publicity_intro(turn) + "\n" + first.text), *replies[1:]]
        if county and wishes.urgent_danger(text):
            turn.finish()
            return [wishes.danger_first(turn), handoff.contacts(turn)]
        return None

    @staticmethod
    def _hand_over(turn: Turn, text: str, result: Result) -> list[Reply] | None:
        """A farmer who tells of misconduct, or of someone on the list who should not be, wants to report or
        object, not to read the rule: the complaint or objection flow starts on the message itself (which
        reads what it already says). A question about how to report, with no incident in it, stays a question."""
        near = {hit.faq_id for hit in result.hits[:2]}
        for topic, intent, flow in HAND_OVERS:
            told = flow is complaint.FLOW and complaint_cues.wants_to_report(text) and not asks_how(text)
            if (topic in near and intent.search(text)) or told:
                turn.finish()
                turn.text = text
                if flow.needs_county and not turn.state.county:
                    turn.state.county = county_flow.find_in_text(text)   # "俺是山阴县…的": taken, not asked
                if flow.needs_county and not turn.state.county:
                    context.meta(turn.state)["pending"] = {"flow": flow.name, "text": text}
                    return county_flow.ask(turn)
                return flow.start(turn)
        return None

    def _out_of_scope(self, turn: Turn, result: Result, county: str | None) -> list[Reply]:
        turn.finish()
        if result.topic == "chit_chat":
            return [Reply(turn._("我是安居，专门解答农村危房改造政策。请直接问，比如“补助多少钱”；回复0看菜单。"))]
        if result.topic == "place" and result.place:
            served = "、".join(short_name(p) for p in load_profiles().values())
            place = result.place.title() if result.place.isascii() else result.place   # "Wuxi" as it is written
            text = turn._("抱歉，我只能回答{counties}的农村危房改造政策，回答不了“{place}”的问题，"
                          "请向当地住建部门咨询。").format(counties=served, place=place)
            turn.flow_data(NAME).update(asked=turn.text)    # "那山阴县呢" next is read against the question
            turn.enter(NAME, ANSWERED)
            return [Reply(text)]
        sorry = turn._("抱歉，这个问题我回答不了（我只解答农村危房改造政策）。")
        return [Reply(sorry + "\n" + where_to_ask(turn, county))]

    def _clarify(self, turn: Turn, result: Result, county: str | None, text: str) -> list[Reply]:
        entries = _entries()
        ids = [hit.faq_id for hit in result.hits[:MENU_SIZE] if hit.faq_id in entries]
        data = turn.flow_data(NAME)
        data.update(options=ids, county=county)
        turn.enter(NAME, CHOOSE)
        language = _language(turn)
        options = tuple(Option(str(n), entries[i].title_in(language)) for n, i in enumerate(ids, 1))
        return [Reply(turn._("您想问的是哪一个？请回复数字；都不是就换个说法再问。"), options=options)]

    def _no_such_option(self, turn: Turn) -> list[Reply]:
        turn.finish()
        return [menu.show(turn, turn._("没有这个选项。"))]

    # --------------------------------------------------------------------------------------------- answers

    def _answer(self, turn: Turn, faq_id: str, county: str | None, asked: str = "",
                result: Result | None = None) -> list[Reply]:
        """The entry's answer for the county; with ``result`` (a fresh question), the document's own sentence
        when it holds the fact the summary leaves out, and the runner-up topic when retrieval was unsure."""
        data = turn.flow_data(NAME)
        data.clear()
        data.update(asked=asked or entry_title(faq_id), topic=faq_id, county=county)
        entry: FaqEntry = _entries()[faq_id]
        answer = entry.answer_for(county)
        language = _language(turn)
        own = None                     # the county's sentence, where the FAQ has no answer of the county's own
        if (answer is None or answer.is_default) and result is not None and county:
            own = grounding.clause_answering(result, county)
        if answer is None:
            silent = turn._("“{title}”这个问题，您所在地的文件里没有写。").format(title=entry.title_in(language))
            if own is not None:
                return self._quote_clause(turn, own, county or "", result, silent, checked_sources(county))
            turn.finish()
            return [Reply(silent + "\n" + where_to_ask(turn, county))]
        if own is not None:
            return self._quote_clause(turn, own, county or "", result, answer.text_in(language),
                                      _citation(turn, answer, county))
        text = answer.text_in(language)
        if result is not None:                # the sentence asked for before the first SMS page ends
            text = brief.lead(text, result, LEAD_CHARS)
        profile = load_profiles().get(county or "")
        if profile is not None and county != turn.state.county:
            text = turn._("【{county}的规定】").format(county=short_name(profile)) + text
        citation = _citation(turn, answer, county)
        if result is not None and county and not answer.is_default:
            quoted = grounding.quote(result, county, faq_id, answer.text)
            if quoted is not None:      # the document speaks Chinese; a Korean or English reply says so
                chinese = language == "zh_Hans"
                label = turn._("文件原文：“{quote}”") if chinese else turn._("文件原文（中文）：“{quote}”")
                # The sentence that answers comes first, under the county's name; the summary follows as the
                # plain-words fallback (it stays: dropping it lost more answers than it saved characters). A
                # Korean or English reader gets the summary in their language first.
                if quoted.leads and chinese and profile is not None:
                    lead = turn._("{county}文件原文：“{quote}”").format(county=short_name(profile), quote=quoted.text)
                    text = lead + "\n" + text
                else:
                    text += "\n" + label.format(quote=quoted.text)
                citation = _citation_with(answer, quoted.clause) or citation
        options: list[Option] = []
        if answer.detail:
            label = turn._("看详情") if language == "zh_Hans" else turn._("看详情（中文）")
            options.append(Option(DETAIL_KEY, label))
            data.update(detail_of=faq_id)
        runner_up = self._runner_up(result, faq_id, county)
        if runner_up is not None:
            options.append(Option(ALSO_KEY, turn._("也可以问：{title}").format(title=runner_up.title_in(language))))
            data.update(also=runner_up.id)
        turn.enter(NAME, ANSWERED)
        return [Reply(text, options=tuple(options), citation=citation)]

    def _answer_several(self, turn: Turn, several: list[Asked], county: str,
                        asked: str) -> list[Reply] | None:
        """One reply with the answer to each thing the message asked; the first topic stays for follow-ups."""
        composed = compose(several, _entries(), county, _language(turn))
        if composed is None:
            return None
        text, answers = composed
        data = turn.flow_data(NAME)
        data.clear()
        data.update(asked=asked, topic=several[0].faq_id, county=county)
        turn.enter(NAME, ANSWERED)
        return [Reply(text, citation=_citations(turn, answers, county))]

    def _quote_clause(self, turn: Turn, clause: Clause, county: str, result: Result | None, said: str,
                      citation: str | None) -> list[Reply]:
        """What the FAQ says for the county (that its documents do not say it), and beside it the county's own
        sentence that holds most of the question, with its section, so the farmer can judge; the topic stays for
        follow-ups."""
        turn.enter(NAME, ANSWERED)
        quoted = grounding.excerpt(with_continuation(clause), result, county) if result else clause.text
        text = said + "\n" + turn._("文件里相关的原文（{section}）：“{quote}”").format(section=clause.section,
                                                                                quote=quoted)
        return [Reply(text, citation=citation)]

    @staticmethod
    def _runner_up(result: Result | None, faq_id: str, county: str | None) -> FaqEntry | None:
        """The second topic, offered in one line when retrieval could not tell the two apart."""
        if result is None or result.outcome != "clarify" or len(result.hits) < 2:
            return None
        second = _entries().get(result.hits[1].faq_id)
        if second is None or second.id == faq_id or second.answer_for(county) is None:
            return None
        return second

    def _detail(self, turn: Turn, data: dict[str, Any]) -> list[Reply]:
        entry = _entries()[data["detail_of"]]
        county = data.get("county")
        answer = entry.answer_for(county)
        data.pop("detail_of", None)
        if answer is None or not answer.detail:
            return self._no_such_option(turn)
        return [Reply(answer.detail, citation=_citation(turn, answer, county))]


def aside(turn: Turn, text: str) -> Reply | None:
    """The answer to a policy question asked in the middle of another flow, leaving that flow where it was.

    Only a confident answer for the county counts; an uncertain or out-of-scope question returns None and the
    other flow asks its own question again. A message this short (an option, 不知道) is an answer, not a question.
    """
    marked = split_aside(text)             # "先问一下 村里公示几天": the question is what follows the mark
    if marked is not None and not marked[0]:
        text = marked[1]
    if len(token(text).replace(" ", "")) < ASIDE_MIN_CHARS:
        return None
    result = retriever().search(text)
    sure = result.outcome == "answer" or (result.outcome == "clarify" and result.top is not None
                                          and result.top.score >= ASIDE_CLARIFY_SCORE
                                          and len(token(text).replace(" ", "")) > ASIDE_MIN_CHARS)
    entry = _entries().get(result.top.faq_id) if sure and result.top else None
    county = county_flow.find_in_text(text) or turn.state.county
    answer = entry.answer_for(county) if entry is not None else None
    if answer is None:
        return None
    return Reply(answer.text_in(_language(turn)), citation=_citation(turn, answer, county))


FLOW = FaqFlow()
HAND_OVERS = (("misconduct_report", REPORT_INTENT, complaint.FLOW), ("objection", OBJECT_INTENT, objection.FLOW))
