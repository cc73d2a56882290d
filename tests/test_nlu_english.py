"""English questions: told apart from pinyin, read through the glossary, retrieved like Chinese ones."""

from __future__ import annotations

from bot.nlu.english import EnglishGlossary
from bot.nlu.retriever import retriever
from bot.nlu.synonyms import load_synonyms

SYNONYMS = load_synonyms()
GLOSSARY = EnglishGlossary(SYNONYMS.english, SYNONYMS.english_stopwords)


def test_english_is_told_apart_from_pinyin_and_chinese() -> None:
    assert GLOSSARY.is_english("how much is the subsidy")
    assert GLOSSARY.is_english("Documents?")
    assert not GLOSSARY.is_english("gongshi jitian")
    assert not GLOSSARY.is_english("buzhu duoshao qian")
    assert not GLOSSARY.is_english("补助多少钱")


def test_longer_forms_and_plurals_match_and_the_longest_phrase_wins() -> None:
    reading = GLOSSARY.read("when was the house renovated and what documents")
    assert {"改造", "材料", "什么时候"} <= set(reading.tokens)
    assert GLOSSARY.read("who can apply").tokens == ["什么", "人", "申请"]
    assert GLOSSARY.read("grade c").tokens == ["c级"]


def test_unknown_content_words_are_counted_and_question_words_are_no_topic() -> None:
    reading = GLOSSARY.read("what about my pension and vaccine")
    assert reading.unknown >= 2
    glossary = EnglishGlossary(SYNONYMS.english, SYNONYMS.english_stopwords, SYNONYMS.question_words)
    assert glossary.read("how long").known == 0
    assert glossary.read("how long is the publicity").known == 1


def test_phrases_count_as_english_and_the_longest_spelling_wins() -> None:
    assert GLOSSARY.is_english("when do inspection rounds happen each year")
    assert GLOSSARY.read("builders").tokens == ["工匠"]
    assert GLOSSARY.read("how many working days").tokens[-1] == "期限"


def test_english_questions_find_their_entry() -> None:
    r = retriever()
    for question, expected in [("How much is the subsidy", "subsidy"),
                               ("how many days is the list posted", "publicity_period"),
                               ("Can I sell my house after the renovation?", "no_sale_5_years"),
                               ("someone asked me for a bribe", "misconduct_report")]:
        top = r.search(question).top
        assert top is not None and top.faq_id == expected, question


def test_english_out_of_scope_is_handed_off() -> None:
    for question in ("will it rain tomorrow, what is the weather", "how much is my pension",
                     "what is the capital of France", "how do I get a passport", "what time is it"):
        assert retriever().search(question).outcome == "out_of_scope", question
