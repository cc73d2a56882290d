"""The document's sentence that answers: found under the farmer's own names for things, quoted up to the fact,
not dropped when the summary words a figure its own way, and put first when it carries the figure asked."""

from __future__ import annotations

from test_faq_flow import Chat

from bot.nlu.clauses import load_clauses
from bot.nlu.grounding import said_already


def test_a_department_called_by_its_bureau_name_meets_the_sentence_on_what_it_checks() -> None:
    # 劳动局 is what a farmer calls the office the county's document names 人力资源和社会保障部门.
    text = Chat(county="140621").say("劳动局那边查俺家啥")
    assert "在编" in text and "文件原文" in text
    assert "机动车" in Chat(county="140621").say("交警大队要查俺家哪样")


def test_the_quote_runs_on_to_the_phrase_that_states_the_rule() -> None:
    # The sentence names the first round of acceptance early and states its coverage 60 characters later.
    text = Chat(county="140621").say("乡里头一回验收的时候咋验")
    assert "100%" in text


def test_a_figure_the_summary_words_its_own_way_is_not_said_already() -> None:
    assert not said_already("每年开展2次全面排查，公开信访电话。", "每年各开展一次全面排查，公开信访电话。")
    assert said_already("每年开展2次全面排查，公开信访电话。", "每年开展2次全面排查，公开信访电话。")


def test_the_sentence_with_the_figure_asked_comes_first_under_the_county_name() -> None:
    text = Chat(county="230400").say("每年查房查几次")
    first, _, rest = text.partition("\n")
    assert first.startswith("鹤岗市文件原文：") and "2次" in first
    assert rest.startswith("鹤岗：")                 # the summary follows, as the fallback


def test_preambles_and_attached_forms_are_never_quoted() -> None:
    texts = [clause.text for clause in load_clauses()]
    assert not any(text.startswith("以习近平") for text in texts)
    assert not any("___" in text or "（盖章）" in text or "填表日期" in text for text in texts)
    # what followed the preamble in the same sentence is still there, marked as cut
    assert any(text.startswith("…坚持安全为本") for text in texts)


def test_korean_words_of_the_report_reach_its_sentences() -> None:
    text = Chat(county="222400", language="ko").say("허가 받기 전에 집부터 지어도 돼요")
    assert "先审批后建设" in text


def test_rules_asked_in_the_farmers_words_meet_the_documents_words() -> None:
    chat = Chat(county="140621")
    assert "书面" in chat.say("口头跟村里讲一下行不行")                 # 口头 ↔ 书面申请
    assert "视为" in Chat(county="140621").say("那几个部门老没回音 咋算")  # 回音 ↔ 不做回复视为…合格
    assert "三级财政" in Chat(county="140621").say("这补助到底谁出的钱")   # 谁出的钱 ↔ 省、市、县三级财政分担


def test_the_sentence_giving_the_kind_of_fact_asked_wins_over_one_that_shares_more_words() -> None:
    # "几天" asks for a period: the township's publicity sentence ("不得少于七日") answers, not the sentence on
    # the township's list that shares more of the question's other words, nor the summary's review period.
    text = Chat(county="140621").say("乡里审查过了 在镇上还要贴出来几天")
    first = text.partition("\n")[0]
    assert first.startswith("山阴县文件原文：") and "七日" in first


def test_a_follow_up_on_the_same_topic_still_asks_what_the_question_before_asked() -> None:
    chat = Chat(county="140621")
    assert "7个工作日" in chat.say("乡镇审核要几天")
    again = chat.say("审完了镇上贴不贴出来")           # names no period, but the farmer is still asking how long
    assert again.startswith("山阴县文件原文：") and "七日" in again.partition("\n")[0]


def test_what_a_question_word_asks_for() -> None:
    from bot.nlu.grounding import holds_asked
    from bot.nlu.retriever import Result

    period, amount = Result("answer", asks=("期限",)), Result("answer", asks=("多少",))
    assert holds_asked(period, "公示期限不得少于七日") and holds_asked(period, "10个工作日内反馈")
    assert not holds_asked(period, "2021年印发的文件")                  # a document's year is no period
    assert holds_asked(amount, "发放技术指导2800册") and not holds_asked(amount, "公示期限不得少于七日")
    assert not holds_asked(Result("answer"), "不得少于七日")             # nothing asked, nothing held


def test_a_figure_in_chinese_numerals_is_the_same_figure_in_digits() -> None:
    from bot.nlu.grounding import _figures

    assert _figures("公示期限不得少于七日") == _figures("公示不少于7天") == {"7日"}
    assert _figures("7个工作日内审查完毕") == {"7工作日"}                     # another period than 7 days
    assert _figures("按照“四议两公开”的方式进行评议") == set()             # numerals in a name state no figure


def test_the_specific_a_question_names_is_in_the_sentence_quoted() -> None:
    # 交警 and 合作社 are rare in the county's document; the sentence listing every department shares more
    # common words ("危房", "改造") with the question but is not what each department checks.
    assert "机动车" in Chat(county="140621").say("搞危改咋还让交警查 查个啥")
    assert "工商企业" in Chat(county="140621").say("入了合作社的股 还能申请危改不")


def test_a_long_sentence_is_indexed_whole_in_pieces_not_cut_off() -> None:
    texts = [clause.text for clause in load_clauses()]
    assert any("28403户建档立卡贫困户" in text for text in texts)     # the end of a 190-character sentence
    assert all(len(text) <= 160 for text in texts)


def test_households_with_no_will_or_no_means_hear_the_documents_ways() -> None:
    # 000 补短板 and 001 name them: no will to renovate, the will but no means; each county's own ways follow.
    import re

    korean = Chat(county="222400", language="ko").say("고치고 싶은데 돈이 없어요 어떻게 하죠")
    assert re.search(r"공공\s*임대|임대|교환|행복|公租房|置换|租赁", korean)
    assert re.search(r"租赁|子女|安置", Chat(county="140429").say("老人不愿意改房子咋整"))


def test_renting_and_empty_houses_in_farmers_words() -> None:
    from bot.nlu.synonyms import load_synonyms

    synonyms = load_synonyms()
    assert synonyms.apply(["租别人家", "闲房子"]) == ["租房", "闲置"]
    assert synonyms.apply(["不愿意", "没钱"]) == ["意愿", "筹资"]
