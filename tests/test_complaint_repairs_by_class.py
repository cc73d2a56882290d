"""The complaint flow and the wish for a person, by class, in Chinese, Korean and English: leaving however it is
put, the wish to stay unnamed however it is put (and said back at once), a name and a phone in one message or
before they are asked, "确认 / confirm" at the contact question, a report whose story names no category,
misconduct told in the first message, a village spelled in pinyin, and a person asked for in many words.
Lines are ``(said, [the reply holds], [the reply does not hold])``.

The sentences are this file's own; none is taken from a measuring set.
"""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from test_dialog_repair import FARMER, play, rows, say
from test_free_text_flows import county_known

from api.models import CallbackRequest, Complaint
from bot.engine.keywords import DONE, cancels
from bot.flows import complaint_cues as cues
from bot.flows.handoff import WISH

TELEGRAM = {"channel": "telegram", "sender": "tg-4242"}


# ------------------------------------------------------------------------------------------------- vocabulary

@pytest.mark.parametrize("said", ["아니에요 취소할게요", "아니요, 그만할래요", "신고 안 할래요", "no, cancel it",
                                  "actually never mind", "I don't want to report anymore", "哎 算了 不举报了",
                                  "还是算了", "不了 不弄了"])
def test_a_leave_word_after_no_or_a_sigh_still_leaves(said: str) -> None:
    assert cancels(said)


@pytest.mark.parametrize("said", ["아니에요", "no", "算了 还是举报吧", "stop by the village office"])
def test_a_bare_no_or_going_on_after_all_is_no_leave(said: str) -> None:
    assert not cancels(said)


@pytest.mark.parametrize("said", ["不用留名 确认", "名字就别写了", "怕被报复 别让人知道是我", "担心穿小鞋",
                                  "이름은 빼 주세요", "보복이 무서워요", "keep my name out of it",
                                  "I'm afraid of retaliation", "anonymous please"])
def test_the_wish_to_stay_unnamed_however_it_is_put(said: str) -> None:
    assert cues.anonymous_wish(said)


@pytest.mark.parametrize(("said", "name"), [("可以留名 王大山 电话13912345678", "王大山"),
                                            ("俺叫李四 电话13812345678", "李四"),
                                            ("my name is Li Ming, number 13912345678", "Li Ming")])
def test_a_name_to_sign_with_is_read_and_a_refusal_gives_none(said: str, name: str) -> None:
    assert not cues.anonymous_wish(said) and cues.signed_name(said) == name
    assert cues.signed_name("不用留名 确认") is None


@pytest.mark.parametrize(("said", "category"), [
    ("村支书说不交三百块钱就不给报", "索要好处费"),
    ("the village head asked us for money before he would put us on the list", "索要好处费"),
    ("이장이 돈을 달라고 했어요", "索要好处费"),
    ("补助只到了一半 剩下的被扣下了", "资金-克扣"),
    ("the subsidy has not been paid for a year", "资金-拖欠"),
    ("村干部把他亲戚评上了 走后门", "对象认定不公"),
    ("施工队以次充好 用的劣质砖", "工程质量安全"),
    ("有人用假材料骗补", "资金-冒领"),
])
def test_misconduct_told_in_words_names_its_category(said: str, category: str) -> None:
    assert cues.category_in(said) == category


def test_a_report_word_heading_a_story_is_a_report_and_a_question_about_reporting_is_not() -> None:
    assert cues.wants_to_report("举报 村里把俺家的补助拉走了一部分 一直没说法")
    assert cues.wants_to_report("신고하고 싶어요 돈 문제예요")
    assert not cues.wants_to_report("举报电话多少")


def test_confirm_said_in_english_is_a_done_word() -> None:
    assert DONE.search("yes confirm") and DONE.search("好 确定") and not DONE.search("确定是东村吗")


# ------------------------------------------------------------------------------------------------- transcripts

@pytest.mark.parametrize(("first", "leave", "hint"), [
    ("신고하고 싶어요 보조금을 떼먹었어요", "아니에요 취소할게요", "ko"),
    ("我要举报 村里克扣补助", "哎 算了 不举报了", None),
    ("I want to report that the subsidy was withheld", "no, cancel it", None),
])
def test_leaving_a_complaint_after_no_files_nothing(engine: Engine, villages: None, first: str, leave: str,
                                                    hint: str | None) -> None:
    county_known(engine)
    say(engine, first, hint=hint)
    reply = say(engine, leave, hint=hint)
    assert any(word in reply for word in ("退出", "종료", "stopped", "cancel", "Cancel", "nothing")), reply
    assert rows(engine, Complaint) == []


