"""Eligibility pre-screening: rules from content/screening/, one engine for the API, the bot and the CLI."""

from api.screening.evaluate import Reason, Result, Step, evaluate, next_question
from api.screening.rules import parse_answers

__all__ = ["Reason", "Result", "Step", "evaluate", "next_question", "parse_answers"]
