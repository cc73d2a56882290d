"""Telegram's webhook, and the bot's life cycle tied to the web app's (started and stopped with it).

Telegram sends the secret token we registered in ``X-Telegram-Bot-Api-Secret-Token``; anything else is refused
with 403 before the body is read, so nobody can inject updates by guessing the URL.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI, Request, Response
from telegram import Update

from api.settings import get_settings
from bot.channels import telegram as channel

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    application = await channel.start(app.state.engine, get_settings())
    app.state.telegram = application
    try:
        yield
    finally:
        app.state.telegram = None
        if application is not None:
            await channel.stop(application)


router = APIRouter(prefix="/telegram", tags=["telegram"], lifespan=lifespan)


@router.post("/webhook", status_code=200, response_class=Response)
async def webhook(request: Request) -> Response:
    application = getattr(request.app.state, "telegram", None)
    secret = get_settings().telegram_secret_token
    given = request.headers.get(SECRET_HEADER, "")
    if application is None or secret is None or not hmac.compare_digest(given.encode(),
                                                                        secret.get_secret_value().encode()):
        return Response(status_code=403)
    try:
        update = Update.de_json(await request.json(), application.bot)
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        log.warning("unreadable telegram update: %s", exc)
        return Response(status_code=400)
    await application.update_queue.put(update)
    return Response(status_code=200)