@pytest.mark.parametrize(("first", "said_back"), [
    ("我想举报施工队偷工减料 但是怕被报复 别让人知道是我", "匿名"),
    ("시공업체가 부실 공사를 했어요 신고하고 싶어요 보복이 무서워요", "익명"),
    ("I want to report shoddy work by the builder, I'm afraid of retaliation", "anonymous"),
])
def test_the_wish_to_stay_unnamed_in_the_first_message_is_said_back(engine: Engine, villages: None, first: str,
                                                                     said_back: str) -> None:
    county_known(engine)
    assert said_back in say(engine, first)


def test_name_and_phone_in_one_message_file_and_confirm_after_is_told_the_number(
        engine: Engine, villages: None) -> None:
    county_known(engine, **TELEGRAM)
    play(engine, [
        ("俺要举报 施工队偷工减料 墙刚改完就裂了", ["哪个村"]),
        ("东村", ["答复"]),
        ("可以留名 王大山 电话13712345678", ["TS-140621-"], ["号码不对"]),
        ("确认 提交", ["TS-140621-"]),
    ], **TELEGRAM)
    [filed] = rows(engine, Complaint)
    assert filed.contact_phone == "13712345678" and not filed.anonymous and "王大山" in filed.text


def test_not_named_and_confirm_in_one_message_files_anonymously(engine: Engine, villages: None) -> None:
    county_known(engine)
    play(engine, [("举报有人冒领危改补助", ["哪个村"]), ("西村", ["谁"]), ("有户人家在城里有楼 也领了一万四", ["答复"]),
                  ("不用留名 确认", ["TS-140621-"], ["已补充"])])
    [filed] = rows(engine, Complaint)
    assert filed.anonymous and filed.contact_phone is None


def test_confirm_without_a_choice_files_with_the_phone_it_came_from(engine: Engine, villages: None) -> None:
    county_known(engine)
    play(engine, [("我要举报 村会计把俺的补助扣了两千", ["哪个村"]), ("东村", ["答复"]),
                  ("确认 提交", ["TS-140621-"], ["已补充"])])
    [filed] = rows(engine, Complaint)
    assert filed.contact_phone == FARMER and not filed.anonymous


def test_a_phone_given_before_it_is_asked_is_not_asked_again(engine: Engine, villages: None) -> None:
    county_known(engine, **TELEGRAM)
    play(engine, [("我要投诉 村主任优亲厚友 把他亲戚评上了 俺电话13812345678", ["认定不公", "哪个村"]),
                  ("西村", ["TS-140621-"], ["答复您吗"])], **TELEGRAM)
    [filed] = rows(engine, Complaint)
    assert filed.contact_phone == "13812345678"


def test_a_village_or_a_phone_at_the_category_question_is_kept(engine: Engine, villages: None) -> None:
    county_known(engine)
    play(engine, [("我要举报", ["请选择"]), ("东村", ["已记下", "东村", "哪一类"]),
                  ("俺电话13812345678", ["哪一类"], ["TS-"]), ("5", ["谁"], ["哪个村"])])


def test_a_story_no_category_names_starts_the_complaint_as_other(engine: Engine, villages: None) -> None:
    county_known(engine)
    play(engine, [("举报 东村有人把俺家的砖拉走了 一直不给说法", ["其他问题", "东村"], ["请选择", "哪个村"])])


def test_misconduct_in_english_with_a_village_in_pinyin(engine: Engine, villages: None) -> None:
    county_known(engine)
    play(engine, [
        ("I want to report something. the village head asked me for money before he would put me on the list",
         ["bribe", "village"]),
        ("Daiyue town, Dongcun village, he asked 500 yuan", ["reply"], ["number is not right", "请"]),
        ("anonymous please", ["TS-140621-"]),
        ("yes confirm", ["TS-140621-"]),
    ])
    [filed] = rows(engine, Complaint)
    assert filed.anonymous and filed.village_id is not None


def test_nonsense_at_the_village_question_is_no_try_and_the_way_out_follows(engine: Engine, villages: None) -> None:
    county_known(engine)
    play(engine, [("I want to report something about the housing money", ["village"]),
                  ("?????", ["village"], ["不"]),
                  ("asdf jkl", ["cancel"], ["recorded as you wrote"])])


# --------------------------------------------------------------------------------------------------- a person

@pytest.mark.parametrize(("said", "hint"), [
    ("사람이랑 직접 통화하고 싶어요", "ko"), ("담당자랑 통화할 수 있나요", "ko"),
    ("I need to talk to a real person", None), ("有人工没", None), ("能打个电话问问不", None)])
def test_a_person_asked_for_in_many_words_gets_the_contact_points(engine: Engine, said: str,
                                                                   hint: str | None) -> None:
    county_known(engine)
    reply = say(engine, said, hint=hint)
    assert any(word in reply for word in ("电话", "전화", "phone", "call")), reply
    assert "〔" in reply                                # the county's document it comes from


