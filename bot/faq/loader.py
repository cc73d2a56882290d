"""The FAQ (content/faq/*.yaml), validated once: entries, their phrasings, and one answer per county.

A county whose documents are silent on a topic gets the entry's ``default`` answer, which states no figure;
an entry without a default and without the county's own answer has nothing to say for that county.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, field_validator, model_validator

from bot.faq.data import read_yaml
from content import CONTENT_DIR

FAQ_DIR = CONTENT_DIR / "faq"
DEFAULT = "default"
LANGUAGE_FIELDS = {"zh_Hans": "text", "ko": "text_ko", "en": "text_en"}
TITLE_FIELDS = {"zh_Hans": "title", "ko": "title_ko", "en": "title_en"}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Cite(_Strict):
    doc: str
    section: str


class Answer(_Strict):
    counties: list[str]
    text: str
    detail: str | None = None
    text_ko: str | None = None
    text_en: str | None = None
    cite: Cite | None = None

    @field_validator("counties")
    @classmethod
    def _some(cls, value: list[str]) -> list[str]:
        if not value:
            raise ValueError("an answer names at least one county or 'default'")
        return value

    @property
    def is_default(self) -> bool:
        return DEFAULT in self.counties

    def text_in(self, language: str | None) -> str:
        """The core answer in ``language``; Chinese when that translation is missing."""
        return getattr(self, LANGUAGE_FIELDS.get(language or "", "text"), None) or self.text


class FaqEntry(_Strict):
    id: str
    title: str
    title_ko: str | None = None
    title_en: str | None = None
    questions: list[str]
    answers: list[Answer]

    @model_validator(mode="after")
    def _one_answer_per_county(self) -> FaqEntry:
        seen: set[str] = set()
        for answer in self.answers:
            repeated = seen & set(answer.counties)
            if repeated:
                raise ValueError(f"{self.id}: more than one answer for {sorted(repeated)}")
            seen |= set(answer.counties)
        return self

    def title_in(self, language: str | None) -> str:
        return getattr(self, TITLE_FIELDS.get(language or "", "title"), None) or self.title

    def answer_for(self, county: str | None) -> Answer | None:
        """The county's own answer, else the default one, else None."""
        default: Answer | None = None
        for answer in self.answers:
            if county and county in answer.counties:
                return answer
            if answer.is_default:
                default = answer
        return default


def read_faq(directory: Path = FAQ_DIR) -> dict[str, FaqEntry]:
    """Every entry by id, in file and list order; a repeated id is an error."""
    entries: dict[str, FaqEntry] = {}
    for path in sorted(directory.glob("*.yaml")):
        for raw in read_yaml(path) or []:
            entry = FaqEntry.model_validate(raw)
            if entry.id in entries:
                raise ValueError(f"FAQ id {entry.id!r} appears twice (second time in {path.name})")
            entries[entry.id] = entry
    return entries


@lru_cache(maxsize=1)
def load_faq() -> dict[str, FaqEntry]:
    """The FAQ, read and validated once per process."""
    return read_faq()
