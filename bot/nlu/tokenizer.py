"""Our own jieba segmenter: a dedicated ``jieba.Tokenizer`` over a small dictionary, never the global one.

The dictionary is our user dictionary (content/nlu/userdict.txt), every synonym variant, and the words of
jieba's big dictionary that occur in our content (see ``lexicon``). Segmentation runs without the HMM: with a
small dictionary the HMM glues unknown characters into invented words, while single characters still match
through the character-bigram field and the homophone pass.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import sys
from collections.abc import Iterable
from pathlib import Path

from bot.nlu.lexicon import Lexicon, cache_dir
from content import CONTENT_DIR

USERDICT = CONTENT_DIR / "nlu" / "userdict.txt"
DEFAULT_FREQ = 300   # for a user-dictionary word given without a frequency
EXTRA_FREQ = 3000    # synonym variants and scope words: kept whole by the segmenter



def _import_jieba():  # type: ignore[no-untyped-def]
    """jieba, imported without pkg_resources (0.5 s of start-up it only uses to find its own files).

    jieba falls back to opening its files by path when ``import pkg_resources`` fails, so we make that import
    fail for the moment jieba is imported, unless something has already paid for pkg_resources.
    """
    if "jieba" in sys.modules or "pkg_resources" in sys.modules:
        import jieba  # see above: imported here so that the pkg_resources fallback can be blocked
    else:
        sys.modules["pkg_resources"] = None  # type: ignore[assignment]
        try:
            import jieba  # see above
        finally:
            del sys.modules["pkg_resources"]
    jieba.setLogLevel(logging.WARNING)  # jieba logs every dictionary load at INFO
    return jieba


def read_userdict(path: Path = USERDICT) -> dict[str, tuple[int, str]]:
    """word → (frequency, tag) from a jieba user dictionary ("word [freq] [tag]" per line, # comments)."""
    entries: dict[str, tuple[int, str]] = {}
    for raw in path.read_text(encoding="utf-8").splitlines():
        parts = raw.split("#", 1)[0].split()
        if not parts:
            continue
        freq = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else DEFAULT_FREQ
        tag = parts[-1] if len(parts) > 1 and not parts[-1].isdigit() else "n"
        entries[parts[0].casefold()] = (freq, tag)
    return entries


class Segmenter:
    """Segments text with a private jieba tokenizer built from ``words``."""

    def __init__(self, words: dict[str, tuple[int, str]], workdir: Path | None = None) -> None:
        directory = workdir or cache_dir()
        if directory is None:
            raise RuntimeError("no writable directory for the segmenter's dictionary")
        lines = sorted(f"{word} {freq} {tag}" for word, (freq, tag) in words.items() if " " not in word)
        text = "\n".join(lines) + "\n"
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]
        path = directory / f"nlu-dict-{digest}.txt"
        if not path.exists():
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(text, encoding="utf-8")
            tmp.replace(path)
        self._dictionary, self._directory = path, directory
        self._jieba = None
        self.vocabulary = frozenset(words)
        self._memo_path = directory / f"nlu-cuts-{digest}.pickle"
        self._memo: dict[str, list[str]] = _read_memo(self._memo_path)
        self._memo_dirty = False

    def _tokenizer(self):  # type: ignore[no-untyped-def]
        if self._jieba is None:
            tokenizer = _import_jieba().Tokenizer(dictionary=str(self._dictionary))
            tokenizer.tmp_dir = str(self._directory)
            tokenizer.initialize()
            self._jieba = tokenizer
        return self._jieba

    def cut(self, text: str) -> list[str]:
        """Tokens of ``text`` without spaces; no HMM (see the module docstring)."""
        return [tok for tok in self._tokenizer().lcut(text, HMM=False) if tok.strip()]

    def cut_content(self, text: str) -> list[str]:
        """``cut`` for the FAQ's own text, remembered on disk: building the index needs no segmenting
        (the FAQ's ~100,000 characters cost ~0.3 s to segment, a third of a cold ``anju ask``)."""
        cached = self._memo.get(text)
        if cached is None:
            cached = self._memo[text] = self.cut(text)
            self._memo_dirty = True
        return list(cached)

    def forget_memo(self) -> None:
        """Drop the remembered segmentation (after building the index it is only dead weight)."""
        self._memo = {}
        self._memo_dirty = False

    def __getstate__(self) -> dict[str, object]:
        state = dict(self.__dict__)
        state["_jieba"] = None  # jieba's tokenizer holds a lock; it is made again on first use
        return state

    def save_memo(self) -> None:
        """Write the remembered content segmentation, when something new was segmented."""
        if not self._memo_dirty:
            return
        tmp = self._memo_path.with_suffix(f".{os.getpid()}.tmp")
        try:
            with tmp.open("wb") as handle:
                pickle.dump(self._memo, handle, protocol=pickle.HIGHEST_PROTOCOL)
            tmp.replace(self._memo_path)
            self._memo_dirty = False
        except OSError:
            pass  # a read-only cache only costs the next start-up its segmenting


def _read_memo(path: Path) -> dict[str, list[str]]:
    try:
        with path.open("rb") as handle:
            memo = pickle.load(handle)
        return memo if isinstance(memo, dict) else {}
    except (OSError, pickle.UnpicklingError, EOFError):
        return {}


def segmenter_words(lexicon: Lexicon, extra: Iterable[str]) -> dict[str, tuple[int, str]]:
    """The segmenter's dictionary: content words from jieba, then our user dictionary, then ``extra``
    words."""
    words = dict(lexicon.words)
    for word, (freq, tag) in read_userdict().items():
        words[word] = (max(freq, words.get(word, (0, ""))[0]), tag)
    for word in extra:  # synonym variants must win over the everyday words they overlap ("多大" vs "大的")
        if len(word) > 1:
            words[word] = (max(EXTRA_FREQ, words.get(word, (0, ""))[0]), words.get(word, (0, "n"))[1])
    return words
