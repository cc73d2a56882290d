"""``anju screen --county C --answers JSON``: the eligibility pre-screening, printed as the API returns it."""

from __future__ import annotations

import argparse
import json

from api.domain.errors import ValidationFailed
from api.screening import evaluate, parse_answers


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    screen = subparsers.add_parser("screen", help="eligibility pre-screening for one household's answers")
    screen.add_argument("--county", required=True, help="division code or name, e.g. 140621 or 山阴县")
    screen.add_argument("--answers", default="{}", help='JSON object, e.g. \'{"house_grade": "C"}\'')
    screen.add_argument("--language", choices=("zh_Hans", "ko", "en"), default=None,
                        help="use the rule files' translations where they have them")
    screen.set_defaults(func=_screen)


def _screen(args: argparse.Namespace) -> int:


    try:
        raw = json.loads(args.answers)
    except json.JSONDecodeError as exc:
        raise ValidationFailed(f"--answers 不是合法的 JSON：{exc} / --answers is not valid JSON",
                               field="answers") from exc
    result = evaluate(parse_answers(raw), args.county, language=args.language)
    print(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
    return 0
