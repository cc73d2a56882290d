"""Policy content stays tied to its sources: county profiles and the FAQ, checked against the five documents.

Reads content/counties/*.yaml and content/faq/*.yaml with PyYAML directly (no app imports) and, where the
source texts are available, checks every figure against the document it cites. The source texts are looked
up in $ANJU_SEEDS_DIR, then content/sources/, then /work/shared/seeds/; the figure checks are skipped (and say
so) when none of these holds them.
"""

from __future__ import annotations

import os
import re
from functools import cache, lru_cache
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
CONTENT = ROOT / "content"

# Which county each source document belongs to. A document speaks only for its own county.
DOC_COUNTY = {"000": "222400", "001": "140429", "002": "140405", "003": "230400", "004": "140621"}
COUNTIES = sorted(set(DOC_COUNTY.values()))
NEWS_DOCS = {"000", "001"}  # news reports: cited by section heading (导语 = the opening paragraph)

CATEGORIES = {
    "易返贫致贫户",
    "低保户",
    "分散供养特困人员",
    "严重困难家庭",
    "低保边缘家庭",
    "其他脱贫户",
    "贫困残疾人家庭",
    "建档立卡贫困户",
}
PERIOD_NAMES = {
    "village_publicity",
    "township_publicity",
    "county_publicity",
    "township_review",
    "department_check",
    "agreement_start",
    "complaint_acknowledge",
    "complaint_resolve",
}
ANJU_DEFAULT_PERIODS = {"complaint_acknowledge", "complaint_resolve"}
PROFILE_KEYS = {
    "code",
    "name",
    "short_names",
    "province",
    "parent",
    "languages",
    "hotline",
    "hotline_note",
    "sources",
    "target_categories",
    "periods",
    "subsidy",
    "area",
    "seismic_intensity",
    "seismic_citation",
    "report_phone_citation",
}
SOURCE_KEYS = {"doc", "file", "title", "issuer", "number", "date"}
PERIOD_KEYS = {"amount", "unit", "citation", "minimum", "silence_passes"}
SUBSIDY_KEYS = {"applies_to", "method", "share", "cap_yuan", "fixed_yuan", "average", "text", "citation"}
AREA_KEYS = {"household_max_m2", "per_person_min_m2", "per_person_max_m2_3plus", "text", "citation"}

REQUIRED_FAQ_IDS = set(
    """
target_categories house_grades appraisal not_eligible no_house documents how_to_apply procedure
four_two publicity_period objection township_review department_check subsidy area_limits
building_standard energy_saving renovation_methods agreement_start acceptance payment yikatong
rectification redamage no_double_benefit no_sale_5_years incapacitated_application misconduct_report
inspections reporting_deadlines three_immediate archive craftsmen_supervision self_build
loans_insurance special_hardship program_results
""".split()  # noqa: SIM905 — one word per id reads better than 37 quoted strings
)
ANSWER_KEYS = {"counties", "text", "detail", "text_ko", "text_en", "cite"}
ENTRY_KEYS = {"id", "title", "title_ko", "title_en", "questions", "answers"}
TEXT_FIELDS = ("text", "detail", "text_ko", "text_en")
MAX_TEXT, MAX_DETAIL = 90, 300

_FULL_WIDTH = str.maketrans("０１２３４５６７８９．，％", "0123456789.,%")
_CN_DIGIT = {
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "十": 10,
}
_NUMBER = re.compile(r"(\d+(?:\.\d+)?)\s*(万|만)?")
# a Chinese numeral counting something in a source (七日, 三级, 四类, 一个月) — also a figure the text may use
_CN_NUMBER = re.compile(
    r"(?<![一二两三四五六七八九十])([一二两三四五六七八九十])(?=[日天个年类级次名户人度项月])"
)
_SECTION_NUMERAL = re.compile(r"^([一二三四五六七八九十]+)(?=$|[(（\s第])")
_CLAUSE_SEP = re.compile(r"\s*;\s*")


def _canon(value: float) -> str:
    return str(int(value)) if value == int(value) else repr(round(value, 4))


