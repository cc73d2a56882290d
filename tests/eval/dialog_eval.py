"""Measure the bot on a blind set, as a farmer meets it: every message goes through the real SMS gateway path
(or the Telegram channel's inbox) into a fresh database holding the world of tests/data/blind/WORLD.md.

    python tests/eval/dialog_eval.py tests/data/blind/A.yaml            # single messages: first reply
    python tests/eval/dialog_eval.py tests/data/blind/B.yaml            # conversations: every turn
    python tests/eval/dialog_eval.py A.yaml --failures out.txt           # the misses, for whoever may read them
    python tests/eval/dialog_eval.py B.yaml --summary-only               # per class only (B's items stay unseen)

The clock is frozen at a fixed instant (time-machine), so the world's publicity window is open whatever day the
run is made on. A single message passes when every ``expect`` regex matches its first reply (all SMS parts the
service sent for it) and no ``forbid`` regex does; a conversation passes when every turn does. A "menu" is a
reply that leaves the farmer choosing among policy topics or the main menu instead of an answer.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import re
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import time_machine
import yaml
from sqlalchemy import Engine, select

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

NOW = dt.datetime(2026, 6, 10, 2, 0, tzinfo=dt.UTC)      # 10:00 in China, a Wednesday
REGISTERED_PHONE = "13800138000"
_phones = itertools.count(13900000000)
_ids = itertools.count(1)


def build_world(url: str) -> Engine:
    """The records of WORLD.md, on a fresh schema with the five counties."""
    from factories import id_number

    import api.models  # noqa: F401
    from api.bootstrap import seed_counties
    from api.db import Base, make_engine, transaction
    from api.models import Application, ApplicationState, Area, AreaLevel, FiledBy, Household, TargetCategory
    from api.models.applications import ApplicationContact
    from api.models.publicity import NoticeEntry, NoticeLevel, PublicityNotice

    engine = make_engine(url)
    Base.metadata.create_all(engine)
    seed_counties(engine)
    with transaction(engine) as s:
        def child(parent: Area, name: str) -> Area:
            village = parent.level is AreaLevel.township
            area = Area(level=AreaLevel.village if village else AreaLevel.township, name=name,
                        parent_id=parent.id, county_code=parent.county_code,
                        township_id=parent.id if village else None)
            s.add(area)
            s.flush()
            return area

        def county(code: str) -> Area:
            return s.scalars(select(Area).where(Area.level == AreaLevel.county, Area.code == code)).one()

        guchang = child(county("140621"), "古城镇")
        east, _west = child(guchang, "东村"), child(guchang, "西村")
        child(child(county("140429"), "丰州镇"), "南村")
        people = [("王大明", None), ("李小芳", None), ("赵春华", None), ("刘志强", REGISTERED_PHONE)]
        apps = []
        for serial, (name, phone) in enumerate(people, 1):
            household = Household(village_id=east.id, head_name=name, head_id_number=id_number(serial),
                                  phone=phone, category=TargetCategory.dibao, size=3, ethnicity="汉族")
            s.add(household)
            s.flush()
            state = ApplicationState.township_review if phone else ApplicationState.village_publicity
            app = Application(number=f"140621-2026-{serial:05d}", household_id=household.id, village_id=east.id,
                              township_id=guchang.id, county_code="140621", year=2026, state=state,
                              filed_by=FiledBy.applicant, reason="房屋经鉴定为C级危房")
            s.add(app)
            s.flush()
            if phone:
                s.add(ApplicationContact(application_id=app.id, phone=phone, name=name, relation="本人"))
            apps.append(app)
        notice = PublicityNotice(level=NoticeLevel.village, area_id=east.id, county_code="140621",
                                 title="东村农村危房改造对象公示", opened_on=dt.date(2026, 6, 8),
                                 closes_on=dt.date(2026, 6, 15), period_citation="004 四(二)",
                                 report_phone="0349-1234567", opened_by="村委会")
        s.add(notice)
        s.flush()
        for app in apps[:3]:
            s.add(NoticeEntry(notice_id=notice.id, application_id=app.id))
    return engine


@dataclass
class Said:
    text: str
    menu: bool


@dataclass
class Talk:
    """One sender's conversation over one channel, through the channel's real entry point."""

    engine: Engine
    channel: str
    sender: str
    county: str | None
    seen: int = 0

    def __post_init__(self) -> None:
        from bot.channels.terminal import preset

        self._fresh_sender()
        if self.county:
            preset(self.engine, self.channel, self.sender, county=self.county)

    def _fresh_sender(self) -> None:
        """WORLD.md: every conversation starts with nothing remembered, also for a phone that several
        conversations use (13800138000, whose application stays): no dialog state, no earlier messages counted
        against the flood limit or read as this conversation's replies, no subscription or opt-out."""
        from sqlalchemy import delete, func

        from api.db import transaction
        from api.models.conversations import Conversation, InboundMessage
        from api.models.messages import ChannelUser, OutboundMessage
        from api.models.subscriptions import Subscription

        with transaction(self.engine) as s:
            for model in (Conversation, InboundMessage, ChannelUser, Subscription):
                s.execute(delete(model).where(model.channel == self.channel, model.sender == self.sender))
            self.seen = s.scalar(select(func.max(OutboundMessage.id))
                                 .where(OutboundMessage.recipient == self.sender)) or 0

    def say(self, text: str) -> Said:
        from api.settings import get_settings

        if self.channel == "sms":
            from bot.channels.sms.handler import handle_sms
            from bot.channels.sms.inbound import SmsIn

            handle_sms(self.engine, SmsIn(sender=self.sender, text=text, message_id=f"eval-{next(_ids)}"),
                       get_settings(), now=NOW)
            body = self._outbox()
        else:
            from bot.channels.terminal import render, send

            body = render(send(self.engine, text, sender=self.sender, channel=self.channel))
        return Said(body, self._in_menu())

    def _outbox(self) -> str:
        from api.db import transaction
        from api.models.messages import OutboundMessage

        with transaction(self.engine) as s:
            rows = list(s.scalars(select(OutboundMessage).where(OutboundMessage.recipient == self.sender,
                                                                OutboundMessage.id > self.seen)
                                  .order_by(OutboundMessage.id)))
            if rows:
                self.seen = rows[-1].id
            return "\n".join(row.text for row in rows)

    def _in_menu(self) -> bool:
        from api.db import transaction
        from bot.channels.store import load_state

        with transaction(self.engine) as s:
            state = load_state(s, self.channel, self.sender)
        return state.flow == "menu" or (state.flow == "faq" and state.step == "choose")


