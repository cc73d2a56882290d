"""Translations and locale-aware formatting for every flow.

Catalogues live in locales/<lang>/LC_MESSAGES/anju.po and are compiled in memory on first use, so a newcomer
never runs a compile step and a stale .mo can never hide an edited .po. Message ids are the Simplified Chinese
texts (zh_Hans is the default language); ko serves 延边, en serves everyone else who asks.
"""

from __future__ import annotations

import datetime as dt
import gettext as _gettext
from collections.abc import Callable
from decimal import Decimal
from functools import lru_cache
from io import BytesIO
from pathlib import Path

from babel.dates import format_date as _format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency

from locales import LOCALES_DIR

DEFAULT_LANGUAGE = "zh_Hans"
LANGUAGES: tuple[str, ...] = ("zh_Hans", "ko", "en")
DOMAIN = "anju"

# Babel's locale for each of our language codes: the region fixes the date and currency conventions.
_BABEL_LOCALES = {"zh_Hans": "zh_Hans_CN", "ko": "ko_KR", "en": "en"}


def N_(message: str) -> str:
    """Mark a message id for extraction where it cannot be translated yet (class attributes, tables)."""
    return message


def canonical_language(code: str | None) -> str | None:
    """Our code for a language tag ("zh-CN", "ko_KR", "EN"), or None if we do not offer it."""
    if not code:
        return None
    tag = code.strip().replace("-", "_").casefold()
    if tag.startswith("zh"):
        return "zh_Hans"  # Traditional-script users read Simplified better than Korean or English
    if tag.startswith("ko"):
        return "ko"
    if tag.startswith("en"):
        return "en"
    return None


def po_path(language: str) -> Path:
    return LOCALES_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@lru_cache(maxsize=len(LANGUAGES))
def translations(language: str) -> _gettext.NullTranslations:
    """``language``'s catalogue compiled in memory from its .po; the identity when there is none."""
    path = po_path(language)
    if language not in LANGUAGES or not path.exists():
        return _gettext.NullTranslations()

    with path.open("rb") as handle:
        catalog = read_po(handle, locale=_BABEL_LOCALES[language], domain=DOMAIN)
    buffer = BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return _gettext.GNUTranslations(buffer)


def translator(language: str | None) -> Callable[[str], str]:
    """``gettext`` for ``language`` (the default language when None or unknown)."""
    return translations(language if language in LANGUAGES else DEFAULT_LANGUAGE).gettext


def babel_locale(language: str | None) -> str:
    return _BABEL_LOCALES.get(language or DEFAULT_LANGUAGE, _BABEL_LOCALES[DEFAULT_LANGUAGE])


def format_date(value: dt.date, language: str | None, *, format: str = "long") -> str:
    """A date as the user reads it: 2026年3月5日 / 2026년 3월 5일 / March 5, 2026."""
    return _format_date(value, format=format, locale=babel_locale(language))


def format_money(amount: int | float | Decimal, language: str | None) -> str:
    """An amount in yuan with the user's conventions; whole yuan without decimals (¥15,000, CN¥15,000)."""
    whole = Decimal(str(amount)) == Decimal(str(amount)).to_integral_value()
    pattern = "¤#,##0" if whole else "¤#,##0.00"
    return format_currency(amount, "CNY", format=pattern, locale=babel_locale(language),
                           currency_digits=False)


def language_name(language: str) -> str:
    """The language's own name, as shown in the language menu (never translated)."""
    return {"zh_Hans": "中文", "ko": "한국어", "en": "English"}[language]
