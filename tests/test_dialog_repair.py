"""Conversations that never trap a farmer (issue 14), as transcripts: what the farmer says → what the reply holds.

Every line runs through ``store.process`` on a real database, as the SMS gateway and Telegram do. A line of
the script is ``(said, [fragments the reply must hold], [fragments it must not hold])``.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re

import pytest
from sqlalchemy import Engine, select
from test_households import build_world
from test_publicity import local, reviewed, village_notice

from api.db import transaction
from api.models import CallbackRequest, Complaint, Objection
from bot.channels.store import load_state, process, save_state
from bot.engine.types import Inbound

DAY = dt.date(2025, 3, 3)
FARMER = "13912345678"
_ids = itertools.count(1)
Script = list[tuple[str, list[str]] | tuple[str, list[str], list[str]]]


def say(engine: Engine, text: str, *, channel: str = "sms", sender: str = FARMER, now: dt.datetime | None = None,
        hint: str | None = None) -> str:
    inbound = Inbound(channel, sender, text, message_id=f"r{next(_ids)}", language_hint=hint)
    replies = process(engine, inbound, now or local(DAY, 10, 0))
    return "\n".join(r.text + "".join(f" [{o.key}]{o.label}" for o in r.options)
                     + (f" 〔{r.citation}〕" if r.citation else "") for r in replies)


def play(engine: Engine, script: Script, **kwargs: object) -> list[str]:
    """Run the script; every expected fragment must be in its reply, every unwanted one absent."""
    seen = []
    for line in script:
        said, wanted = line[0], line[1]
        unwanted = line[2] if len(line) > 2 else []   # type: ignore[misc]
        reply = say(engine, said, **kwargs)           # type: ignore[arg-type]
        for fragment in wanted:
            assert fragment in reply, f"{said!r} → {reply!r}: wanted {fragment!r}"
        for fragment in unwanted:
            assert fragment not in reply, f"{said!r} → {reply!r}: did not want {fragment!r}"
        seen.append(reply)
    return seen


def rows(engine: Engine, model: type) -> list:
    with transaction(engine) as session:
        found = list(session.scalars(select(model).order_by(model.id)))
        session.expunge_all()
        return found


@pytest.fixture
def world(engine: Engine) -> dict[str, object]:
    with transaction(engine) as s:
        w = build_world(s)
        apps = reviewed(s, w, DAY, n=2)
        notice = village_notice(s, w, apps, DAY)
        return {"notice": notice.id, "apps": [a.id for a in apps], "numbers": [a.number for a in apps],
                "village": w.village.id}


# ------------------------------------------------------------------------------------------ the complaint

def test_complaint_sms_explain_back_aside_and_the_wish_to_stay_anonymous(engine: Engine, world: dict) -> None:
    play(engine, [
        ("举报", ["哪个县"]),
        ("山阴县", ["反映的问题"]),
        ("1", ["哪个村"]),
        ("东村", ["反映的是谁"]),
        ("这个啥意思", ["村干部", "反映的是谁"]),                       # explained, then asked again
        ("刚才那个选错了", ["回到上一个问题", "哪个村"]),                  # one question back
        ("东村", ["反映的是谁"]),
        ("再说一遍", ["反映的是谁"]),
        ("1", ["发生了什么"]),
        ("村主任把我家的补助扣了两千块", ["答复您吗"]),
        ("补助标准是多少钱？", ["我们接着刚才的问题", "答复您吗"], ["举报已受理"]),   # a question, not a phone
        ("能不写名字不", ["举报已受理", "无法答复您"], ["工作日", "前调查处理"]),  # no promised deadline
    ])
    [complaint] = rows(engine, Complaint)
    assert complaint.anonymous and complaint.contact_phone is None
    assert "补助标准" not in complaint.text


def test_complaint_cancelled_midway_files_nothing_and_says_so(engine: Engine, world: dict) -> None:
    play(engine, [
        ("举报", ["哪个县"]),
        ("山阴", ["反映的问题"]),
        ("2", ["哪个村"]),
        ("不弄了", ["没有提交任何内容"]),
        ("补助多少钱", [], ["哪个村"]),                                    # the flow is gone for good
    ])
    assert rows(engine, Complaint) == []


def test_complaint_over_telegram_in_english_cancel_and_back(engine: Engine, world: dict) -> None:
    chat = {"channel": "telegram", "sender": "4242", "hint": "en"}
    play(engine, [
        ("english", []),
        ("举报", ["county"]),
        ("山阴", []),
        ("1", []),
        ("go back", ["back to the previous question", "Which problem is it"]),
        ("never mind", ["Nothing was filed"]),
    ], **chat)
    assert rows(engine, Complaint) == []


# ------------------------------------------------------------------------------------------ the objection

def test_objection_village_not_found_twice_then_the_way_out(engine: Engine, world: dict) -> None:
    play(engine, [
        ("异议", ["哪个县"]),
        ("山阴县", ["您所在的村"]),
        ("火星村", ["没有找到这个村"]),
        ("月亮村", ["没有找到这个村"]),
        ("太阳村", ["没对上", "[1]接着回答", "[2]不办了，退出"], ["没有找到这个村"]),   # no third loop
        ("2", ["没有提交任何内容"]),
    ])
    assert rows(engine, Objection) == []


def test_objection_korean_back_and_cancel(engine: Engine, world: dict) -> None:
    play(engine, [
        ("한국어", []),
        ("이의", []),
        ("山阴县", []),
        ("东村", ["1. ", "2. "]),
        ("1", []),
        ("이전", ["1. ", "2. "]),                                      # back to the list
        ("취소", ["제출되지 않았습니다"]),
    ])
    assert rows(engine, Objection) == []


def test_objection_by_the_number_printed_on_the_notice(engine: Engine, world: dict) -> None:
    first, second = world["numbers"]
    play(engine, [
        (f"异议 {world['notice']} {first} 他家在县城有楼房", ["[1]用139****5678"]),
        ("1", ["编号YY-140621-2025-00001"]),
        (f"对{second}有意见 他家有小轿车", ["[1]用139****5678"]),
        ("能不写名字不", ["YY-140621-2025-00002", "不会答复您"]),
        (f"异议 {world['notice']} {world['apps'][0]} 在城里有房", ["[1]用139****5678"]),   # the internal id too
        ("2", ["YY-140621-2025-00003"]),
    ])
    filed = rows(engine, Objection)
    assert [o.application_id for o in filed] == [world["apps"][0], world["apps"][1], world["apps"][0]]
    assert filed[0].reason == "他家在县城有楼房" and filed[1].contact_phone is None


def test_objection_and_subscription_say_at_once_when_the_county_has_no_villages(engine: Engine) -> None:
    play(engine, [
        ("异议", ["哪个县"]),
        ("山阴县", ["还没有录入系统", "书面反映"], ["您所在的村"]),
        ("订阅", ["还没有录入系统"], ["村名"]),
    ])


def test_objection_says_at_once_when_no_list_is_open(engine: Engine) -> None:
    with transaction(engine) as s:
        build_world(s)
    play(engine, [
        ("异议", ["哪个县"]),
        ("山阴县", ["没有正在公示", "书面反映"], ["您所在的村"]),
    ])


# ------------------------------------------------------------------------------------------ a person

def test_a_person_contacts_from_the_documents_and_a_call_back(engine: Engine, world: dict) -> None:
    seen = play(engine, [
        ("有人工没", ["哪个县"]),
        ("山阴县", ["没有公布咨询电话", "村委会", "[1]要，请回电"]),
        ("1", ["139****5678"]),
        ("1", ["想问什么"]),
        ("补助什么时候发下来？", ["已记下", "139****5678"]),
    ])
    assert not re.search(r"\d{7,}", seen[1])                           # no number invented
    [request] = rows(engine, CallbackRequest)
    assert (request.phone, request.county_code, request.note) == (FARMER, "140621", "补助什么时候发下来?")


@pytest.mark.parametrize(("words", "language"), [("转人工", None), ("电话多少", None), ("找个人说说", None),
                                                 ("상담원", "ko"), ("talk to a human", "en")])
def test_hand_off_words_in_three_languages(engine: Engine, words: str, language: str | None) -> None:
    with transaction(engine) as s:
        build_world(s)
    say(engine, "山阴县", hint=language)
    reply = say(engine, words, hint=language)
    assert {None: "回电", "ko": "전화", "en": "call"}[language] in reply


def test_call_backs_in_the_api_are_scoped_and_can_be_marked_handled(engine: Engine) -> None:
    from fastapi.testclient import TestClient

    from api.app import create_app
    from api.models import Role
    from api.services.users import create_user, issue_token

    with transaction(engine) as s:
        w = build_world(s)
        tokens = {key: issue_token(s, create_user(s, name=key, role=role, area=area))
                  for key, area, role in [("east", w.village, Role.clerk), ("west", w.village2, Role.clerk),
                                          ("town", w.township, Role.clerk), ("county", w.county, Role.clerk)]}
        east = w.village.id
    play(engine, [("山阴县", [])])
    with transaction(engine) as s:                                     # the village is known (as after 异议)
        state = load_state(s, "sms", FARMER)
        state.village_id = east
        save_state(s, "sms", FARMER, state)
    play(engine, [("转人工", ["回电"]), ("1", []), ("1", []), ("跳过", ["已记下", "村委会"])])
    play(engine, [("山阴县", []), ("转人工", ["回电"]), ("1", []), ("1", []), ("想问问", ["已记下"])],
         sender="13700000000",
         channel="sms")
    client = TestClient(create_app(engine))

    def ids(token: str, query: str = "") -> list[int]:
        response = client.get(f"/api/v1/callbacks{query}", headers={"Authorization": f"Bearer {tokens[token]}"})
        assert response.status_code == 200
        return [item["id"] for item in response.json()["items"]]

    placed, unplaced = [r.id for r in rows(engine, CallbackRequest)]
    assert ids("east") == [placed] and ids("west") == []               # a village sees only its own
    assert ids("town") == [placed, unplaced] and ids("county") == [placed, unplaced]
    headers = {"Authorization": f"Bearer {tokens['west']}"}
    assert client.post(f"/api/v1/callbacks/{placed}/handled", headers=headers).status_code == 404
    headers = {"Authorization": f"Bearer {tokens['east']}"}
    done = client.post(f"/api/v1/callbacks/{placed}/handled", json={"outcome": "已回电"}, headers=headers)
    assert done.status_code == 200 and done.json()["status"] == "handled"
    assert client.post(f"/api/v1/callbacks/{placed}/handled", headers=headers).status_code == 409
    assert ids("county", "?status=open") == [unplaced]


# ------------------------------------------------------------------------------------------ status, screening

@pytest.mark.parametrize("words", ["俺家申请到哪一步了", "我的申请咋样了", "审批下来没", "신청 어떻게 됐어요?",
                                   "where is my application?"])
def test_status_in_plain_words_starts_the_status_flow(engine: Engine, words: str) -> None:
    reply = say(engine, words)
    assert "没有找到登记这个手机号的申请" in reply or "신청" in reply or "application" in reply.lower()
    assert "书面申请" not in reply                                    # not the how-to-apply answer


@pytest.mark.parametrize(("words", "hint"), [("자격이 되나요", "ko"), ("am I eligible?", "en")])
def test_screening_starts_from_korean_and_english(engine: Engine, words: str, hint: str) -> None:
    say(engine, "延边" if hint == "ko" else "山阴县", hint=hint)
    reply = say(engine, words, hint=hint)
    assert re.search(r"(1|第1问|Question 1|1번)", reply) and ("[1]" in reply)


def test_screening_repeat_explain_skip_and_leave(engine: Engine) -> None:
    play(engine, [
        ("资格", ["哪个县"]),
        ("山阴县", ["第1问"]),
        ("2", ["第2问"]),
        ("什么意思", ["低保户、五保户", "第2问"]),
        ("再说一遍", ["第2问"], ["第3问"]),
        ("跳过", ["第3问"]),                                              # skipping is 不知道
        ("说错了，是2", ["第3问"]),                                        # corrected at once: 低保户
        ("算了", ["没有提交任何内容"]),
        ("资格", ["第1问"], ["欢迎回来"]),                                 # leaving forgot the answers
    ])


# ------------------------------------------------------------------------------------------ one inbox, one turn

def test_a_turn_that_fails_after_filing_leaves_no_record(engine: Engine, world: dict,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    import bot.flows.complaint as complaint

    play(engine, [("举报", []), ("山阴县", []), ("1", []), ("东村", []), ("1", []), ("村主任扣了两千块补助钱", [])])

    def broken(_turn: object) -> str:
        raise RuntimeError("a bug after the complaint was written")

    monkeypatch.setattr(complaint, "reply_language", broken)
    assert "系统出了点问题" in say(engine, "2")
    assert rows(engine, Complaint) == []                               # rolled back with the turn's state


def test_anju_ask_as_sms_takes_the_opt_out(engine: Engine) -> None:
    from api.models import ChannelUser
    from bot.channels import terminal

    replies = terminal.send(engine, "退订", sender="13600000000", channel="sms")
    assert "已退订" in replies[0].text
    [user] = rows(engine, ChannelUser)
    assert user.opted_out and user.channel == "sms"
