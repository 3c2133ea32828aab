"""The printed text of one typical case (seed 000 附件2, seed 001 附件4), shared by the
typical-case and bulletin kinds so both print a case the same way."""

from __future__ import annotations

from typing import Any

from service.kinds.typical_case_model import ASPECTS, SECTIONS, TypicalCase
from service.text import cn_date

KEYWORD_SEPARATOR = "；"
NEGATIVE = "负面典型案例"


def numbered(items: list[str]) -> list[str]:
    """Number paragraphs the way the template does: `1. …`, `2. …`."""
    return [f"{i}. {text}" for i, text in enumerate(items, 1)]


def analysis_paragraphs(case: TypicalCase) -> list[str]:
    """The aspects of 【案例剖析】 that are present, numbered consecutively."""
    present = [(label, getattr(case.analysis, key)) for key, label in ASPECTS.items()]
    return numbered([f"{label}：{text}" for label, text in present if text])


def meta_lines(case: TypicalCase) -> list[str]:
    """The optional facts about a case (报送单位, 报送日期, 行业领域, 负面典型案例)."""
    lines = []
    if case.unit:
        lines.append(f"报送单位：{case.unit}")
    if case.reported_on:
        lines.append(f"报送日期：{cn_date(case.reported_on)}")
    if case.industry:
        lines.append(f"行业领域：{case.industry}")
    if case.negative:
        lines.append(f"案例类型：{NEGATIVE}")
    return lines


def source_note(case: TypicalCase) -> str:
    """The same facts as one closing line of a case in a bulletin: `（报送单位：…；…）`."""
    lines = meta_lines(case)
    return "（" + "；".join(lines) + "）" if lines else ""


def case_context(case: TypicalCase) -> dict[str, Any]:
    """A case ready for the templates: its title, the optional facts and the seven sections
    as {"heading", "paragraphs"} in the template's order."""
    paragraphs: dict[str, list[str]] = {
        "title": [case.title],
        "keywords": [KEYWORD_SEPARATOR.join(case.keywords)],
        "gist": [case.gist],
        "facts": list(case.facts),
        "outcome": list(case.outcome),
        "analysis": analysis_paragraphs(case),
        "recommendations": numbered(list(case.recommendations)),
    }
    return {
        "title": case.title,
        "meta": meta_lines(case),
        "note": source_note(case),
        "sections": [
            {"heading": heading, "paragraphs": paragraphs[key]}
            for key, heading in SECTIONS.items()
        ],
    }
