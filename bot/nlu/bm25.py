"""Okapi BM25 over token lists, with postings so a query costs only the documents its terms occur in.

IDF uses the +1 smoothing (Lucene's form), ``log(1 + (N − n + 0.5) / (n + 0.5))``, which stays positive for a
term found in most documents; with ~50 FAQ entries the classic form would make 房子 or 补助 count against a
match.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence

K1 = 1.2
B = 0.75


class BM25:
    """An index of ``docs`` (token lists); ``scores(query)`` returns one score per document, in order."""

    def __init__(self, docs: Sequence[Sequence[str]], k1: float = K1, b: float = B) -> None:
        self.k1, self.b = k1, b
        self.size = len(docs)
        self.lengths = [len(doc) for doc in docs]
        self.avgdl = (sum(self.lengths) / self.size) if self.size else 0.0
        self.postings: dict[str, list[tuple[int, int]]] = {}
        for index, doc in enumerate(docs):
            for term, tf in Counter(doc).items():
                self.postings.setdefault(term, []).append((index, tf))
        self.idf = {term: self.idf_of(len(posts)) for term, posts in self.postings.items()}
        # Each (term, document) contribution is fixed once the index is built: precompute it, so a query
        # is a few additions per posting.
        self.weights = {term: [(index, self.term_score(tf, self.lengths[index], self.idf[term]))
                               for index, tf in posts] for term, posts in self.postings.items()}

    def idf_of(self, df: int) -> float:
        return math.log(1.0 + (self.size - df + 0.5) / (df + 0.5))

    def term_score(self, tf: int, length: int, idf: float) -> float:
        norm = 1.0 - self.b + self.b * (length / self.avgdl if self.avgdl else 0.0)
        return idf * tf * (self.k1 + 1.0) / (tf + self.k1 * norm)

    def scores(self, query: Iterable[str]) -> list[float]:
        """BM25 of every document for the distinct terms of ``query``."""
        totals = [0.0] * self.size
        for index, score in self.sparse_scores(query).items():
            totals[index] = score
        return totals

    def sparse_scores(self, query: Iterable[str]) -> dict[int, float]:
        """BM25 of the documents that hold at least one term of ``query``."""
        totals: dict[int, float] = {}
        for term in set(query):
            for index, weight in self.weights.get(term, ()):
                totals[index] = totals.get(index, 0.0) + weight
        return totals

    def max_score(self, query: Iterable[str], unknown: float = 0.0) -> float:
        """What ``query`` could score at best: each term at tf = 1 in a document of average length.

        A term no document holds counts as the rarest term times ``unknown`` — so a message whose words the
        index has never seen cannot look like a perfect match on the one common word it shares ("今天吃什么").
        """
        saturation = (self.k1 + 1.0) / (1.0 + self.k1)
        rarest = self.idf_of(1)
        return sum(self.idf.get(term, rarest * unknown) * saturation for term in set(query))
