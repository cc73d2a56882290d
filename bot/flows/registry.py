"""Which flows exist, in main-menu order. Each module exposes ``FLOW``, an instance of ``bot.engine.types.Flow``."""

from __future__ import annotations

from functools import lru_cache

from bot.engine.types import Flow
from bot.flows import (
    complaint,
    county,
    fallback,
    faq,
    handoff,
    language,
    menu,
    objection,
    screening,
    status,
    subscribe,
)

FLOW_MODULES = (menu, faq, screening, status, subscribe, objection, complaint, county, language, handoff, fallback)


@lru_cache(maxsize=1)
def flows() -> dict[str, Flow]:
    loaded = (module.FLOW for module in FLOW_MODULES)
    return {flow.name: flow for flow in loaded}