def numbers_in(text: str) -> set[str]:
    """Every Arabic figure in a text, normalised: full-width digits folded, 14,000 = 14000, 1.4万 = 14000."""
    text = text.translate(_FULL_WIDTH)
    text = re.sub(r"(?<=\d),(?=\d{3}\b)", "", text)
    found = set()
    for digits, wan in _NUMBER.findall(text):
        found.add(_canon(float(digits) * (10000 if wan else 1)))
    return found


# A figure with its unit must match the source with the same unit: 7天 needs a 7-day period in the source, not
# just a 7 anywhere. (unit class, pattern on the answer's Chinese, pattern on the source.) Days in answers are
# written 天; sources write 日 too (七日), but never as a date (10月15日) or a day of the month (5日前).
_NUM = r"(\d+(?:\.\d+)?|[一二两三四五六七八九十])"
_UNITS = [
    ("working_days", rf"{_NUM}\s*个?工作日", rf"{_NUM}\s*个?工作日"),
    ("days", rf"{_NUM}\s*天", rf"(?<!月)(?<!\d){_NUM}\s*(?:天|日)(?!前)"),
    ("months", rf"{_NUM}\s*个月", rf"{_NUM}\s*个月"),
    ("yuan", r"(\d+(?:\.\d+)?)\s*(万)?元", r"(\d+(?:\.\d+)?)\s*(万)?元"),
    ("m2", r"(\d+(?:\.\d+)?)\s*(?:平方米|㎡)", r"(\d+(?:\.\d+)?)\s*(?:平方米|㎡)"),
    ("degree", r"(\d+)\s*度", r"(\d+)\s*度"),
    ("percent", r"(\d+(?:\.\d+)?)\s*%", r"(\d+(?:\.\d+)?)\s*%"),
    ("households", r"(\d+)\s*余?户", r"(\d+)\s*余?户"),
    ("people", r"(\d+)\s*余?(?:人|名)", r"(\d+)\s*余?(?:人|名)"),
]


def _value(raw: str, wan: str = "") -> str:
    number = float(_CN_DIGIT[raw]) if raw in _CN_DIGIT else float(raw)
    return _canon(number * (10000 if wan else 1))


def unit_figures(text: str, side: int) -> set[tuple[str, str]]:
    """(unit class, value) pairs in a Chinese text; side 1 reads an answer, side 2 a source."""
    text = re.sub(r"(?<=\d),(?=\d{3}\b)", "", text.translate(_FULL_WIDTH))
    found = set()
    for unit in _UNITS:
        for match in re.finditer(unit[side], text):
            if side == 1 and not match.group(1)[0].isdigit():
                continue  # an answer's Chinese numerals are words (一户一宅), not figures
            wan = match.group(2) if match.re.groups > 1 else ""
            found.add((unit[0], _value(match.group(1), wan or "")))
    return found


def has_figure(text: str) -> bool:
    return bool(re.search(r"\d", text.translate(_FULL_WIDTH)))


# ---------------------------------------------------------------------------------------------- loading


_LOADER = getattr(
    yaml, "CSafeLoader", yaml.SafeLoader
)  # the C loader when PyYAML has it: keeps this under 1 s


def _load(path: Path):
    with path.open(encoding="utf-8") as fh:
        return yaml.load(fh, Loader=_LOADER)


@lru_cache(maxsize=1)
def profiles() -> dict[str, dict]:
    return {p.stem: _load(p) for p in sorted((CONTENT / "counties").glob("*.yaml"))}


@lru_cache(maxsize=1)
def faq_files() -> dict[str, list]:
    return {p.name: _load(p) for p in sorted((CONTENT / "faq").glob("*.yaml"))}


def faq_entries() -> list[dict]:
    return [entry for entries in faq_files().values() for entry in entries]


def answers() -> list[tuple[str, dict]]:
    return [(entry["id"], answer) for entry in faq_entries() for answer in entry["answers"]]


