"""Measuring retrieval on a labelled set (tests/data/questions.yaml): top-1, fallback and hand-off rates.

A labelled item is {q, county, expect}; ``expect`` is a FAQ id or ``out_of_scope``. For an in-scope item the
top-1 is right when the retriever does not hand off and ranks the expected entry first (answered directly or
offered first in the menu); "fallback" counts those that got the menu instead of an answer. An out-of-scope
item is handled when the retriever hands it off.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.engine.normalize import script_counts
from bot.faq.data import read_yaml
from bot.nlu.retriever import Result, Retriever

OUT_OF_SCOPE = "out_of_scope"


@dataclass(frozen=True)
class Item:
    q: str
    county: str | None
    expect: str
    also: tuple[str, ...] = ()   # other entries that answer the question just as well, reviewed by hand

    def accepts(self, faq_id: str | None) -> bool:
        return faq_id == self.expect or faq_id in self.also


@dataclass(frozen=True)
class Miss:
    item: Item
    outcome: str
    got: tuple[str, ...]   # the top ids as ranked (or the hand-off topic)


@dataclass
class Report:
    in_scope: int = 0
    top1: int = 0
    answered_right: int = 0
    answered_wrong: int = 0
    fallback: int = 0
    outside_labels: int = 0   # misses whose top entry is an FAQ id the labelled set never uses
    out_of_scope: int = 0
    handed_off: int = 0
    misses: list[Miss] = field(default_factory=list)
    by_language: dict[str, Report] = field(default_factory=dict)   # "zh", "ko", "en": the same counts per script

    @property
    def top1_rate(self) -> float:
        return self.top1 / self.in_scope if self.in_scope else 0.0

    @property
    def fallback_rate(self) -> float:
        return self.fallback / self.in_scope if self.in_scope else 0.0

    @property
    def wrong_answer_rate(self) -> float:
        return self.answered_wrong / self.in_scope if self.in_scope else 0.0

    @property
    def hand_off_rate(self) -> float:
        return self.handed_off / self.out_of_scope if self.out_of_scope else 1.0


def load_items(path: Path) -> list[Item]:
    raw: list[Mapping[str, Any]] = read_yaml(path) or []
    return [Item(q=str(r["q"]), county=str(r["county"]) if r.get("county") else None, expect=str(r["expect"]),
                 also=tuple(str(a) for a in r.get("also") or ()))
            for r in raw]


def language_of(text: str) -> str:
    """"ko" for any Hangul, "zh" for any Han, else "en" (Latin script: English, or pinyin in questions.yaml) —
    the script decides how a message is retrieved."""
    hangul, han, _ = script_counts(text)
    return "ko" if hangul else "zh" if han else "en"


def _got(result: Result) -> tuple[str, ...]:
    if result.outcome == "out_of_scope":
        return (f"{OUT_OF_SCOPE}:{result.topic}",)
    return tuple(hit.faq_id for hit in result.hits[:3])


def score(items: Iterable[Item], retriever: Retriever) -> Report:
    """Run every item through ``retriever.search`` and count, in all and per language."""
    items = list(items)
    labels = {label for item in items for label in (item.expect, *item.also)}
    results = {item.q: retriever.search(item.q) for item in items}
    report = _count(items, results, labels)
    for language in sorted({language_of(item.q) for item in items}):
        report.by_language[language] = _count([i for i in items if language_of(i.q) == language], results, labels)
    return report


def _count(items: list[Item], results: Mapping[str, Result], labels: set[str]) -> Report:
    report = Report()
    for item in items:
        result = results[item.q]
        if item.expect == OUT_OF_SCOPE:
            report.out_of_scope += 1
            if result.outcome == "out_of_scope":
                report.handed_off += 1
            else:
                report.misses.append(Miss(item, result.outcome, _got(result)))
            continue
        report.in_scope += 1
        top = result.top.faq_id if result.top and result.outcome != "out_of_scope" else None
        if result.outcome == "clarify":
            report.fallback += 1
        if item.accepts(top):
            report.top1 += 1
            report.answered_right += result.outcome == "answer"
        else:
            report.answered_wrong += result.outcome == "answer"
            report.outside_labels += top is not None and top not in labels
            report.misses.append(Miss(item, result.outcome, _got(result)))
    return report


def format_report(report: Report) -> str:
    lines = [
        f"top-1 accuracy      {report.top1_rate:6.1%}  ({report.top1}/{report.in_scope} in scope)",
        f"fallback (menu)     {report.fallback_rate:6.1%}  ({report.fallback}/{report.in_scope})",
        f"answered right      {report.answered_right / max(report.in_scope, 1):6.1%}  "
        f"({report.answered_right}/{report.in_scope}, directly without the menu)",
        f"answered wrongly    {report.wrong_answer_rate:6.1%}  ({report.answered_wrong}/{report.in_scope})",
        f"out-of-scope handed {report.hand_off_rate:6.1%}  ({report.handed_off}/{report.out_of_scope})",
        f"misses whose top entry is an FAQ id the set does not label: {report.outside_labels}",
    ]
    for language, part in report.by_language.items():
        lines.append(f"  {language}: top-1 {part.top1_rate:6.1%} ({part.top1}/{part.in_scope}), "
                     f"wrong {part.answered_wrong}, menu {part.fallback_rate:5.1%} ({part.fallback}), "
                     f"handed off {part.handed_off}/{part.out_of_scope}")
    if report.misses:
        lines.append("misses:")
        for miss in report.misses:
            got = ", ".join(miss.got) or "-"
            lines.append(f"  [{miss.item.county}] {miss.item.q}  expect={miss.item.expect}  "
                         f"{miss.outcome}: {got}")
    return "\n".join(lines)