def test_a_story_about_a_phone_call_is_a_complaint_not_a_call_back(engine: Engine, villages: None) -> None:
    county_known(engine)
    assert WISH.search("村主任打电话给我说要交钱")
    play(engine, [("我要举报 村主任打电话给我说要交钱才给评", ["好处费"], ["回电"])])
    assert rows(engine, CallbackRequest) == []


# ------------------------------------------------------------------------------------------------ wishes

@pytest.mark.parametrize(("said", "hint", "wanted"), [
    ("俺想申请危改 可不想让全村都晓得 能不能不公示", None, "公示"),
    ("신청하면 동네 사람들이 알게 되나요? 공시 안 하면 안 돼요?", "ko", "공시"),
    ("can my application be kept private? I don't want my neighbours to know", None, "posted"),
])
def test_the_wish_that_the_village_not_know_an_application_gets_the_publicity_rule(
        engine: Engine, said: str, hint: str | None, wanted: str) -> None:
    county_known(engine)
    reply = say(engine, said, hint=hint)
    assert wanted in reply and "7" in reply and "〔" in reply, reply


def test_where_the_document_states_no_publicity_the_wish_is_not_told_a_rule(engine: Engine) -> None:
    say(engine, "武乡县")
    assert "按规定" not in say(engine, "俺申请了危改 能不能别让村里人知道")


@pytest.mark.parametrize(("said", "hint", "wanted"), [
    ("房子快塌了 能不能快点给俺弄", None, "安全"),
    ("집이 무너질 것 같아요 빨리 해 주세요", "ko", "안전"),
    ("my house is about to fall down, please help quickly", None, "safe"),
])
def test_a_house_about_to_fall_and_a_wish_for_haste_is_told_to_get_safe_and_who_to_tell(
        engine: Engine, said: str, hint: str | None, wanted: str) -> None:
    county_known(engine)
    reply = say(engine, said, hint=hint)
    assert wanted in reply and "〔" in reply, reply


# ------------------------------------------------------------------------------------------------ fears and back

@pytest.mark.parametrize(("fear", "hint", "said_back"), [
    ("会不会被报复啊", None, "匿名"),
    ("보복당하지 않나요?", "ko", "익명"),
    ("will they find out it was me?", None, "anonymous"),
])
def test_a_fear_of_retaliation_asked_at_a_question_is_answered_and_never_taken_for_the_village(
        engine: Engine, villages: None, fear: str, hint: str | None, said_back: str) -> None:
    county_known(engine)
    say(engine, "举报 镇上包村干部优亲厚友 把指标给了他小舅子", hint=hint)
    reply = say(engine, fear, hint=hint)
    assert said_back in reply, reply
    play(engine, [("那就匿名吧", [], ["TS-"]), ("西村", ["TS-140621-"])], hint=hint)
    [filed] = rows(engine, Complaint)
    assert filed.anonymous and filed.village_id is not None


def test_a_fear_at_the_contact_question_is_answered_and_the_question_asked_again(
        engine: Engine, villages: None) -> None:
    county_known(engine)
    play(engine, [("我要举报 村会计把俺的补助扣了两千", ["哪个村"]), ("东村", ["答复"]),
                  ("他们会知道是我举报的吗", ["可以匿名", "答复"], ["已补充", "TS-"]), ("2", ["TS-140621-"])])
    [filed] = rows(engine, Complaint)
    assert filed.anonymous and "知道是我" not in filed.text


def test_several_back_words_in_korean_go_back(engine: Engine, villages: None) -> None:
    county_known(engine)
    play(engine, [("신고하고 싶어요", ["번호"]), ("3", ["마을"]), ("잘못했어요 이전", ["이전 질문", "번호"])],
         hint="ko")


@pytest.mark.parametrize(("script", "hint"), [
    ([("我要举报 补助被克扣了", []), ("东村", []), ("村干部", []),
      ("说错了 不是村干部 是乡镇的人", ["已改正", "乡镇工作人员"]), ("他扣了俺两千块", ["答复"])], None),
    ([("I want to report that my subsidy was paid late", ["paid late"]), ("Dongcun", ["Who"]),
      ("the village committee", []), ("sorry, wrong, it was the township staff", ["Corrected", "Township staff"])],
     None),
])
def test_who_it_is_about_corrected_in_place(engine: Engine, villages: None, script: list, hint: str | None) -> None:
    county_known(engine)
    play(engine, script, hint=hint)
    say(engine, "2", hint=hint)
    [filed] = rows(engine, Complaint)
    assert filed.subject.value == "township"
