"""Word template of the typical case (安全生产典型案例), and the case sections the bulletin
template shares."""

from __future__ import annotations

from docx.enum.style import WD_STYLE_TYPE
from docx_base import para, title

LANDSCAPE = False
CASE_START = "案例起始"  # 一级标题 that starts a new page: the first heading of a case


def case_start_style(doc) -> None:  # type: ignore[no-untyped-def]
    """Add the style of a case's first heading when every case starts on a new page."""
    style = doc.styles.add_style(CASE_START, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = doc.styles["一级标题"]
    style.quick_style = True
    style.paragraph_format.page_break_before = True


def case_sections(doc, case: str = "case", new_page: bool = False,  # type: ignore[no-untyped-def]
                  byline: bool = False) -> None:
    """The seven sections of context[`case`] (see service.kinds.case_context): each heading
    in 一级标题 (黑体), its paragraphs in 正文; `new_page` starts the case on a new page,
    `byline` prints the case's source note (报送单位 …) under its title."""
    para(doc, f"{{%p for section in {case}.sections %}}", "")
    if new_page:
        para(doc, "{%p if loop.first %}", "")
        para(doc, "{{ section.heading }}", CASE_START)
        para(doc, "{%p else %}", "")
        para(doc, "{{ section.heading }}", "一级标题")
        para(doc, "{%p endif %}", "")
    else:
        para(doc, "{{ section.heading }}", "一级标题")
    para(doc, "{%p for text in section.paragraphs %}", "")
    para(doc, "{{ text }}", "正文")
    para(doc, "{%p endfor %}", "")
    if byline:
        para(doc, f"{{%p if loop.first and {case}.note %}}", "")
        para(doc, f"{{{{ {case}.note }}}}", "正文")
        para(doc, "{%p endif %}", "")
    para(doc, "{%p endfor %}", "")


def fill(doc) -> None:  # type: ignore[no-untyped-def]
    """安全生产典型案例: title, the optional facts, then the seven sections."""
    title(doc)
    para(doc, "", "正文")  # one blank line under the title
    para(doc, "{%p for line in case.meta %}", "")
    para(doc, "{{ line }}", "正文")
    para(doc, "{%p endfor %}", "")
    para(doc, "{%p if case.meta %}", "")
    para(doc, "", "正文")  # and one under the facts
    para(doc, "{%p endif %}", "")
    case_sections(doc)