def _check(text: str, item: dict[str, Any]) -> list[str]:
    problems = [f"missing /{p}/" for p in item.get("expect") or [] if not re.search(p, text, re.I | re.S)]
    problems += [f"forbidden /{p}/" for p in item.get("forbid") or [] if re.search(p, text, re.I | re.S)]
    return problems


@dataclass
class Tally:
    passed: Counter[str] = field(default_factory=Counter)
    total: Counter[str] = field(default_factory=Counter)
    menus: int = 0
    replies: int = 0
    failures: list[str] = field(default_factory=list)

    def add(self, groups: list[str], ok: bool) -> None:
        for group in ["all", *groups]:
            self.total[group] += 1
            self.passed[group] += ok

    def lines(self) -> list[str]:
        out = [f"{group:>28}: {self.passed[group]:4d}/{self.total[group]:<4d} "
               f"{100 * self.passed[group] / self.total[group]:5.1f} %" for group in sorted(self.total)]
        out.append(f"{'menu replies':>28}: {self.menus:4d}/{self.replies:<4d} "
                   f"{100 * self.menus / max(self.replies, 1):5.1f} %")
        return out


def run_single(engine: Engine, items: list[dict[str, Any]], tally: Tally) -> None:
    for item in items:
        channel = "telegram" if item.get("channel") == "telegram" else "sms"
        sender = str(next(_phones))
        said = Talk(engine, channel, sender, item.get("county")).say(str(item["q"]))
        problems = _check(said.text, item)
        tally.replies += 1
        tally.menus += said.menu
        tally.add([f"kind={item.get('kind')}", f"lang={item.get('lang')}", f"county={item.get('county')}"],
                  not problems)
        if problems:
            tally.failures.append(f"{item['id']} [{item.get('kind')}/{item.get('county')}] {item['q']}\n"
                                  f"  {'; '.join(problems)}\n  reply: {said.text!r}\n")


def run_conversations(engine: Engine, items: list[dict[str, Any]], tally: Tally) -> None:
    turns = Tally()
    for item in items:
        channel = "telegram" if item.get("channel") == "telegram" else "sms"
        sender = str(item.get("sender") or next(_phones))
        talk = Talk(engine, channel, sender, item.get("county"))
        log, ok = [], True
        for number, turn in enumerate(item["turns"], 1):
            said = talk.say(str(turn["say"]))
            problems = _check(said.text, turn)
            turns.add([f"class={item.get('class')}"], not problems)
            tally.replies += 1
            tally.menus += said.menu
            ok &= not problems
            log.append(f"  {number}> {turn['say']}\n     {said.text!r}" + (f"\n     ✗ {'; '.join(problems)}"
                                                                           if problems else ""))
        tally.add([f"class={item.get('class')}", f"channel={channel}"], ok)
        if not ok:
            tally.failures.append(f"{item['id']} [{item.get('class')}]\n" + "\n".join(log) + "\n")
    tally.total.update({f"turns {k}": v for k, v in turns.total.items()})
    tally.passed.update({f"turns {k}": v for k, v in turns.passed.items()})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("set", type=Path)
    parser.add_argument("--failures", type=Path, help="write the misses here")
    parser.add_argument("--summary-only", action="store_true", help="print only the figures")
    parser.add_argument("--json", type=Path, help="write the figures as JSON")
    args = parser.parse_args()
    items = yaml.safe_load(args.set.read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as tmp, time_machine.travel(NOW, tick=False):
        import os

        os.environ["ANJU_DATA_DIR"] = tmp
        engine = build_world(f"sqlite:///{tmp}/eval.db")
        tally = Tally()
        if items and "turns" in items[0]:
            run_conversations(engine, items, tally)
        else:
            run_single(engine, items, tally)
    print(f"{args.set.name}: {len(items)} items")
    print("\n".join(tally.lines()))
    if args.failures:
        args.failures.write_text("\n".join(tally.failures), encoding="utf-8")
    if args.json:
        figures = {group: [tally.passed[group], tally.total[group]] for group in tally.total}
        figures["menus"] = [tally.menus, tally.replies]
        args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=1), encoding="utf-8")
    if not args.summary_only and not args.failures:
        print("\n".join(tally.failures[:40]))


if __name__ == "__main__":
    main()