@lru_cache(maxsize=1)
def seeds_dir() -> Path | None:
    candidates = [os.environ.get("ANJU_SEEDS_DIR"), CONTENT / "sources", "/work/shared/seeds"]
    for candidate in candidates:
        if candidate and list(Path(candidate).glob("00?_*.txt")):
            return Path(candidate)
    return None


@cache
def doc_text(doc: str) -> str:
    folder = seeds_dir()
    if folder is None:
        pytest.skip("source documents not found (set ANJU_SEEDS_DIR): figure checks skipped")
    (path,) = folder.glob(f"{doc}_*.txt")
    return path.read_text(encoding="utf-8").translate(_FULL_WIDTH)


@cache
def doc_numbers(doc: str) -> frozenset[str]:
    text = doc_text(doc)
    found = numbers_in(text)
    found |= {_canon(_CN_DIGIT[ch]) for ch in _CN_NUMBER.findall(text)}
    return frozenset(found)


@cache
def doc_unit_figures(doc: str) -> frozenset[tuple[str, str]]:
    return frozenset(unit_figures(doc_text(doc), 2))


def county_docs(code: str) -> set[str]:
    return {source["doc"] for source in profiles()[code]["sources"]}


def county_names(code: str) -> list[str]:
    profile = profiles()[code]
    return [profile["name"], *profile.get("short_names", [])]


def _section_ok(doc: str, section: str) -> bool:
    """A cited section exists: a heading of a news report, or a top-level numeral of a numbered document."""
    text = doc_text(doc)
    for clause in _CLAUSE_SEP.split(section.strip()):
        if not clause:
            return False
        if doc in NEWS_DOCS:
            if clause != "导语" and clause not in text:
                return False
        elif clause.startswith("附件"):
            if "附件" not in text:
                return False
        else:
            match = _SECTION_NUMERAL.match(clause)
            if not match or f"{match.group(1)}、" not in text:
                return False
    return True


def _split_citation(citation: str) -> tuple[str, str]:
    doc, _, section = citation.partition(" ")
    return doc, section


# ---------------------------------------------------------------------------------------------- profiles


def test_every_county_has_exactly_one_profile_named_by_its_code():
    assert sorted(profiles()) == COUNTIES
    for stem, profile in profiles().items():
        assert profile["code"] == stem


@pytest.mark.parametrize("code", COUNTIES)
def test_profile_keys_follow_the_schema(code):
    profile = profiles()[code]
    assert set(profile) <= PROFILE_KEYS, set(profile) - PROFILE_KEYS
    for source in profile["sources"]:
        assert set(source) <= SOURCE_KEYS
    assert set(profile["periods"]) <= PERIOD_NAMES
    for period in profile["periods"].values():
        assert period is None or set(period) <= PERIOD_KEYS
    for rule in profile.get("subsidy") or []:
        assert set(rule) <= SUBSIDY_KEYS
    if profile.get("area"):
        assert set(profile["area"]) <= AREA_KEYS
    assert set(profile["target_categories"]["values"]) <= CATEGORIES
    assert profile["hotline_note"]


@pytest.mark.parametrize("code", COUNTIES)
def test_profile_sources_are_the_countys_own_documents(code):
    for source in profiles()[code]["sources"]:
        assert DOC_COUNTY[source["doc"]] == code, f"{code} lists {source['doc']}, another county's document"
        assert source["file"].startswith(source["doc"] + "_")
        if seeds_dir() is not None:
            assert (seeds_dir() / source["file"]).exists(), source["file"]


@pytest.mark.parametrize("code", COUNTIES)
def test_hotline_is_a_number_a_document_states(code):
    hotline = profiles()[code].get("hotline")
    if hotline:
        digits = re.sub(r"\D", "", hotline)
        assert any(digits in re.sub(r"\D", "", doc_text(d)) for d in county_docs(code)), hotline


