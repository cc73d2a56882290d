"""Which flows exist, in main-menu order. Each module exposes ``FLOW``, an instance of ``bot.engine.types.Flow``."""

from __future__ import annotations

import importlib
from functools import lru_cache

from bot.engine.types import Flow

FLOW_MODULES: tuple[str, ...] = (
    "bot.flows.menu",
    "bot.flows.faq",
    "bot.flows.screening",
    "bot.flows.status",
    "bot.flows.subscribe",
    "bot.flows.objection",
    "bot.flows.complaint",
    "bot.flows.county",
    "bot.flows.language",
    "bot.flows.handoff",
    "bot.flows.fallback",
)


@lru_cache(maxsize=1)
def flows() -> dict[str, Flow]:
    loaded = (importlib.import_module(name).FLOW for name in FLOW_MODULES)
    return {flow.name: flow for flow in loaded}
