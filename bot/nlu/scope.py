"""Is a question ours to answer? Other programmes, other places and small talk are handed off, not guessed.

The word lists live in content/nlu/out_of_scope.yaml (see its header for the rule). The five counties' own
names, provinces and parents come from their profiles, so a farmer who writes "长治市屯留区" is not sent away.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from api.profiles import load_profiles
from bot.faq.data import read_yaml
from bot.nlu.gazetteer import MIN_LATIN
from content import CONTENT_DIR

OUT_OF_SCOPE = CONTENT_DIR / "nlu" / "out_of_scope.yaml"
# A place named next to these words is where the farmer works, not what the question is about.
AWAY_WORDS = ("打工", "在外", "外出", "外地", "务工", "上班")
# A place right after these is where someone is, lives or bought ("户口在河北", "在太原买了楼"), not the
# subject.
LOCATIVE_ALWAYS = ("到", "去", "从", "户口", "户籍", "户口在", "户籍在", "户口是", "户籍是")
AWAY_AFTER = ("买", "有", "打工", "上班", "工作", "开", "租", "住楼", "的楼", "的房")
_SUFFIXES = "省市县州区旗"
# What follows a place name in a farmer's message; a word across the name's end then is chance (晋中|农村, 新乡|农村).
AFTER_A_PLACE = ("农村", "农民", "农户", "乡下", "老家", "这边", "那边", "这里", "那里", "那块", "的", "人", "市",
                 "县", "区", "城里", "一带", "附近")
# A name followed by these is a township, village or street, which many counties share ("城关镇").
TOWNSHIP_WORDS = ("镇", "乡", "村", "街道", "社区", "组", "屯")
_CITY_PROPER = re.compile(r"([\u4e00-\u9fff]{2})市?(?:市区|城区|市里)")
# After 到/去 ("嫁到怀仁了 她们那…"), a place is the subject again when the message goes on about "that place".
_THERE = re.compile(r"^[了的]?\s*(?:她们|他们|她家|他家|人家|她|他|俺闺女|闺女)?(?:那边|那里|那儿|那块|那头|那)")
# ... unless "that place" is where someone went to learn or work ("去宁波那边学习的"): a visit, not a home.
_VISIT = re.compile(_THERE.pattern + r"\s*(?:学习|考察|参观|培训|打工|上班|开会|看看)")
# A county of ours (written @ here) named only as the neighbour of the farmer's place.
_NEIGHBOUR = re.compile(r"(跟|和|与|同|挨着|靠着|紧挨|离|比)@|"
                        r"@.{0,3}(挨着|相邻|交界|隔壁|旁边|边上|附近|接壤|挨|不远|那边)|"
                        r"(隔壁|邻县|邻近|相邻|挨着|靠近).{0,2}@|"
                        r"(next to|near|beside|bordering|close to)\s+@|@\s*(옆|근처|이웃)")
# A Hangul place name followed by a verb ending is a word ("통화하고 싶어요" = to phone), not a place.
_HANGUL_VERB = ("하", "해", "했", "할", "한", "합", "됐", "되", "돼")
# An ambiguous pinyin spelling is a place only as one: after "in/from/near…" or before "city/county…".
_AS_A_PLACE = r"\b(?:in|from|at|near|of|to)\s+{0}\b|\b{0}\s*(?:city|county|province|district|prefecture)\b"


@dataclass(frozen=True)
class ScopeVerdict:
    topic: str | None = None      # the out-of-scope topic id ("pension", "place", …), None when in scope
    place: str | None = None      # the other place named, when topic == "place"


@dataclass(frozen=True)
class Topic:
    id: str
    words: tuple[str, ...]
    beats_anchors: bool = False      # another housing programme: handed off even when our words appear
    max_chars: int | None = None     # small talk: only a message at most this long
    patterns: tuple[re.Pattern[str], ...] = ()   # word pairs a list cannot hold ("猪…瘟", "拖欠…工资"), English words
    keeps: tuple[str, ...] = ()      # words that keep the message ours after all ("城里买房了 还能申请危改不")

    def said_in(self, text: str) -> bool:
        if any(word in text for word in self.keeps):
            return False
        return any(word in text for word in self.words) or any(p.search(text) for p in self.patterns)


@dataclass(frozen=True)
class ScopeRules:
    anchors: tuple[str, ...]
    topics: tuple[Topic, ...]
    other_places: frozenset[str]                           # names (with or without a suffix) we do not serve
    our_places: frozenset[str]
    not_places: tuple[str, ...]
    spelled_places: Mapping[str, str] = field(default_factory=dict)   # pinyin or Hangul → Chinese name
    parents: frozenset[str] = frozenset()      # cities around our counties that we do not serve (朔州, 长治)
    edge_words: frozenset[str] = frozenset()   # everyday words that unmake a bare name they cross (民政|和残联)
    ambiguous_spellings: frozenset[str] = frozenset()   # pinyin of a place that also spells a word of ours
    served: frozenset[str] = frozenset()       # the five counties' own names, with and without their suffix
    not_anchors: tuple[str, ...] = ()          # English words that begin like an anchor: household, wallet
    profile_places: frozenset[str] = frozenset()   # the five counties, their provinces and parents, by any name
    sounded: Mapping[str, str] = field(default_factory=dict)   # "huairen县" → 怀仁县: names by their sound
    pinyin: Mapping[str, str] = field(default_factory=dict)    # character → toneless pinyin

    def with_vocabulary(self, words: Iterable[str], pinyin: Mapping[str, str]) -> ScopeRules:
        """These rules, knowing the retriever's words: which pinyin spellings of places also spell words of ours
        ("weifang" is 潍坊 and 危房, "hukou" 湖口 and 户口), and short ones (wuxi, zibo) count only as places."""
        spelled = {"".join(pinyin.get(ch, "?") for ch in word) for word in words if len(word) >= 2}
        ambiguous = frozenset(word for word in self.spelled_places
                              if word.isascii() and (word in spelled or len(word) < MIN_LATIN))
        sounded: dict[str, str] = {}
        for name in sorted(self.other_places | self.our_places, key=lambda name: name not in self.our_places):
            if 3 <= len(name) <= 4 and name[-1] in _TYPED_SUFFIXES:     # ours first: a typo of 山阴县 is ours
                sounded.setdefault(_sound(name[:-1], pinyin) + name[-1], name)
        return replace(self, ambiguous_spellings=ambiguous, sounded=sounded, pinyin=pinyin)

    def other_place_sounded(self, text: str) -> str | None:
        """A county or city we do not serve, typed with a wrong character that sounds the same ("怀人县" for 怀仁县,
        "榆此区" for 榆次区), read only before its suffix and with one character right. A typo of ours is ours."""
        for at, char in enumerate(text):
            if char not in _TYPED_SUFFIXES:
                continue
            for size in (2, 3):
                base = text[max(at - size, 0):at]
                if len(base) < size or base + char in self.other_places or base + char in self.our_places:
                    continue
                name = self.sounded.get(_sound(base, self.pinyin) + char)
                if name and any(a == b for a, b in zip(base, name, strict=False)):
                    return None if name in self.our_places else base + char
        return None

    def words(self) -> set[str]:
        """Every listed word, so the segmenter and lexicon know them."""
        found = set(self.anchors) | set(self.our_places)
        for topic in self.topics:
            found.update(topic.words)
        return found

    def anchored(self, text: str) -> bool:
        """``text`` holds a word only our programme uses (危房, 改造, 公示…). An English anchor is the start of a
        word ("renovat…"), and a word that merely begins like one ("household", "wallet") is none."""
        for word in self.not_anchors:
            text = text.replace(word, " ")
        return any((anchor in text) if not anchor.isascii() else re.search(rf"\b{re.escape(anchor)}", text) is not None
                   for anchor in self.anchors)

    def topic(self, text: str) -> str | None:
        """The out-of-scope topic ``text`` is about, or None."""
        anchored = self.anchored(text)
        length = len(text.replace(" ", ""))
        for topic in self.topics:
            if anchored and not topic.beats_anchors:
                continue
            if topic.max_chars is not None and length > topic.max_chars:
                continue
            if topic.said_in(text):
                return topic.id
        return None

    def other_place(self, text: str) -> str | None:
        """A county, city or province named in ``text`` that is none of ours (longest name first), or None.
        Names are read left to right, each the longest one starting there, so "浙江宁波" is 浙江 and 宁波, never
        the 江宁 across them."""
        if any(word in text for word in AWAY_WORDS):
            return None
        best: str | None = None
        chain = 0                   # where a run of names begins: "去浙江宁波" is one place, gone to
        last_end = -2
        for start, end in self._names_in(text):
            chain = chain if start == last_end + 1 else start
            last_end = end
            name = text[start : end + 1]
            if name in self.our_places or name.endswith(self.not_places):
                continue
            longer = best is None or len(name) > len(best)
            township = text[end + 1:end + 3].startswith(TOWNSHIP_WORDS)   # 城关镇, 古城乡: a place of ours
            if not (longer and not township and not self._elsewhere(text, chain, end)):
                continue
            if name[-1] not in _SUFFIXES and self._crossed(text, start, end + 1):
                continue             # a bare name inside everyday words: 民政|和残联 (政和), 上|高中 (上高)
            best = name
        if best and best[-1] not in _SUFFIXES and any(best in ours or ours in best for ours in self.profile_places
                                                      if len(ours) >= 2):
            return None  # "山阴县" found inside a longer place of ours, or the other way round
        return best

    def _names_in(self, text: str) -> list[tuple[int, int]]:
        """The spans [start, end] of place names (ours or not) in ``text``, each the longest starting where the last
        one ended. A name ending like a common word (朔城区 ends in 城区) is read as its shorter name (朔城)."""
        spans: list[tuple[int, int]] = []
        at = 0
        while at < len(text):
            size = next((size for size in range(min(10, len(text) - at), 1, -1) if self._a_name(text[at:at + size])), 0)
            if size:
                spans.append((at, at + size - 1))
            at += size or 1
        return spans

    def _a_name(self, name: str) -> bool:
        return name in self.our_places or (name in self.other_places and not name.endswith(self.not_places))

    def _crossed(self, text: str, start: int, end: int) -> bool:
        """Does an everyday word run across the start or the end of the name at [start, end)? A place suffix
        right after the name ("朔城区", cut 朔|城区), or a word that follows places ("晋中农村", not 晋|中农), leaves
        its end alone."""
        edges = (start,) if text[end:end + 1] in _SUFFIXES or text[end:].startswith(AFTER_A_PLACE) else (start, end)
        return any(text[at:at + size] in self.edge_words
                   for edge in edges for size in (2, 3, 4) for at in range(max(edge - size + 1, 0), edge))

    @staticmethod
    def _elsewhere(text: str, start: int, end: int) -> bool:
        """The place is where someone is or bought ("户口在河北", "在太原买了楼"), not the farmer's home: 户口/到/去/从
        before it, or 在 before it and buying or working after it. A message that goes on about "that place"
        ("闺女嫁到怀仁了 她们那…") asks about it after all."""
        before = text[:start].rstrip()
        after = text[end + 1:].lstrip()
        if before.endswith(LOCATIVE_ALWAYS):
            return not (before.endswith(("到", "去")) and _THERE.match(after) and not _VISIT.match(after))
        return before.endswith("在") and after.startswith(AWAY_AFTER)

    def without_our_places(self, text: str) -> str:
        """``text`` with the names of our own counties removed: they say where, not what, and would only
        dilute the match ("山阴县公示几天" asks what "公示几天" asks)."""
        for name in sorted(self.our_places, key=len, reverse=True):
            if len(name) >= 2 and name in text:
                text = text.replace(name, " ")
        return text

    def other_place_spelled(self, text: str) -> str | None:
        """A place we do not serve written in pinyin or Hangul ("I live in Datong", "장춘에 사는데")."""
        for word in re.findall(r"[a-z]+|[가-힣]+", text):
            for size in range(len(word), 1, -1):       # Korean takes particles: 장춘에 → 장춘
                name = self.spelled_places.get(word[:size])
                if name and word[size:].startswith(_HANGUL_VERB):
                    break                              # 통화하고: a verb, not 通化
                if (name and word in self.ambiguous_spellings
                        and not re.search(_AS_A_PLACE.format(word), text)):
                    break                              # "weifang", "hukou": 危房, 户口 typed in pinyin
                if name:
                    return None if name in self.our_places else word[:size]
                if word.isascii():
                    break
        return None

    def city_proper(self, text: str) -> str | None:
        """"朔州市区", "长治城区": the city itself around one of our counties, which it does not include."""
        for found in _CITY_PROPER.finditer(text):
            if found.group(1) in self.parents and not self._elsewhere(text, found.start(), found.end() - 1):
                return found.group(0)
        return None

    def verdict(self, text: str) -> ScopeVerdict:
        place = (self.other_place(text) or self.other_place_spelled(text) or self.city_proper(text)
                 or self.other_place_sounded(text))
        if place and not self._then_ours(text, place):
            return ScopeVerdict(topic="place", place=place)
        return ScopeVerdict(topic=self.topic(text))

    def _then_ours(self, text: str, place: str) -> bool:
        """After the other place, the message names a county we serve ("我是大同的…，那山阴县呢" read together
        with the question before): it asks about ours. A county of ours named as the neighbour ("俺在应县 跟山阴挨着")
        only says where the farmer's place is."""
        after = text[text.rfind(place) + len(place):] if place in text else ""
        return any(name in after and not _NEIGHBOUR.search(after.replace(name, "@"))
                   for name in sorted(self.served, key=len, reverse=True))


