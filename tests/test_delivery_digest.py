"""A digest carries its members until its outcome is known: a failed digest leaves them to go one by one."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, select

from api.db import transaction
from api.delivery.claims import UNKNOWN
from api.delivery.senders.base import Outgoing, SendError
from api.delivery.worker import WorkerConfig, run_once
from api.models.messages import OutboundMessage, OutboundStatus

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
DAYTIME = dt.datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI)
CONFIG = WorkerConfig(rate_per_second={}, backoff=dt.timedelta(seconds=30))


class DigestRefused:
    """Refuses every digest (``permanent`` or not, ``times`` times); sends anything else."""

    def __init__(self, permanent: bool, times: int = 100, idempotent: bool = True,
                 error: type[SendError] = SendError) -> None:
        self.keys: list[str] = []
        self.permanent, self.times, self.idempotent, self.error = permanent, times, idempotent, error

    def send(self, message: Outgoing) -> str:
        if message.idempotency_key.startswith("digest:") and self.times:
            self.times -= 1
            raise self.error("gateway refused the digest", permanent=self.permanent)
        self.keys.append(message.idempotency_key)
        return f"gw-{len(self.keys)}"

    def close(self) -> None:
        pass


def queue(engine: Engine, n: int, channel: str = "sms", recipient: str = "13900000001") -> None:
    with transaction(engine) as s:
        for i in range(n):
            s.add(OutboundMessage(channel=channel, recipient=recipient, text=f"通知 {i}", parts=1,
                                  idempotency_key=f"k{i}", status=OutboundStatus.queued, attempts=0,
                                  in_reply_to=None, created_at=DAYTIME))


def members(engine: Engine) -> list[OutboundMessage]:
    with transaction(engine) as s:
        rows = list(s.scalars(select(OutboundMessage).where(~OutboundMessage.idempotency_key.startswith("digest:"))
                              .order_by(OutboundMessage.id)))
        s.expunge_all()
        return rows


def test_a_refused_digest_leaves_its_members_to_be_sent_one_by_one(engine: Engine) -> None:
    queue(engine, 3)
    sender = DigestRefused(permanent=True)
    assert run_once(engine, {"sms": sender}, config=CONFIG, now=DAYTIME) == 0
    rows = members(engine)
    assert [(r.status, r.attempts, r.gateway_message_id) for r in rows] == [(OutboundStatus.queued, 1, None)] * 3
    assert all(r.error and r.error.startswith("digest ") for r in rows)
    later = DAYTIME + dt.timedelta(minutes=1)
    assert run_once(engine, {"sms": sender}, config=CONFIG, now=later) == 3   # not merged again
    assert sender.keys == ["k0", "k1", "k2"]
    assert {r.status for r in members(engine)} == {OutboundStatus.sent}
    assert run_once(engine, {"sms": sender}, config=CONFIG, now=later + dt.timedelta(hours=1)) == 0


def test_members_wait_with_a_digest_that_will_be_retried_and_follow_its_success(engine: Engine) -> None:
    queue(engine, 2)
    sender = DigestRefused(permanent=False, times=1)
    assert run_once(engine, {"sms": sender}, config=CONFIG, now=DAYTIME) == 0
    assert [(r.status, r.gateway_message_id is not None) for r in members(engine)] == [
        (OutboundStatus.queued, True)] * 2                               # carried: no worker sends them alone
    assert run_once(engine, {"sms": sender}, config=CONFIG, now=DAYTIME + dt.timedelta(seconds=10)) == 0
    assert run_once(engine, {"sms": sender}, config=CONFIG, now=DAYTIME + dt.timedelta(seconds=31)) == 1
    assert len(sender.keys) == 1 and sender.keys[0].startswith("digest:")
    assert {r.status for r in members(engine)} == {OutboundStatus.sent}


def test_a_digest_that_uses_up_its_attempts_releases_its_members(engine: Engine) -> None:
    queue(engine, 2)
    config = WorkerConfig(rate_per_second={}, backoff=dt.timedelta(seconds=1), max_attempts=2)
    sender = DigestRefused(permanent=False, times=2)
    run_once(engine, {"sms": sender}, config=config, now=DAYTIME)
    assert {r.status for r in members(engine)} == {OutboundStatus.queued}
    # the second failure is the last: released, the members go alone in the same run
    assert run_once(engine, {"sms": sender}, config=config, now=DAYTIME + dt.timedelta(seconds=2)) == 2
    assert sender.keys == ["k0", "k1"]
    assert {r.status for r in members(engine)} == {OutboundStatus.sent}


def test_a_telegram_digest_whose_outcome_is_unknown_takes_its_members_with_it(engine: Engine) -> None:
    from api.delivery.senders.telegram import UncertainSend

    queue(engine, 2, channel="telegram", recipient="42")
    sender = DigestRefused(permanent=False, idempotent=False, error=UncertainSend)
    assert run_once(engine, {"telegram": sender}, config=CONFIG, now=DAYTIME) == 0
    rows = members(engine)
    assert {r.status for r in rows} == {OutboundStatus.failed}          # the digest may have arrived: no repeat
    assert all(UNKNOWN in (r.error or "") for r in rows)
    assert run_once(engine, {"telegram": sender}, config=CONFIG, now=DAYTIME + dt.timedelta(hours=1)) == 0
    assert sender.keys == []
