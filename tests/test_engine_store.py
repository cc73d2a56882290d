"""store.process: state per (channel, sender), exactly-once handling of a message id, one transaction."""

from __future__ import annotations

import threading

import pytest
from engine_fakes import NOW, fake_flows
from sqlalchemy import Engine, func, select

from api.db import transaction
from api.models.conversations import Conversation, InboundMessage
from bot.channels.store import load_state, process, reply_from_json, reply_to_json
from bot.engine.types import Flow, Inbound, Option, Reply, Turn


class Counter(Flow):
    """Counts the messages it sees, so a lost or doubled update shows in the total."""

    name = "counter"
    keywords = ("count",)

    def start(self, turn: Turn) -> list[Reply]:
        data = turn.state.data.setdefault("tally", {"n": 0})
        data["n"] += 1
        return [Reply(f"n={data['n']}")]

    def resume(self, turn: Turn) -> list[Reply]:
        return self.start(turn)


@pytest.fixture(autouse=True)
def _fake_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    flows = fake_flows(Counter())
    monkeypatch.setattr("bot.flows.registry.flows", lambda: flows)


def _count(engine: Engine, model: type) -> int:
    with transaction(engine) as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_state_is_kept_between_messages(engine: Engine) -> None:
    process(engine, Inbound("sms", "13800000001", "资格", message_id="m1"), NOW)
    replies = process(engine, Inbound("sms", "13800000001", "5", message_id="m2"), NOW)
    assert replies[0].text.startswith("Q2")
    other = process(engine, Inbound("telegram", "13800000001", "5", message_id="m2"), NOW)
    assert not other[0].text.startswith("Q2")  # the same sender on another channel: another conversation
    assert _count(engine, Conversation) == 2 and _count(engine, InboundMessage) == 3


def test_a_redelivered_message_returns_the_stored_replies_and_changes_nothing(engine: Engine) -> None:
    first = process(engine, Inbound("sms", "13800000002", "count", message_id="dup"), NOW)
    again = process(engine, Inbound("sms", "13800000002", "count", message_id="dup"), NOW)
    assert first == again == [Reply("n=1")]
    with transaction(engine) as session:
        assert load_state(session, "sms", "13800000002").data["tally"] == {"n": 1}
    assert _count(engine, InboundMessage) == 1


def test_messages_without_an_id_are_all_handled(engine: Engine) -> None:
    for _ in range(3):
        process(engine, Inbound("terminal", "me", "count"), NOW)
    with transaction(engine) as session:
        assert load_state(session, "terminal", "me").data["tally"] == {"n": 3}
    assert _count(engine, InboundMessage) == 3


def test_process_inside_the_callers_transaction(engine: Engine) -> None:
    with transaction(engine) as session:
        replies = process(session, Inbound("sms", "13800000003", "count", message_id="s1"), NOW)
        assert replies == [Reply("n=1")]
    with pytest.raises(RuntimeError), transaction(engine) as session:
        process(session, Inbound("sms", "13800000003", "count", message_id="s2"), NOW)
        raise RuntimeError("the caller's unit of work fails")
    assert process(engine, Inbound("sms", "13800000003", "count", message_id="s3"), NOW) == [Reply("n=2")]


def test_long_text_is_stored_cut_and_replies_round_trip(engine: Engine) -> None:
    replies = process(engine, Inbound("sms", "13800000004", "山" * 5000, message_id="long"), NOW)
    with transaction(engine) as session:
        stored = session.scalars(select(InboundMessage)).one()
        assert len(stored.text) == 2000
        assert [reply_from_json(raw) for raw in stored.replies] == replies
    reply = Reply("t", options=(Option("1", "a"),), citation="c", request_contact=True)
    assert reply_from_json(reply_to_json(reply)) == reply


def test_two_workers_on_one_sender_lose_no_update(engine: Engine) -> None:
    def worker(tag: str) -> None:
        for index in range(8):
            process(engine, Inbound("sms", "13800000005", "count", message_id=f"{tag}{index}"), NOW)

    threads = [threading.Thread(target=worker, args=(tag,)) for tag in "ab"]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with transaction(engine) as session:
        assert load_state(session, "sms", "13800000005").data["tally"] == {"n": 16}


def test_the_same_message_delivered_twice_at_once_is_handled_once(engine: Engine) -> None:
    barrier = threading.Barrier(4)
    answers: list[list[Reply]] = []

    def deliver() -> None:
        barrier.wait()
        with transaction(engine) as session:
            answers.append(process(session, Inbound("sms", "13800000006", "count", message_id="race"), NOW))

    threads = [threading.Thread(target=deliver) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == [[Reply("n=1")]] * 4
    assert _count(engine, InboundMessage) == 1


class _Port:
    def __init__(self, session: object) -> None:
        self.session = session

    def ping(self) -> str:
        return "pong"


def test_flows_reach_the_records_through_services_bound_to_the_session(
        engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.channels.ports import Services

    seen: list[object] = []

    class Probe(Flow):
        name = "probe"
        keywords = ("probe",)

        def start(self, turn: Turn) -> list[Reply]:
            seen.append(turn.services)
            return [Reply(str(hasattr(turn.services, "record_screening")))]

        def resume(self, turn: Turn) -> list[Reply]:
            return self.start(turn)

    flows = fake_flows(Probe())
    monkeypatch.setattr("bot.flows.registry.flows", lambda: flows)
    assert process(engine, Inbound("sms", "13800000007", "probe"), NOW) == [Reply("True")]
    assert isinstance(seen[0], Services)

    with transaction(engine) as session:
        services = Services(session, ports=(_Port,))
        assert services.ping() == "pong"
        assert not hasattr(services, "create_lead")
