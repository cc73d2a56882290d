"""The python-telegram-bot ``Application``: built once, fed by long polling or by our webhook route.

Webhook mode (``updater(None)``, python-telegram-bot's customwebhookbot) when a public URL is configured, so
Telegram and the SMS gateways share one web app; long polling otherwise, for a laptop or a village server
behind NAT. ``AIORateLimiter`` keeps us inside Telegram's flood limits, retrying after a RetryAfter.
"""

from __future__ import annotations

import logging

from sqlalchemy import Engine
from telegram import Update
from telegram.ext import AIORateLimiter, Application, CallbackQueryHandler, MessageHandler, filters

from api.settings import Settings
from bot.channels.telegram.handlers import on_callback, on_error, on_message

log = logging.getLogger(__name__)

ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY]
POLL_TIMEOUT = 10   # seconds Telegram holds a long poll open; short enough for a quick shutdown


def build_application(token: str, engine: Engine, settings: Settings, *, webhook: bool,
                      base_url: str | None = None) -> Application:  # type: ignore[type-arg]
    builder = Application.builder().token(token).rate_limiter(AIORateLimiter(max_retries=2))
    if base_url:
        builder = builder.base_url(base_url).base_file_url(base_url.replace("/bot", "/file/bot"))
    if webhook:
        builder = builder.updater(None)
    application = builder.build()
    application.bot_data["engine"] = engine
    application.bot_data["settings"] = settings
    private = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
    application.add_handler(MessageHandler(private & (filters.TEXT | filters.CONTACT | filters.PHOTO
                                                      | filters.CAPTION), on_message))
    application.add_handler(CallbackQueryHandler(on_callback))
    application.add_error_handler(on_error)
    return application


async def start(engine: Engine, settings: Settings) -> Application | None:  # type: ignore[type-arg]
    """Start the bot the settings describe; None without a token. Webhook mode requires a secret token."""
    if settings.telegram_token is None:
        return None
    webhook = bool(settings.telegram_webhook_url)
    if webhook and settings.telegram_secret_token is None:
        raise RuntimeError("ANJU_TELEGRAM_SECRET_TOKEN must be set for webhook mode")
    application = build_application(settings.telegram_token.get_secret_value(), engine, settings,
                                    webhook=webhook, base_url=settings.telegram_base_url)
    await application.initialize()
    await application.start()
    if webhook:
        assert settings.telegram_secret_token is not None and settings.telegram_webhook_url is not None
        await application.bot.set_webhook(settings.telegram_webhook_url, allowed_updates=ALLOWED_UPDATES,
                                          secret_token=settings.telegram_secret_token.get_secret_value())
        log.info("telegram: webhook mode at %s", settings.telegram_webhook_url)
    else:
        assert application.updater is not None
        await application.bot.delete_webhook()
        await application.updater.start_polling(allowed_updates=ALLOWED_UPDATES, poll_interval=0.0,
                                                timeout=POLL_TIMEOUT)
        log.info("telegram: long polling")
    return application


async def stop(application: Application) -> None:  # type: ignore[type-arg]
    if application.updater is not None and application.updater.running:
        await application.updater.stop()
    if application.running:
        await application.stop()
    await application.shutdown()

