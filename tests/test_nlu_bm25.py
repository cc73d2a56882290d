"""BM25 on a toy corpus, checked against the formula by hand."""

from __future__ import annotations

import math

import pytest

from bot.nlu.bm25 import BM25

DOCS = [["公示", "期限"], ["补助", "多少"], ["补助", "什么时候", "到账", "补助"],
        ["公示", "在", "哪里", "公示"]]


def test_idf_has_the_plus_one_smoothing_and_stays_positive() -> None:
    index = BM25(DOCS)
    assert index.idf["期限"] == pytest.approx(math.log(1 + (4 - 1 + 0.5) / (1 + 0.5)))
    assert index.idf["补助"] == pytest.approx(math.log(1 + (4 - 2 + 0.5) / (2 + 0.5)))
    assert all(value > 0 for value in BM25([["房子"]] * 3).idf.values())   # in every document, still > 0


def test_score_matches_the_okapi_formula() -> None:
    index = BM25(DOCS, k1=1.2, b=0.75)
    avgdl = sum(map(len, DOCS)) / len(DOCS)
    tf, dl = 2, 4                                                      # "补助" in document 2
    expected = index.idf["补助"] * tf * 2.2 / (tf + 1.2 * (1 - 0.75 + 0.75 * dl / avgdl))
    assert index.scores(["补助"])[2] == pytest.approx(expected)


def test_ranking_repeated_query_terms_and_unknown_terms() -> None:
    index = BM25(DOCS)
    scores = index.scores(["公示", "期限"])
    assert max(range(4), key=scores.__getitem__) == 0                 # both terms, shortest document
    assert index.scores(["期限", "期限"]) == index.scores(["期限"])    # a query term counts once
    assert index.scores(["天气"]) == [0.0] * 4


def test_length_normalisation_prefers_the_shorter_document() -> None:
    index = BM25([["补助"], ["补助", "x", "y", "z", "w"]])
    short, long_ = index.scores(["补助"])
    assert short > long_
    flat = BM25([["补助"], ["补助", "x", "y", "z", "w"]], b=0.0).scores(["补助"])
    assert flat[0] == pytest.approx(flat[1])                            # b = 0: length does not matter


def test_max_score_counts_unknown_terms_against_the_match() -> None:
    index = BM25(DOCS)
    known_only = index.max_score(["期限"])
    assert index.max_score(["期限", "天气"], unknown=0.0) == pytest.approx(known_only)
    assert index.max_score(["期限", "天气"], unknown=0.5) > known_only
