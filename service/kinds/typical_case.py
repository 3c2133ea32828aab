"""安全生产典型案例 — seed 000 附件2, seed 001 附件4 (典型案例模板)."""

from __future__ import annotations

from datetime import date
from typing import Any

from service.kinds.base import Kind
from service.kinds.case_context import case_context
from service.kinds.typical_case_model import TypicalCase
from service.titles import title_lines

FORM_TITLE = "安全生产典型案例"


def build(doc: TypicalCase, serial: int | None) -> dict[str, Any]:
    """The printed text of one case, ready for both templates."""
    return {
        # Not numbered: a preview and the issued case are the same text, so no draft mark
        # (issuing passes serial=None either way and build cannot tell them apart).
        "draft": False,
        "title_lines": [
            {"text": text, "tight": tight} for text, tight in title_lines([FORM_TITLE])
        ],
        "case": case_context(doc),
    }


def dated(doc: TypicalCase) -> date:
    """The date that files a case in the register: its report date, else today."""
    return doc.reported_on or date.today()


KIND = Kind(
    name="typical-case",
    title="安全生产典型案例",
    short="安全生产典型案例",
    description="按典型案例模板（标题、关键词、要旨、基本案情、处理结果、案例剖析、"
    "举一反三工作建议）编写的安全生产典型案例，不编号。",
    model=TypicalCase,
    build=build,
    series=lambda doc: None,
    dated=dated,
    label=lambda doc: doc.title,
    numbered=False,
)
