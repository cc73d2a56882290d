"""``anju i18n extract|update|compile|check``: the one path for the catalogues, from locales/babel.cfg.

``update`` extracts the message ids from the code and merges them into each locales/<lang>/LC_MESSAGES/anju.po
(new ids arrive untranslated, vanished ones become obsolete); translate the ko and en entries, then ``check``.
``compile`` is optional: the bot compiles the .po files in memory at start-up (api.i18n).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from api.i18n import DOMAIN, LANGUAGES, po_path
from locales import LOCALES_DIR

ROOT = LOCALES_DIR.parent
MAPPING = LOCALES_DIR / "babel.cfg"
TEMPLATE = LOCALES_DIR / f"{DOMAIN}.pot"
TRANSLATED = ("ko", "en")  # zh_Hans needs no msgstr: the message ids are Chinese


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    i18n = subparsers.add_parser("i18n", help="extract, update, compile and check the translation catalogues")
    i18n.add_argument("action", choices=("extract", "update", "compile", "check"))
    i18n.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    if args.action == "extract":
        _write(extract(), TEMPLATE)
        print(f"wrote {TEMPLATE.relative_to(ROOT)}")
    elif args.action == "update":
        for language in LANGUAGES:
            print(f"{po_path(language).relative_to(ROOT)}: {update(language)} untranslated")
    elif args.action == "compile":
        for language in LANGUAGES:
            print(f"wrote {compile_mo(language).relative_to(ROOT)}")
    else:
        problems = stale()
        for language, ids in problems.items():
            for msgid in ids:
                print(f"{language}: {msgid}")
        return 1 if problems else 0
    return 0


def extract():  # type: ignore[no-untyped-def]
    """The template catalogue: every message id the code marks, with where it is used."""
    with MAPPING.open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    catalog = Catalog(project="anju", domain=DOMAIN, charset="utf-8")
    for filename, lineno, message, comments, context in extract_from_dir(ROOT, method_map, options_map):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def _read(language: str):  # type: ignore[no-untyped-def]

    path = po_path(language)
    if not path.exists():
        return Catalog(locale=language, domain=DOMAIN, project="anju", charset="utf-8")
    with path.open("rb") as handle:
        return read_po(handle, locale=language, domain=DOMAIN)


def _write(catalog, path: Path) -> None:  # type: ignore[no-untyped-def]

    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, catalog, width=110, sort_output=True, ignore_obsolete=True, include_lineno=False)


def update(language: str) -> int:
    """Merge the code's message ids into ``language``'s catalogue; returns how many lack a translation."""
    catalog = _read(language)
    catalog.update(extract(), no_fuzzy_matching=True)
    catalog.fuzzy = False  # the header: a fuzzy header would make msgfmt-style tools skip the catalogue
    _write(catalog, po_path(language))
    return len(_untranslated(catalog)) if language in TRANSLATED else 0


def compile_mo(language: str) -> Path:
    target = po_path(language).with_suffix(".mo")
    with target.open("wb") as handle:
        write_mo(handle, _read(language))
    return target


def _untranslated(catalog) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(m.id) for m in catalog if m.id and (not m.string or m.fuzzy)]


def stale() -> dict[str, list[str]]:
    """Per language, the code's message ids missing from its catalogue (or untranslated, for ko and en)."""
    wanted = {str(message.id) for message in extract() if message.id}
    problems: dict[str, list[str]] = {}
    for language in LANGUAGES:
        catalog = _read(language)
        present = {str(message.id) for message in catalog if message.id}
        missing = sorted(wanted - present)
        if language in TRANSLATED:
            missing += sorted(set(_untranslated(catalog)) & wanted)
        if missing:
            problems[language] = missing
    return problems
