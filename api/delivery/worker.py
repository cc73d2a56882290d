"""The delivery worker: sends committed outbox rows of every channel, once, whatever crashes in between.

Keyed gateways (an SMS gateway that drops a repeated key): rows are claimed in small batches with
``SELECT … FOR UPDATE SKIP LOCKED`` (behind the write lock on SQLite, which has one writer), sent while the row
is locked, and marked in the same transaction. A worker killed after the gateway accepted a message but before
its commit leaves the row queued; the next run sends it again with the same idempotency key, which the gateway
adapters pass on so the gateway drops the repeat. A gateway that drops no repeat sends its rows one at a time
through claim → call → record (api.delivery.unkeyed): Telegram at most once, an SMS gateway at most one duplicate
per crash, none lost. Notifications (rows that answer no inbound message) wait out quiet hours and skip people
who opted out or blocked the bot; direct replies never wait. Failures are retried with exponential back-off
counted from the row's creation. Quiet hours and rates come from Settings (``WorkerConfig.from_settings``).

Run it from the scheduler (``bot.cli.scheduler``) or alone: ``python -m api.delivery.worker [--once]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import threading
import time
from collections.abc import Mapping
from typing import Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from api.db import get_engine, transaction
from api.delivery.channel_users import may_notify
from api.delivery.claims import WorkerConfig, claimable, take_write_lock
from api.delivery.digest import merge_due, settle
from api.delivery.senders import build_sender
from api.delivery.senders.base import Outgoing, SendError
from api.delivery.senders.telegram import TelegramSender
from api.delivery.sms import send_rows
from api.delivery.unkeyed import expire, send_next
from api.models._types import utcnow
from api.models.messages import OutboundMessage, OutboundStatus
from api.settings import Settings, get_settings

__all__ = ["RateLimiter", "WorkerConfig", "deliver_outbox", "in_quiet_hours", "run_once"]

log = logging.getLogger(__name__)


class Sender(Protocol):
    def send(self, message: Outgoing) -> str | None: ...

    def close(self) -> None: ...


class RateLimiter:
    """At most ``per_second`` sends per channel from this process (thread-safe, sleeps rather than drops)."""

    def __init__(self, per_second: Mapping[str, float]) -> None:
        self.per_second, self._next, self._lock = dict(per_second), dict[str, float](), threading.Lock()

    def wait(self, channel: str) -> None:
        rate = self.per_second.get(channel)
        if not rate:
            return
        with self._lock:
            now = time.monotonic()
            at = max(now, self._next.get(channel, now))
            self._next[channel] = at + 1.0 / rate
        if at > now:
            time.sleep(at - now)


def in_quiet_hours(now: dt.datetime, config: WorkerConfig, timezone: str) -> bool:
    local = now.astimezone(ZoneInfo(timezone)).time()
    if config.quiet_start > config.quiet_end:
        return local >= config.quiet_start or local < config.quiet_end
    return config.quiet_start <= local < config.quiet_end


def claim(session: Session, channels: list[str], now: dt.datetime, config: WorkerConfig,
          quiet: bool) -> list[OutboundMessage]:
    """A batch of keyed rows, locked until this transaction records their outcomes."""
    take_write_lock(session)
    query = (select(OutboundMessage).where(*claimable(channels, now, config, quiet))
             .order_by(OutboundMessage.id).limit(config.batch).with_for_update(skip_locked=True))
    return list(session.scalars(query))


def run_once(engine: Engine, senders: Mapping[str, Sender], *, settings: Settings | None = None,
             config: WorkerConfig | None = None, limiter: RateLimiter | None = None,
             now: dt.datetime | None = None, max_batches: int | None = None) -> int:
    """Send what is due until nothing is left (or ``max_batches``); returns how many were sent."""
    settings = settings or get_settings()
    config = config or WorkerConfig.from_settings(settings)
    limiter = limiter or RateLimiter(config.rate_per_second)
    keyed = [c for c, s in senders.items() if getattr(s, "idempotent", True)]
    unkeyed = [c for c in senders if c not in keyed]
    resend = [c for c in unkeyed if getattr(senders[c], "resend_cut_off", False)]
    sent = batches = 0
    if not in_quiet_hours(now or utcnow(), config, settings.timezone):
        try:
            merge_due(engine, now or utcnow(), list(senders))
        except OperationalError:
            if engine.dialect.name != "sqlite":
                raise
            return 0                                   # SQLite: another worker holds the outbox
    while max_batches is None or batches < max_batches:
        moment = now or utcnow()
        quiet = in_quiet_hours(moment, config, settings.timezone)
        rows: list[OutboundMessage] = []
        taken = 0
        try:
            if keyed:
                with transaction(engine) as session:
                    rows = claim(session, keyed, moment, config, quiet)
                    for row in rows:
                        limiter.wait(row.channel)
                        sent += _send(session, row, senders[row.channel], settings, config, moment)
            if unkeyed:
                expire(engine, unkeyed, moment, config, resend)
            while unkeyed and taken < config.batch:
                outcome = send_next(engine, unkeyed, senders, moment, config, quiet, limiter, settings)
                if outcome is None:
                    break
                taken, sent = taken + 1, sent + outcome
        except OperationalError:
            if engine.dialect.name != "sqlite":
                raise
            log.info("outbox busy with another worker; this run stops here")   # SQLite: one writer at a time
            break
        batches += 1
        if not rows and not taken:
            break
    return sent


def _send(session: Session, row: OutboundMessage, sender: Sender, settings: Settings, config: WorkerConfig,
          now: dt.datetime) -> int:
    """A keyed gateway: sent while the row is locked; after a crash the retry carries the same key."""
    if row.channel == "sms":   # the SMS path also applies the gateway's per-number daily cap
        sent = send_rows(session, [row], sender, settings, now)  # type: ignore[arg-type]
        if row.status is OutboundStatus.queued and row.attempts >= config.max_attempts:
            row.status = OutboundStatus.failed          # this worker's limit, which send_rows does not know
        settle(session, row, now)
        return sent
    if row.in_reply_to is None and not may_notify(session, row.channel, row.recipient):
        row.status, row.error = OutboundStatus.failed, "opted out or stopped"
        settle(session, row, now)
        return 0
    row.attempts += 1
    try:
        row.gateway_message_id = sender.send(Outgoing(row.recipient, row.text, row.idempotency_key))
    except SendError as exc:
        row.error = str(exc)[:500]
        if exc.permanent or row.attempts >= config.max_attempts:
            row.status = OutboundStatus.failed
        settle(session, row, now)
        return 0
    row.status, row.sent_at, row.error = OutboundStatus.sent, now, None
    settle(session, row, now)
    return 1


def deliver_outbox(engine: Engine, config: WorkerConfig | None = None) -> int:
    """The scheduler's job: SMS always, Telegram when a token is configured."""
    settings = get_settings()
    senders: dict[str, Sender] = {"sms": build_sender(settings)}
    telegram = TelegramSender.from_settings(settings)
    if telegram is not None:
        senders["telegram"] = telegram
    try:
        return run_once(engine, senders, settings=settings, config=config)
    finally:
        for sender in senders.values():
            sender.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="deliver queued outbox messages")
    parser.add_argument("--once", action="store_true", help="one pass, then exit")
    parser.add_argument("--interval", type=float, default=5.0)
    parser.add_argument("--rate", type=float, help="SMS messages per second from this process")
    args = parser.parse_args(argv)

    engine = get_engine()
    settings = get_settings()
    config = WorkerConfig.from_settings(settings)
    if args.rate:
        config = WorkerConfig.from_settings(settings, rate_per_second={**config.rate_per_second, "sms": args.rate})
    while True:
        deliver_outbox(engine, config)
        if args.once:
            return 0
        time.sleep(args.interval)


if __name__ == "__main__":
    raise SystemExit(main())
