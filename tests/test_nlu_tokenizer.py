"""Segmentation with our dictionary, the synonym map, and the cached lexicon behind them."""

from __future__ import annotations

import jieba
import pytest

from bot.nlu.normalize import amounts_as_words, bigrams, fold, han_runs, without_hangul
from bot.nlu.retriever import retriever
from bot.nlu.synonyms import load_synonyms


@pytest.fixture(scope="module")
def analyzer():  # type: ignore[no-untyped-def]
    return retriever().analyzer


@pytest.mark.parametrize("word", ["危房改造", "四议两公开", "一卡通", "失能失智", "好处费", "公租房",
                                  "低保边缘户"])
def test_user_dictionary_words_stay_whole(analyzer, word: str) -> None:  # type: ignore[no-untyped-def]
    assert word in analyzer.segmenter.cut(f"请问{word}怎么办")


def test_the_tokenizer_is_our_own_not_jiebas_global(analyzer) -> None:  # type: ignore[no-untyped-def]
    assert analyzer.segmenter._jieba is not jieba.dt
    assert analyzer.segmenter._jieba.dictionary != jieba.dt.dictionary


def test_colloquial_words_meet_the_faq_on_canonical_tokens(analyzer) -> None:  # type: ignore[no-untyped-def]
    farmer = analyzer.tokens("俺家房子裂了能补多少钱")
    assert "危房" in farmer and "补助" in farmer and "多少" in farmer
    assert "俺" not in farmer and "俺家" not in farmer
    assert analyzer.tokens("公示几天") == analyzer.tokens("公示多长时间") == ["公示", "期限"]
    assert analyzer.tokens("村里不给报咋办")[:3] == ["村委会", "申请", "被拒"]


def test_synonym_file_is_consistent() -> None:
    synonyms = load_synonyms()
    assert synonyms.mapping["俺"] == ("我",) and synonyms.mapping["咱"] == ("我",)
    assert synonyms.mapping["危改"] == ("危房", "改造")
    assert synonyms.apply(["俺", "的", "钱"]) == ["补助"]                   # 我 and 的 are stopwords
    assert synonyms.korean_tokens("위험주택 보조금은 얼마예요") == ["危房", "补助", "多少"]
    assert "条件" in synonyms.korean_tokens("신청 자격이 뭐예요")     # eligibility, not a builder's 资质


def test_a_korean_term_in_two_groups_is_refused(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The later line used to win silently; the loader now refuses the file, naming the term."""
    path = tmp_path / "synonyms.yaml"
    path.write_text("korean:\n  - {canonical: 节能, ko: [단열]}\n  - {canonical: 保温, ko: [보온, 단열]}\n",
                    encoding="utf-8")
    with pytest.raises(ValueError, match="단열"):
        load_synonyms(path)
    path.write_text("korean:\n  - {canonical: 施工, ko: [공사, 시공]}\n  - {canonical: 施工, ko: [공사]}\n",
                    encoding="utf-8")
    with pytest.raises(ValueError, match="공사"):
        load_synonyms(path)                                   # listed twice, even for the same group


@pytest.mark.parametrize(("korean", "canonical"), [("단열", "保温"), ("보온", "保温"), ("점검", "排查"),
                                                   ("기술자", "工匠"), ("감독", "监督")])
def test_the_settled_korean_terms(korean: str, canonical: str) -> None:
    """The six terms once in two groups: each reads as the token the Chinese side uses for the same thing."""
    assert load_synonyms().korean_tokens(korean) == [canonical]


def test_normal_form() -> None:
    assert fold("  公示，几天？１２３ ") == "公示 几天 123"
    assert fold("新建补1.4万") == "新建补1.4万"                        # a decimal point is not punctuation
    assert amounts_as_words("能补1.4万不") == "能补 多少钱 不"
    assert without_hangul("우리 집이 C급이래요") == "c级"
    assert han_runs("俺家 房子裂了!") == ["俺家", "房子裂了"]
    assert bigrams("危房补助") == ["危房", "房补", "补助"]


def test_lexicon_is_cached_on_disk(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from bot.nlu import lexicon

    monkeypatch.setenv("ANJU_CACHE_DIR", str(tmp_path))
    built = lexicon.load_lexicon("危房改造补助多少", ())
    assert list(tmp_path.glob("nlu-lexicon-*.pickle"))
    assert "补助" in built.words and built.pinyin["危"] == "wei"
    again = lexicon.load_lexicon("危房改造补助多少", ())
    assert again.words == built.words