def _profile_figures(profile: dict):
    """(citation, figures, label) for every cited figure in a profile."""
    yield profile["target_categories"]["citation"], set(), "target_categories"
    for name, period in profile["periods"].items():
        if period is not None:
            yield period["citation"], {_canon(period["amount"])}, f"periods.{name}"
    for i, rule in enumerate(profile.get("subsidy") or []):
        figures = numbers_in(rule["text"])
        for key in ("cap_yuan", "fixed_yuan"):
            if rule.get(key) is not None:
                figures.add(_canon(rule[key]))
        if rule.get("share") not in (None, 1, 1.0):
            figures.add(_canon(rule["share"] * 100))
        yield rule["citation"], figures, f"subsidy[{i}]"
    area = profile.get("area")
    if area:
        figures = numbers_in(area["text"])
        figures |= {_canon(area[k]) for k in AREA_KEYS - {"text", "citation"} if area.get(k) is not None}
        yield area["citation"], figures, "area"
    if profile.get("seismic_intensity") is not None:
        yield profile["seismic_citation"], {_canon(profile["seismic_intensity"])}, "seismic_intensity"
    if profile.get("report_phone_citation"):
        yield profile["report_phone_citation"], set(), "report_phone_citation"


@pytest.mark.parametrize("code", COUNTIES)
def test_profile_figures_come_from_the_countys_cited_document(code):
    profile = profiles()[code]
    for name, period in profile["periods"].items():
        if name in ANJU_DEFAULT_PERIODS:
            assert period is not None and period["citation"] == "Anju default", name
        elif period is not None:
            assert period["citation"] != "Anju default", f"{name} must cite a document"
    for citation, figures, label in _profile_figures(profile):
        if citation == "Anju default":
            continue
        doc, section = _split_citation(citation)
        assert doc in county_docs(code), f"{code} {label} cites {doc}, not one of its sources"
        assert _section_ok(doc, section), f"{code} {label}: no section {section!r} in {doc}"
        missing = figures - doc_numbers(doc)
        assert not missing, f"{code} {label}: {sorted(missing)} not in document {doc}"
    assert (profile.get("seismic_intensity") is None) == (profile.get("seismic_citation") is None)


# ---------------------------------------------------------------------------------------------- FAQ


def test_faq_files_are_lists_of_well_formed_entries():
    assert faq_files(), "no FAQ files"
    for name, entries in faq_files().items():
        assert isinstance(entries, list), name
        for entry in entries:
            assert set(entry) <= ENTRY_KEYS, (entry.get("id"), set(entry) - ENTRY_KEYS)
            assert re.fullmatch(r"[a-z][a-z0-9_]*", entry["id"]), entry["id"]
            for key in ("title", "title_ko", "title_en"):
                assert isinstance(entry.get(key), str) and entry[key].strip(), (entry["id"], key)
            questions = entry["questions"]
            assert 6 <= len(questions) <= 12, (entry["id"], len(questions))
            assert len(set(questions)) == len(questions), f"{entry['id']}: repeated question"
            assert entry["answers"], entry["id"]


def test_faq_ids_are_unique_and_the_fixed_ids_exist():
    ids = [entry["id"] for entry in faq_entries()]
    repeated = {i for i in ids if ids.count(i) > 1}
    assert not repeated, repeated
    assert not REQUIRED_FAQ_IDS - set(ids), REQUIRED_FAQ_IDS - set(ids)


def test_a_question_belongs_to_one_entry_only():
    seen: dict[str, str] = {}
    for entry in faq_entries():
        for question in entry["questions"]:
            assert question not in seen, f"{question!r} in both {seen[question]} and {entry['id']}"
            seen[question] = entry["id"]


def test_every_county_gets_one_answer_for_every_entry():
    for entry in faq_entries():
        covered: list[str] = [c for answer in entry["answers"] for c in answer["counties"]]
        assert len(covered) == len(set(covered)), f"{entry['id']}: a county answered twice"
        assert set(covered) <= {*COUNTIES, "default"}, (entry["id"], set(covered) - {*COUNTIES, "default"})
        if "default" not in covered:
            assert set(COUNTIES) <= set(covered), f"{entry['id']}: {set(COUNTIES) - set(covered)} unanswered"


