"""The Telegram channel: python-telegram-bot v22, polling or webhook, inline keyboards, contact sharing."""

from bot.channels.telegram.app import build_application, start, stop

__all__ = ["build_application", "start", "stop"]
