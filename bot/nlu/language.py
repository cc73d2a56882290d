"""Which language to answer in: Korean input > chosen > Chinese input > the client's hint > Latin input.

Hangul in a message means the sender reads Korean (延边), so that reply is in Korean; when the message is
clearly Korean it is remembered. A Telegram language code only applies until the user chooses or is detected. A
message with no telling letters ("2", "1 2") is answered in the language of the sender's last one that had them,
so an English farmer's option number does not get a Chinese reply.
"""

from __future__ import annotations

from functools import lru_cache

from api.i18n import DEFAULT_LANGUAGE, canonical_language, translator
from bot.engine.context import meta
from bot.engine.normalize import script_counts
from bot.engine.types import ConversationState, Turn
from bot.nlu.english import EnglishGlossary
from bot.nlu.synonyms import load_synonyms

HEARD = "heard_language"     # engine meta: the language of the sender's last message that had telling letters


def detect(text: str) -> tuple[str | None, bool]:
    """(language the text is written in, whether clearly so) — None when it has no telling letters."""
    hangul, han, latin = script_counts(text)
    if hangul:
        return "ko", hangul >= 2 and hangul >= han and hangul * 2 >= latin
    if han:
        return "zh_Hans", False
    # a sentence of English words; a lone Latin word, or a sentence of pinyin ("gongshi jitian"), is not
    if latin >= 6 and " " in text.strip() and _english().is_english(text):
        return "en", False
    return None, False


@lru_cache(maxsize=1)
def _english() -> EnglishGlossary:
    """The retrieval glossary tells English words from pinyin; read once (a YAML file, a few milliseconds)."""
    synonyms = load_synonyms()
    return EnglishGlossary(synonyms.english, synonyms.english_stopwords)


def resolve(state: ConversationState, text: str, hint: str | None) -> str:
    """The language for this turn's replies; remembers Korean when the message is clearly Korean."""
    detected, clearly = detect(text)
    if detected == "ko":
        if clearly:
            state.language = "ko"
        return "ko"
    if state.language:
        return state.language
    if detected is not None:   # what the sender last wrote in answers their "2" or "ok" next
        meta(state)[HEARD] = detected
    if detected == "zh_Hans":  # Chinese text outranks an English phone setting
        return detected
    if detected is not None:
        return canonical_language(hint) or detected
    # "???", "1", "Dongcun village, 500 yuan": no telling words — the language of the conversation so far
    return meta(state).get(HEARD) or canonical_language(hint) or DEFAULT_LANGUAGE


def choose(turn: Turn, language: str) -> None:
    """The user picked ``language``: remember it and translate the rest of this turn with it."""
    turn.state.language = language
    meta(turn.state)["language_chosen"] = True
    meta(turn.state)["reply_language"] = language
    turn.gettext = translator(language)
