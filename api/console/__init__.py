"""The web console for village committees, townships and counties, and the public notice board (/board).

Web-host layer: pages call the same services as the API (api/services), with the same ``Actor`` and scope rules;
nothing below imports from here. ``router`` is included by api/app.py like the API's routers.
"""

from __future__ import annotations

from fastapi import APIRouter

from api.console import admin, assets, board, filing, publicity, records, signin, stats, work

router = APIRouter(include_in_schema=False)
for _module in (assets, signin, work, filing, publicity, admin, stats, records, board):
    router.include_router(_module.router)