_TYPED_SUFFIXES = "县市区旗"


def _sound(word: str, pinyin: Mapping[str, str]) -> str:
    return "".join(pinyin.get(char, char) for char in word)


def _name_variants(name: str) -> set[str]:
    variants = {name}
    for suffix in ("朝鲜族自治州", "自治州", "省", "市", "县", "区", "州"):
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            variants.add(name[: -len(suffix)])
    return variants


def our_place_names() -> set[str]:
    """Every spelling of the five counties, their provinces and parents."""
    names: set[str] = set()
    for profile in load_profiles().values():
        for name in [*profile.names, profile.province, profile.parent or ""]:
            if name:
                names |= _name_variants(name)
    return names


def load_rules(places: Iterable[str], path: Path = OUT_OF_SCOPE) -> ScopeRules:
    """The rules from ``path``; ``places`` are suffixed place names (from the lexicon) to treat as other
    places."""
    raw = read_yaml(path) or {}
    profiled = our_place_names()
    ours = profiled | {str(p) for p in raw.get("local_places", [])}
    not_places = tuple(str(p) for p in raw.get("not_places", []))
    others = {p for p in places if p[-1] in _SUFFIXES} | {str(p) for p in raw.get("other_places", [])}
    gazetteer_ours, gazetteer_others = _gazetteer_split()
    ours |= gazetteer_ours
    others |= gazetteer_others
    topics = tuple(_topic(t) for t in raw.get("topics", []))
    from bot.nlu.gazetteer import edge_words, latin_names  # pypinyin and jieba's table: built once, then pickled

    spelled = {word: name for word, name in latin_names().items()
               if (name not in ours and not any(name in mine or mine in name for mine in profiled if len(mine) >= 2))
               or (name[-1] == "市" and name not in ours)}     # 길림시: the city, not the province of 延边
    return ScopeRules(anchors=tuple(raw.get("anchors", [])), topics=topics,
                      not_anchors=tuple(str(w) for w in raw.get("not_anchors", []) or []),
                      profile_places=frozenset(profiled),
                      other_places=frozenset(others - ours), our_places=frozenset(ours),
                      not_places=not_places, spelled_places=spelled, parents=frozenset(_parents()),
                      edge_words=edge_words(), served=frozenset(_served()))


