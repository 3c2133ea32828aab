"""Word template of the typical-case bulletin (安全生产典型案例通报): heading, contents, and
every case on a new page with the sections the typical-case template prints."""

from __future__ import annotations

from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, Twips
from docx_base import GRID, hanging, para, sentinel, title

from docx_kinds.typical_case import case_sections, case_start_style

LANDSCAPE = False


def _styles(doc) -> None:  # type: ignore[no-untyped-def]
    """报头 (unit left, date right, red rule under them) and 目录标题 (centred 黑体)."""
    masthead = doc.styles.add_style("通报报头", WD_STYLE_TYPE.PARAGRAPH)
    masthead.base_style = doc.styles["正文"]
    masthead.quick_style = True
    pf = masthead.paragraph_format
    pf.first_line_indent = Twips(0)
    pf.left_indent = pf.right_indent = Pt(16)
    pf.space_before = Twips(GRID)
    pf.tab_stops.add_tab_stop(Mm(156) - Pt(16), WD_TAB_ALIGNMENT.RIGHT)
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for attr, value in (("w:val", "single"), ("w:sz", "8"), ("w:space", "1"),
                        ("w:color", "C00000")):
        bottom.set(qn(attr), value)
    borders.append(bottom)
    ppr = masthead.element.get_or_add_pPr()
    ppr.insert_element_before(borders, "w:shd", "w:tabs", "w:spacing", "w:ind", "w:jc")
    heading = doc.styles.add_style("目录标题", WD_STYLE_TYPE.PARAGRAPH)
    heading.base_style = doc.styles["一级标题"]
    heading.quick_style = True
    heading.paragraph_format.first_line_indent = Twips(0)
    heading.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    heading.paragraph_format.space_before = Twips(GRID)
    case_start_style(doc)


def fill(doc) -> None:  # type: ignore[no-untyped-def]
    """安全生产典型案例通报."""
    _styles(doc)
    title(doc)
    para(doc, "{{ number }}", "发文字号")
    para(doc, "{{ period }}", "发文字号")
    masthead = para(doc, "{{ unit }}", "通报报头")
    masthead.add_run().add_tab()
    masthead.add_run("{{ issued_on }}")
    para(doc, "{{ contents_heading }}", "目录标题")
    para(doc, "{%p for line in contents %}", "")
    entry = para(doc, "{{ line }}", "正文")  # a wrapped entry hangs after its number
    hanging(entry, sentinel("((2 + hang(line)) * 320)|round|int"),
            sentinel("(hang(line) * 320)|round|int"))
    para(doc, "{%p endfor %}", "")
    para(doc, "{%p for case in cases %}", "")
    case_sections(doc, "case", new_page=True, byline=True)
    para(doc, "{%p endfor %}", "")
