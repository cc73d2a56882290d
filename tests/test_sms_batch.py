"""Group commit: a burst of callbacks handled in batches must leave exactly what one-by-one handling leaves.

The reference is ``handle_sms`` per message (a batch of one, whose behaviour the other SMS tests pin down:
opt-out, flood, cut answers, retries); the same script then goes through ``handle_sms_batch`` in chunks
that mix senders, split a long answer from its "0", put duplicates side by side and cross the flood limit
inside one batch. Every record — messages and their replies, the outbox, states, preferences — must match.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
from collections.abc import Iterator, Sequence
from typing import Any

import pytest
from sqlalchemy import Engine, delete, select

from api.db import transaction
from api.delivery.senders import build_sender
from api.models.conversations import Conversation, InboundMessage
from api.models.messages import ChannelUser, OutboundMessage
from api.settings import get_settings
from bot.channels.batcher import GroupCommit
from bot.channels.sms.handler import handle_sms, handle_sms_batch
from bot.channels.sms.inbound import SmsIn

NOW = dt.datetime(2026, 6, 3, 2, 0, 5, tzinfo=dt.UTC)   # mid-way through a dedup bucket


def script() -> list[SmsIn]:
    """Six farmers, interleaved the way a gateway interleaves them."""
    per_sender: dict[str, list[tuple[str, str | None]]] = {
        "13900000001": [("你好", "a1"), ("危房改造补助标准是多少", "a2"), ("0", "a3"), ("0", "a4"),
                        ("改造要自己出钱吗", "a5")],
        "13900000002": [("TD", "b1"), ("公示几天", "b2"), ("订阅", "b3"), ("菜单", "b4")],
        "13900000003": [("资格", "c1"), ("资格", "c1"), ("屯留区", "c2"), ("1", "c3"), ("1", "c3"), ("2", "c4")],
        "13900000004": [("菜单", None), ("菜单", None), ("1", None)],
        "13900000005": [(f"你好{i}", f"e{i}") for i in range(26)],
        "13900000006": [("", "f1"), ("😀😀", "f2"), ("房" * 3000, "f3"), ("语言", "f4"), ("English", "f5")],
    }
    queues = {sender: list(messages) for sender, messages in per_sender.items()}
    out: list[SmsIn] = []
    while any(queues.values()):
        for sender, queue in queues.items():
            if queue:
                text, message_id = queue.pop(0)
                out.append(SmsIn(sender=sender, text=text, message_id=message_id))
    return out


def snapshot(engine: Engine) -> dict[str, Any]:
    with transaction(engine) as session:
        return {
            "inbound": sorted((m.message_id if not m.message_id.startswith("local-") else "local", m.sender,
                               m.text, str(m.replies)) for m in session.scalars(select(InboundMessage))),
            "outbound": sorted((m.recipient, m.text, m.idempotency_key, str(m.status), m.error or "")
                               for m in session.scalars(select(OutboundMessage))),
            "states": sorted((c.sender, str(c.state)) for c in session.scalars(select(Conversation))),
            "users": sorted((u.sender, u.opted_out, u.pending_sms or "", str(u.throttle_notice_at))
                            for u in session.scalars(select(ChannelUser))),
        }


def wipe(engine: Engine) -> None:
    with transaction(engine) as session:
        for model in (InboundMessage, OutboundMessage, Conversation, ChannelUser):
            session.execute(delete(model))


def chunks(items: Sequence[SmsIn], sizes: Sequence[int]) -> Iterator[list[SmsIn]]:
    start, index = 0, 0
    while start < len(items):
        size = sizes[index % len(sizes)]
        yield list(items[start:start + size])
        start, index = start + size, index + 1


@pytest.fixture
def reference(engine: Engine) -> dict[str, Any]:
    settings, sender = get_settings(), build_sender(get_settings())
    for sms in script():
        handle_sms(engine, sms, settings, NOW, sender)
    result = snapshot(engine)
    wipe(engine)
    return result


@pytest.mark.parametrize("sizes", [[len(script())], [7], [3, 11, 1], [16, 2]], ids=lambda s: "-".join(map(str, s)))
def test_batches_leave_exactly_what_one_by_one_leaves(engine: Engine, reference: dict[str, Any],
                                                      sizes: list[int]) -> None:
    settings = get_settings()
    sender = build_sender(settings)
    for batch in chunks(script(), sizes):
        handle_sms_batch(engine, batch, settings, NOW, sender)
    assert snapshot(engine) == reference


def test_the_reference_exercises_what_the_batch_path_must_get_right(reference: dict[str, Any]) -> None:
    """Guards the test above: a script that no longer reaches these cases would compare nothing useful."""
    outbound = reference["outbound"]
    replies_to = {key.split(":")[1] for _, _, key, _, _ in outbound}
    assert "a3" in replies_to                              # "0" continued a cut answer
    assert len([k for k in replies_to if k == "c1"]) == 1  # the duplicate had no effect
    assert sum(1 for _, text, *_ in outbound if "太快" in text) == 1   # the flood notice, once
    assert any(sender == "13900000002" and opted_out is False for sender, opted_out, *_ in reference["users"])
    recorded = [row for row in reference["inbound"] if row[1] == "13900000004"]
    assert len(recorded) == 2                              # the id-less retry of 菜单 was the same message


def test_records_are_queued_with_ids_for_a_real_gateway(engine: Engine) -> None:
    settings = get_settings()
    batch = [SmsIn(sender=f"1390000010{i}", text="菜单", message_id=f"q{i}") for i in range(4)]
    ids = handle_sms_batch(engine, batch, settings, NOW, sender=None)
    assert all(len(group) == 1 for group in ids)
    with transaction(engine) as session:
        rows = {row.id: row for row in session.scalars(select(OutboundMessage))}
    assert sorted(group[0] for group in ids) == sorted(rows)
    for sms, group in zip(batch, ids, strict=True):
        assert rows[group[0]].recipient == sms.sender and rows[group[0]].status == "queued"


def test_concurrent_callbacks_over_http_are_committed_in_fewer_transactions(engine: Engine,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    import httpx

    from api.app import create_app
    from api.delivery.signature import HEADER, sign

    monkeypatch.setenv("ANJU_SMS_HMAC_SECRET", "batch-secret")
    get_settings.cache_clear()
    app = create_app(engine)

    async def main() -> list[int]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
            async def one(i: int) -> int:
                body = json.dumps({"message_id": f"h{i}", "from": f"1370000{i:04d}", "text": "菜单"}).encode()
                response = await client.post("/sms/inbound", content=body,
                                             headers={HEADER: sign("batch-secret", body)})
                return response.status_code
            return list(await asyncio.gather(*(one(i) for i in range(24))))

    assert asyncio.run(main()) == [200] * 24
    assert app.state.sms_batcher.batches < 24
    with transaction(engine) as session:
        assert len(session.scalars(select(InboundMessage)).all()) == 24
        assert len({row.recipient for row in session.scalars(select(OutboundMessage))}) == 24


# --- the group commit itself ---

def test_waiting_callbacks_share_a_batch_and_each_gets_its_own_result() -> None:
    release = threading.Event()
    seen: list[list[int]] = []

    def handle_batch(items: Sequence[int]) -> list[int]:
        seen.append(list(items))
        release.wait(5)      # the first batch is slow, so the others queue behind it
        return [item * 10 for item in items]

    async def main() -> list[int]:
        group = GroupCommit(handle_batch, lambda item: -1)
        first = asyncio.create_task(group.submit(0))
        await asyncio.sleep(0.05)
        rest = [asyncio.create_task(group.submit(i)) for i in range(1, 9)]
        await asyncio.sleep(0.05)
        release.set()
        return [await first] + [await task for task in rest]

    assert asyncio.run(main()) == [i * 10 for i in range(9)]
    assert seen == [[0], list(range(1, 9))]


def test_a_failing_batch_is_retried_one_by_one_so_only_the_bad_item_fails() -> None:
    def handle_batch(items: Sequence[int]) -> list[int]:
        if len(items) > 1:
            raise RuntimeError("one of these is bad")
        return [items[0]]

    def handle_one(item: int) -> int:
        if item == 3:
            raise ValueError("bad item")
        return item

    async def main() -> list[Any]:
        group = GroupCommit(handle_batch, handle_one)
        blocker = asyncio.create_task(group.submit(-1))
        tasks = [asyncio.create_task(group.submit(i)) for i in range(6)]
        return await asyncio.gather(blocker, *tasks, return_exceptions=True)

    outcomes = asyncio.run(main())
    assert outcomes[0] == -1
    assert outcomes[1:4] == [0, 1, 2] and outcomes[5:] == [4, 5]
    assert isinstance(outcomes[4], ValueError)


def test_a_lone_callback_is_handled_at_once() -> None:
    async def main() -> tuple[int, int]:
        group = GroupCommit(lambda items: [len(items)], lambda item: 0)
        result = await asyncio.wait_for(group.submit("only"), timeout=2)
        return result, group.batches

    assert asyncio.run(main()) == (1, 1)
