"""The FastAPI application: committee API, and (later) the channel webhooks.

Routers are listed in ``ROUTERS``, imported by name. Domain errors become HTTP errors here and
nowhere else.
"""

from __future__ import annotations

import logging

from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy import Engine
from sqlalchemy.exc import DataError
from sqlalchemy.orm.exc import StaleDataError

from api import console
from api.db import get_engine
from api.domain.errors import DomainError
from api.limits import RequestLimits
from api.routes import (
    applications,
    areas,
    audit,
    callbacks,
    complaints,
    exports,
    households,
    objections,
    open311,
    publicity,
    screenings,
    sms,
    telegram,
    tokens,
    users,
)
from api.settings import get_settings

log = logging.getLogger(__name__)

ROUTERS: tuple[APIRouter, ...] = (
    screenings.router,
    areas.router,
    users.router,
    exports.router,
    # records core: households, applications and their workflow, publicity, objections
    households.router,
    applications.router,
    publicity.router,
    objections.router,
    complaints.router,
    open311.router,
    audit.router,
    # channels: SMS gateway callbacks, Telegram webhook (and the bot's life cycle)
    sms.router,
    telegram.router,
    # API tokens: rotation by their holder
    tokens.router,
    # the web console and the public board (HTML), and /docs with locally served assets
    console.router,
    # people: call-back requests farmers left in the dialog
    callbacks.router,
)


def create_app(engine: Engine | None = None) -> FastAPI:
    app = FastAPI(title="安居 Anju API", version="1", docs_url=None, redoc_url=None,  # /docs: api/console
                  openapi_url="/openapi.json")
    app.state.engine = engine or get_engine()

    @app.exception_handler(DomainError)
    async def _domain_error(_request: Request, exc: DomainError) -> JSONResponse:
        return JSONResponse(status_code=exc.http_status,
                            content={"error": exc.code, "message": exc.message, "field": exc.field},
                            headers=getattr(exc, "headers", None))

    @app.exception_handler(StaleDataError)
    async def _stale(_request: Request, _exc: StaleDataError) -> JSONResponse:
        return JSONResponse(status_code=409, content={
            "error": "conflict", "message": "记录已被他人修改，请刷新后重试 / modified concurrently, reload and retry",
            "field": None})

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        first = errors[0] if errors else {}
        field = ".".join(str(p) for p in first.get("loc", ()) if p not in ("body", "query", "path"))
        return JSONResponse(status_code=422, content={
            "error": "validation_failed", "message": f"{field or 'request'}: {first.get('msg', 'invalid')}",
            "field": field or None,
            "details": [{"field": ".".join(str(p) for p in e.get("loc", ())), "message": e.get("msg", "")}
                        for e in errors]})

    @app.exception_handler(OverflowError)
    async def _overflow(_request: Request, _exc: OverflowError) -> JSONResponse:
        # An integer beyond what the database stores (SQLite: 64-bit) can name no record: the client's error.
        return JSONResponse(status_code=422, content={
            "error": "validation_failed", "message": "数值超出范围 / a number is out of range", "field": None})

    @app.exception_handler(DataError)
    async def _data_error(_request: Request, exc: DataError) -> JSONResponse:
        # The last line of defence behind api/schemas/types.py: the database refused a value as out of range,
        # too long or unstorable. It is the request's value, so a 422; logged, since a schema should have said so.
        log.warning("database refused a value: %s", str(exc.orig).splitlines()[0] if exc.orig else exc)
        return JSONResponse(status_code=422, content={
            "error": "validation_failed", "message": "数值或文字超出范围 / a value is out of range or too long",
            "field": None})

    @app.exception_handler(Exception)
    async def _unexpected(_request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error", exc_info=exc)
        return JSONResponse(status_code=500, content={"error": "internal", "message": "internal error",
                                                      "field": None})

    for router in ROUTERS:
        app.include_router(router)
    app.add_middleware(RequestLimits, max_body=get_settings().max_body_bytes)
    return app
