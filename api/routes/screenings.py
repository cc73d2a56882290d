"""Eligibility pre-screening over HTTP: public for anyone to try; its leads are for the committees."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel, ConfigDict
from sqlalchemy.orm import Session

from api.deps import get_session
from api.screening import evaluate, parse_answers
from api.screening.records import record_screening

router = APIRouter(prefix="/api/v1", tags=["screening"])


class ScreeningIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    county: str
    answers: dict[str, Any] = {}


@router.post("/screenings", status_code=201)
def create_screening(body: ScreeningIn, response: Response,
                     session: Annotated[Session, Depends(get_session)]) -> dict[str, Any]:
    """The same judgement the bot and ``anju screen`` give; stored without personal data."""
    answers = parse_answers(body.answers)
    result = evaluate(answers, body.county)
    record = record_screening(session, result, answers, channel="api")
    response.headers["Location"] = f"/api/v1/screenings/{record.id}"
    return result.to_json()
