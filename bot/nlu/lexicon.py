"""Derived word lists, built once from jieba's and pypinyin's big tables and cached on disk.

Why: loading jieba's full 350,000-word dictionary costs ~0.9 s even from its cache, and importing pypinyin
~0.2 s, which would eat half of the 2 s ``anju ask`` may take. Retrieval only needs the words that occur in
our own content (a query word absent from every FAQ entry can never match one), so we keep those, plus the
place names that tell us a question is about somewhere else, plus a character-to-pinyin table for homophones.
The result is pickled under a key of everything it was built from, so an edited FAQ rebuilds it by itself.
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import os
import pickle
import re
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from content import CONTENT_DIR

log = logging.getLogger(__name__)

_PLACE_SUFFIX = re.compile(r"[省市县州区旗]$")
_MAX_WORD = 8  # longest dictionary word we look for inside the content


@dataclass(frozen=True)
class Lexicon:
    words: dict[str, tuple[int, str]]   # word → (frequency, part of speech) for the segmenter
    places: frozenset[str]              # names ending in 省/市/县/州/区/旗 from jieba's dictionary
    pinyin: dict[str, str]              # Han character → its first toneless reading ("危" → "wei")


def cache_dir() -> Path | None:
    """A writable directory for derived files: $ANJU_CACHE_DIR, ~/.cache/anju, $ANJU_DATA_DIR/cache or tmp.

    The home cache comes before the data directory so that every test (each with its own data directory) and
    every worker on a host share one copy.
    """
    candidates = [os.environ.get("ANJU_CACHE_DIR"), str(Path.home() / ".cache" / "anju")]
    if os.environ.get("ANJU_DATA_DIR"):
        candidates.append(str(Path(os.environ["ANJU_DATA_DIR"]) / "cache"))
    candidates.append(str(Path(tempfile.gettempdir()) / "anju-cache"))
    for candidate in filter(None, candidates):
        path = Path(candidate)
        try:
            path.mkdir(parents=True, exist_ok=True)
            if os.access(path, os.W_OK):
                return path
        except OSError:
            continue
    return None


def _jieba_dict() -> Path:
    """jieba's big dictionary, found without importing jieba (that import is paid only when segmenting)."""
    spec = importlib.util.find_spec("jieba")
    if spec is None or not spec.origin:
        raise RuntimeError("jieba is not installed")
    return Path(spec.origin).resolve().parent / "dict.txt"


def _versions() -> str:
    """The installed jieba and pypinyin, by their files' size and time (importlib.metadata costs 80 ms)."""
    marks = []
    for name in ("jieba", "pypinyin"):
        spec = importlib.util.find_spec(name)
        if spec is None or not spec.origin:
            marks.append(f"{name}=absent")
            continue
        stat = Path(spec.origin).stat()
        marks.append(f"{name}={stat.st_size}:{int(stat.st_mtime)}")
    return ";".join(marks)


def _toneless(reading: str) -> str:
    decomposed = unicodedata.normalize("NFD", reading)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _pinyin_table() -> dict[str, str]:
    try:
        from pypinyin.pinyin_dict import pinyin_dict  # 40,000 entries: read only when the retriever is built
    except ImportError:  # homophone matching is a bonus; retrieval works without it
        log.warning("pypinyin is not installed: homophone matching is off")
        return {}
    return {chr(code): _toneless(readings.split(",")[0]) for code, readings in pinyin_dict.items()
            if 0x3400 <= code <= 0x9FFF}


def _substrings(text: str) -> set[str]:
    found: set[str] = set()
    for start in range(len(text)):
        for end in range(start + 1, min(start + _MAX_WORD, len(text)) + 1):
            found.add(text[start:end])
    return found


def _build(content: str, not_places: tuple[str, ...]) -> Lexicon:
    present = _substrings(content)
    words: dict[str, tuple[int, str]] = {}
    places: set[str] = set()
    with _jieba_dict().open(encoding="utf-8") as handle:
        for line in handle:
            parts = line.split()
            if len(parts) < 2:
                continue
            word, freq, tag = parts[0], int(parts[1]), parts[2] if len(parts) > 2 else "x"
            if word in present:
                words[word] = (freq, tag)
            if (len(word) >= 3 and _PLACE_SUFFIX.search(word) and (tag == "ns" or word[-1] in "县市")
                    and not word.endswith(not_places)):
                places.add(word)
    return Lexicon(words=words, places=frozenset(places), pinyin=_pinyin_table())


def content_digest() -> str:
    """A digest of every file retrieval is built from (FAQ, NLU lists, county profiles) and of the libraries'
    versions: the key of the cached retriever, so that editing any of them rebuilds it."""
    digest = hashlib.sha256(_versions().encode("utf-8"))
    for folder in ("faq", "nlu", "counties"):
        for path in sorted((CONTENT_DIR / folder).glob("*")):
            if path.is_file():
                digest.update(path.name.encode("utf-8"))
                digest.update(path.read_bytes())
    code = Path(__file__).parent
    for module in sorted([*code.glob("*.py"), *(code.parent / "faq").glob("*.py")]):  # the code, too
        digest.update(module.read_bytes())
    return digest.hexdigest()[:20]


def load_lexicon(content: str, not_places: tuple[str, ...]) -> Lexicon:
    """The lexicon for ``content`` (all text retrieval indexes), from the cache when it is current."""
    key_source = "\n".join((content, "|".join(not_places), _versions(), str(_jieba_dict().stat().st_size)))
    key = hashlib.sha256(key_source.encode("utf-8")).hexdigest()[:20]
    directory = cache_dir()
    path = directory / f"nlu-lexicon-{key}.pickle" if directory else None
    if path and path.exists():
        try:
            with path.open("rb") as handle:
                cached = pickle.load(handle)
            if isinstance(cached, Lexicon):
                return cached
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
            log.warning("ignoring an unreadable NLU cache at %s", path)
    lexicon = _build(content, not_places)
    if path:
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        try:
            with tmp.open("wb") as handle:
                pickle.dump(lexicon, handle, protocol=pickle.HIGHEST_PROTOCOL)
            tmp.replace(path)  # atomic: concurrent workers never read half a file
        except OSError:
            log.warning("could not write the NLU cache at %s", path)
    return lexicon
