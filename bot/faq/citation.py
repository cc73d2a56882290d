"""Compact citations a farmer can check: "山阴县 山危扶办〔2021〕1号 四(二)".

The county's name, the document's number (or, for a news report without one, its headline up to the first
dash), and the section. All of it comes from the county profile's ``sources``, so a citation never drifts.
"""

from __future__ import annotations

from api.profiles import CountyProfile, Source, document_name, load_profiles
from bot.faq.loader import Cite

MAX_HEADLINE = 12


def short_name(profile: CountyProfile) -> str:
    """The name as people write it: 山阴县, but 延边州 rather than 延边朝鲜族自治州."""
    if len(profile.name) <= 4 or not profile.short_names:
        return profile.name
    return profile.short_names[0]


def _source(doc: str) -> tuple[CountyProfile, Source] | None:
    for profile in load_profiles().values():
        for source in profile.sources:
            if source.doc == doc:
                return profile, source
    return None


def document_label(source: Source) -> str:
    """The document number, or 《headline》 cut at its first dash and to a readable length."""
    if source.number:
        return source.number
    headline = source.title.split("——")[0].strip()
    if len(headline) > MAX_HEADLINE:
        headline = headline[:MAX_HEADLINE] + "…"
    return f"《{headline}》"


def compact_citation(cite: Cite | None) -> str | None:
    """The citation for an answer's ``cite``; None when it cites nothing or an unknown document."""
    if cite is None:
        return None
    found = _source(cite.doc)
    if found is None:
        return None
    profile, source = found
    return f"{short_name(profile)} {document_label(source)} {cite.section}".strip()


def checked_sources(county: str | None) -> str | None:
    """What was looked at for a county whose documents are silent: "山阴县 山危扶办〔2021〕1号"."""
    profile = load_profiles().get(county or "")
    if profile is None or not profile.sources:
        return None
    labels = "、".join(document_label(source) for source in profile.sources)
    return f"{short_name(profile)} {labels}"


def cite(profile: CountyProfile, citation: str | None, *, section_only: bool = False) -> str:
    """ "004 四(五)3(1)" as a farmer can look it up: the document's number (or title) and the section.

    With ``section_only`` (the county has one document, already named above) just the section.
    """
    if not citation:
        return ""
    doc, _sep, section = citation.partition(" ")
    if section_only:
        return section
    return f"{document_name(profile, doc)} {section}".strip()