def test_answers_are_complete_and_short():
    for entry_id, answer in answers():
        assert set(answer) <= ANSWER_KEYS, (entry_id, set(answer) - ANSWER_KEYS)
        assert answer["counties"], entry_id
        assert answer.get("text", "").strip(), entry_id
        assert len(answer["text"]) <= MAX_TEXT, f"{entry_id} {answer['counties']}: text {len(answer['text'])}"
        if answer.get("detail"):
            assert len(answer["detail"]) <= MAX_DETAIL, f"{entry_id} {answer['counties']}: detail too long"
        assert answer.get("text_en", "").strip(), f"{entry_id} {answer['counties']}: no text_en"
        if {"222400", "default"} & set(answer["counties"]):
            assert answer.get("text_ko", "").strip(), f"{entry_id} {answer['counties']}: no text_ko"


def test_an_answer_without_a_citation_states_no_figure():
    for entry_id, answer in answers():
        if answer.get("cite") is None:
            for key in TEXT_FIELDS:
                assert not has_figure(answer.get(key) or ""), (
                    f"{entry_id} {answer['counties']} {key}: uncited figure"
                )


def test_default_answers_cite_nothing_and_name_no_county():
    for entry_id, answer in answers():
        if "default" in answer["counties"]:
            assert answer["counties"] == ["default"], entry_id
            assert answer.get("cite") is None, (
                f"{entry_id}: a default answer cannot cite one county's document"
            )
            for code in COUNTIES:
                for name in county_names(code):
                    for key in TEXT_FIELDS:
                        assert name not in (answer.get(key) or ""), f"{entry_id} default names {name}"


def test_no_answer_cites_another_countys_document():
    for entry_id, answer in answers():
        cite = answer.get("cite")
        if cite is None:
            continue
        assert set(cite) == {"doc", "section"}, entry_id
        for code in answer["counties"]:
            assert DOC_COUNTY.get(cite["doc"]) == code, f"{entry_id}: {code} answer cites {cite['doc']}"
            assert cite["doc"] in county_docs(code), f"{entry_id}: {cite['doc']} not among {code}'s sources"


def test_no_answer_names_another_county():
    for entry_id, answer in answers():
        own = set(answer["counties"])
        for code in set(COUNTIES) - own:
            for name in county_names(code):
                for key in TEXT_FIELDS:
                    assert name not in (answer.get(key) or ""), f"{entry_id} {sorted(own)} {key} names {name}"


def test_cited_sections_exist():
    for entry_id, answer in answers():
        cite = answer.get("cite")
        if cite:
            assert _section_ok(cite["doc"], cite["section"]), f"{entry_id}: no section {cite['section']!r}"


def test_every_figure_in_an_answer_is_in_its_cited_document():
    for entry_id, answer in answers():
        cite = answer.get("cite")
        if not cite:
            continue
        known = doc_numbers(cite["doc"])
        for key in TEXT_FIELDS:
            missing = numbers_in(answer.get(key) or "") - known
            assert not missing, (
                f"{entry_id} {answer['counties']} {key}: {sorted(missing)} not in {cite['doc']}"
            )
        for key in ("text", "detail"):
            missing = unit_figures(answer.get(key) or "", 1) - doc_unit_figures(cite["doc"])
            assert not missing, (
                f"{entry_id} {answer['counties']} {key}: {sorted(missing)} not so in {cite['doc']}"
            )


# ---------------------------------------------------------------------------------------------- the checker


def test_number_normalisation():
    assert numbers_in("上限不超过1.4万元") == {"14000"}
    assert numbers_in("１．４万元，80%") == {"14000", "80"}
    assert numbers_in("14,000 yuan, 10월 1일") == {"14000", "10", "1"}
    assert numbers_in("1.4만 위안") == {"14000"}
    assert not has_figure("请向村委会询问")
    assert unit_figures("公示不少于7天，7个工作日内，上限1.4万元", 1) == {
        ("days", "7"),
        ("working_days", "7"),
        ("yuan", "14000"),
    }
    assert unit_figures("公示期限不得少于七日；10月15日；每月5日前", 2) == {("days", "7")}
