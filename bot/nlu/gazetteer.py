"""Every county, city and province of China by name (GB/T 2260, from the ``gb2260`` package), so a farmer who
names a place we do not serve ("榆次这边公示几天", "怀仁的") is told so instead of getting another county's rule.

Full names (榆次区, 应县) always count. A name without its suffix (榆次, 平遥) counts only when it is at least two
characters and jieba's own dictionary does not know it as a common word of another kind (前进, 胜利, 开发, 平安
name districts too), so ordinary words are never read as places. A name followed by 镇/乡/村 is a township or
village, which many counties share (scope.py checks that).
"""

from __future__ import annotations

import re
from functools import lru_cache

from bot.faq.data import read_yaml
from content import CONTENT_DIR

LATER = CONTENT_DIR / "nlu" / "places_since_2013.yaml"   # divisions created or renamed after gb2260's last table

SUFFIXES = ("朝鲜族自治州", "自治州", "自治县", "自治旗", "地区", "林区", "矿区", "新区",
            "省", "市", "县", "区", "州", "旗", "盟")
# Division names that are everyday words, or shared by many places: never a place on their own.
GENERIC = frozenset({"市辖区", "县", "城区", "郊区", "矿区", "新区", "市区", "开发区", "高新区", "经济开发区"})
NAME_TAGS = ("nr", "nz")      # jieba's tags for names: a place unless very common
RARE = 300                    # a word rarer than this in jieba's dictionary is no everyday word
COMMON = 3000


def _divisions() -> list[tuple[int, str]]:
    """Every (code, name) any GB/T 2260 table has had: gb2260's tables to 2013, then content/nlu's later ones.
    Old names stay (屯留县, 襄樊市): farmers go on using them."""
    from gb2260.data import data  # GB/T 2260, every year's table: read only when the place lists are built

    pairs = {(code, name) for year in data if year is not None for code, name in data[year].items()}
    later = (read_yaml(LATER) or {}).get("divisions", {}) or {}
    pairs |= {(int(code), str(name)) for code, name in later.items()}
    return sorted(pairs)


@lru_cache(maxsize=1)
def _common_words() -> dict[str, tuple[int, str]]:
    """jieba's dictionary word → (frequency, part-of-speech tag), for the short-name test."""
    import jieba  # ~0.3 s to import; only when the place lists are built (then pickled with the retriever)

    words: dict[str, tuple[int, str]] = {}
    with jieba.get_dict_file() as handle:
        for raw in handle:
            parts = raw.decode("utf-8").split()
            if len(parts) == 3 and parts[1].isdigit():
                words[parts[0]] = (int(parts[1]), parts[2])
    return words


def _place_like(short: str, common: dict[str, tuple[int, str]]) -> bool:
    known = common.get(short)
    if known is None:
        return True
    frequency, tag = known
    return (frequency < RARE or tag.startswith("ns")
            or (tag.startswith(NAME_TAGS) and frequency < COMMON))


def prefecture(code: int) -> bool:
    """A province or a prefecture-level division: its short name (保定, 孝感, 大理) is known all over China even
    where jieba tags it as another word."""
    return code % 100 == 0


def _uncommon(short: str, common: dict[str, tuple[int, str]]) -> bool:
    return common.get(short, (0, ""))[0] < COMMON


def famous(codes: frozenset[int], name: str) -> bool:
    """Is ``name`` a place before any word: a province's or prefecture's name (宁波, even where our documents
    name it)?"""
    return any(prefecture(code) for code in codes)


# The peoples named in autonomous prefectures and counties: "大理白族自治州" is said 大理, "双江拉祜族佤族布朗族傣族
# 自治县" 双江.
PEOPLES = ("土家", "哈尼", "拉祜", "布朗", "布依", "仡佬", "傈僳", "景颇", "纳西", "普米", "独龙", "哈萨克",
           "柯尔克孜", "锡伯", "达斡尔", "鄂温克", "鄂伦春", "朝鲜", "撒拉", "保安", "东乡", "裕固", "塔吉克", "仫佬",
           "毛南", "基诺", "阿昌", "德昂", "蒙古", "白", "苗", "彝", "傣", "回", "满", "藏", "羌", "壮", "瑶", "侗",
           "水", "黎", "畲", "佤", "怒", "土", "京", "各")
_AUTONOMOUS = re.compile(r"^(.{2,}?)(?:(?:" + "|".join(PEOPLES) + r")族)+自治(?:州|县|旗)$")


def short_forms(name: str) -> list[str]:
    """The spellings without the suffix ("榆次区" → 榆次, "大理白族自治州" → 大理), two characters at least."""
    found = [name[: -len(suffix)] for suffix in SUFFIXES
             if name.endswith(suffix) and len(name) - len(suffix) >= 2]
    autonomous = _AUTONOMOUS.match(name)
    if autonomous:
        found.append(autonomous.group(1))
    return found


@lru_cache(maxsize=1)
def place_codes() -> dict[str, frozenset[int]]:
    """Name (full or short) → every division code it names: 南山区 is in 鹤岗 as well as in 深圳, 向阳区 in 鹤岗
    and 佳木斯, and a name one of our counties holds must never be read as another place."""
    common = _common_words()
    found: dict[str, set[int]] = {}
    for code, name in _divisions():
        if name in GENERIC or len(name) < 2:
            continue
        found.setdefault(name, set()).add(code)
        for short in short_forms(name):
            if short not in GENERIC and (_place_like(short, common) or (prefecture(code) and _uncommon(short, common))):
                found.setdefault(short, set()).add(code)
    return {name: frozenset(codes) for name, codes in found.items()}