def _topic(raw: Mapping[str, object]) -> Topic:
    """A topic from its YAML: Han and Hangul words match anywhere, English words only whole, with a plural at most
    ("vet" is neither in "never" nor in "veteran", "bus" not in "business", "sing" not in "housing")."""
    words = [str(word).casefold() for word in raw.get("words", []) or []]  # type: ignore[attr-defined]
    english = [word for word in words if word.isascii()]
    patterns = [re.compile(str(pattern), re.I) for pattern in raw.get("patterns", []) or []]  # type: ignore[attr-defined]
    if english:
        patterns.append(re.compile(r"\b(?:" + "|".join(re.escape(word) for word in english) + r")s?\b", re.I))
    return Topic(id=str(raw["id"]), words=tuple(word for word in words if not word.isascii()),
                 beats_anchors=bool(raw.get("beats_anchors")), max_chars=raw.get("max_chars"),  # type: ignore[arg-type]
                 patterns=tuple(patterns), keeps=tuple(str(k) for k in raw.get("keeps",
                 []) or []))  # type: ignore[attr-defined]


def _served() -> set[str]:
    """The names of the five counties themselves (山阴县, 山阴, 延边 …), not their provinces or parents."""
    return {variant for profile in load_profiles().values() for name in profile.names
            for variant in _name_variants(name) if len(variant) >= 2}


def _parents() -> set[str]:
    """Short names of the cities our counties lie in, where the city is not served itself."""
    served = _served()
    return {variant for profile in load_profiles().values() if profile.parent
            for variant in _name_variants(profile.parent) if variant not in served and len(variant) >= 2}


def _gazetteer_split() -> tuple[set[str], set[str]]:
    """The gazetteer's names as (ours: our counties, what lies inside them and what they lie in; the rest). A name
    that any division inside ours bears (南山区 is in 鹤岗 and in 深圳) is ours."""
    from bot.nlu.gazetteer import (  # gb2260's divisions: built once, then pickled
        edge_words,
        famous,
        place_codes,
        within,
    )

    codes = [profile.code for profile in load_profiles().values()]
    vocabulary = _our_vocabulary()
    edges = edge_words()
    ours, others = set(), set()
    for name, found in place_codes().items():
        if name[-1] not in _SUFFIXES and not famous(found, name) and _a_word_of_ours(name, vocabulary, edges):
            continue                 # a word our own texts use (新建, 永和 …) is no place when written bare
        inside = any(within(code, ours_code) for code in found for ours_code in codes)
        above = any(within(int(ours_code), str(code)) for code in found for ours_code in codes)
        (ours if inside or above else others).add(name)
    return ours, others - ours


def _a_word_of_ours(name: str, vocabulary: str, edges: frozenset[str]) -> bool:
    """Do our texts use ``name`` as a word somewhere, not only inside other words (保定 sits only in 确保|定期, so
    it stays a place; 新建 is a word of ours)?"""
    start = vocabulary.find(name)
    while start >= 0:
        end = start + len(name)
        crossed = any(vocabulary[at:at + size] in edges for edge in (start, end) for size in (2, 3, 4)
                      for at in range(max(edge - size + 1, 0), edge))
        if not crossed:
            return True
        start = vocabulary.find(name, start + 1)
    return False


def _our_vocabulary() -> str:
    """The five documents and the FAQ as one text: what farmers' questions echo."""
    parts = [path.read_text(encoding="utf-8") for path in sorted((CONTENT_DIR / "sources").glob("*.txt"))]
    parts += [path.read_text(encoding="utf-8") for path in sorted((CONTENT_DIR / "faq").glob("*.yaml"))]
    return "\n".join(parts)


def not_places(path: Path = OUT_OF_SCOPE) -> tuple[str, ...]:
    raw = read_yaml(path) or {}
    return tuple(str(p) for p in raw.get("not_places", []))