def place_names() -> dict[str, int]:
    """Name (full or short) → one division code it names."""
    return {name: min(codes) for name, codes in place_codes().items()}


EDGE_FREQUENCY = 50       # a dictionary word at least this frequent, crossing a bare name's edge, unmakes it


@lru_cache(maxsize=1)
def edge_words() -> frozenset[str]:
    """Everyday words (jieba's dictionary, 2–4 characters, no place names) that can run across the edge of a
    bare place name: 民政 in "民政和残联" (政和), 高中 in "上高中" (上高), 新华社 (新华). A bare name with such a word
    across its edge is no place. Only the words that can overlap some name are kept, so the set stays small."""
    names = [name for name in place_names() if name[-1] not in "省市县区州旗盟"]
    heads = {name[:k] for name in names for k in range(1, len(name) + 1)}
    tails = {name[-k:] for name in names for k in range(1, len(name) + 1)}
    found = set()
    for word, (frequency, tag) in _common_words().items():
        if not 2 <= len(word) <= 4 or frequency < EDGE_FREQUENCY or tag.startswith("ns"):
            continue
        if any(word[k:] in heads or word[:k] in tails for k in range(1, len(word))):
            found.add(word)
    return frozenset(found)


def within(code: int, ancestor: str) -> bool:
    """Is division ``code`` the division ``ancestor`` (6 digits) or inside it?"""
    head = ancestor.rstrip("0")
    if len(head) % 2:
        head += "0"
    return str(code).startswith(head)


# Names English or Korean speakers write that are not the pinyin, or not Chinese characters at all.
SPELLINGS = {"harbin": "哈尔滨", "peking": "北京", "canton": "广州", "tsingtao": "青岛", "mudanjiang": "牡丹江",
             "장춘": "长春", "길림시": "吉林市", "길림": "吉林", "하얼빈": "哈尔滨", "할빈": "哈尔滨",
             "목단강": "牡丹江", "심양": "沈阳", "북경": "北京", "베이징": "北京", "상해": "上海", "상하이": "上海",
             "대련": "大连", "천진": "天津", "청도": "青岛", "통화": "通化", "사평": "四平", "백산": "白山",
             "송원": "松原", "백성": "白城", "치치하얼": "齐齐哈尔", "가목사": "佳木斯", "대경": "大庆",
             "산동": "山东", "하북": "河北", "하남": "河南",
             # English exonyms
             "qiqihar": "齐齐哈尔", "hohhot": "呼和浩特", "urumqi": "乌鲁木齐", "lhasa": "拉萨", "tibet": "西藏",
             "macau": "澳门", "macao": "澳门", "kashgar": "喀什", "hongkong": "香港", "mongolia": "内蒙古",
             "xian": "西安",
             # Sino-Korean readings, as Korean-speaking farmers of 延边 write them: Shanxi, Jilin and Heilongjiang
             # first, then the provinces and the great cities (readings that are everyday Korean words are left out:
             # 영하 is "below zero", 위해 "for", 소주 soju, 무한 "endless", 성도 "saint", 연대 "solidarity")
             "태원": "太原", "대동": "大同", "양천": "阳泉", "진성": "晋城", "진중": "晋中", "흔주": "忻州",
             "임분": "临汾", "운성": "运城", "려량": "吕梁", "여량": "吕梁", "평요": "平遥", "유차": "榆次",
             "응현": "应县", "회인": "怀仁", "우옥": "右玉", "공주령": "公主岭", "매하구": "梅河口", "계서": "鸡西",
             "쌍압산": "双鸭山", "이춘": "伊春", "칠대하": "七台河", "흑하": "黑河", "수화": "绥化",
             "대흥안령": "大兴安岭", "중경": "重庆", "심천": "深圳", "항주": "杭州", "남경": "南京", "서안": "西安",
             "정주": "郑州", "제남": "济南", "석가장": "石家庄", "내몽고": "内蒙古", "요녕": "辽宁", "료녕": "辽宁",
             "강소": "江苏", "절강": "浙江", "안휘": "安徽", "복건": "福建", "호북": "湖北", "호남": "湖南",
             "광동": "广东", "광서": "广西", "운남": "云南", "귀주": "贵州", "섬서": "陕西", "감숙": "甘肃",
             "청해": "青海", "신강": "新疆", "서장": "西藏", "대만": "台湾", "홍콩": "香港", "마카오": "澳门",
             "광주": "广州"}
MIN_LATIN = 5        # letters: a shorter pinyin spelling is too often an English word, and counts only as a place
FRAMED_LATIN = 4     # ("in Wuxi", "Zibo city"); shorter ones never


@lru_cache(maxsize=1)
def latin_names() -> dict[str, str]:
    """Pinyin spelling ("datong", "jinzhong") → the Chinese name, for names of two characters or more."""
    from pypinyin import lazy_pinyin  # its tables cost ~0.2 s; only when the place lists are built

    found: dict[str, str] = {}
    for name in place_names():
        base = name[:-1] if name[-1] in "省市县区州" and len(name) == 3 else name
        if 2 <= len(base) <= 4 and base[-1] not in "省市县区旗盟":   # 石家庄, 齐齐哈尔 as well as 大同
            spelled = "".join(lazy_pinyin(base))
            if len(spelled) >= FRAMED_LATIN and spelled.isascii() and spelled.isalpha():
                found.setdefault(spelled, base)
    found.update(SPELLINGS)
    return found
