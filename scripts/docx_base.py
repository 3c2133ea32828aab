"""Shared parts of the Word templates: GB/T 9704 page set-up, named styles, page numbers,
the draft mark, and helpers the per-kind builders in docx_kinds/ use."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor, Twips

OUT = Path(__file__).resolve().parents[1] / "templates" / "docx"

GRID = 579  # twips: 22 lines in the 225 mm 版心
# Where a style or the page grid has the line pitch, the template has `{{ line }}`: the
# renderer writes the pitch the document needs (service/render/pitch.py: 579, or closed up
# to 530 or 500 when that saves a page, as the PDF does).
LINE = "line"
# GB/T 9704 5.2.2: 28 characters a line. Word's and LibreOffice's character grids
# (w:docGrid linesAndChars) disagree (LibreOffice makes a cell at least a glyph wide: 14–16
# characters a line), so body text is condensed by 0.25 pt (Word's 紧缩), which both honour:
# 28 × 15.75 pt fit the 442.2 pt 版心.
CONDENSED = -5  # twentieths of a point
TABLE_LINE = 280  # twips: 14 pt lines for 10.5 pt table text
TABLE_INFO_LINE = 400  # twips: 20 pt lines for the 14 pt lines around a table
FANGSONG, XBS, HEI, KAI = "仿宋_GB2312", "方正小标宋简体", "黑体", "楷体_GB2312"
LATIN = "Times New Roman"  # digits and letters (w:ascii, w:hAnsi, w:cs) in every style
# word/fontTable.xml: each face the styles name, declared so that Word, WPS and LibreOffice
# substitute sensibly where it is not installed: w:altName (the name a Windows machine
# without the licensed GB2312 fonts has), charset 86 (GB2312), family (roman: serif faces,
# swiss: 黑体) and pitch, PANOSE and code-page signature (方正小标宋简体: 宋体's, its stand-in).
# (name, altName, panose, family, usb0, usb1, usb2, csb0)
FONT_TABLE = (
    (FANGSONG, "仿宋", "02010609030101010101", "roman", "00000001", "080E0000", "00000010",
     "00040000"),
    (XBS, "宋体", "02010600030101010101", "roman", "00000003", "288F0000", "00000016",
     "00040001"),
    (HEI, "SimHei", "02010609060101010101", "swiss", "800002BF", "38CF7CFA", "00000016",
     "00040001"),
    (KAI, "楷体", "02010609030101010101", "roman", "00000001", "080E0000", "00000010",
     "00040000"),
)
# Latin faces the package names (styles, numbering bullets) kept as python-docx declares them.
LATIN_FONTS = (LATIN, "Symbol", "Courier")
PPR_ORDER = (
    "w:pStyle w:keepNext w:keepLines w:pageBreakBefore w:framePr w:widowControl w:numPr "
    "w:suppressLineNumbers w:pBdr w:shd w:tabs w:suppressAutoHyphens w:kinsoku w:wordWrap "
    "w:overflowPunct w:topLinePunct w:autoSpaceDE w:autoSpaceDN w:bidi w:adjustRightInd "
    "w:snapToGrid w:spacing w:ind w:contextualSpacing w:mirrorIndents w:suppressOverlap w:jc "
    "w:textDirection w:textAlignment w:textboxTightWrap w:outlineLvl w:divId w:cnfStyle w:rPr "
    "w:sectPr w:pPrChange"
).split()
# Sentinels replaced by Jinja expressions after saving (python-docx cannot write them).
SENTINELS: dict[str, str] = {}


def sentinel(expr: str) -> int:
    """A number to put where Word wants a number; replaced by `{{ expr }}` after saving."""
    value = 7001 + len(SENTINELS)
    SENTINELS[str(value)] = "{{ " + expr + " }}"
    return value


def _fonts(rpr_owner, family: str, size: float) -> None:  # type: ignore[no-untyped-def]
    """Times New Roman for digits and letters, `family` for Chinese; w:hint="eastAsia" keeps
    the punctuation Chinese and Latin share (“” ‘’ — … ·) in the Chinese face."""
    font = rpr_owner.font
    font.name = LATIN
    font.size = Pt(size)
    rfonts = rpr_owner.element.get_or_add_rPr().get_or_add_rFonts()
    for attr, value in (("w:ascii", LATIN), ("w:hAnsi", LATIN), ("w:eastAsia", family),
                        ("w:cs", LATIN), ("w:hint", "eastAsia")):
        rfonts.set(qn(attr), value)


def grid_lines(n: int = 1) -> int:
    """A length of `n` grid lines, as the renderer's pitch (a sentinel for `n * line`)."""
    return sentinel(LINE if n == 1 else f"{LINE} * {n}")


def _style(doc, name: str, *, base: str = "Normal", family: str = FANGSONG, size: float = 16,
           align=None, first_chars: int = 0, left_chars: int = 0, right_chars: int = 0,
           before: int = 0, line: int | None = None,
           keep_next: bool = False):  # type: ignore[no-untyped-def]
    """A paragraph style: font on all four rFonts slots, exact line (the renderer's pitch by
    default), indents in chars."""
    style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = doc.styles[base]
    style.quick_style = True
    _fonts(style, family, size)
    pf = style.paragraph_format
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = Twips(grid_lines() if line is None else line)
    pf.space_before = Twips(before)
    pf.space_after = Twips(0)
    pf.keep_with_next = keep_next
    if align is not None:
        pf.alignment = align
    ind = style.element.get_or_add_pPr().get_or_add_ind()
    twips_per_char = int(size * 20)
    if first_chars:
        ind.set(qn("w:firstLineChars"), str(first_chars * 100))
        ind.set(qn("w:firstLine"), str(first_chars * twips_per_char))
    if left_chars:
        ind.set(qn("w:leftChars"), str(left_chars * 100))
        ind.set(qn("w:left"), str(left_chars * twips_per_char))
    if right_chars:
        ind.set(qn("w:rightChars"), str(right_chars * 100))
        ind.set(qn("w:right"), str(right_chars * twips_per_char))
    return style


def _field_run(paragraph, instr: str) -> None:  # type: ignore[no-untyped-def]
    for kind, text in (("begin", None), (None, instr), ("separate", None), (None, "1"),
                       ("end", None)):
        run = paragraph.add_run()
        if kind:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            run._r.append(fld)
        elif text == instr:
            it = OxmlElement("w:instrText")
            it.set(qn("xml:space"), "preserve")
            it.text = f" {instr} "
            run._r.append(it)
        else:
            run.text = text


def base_document(*, landscape: bool = False):  # type: ignore[no-untyped-def]
    """A document with GB/T 9704 page set-up, styles, page numbers and the draft mark."""
    doc = Document()
    # The document defaults name the faces too (python-docx's name the theme's).
    rfonts = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(
        qn("w:rPr")).find(qn("w:rFonts"))
    rfonts.attrib.clear()
    for attr, value in (("w:ascii", LATIN), ("w:hAnsi", LATIN), ("w:eastAsia", FANGSONG),
                        ("w:cs", LATIN), ("w:hint", "eastAsia")):
        rfonts.set(qn(attr), value)
    normal = doc.styles["Normal"]
    _fonts(normal, FANGSONG, 16)
    rpr = normal.element.get_or_add_rPr()
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "zh-CN")
    lang.set(qn("w:eastAsia"), "zh-CN")
    rpr.append(lang)
    pf = normal.paragraph_format
    pf.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = Twips(grid_lines())
    pf.space_before = pf.space_after = Twips(0)
    pf.widow_control = True
    spacing = OxmlElement("w:spacing")
    spacing.set(qn("w:val"), str(CONDENSED))
    rpr.insert_element_before(spacing, "w:w", "w:kern", "w:position", "w:sz", "w:szCs",
                              "w:highlight", "w:u", "w:effect", "w:lang")
    # No extra space between Chinese and digits or letters (Word's default adds a quarter
    # em): the PDF has none, and 28 characters would not fit. LibreOffice ignores these.
    for tag in ("w:autoSpaceDE", "w:autoSpaceDN"):
        off = OxmlElement(tag)
        off.set(qn("w:val"), "0")
        _insert_ppr(normal.element.get_or_add_pPr(), off)

    _style(doc, "公文标题", family=XBS, size=22, align=WD_ALIGN_PARAGRAPH.CENTER, keep_next=True)
    _style(doc, "发文字号", align=WD_ALIGN_PARAGRAPH.CENTER, before=0)
    _style(doc, "主送机关", before=grid_lines())
    _style(doc, "正文", first_chars=2)
    _style(doc, "一级标题", family=HEI, first_chars=2, keep_next=True)
    _style(doc, "二级标题", family=KAI, first_chars=2, keep_next=True)
    # Keep-with-next only for the last item (it keeps the list's end with the signature):
    # set on the paragraphs (keep_with_next_if), never on the whole list.
    _style(doc, "附件说明", first_chars=2)
    _style(doc, "附件说明续", left_chars=11)
    _style(doc, "发文机关署名", align=WD_ALIGN_PARAGRAPH.RIGHT, before=grid_lines(2),
           keep_next=True)
    _style(doc, "成文日期", align=WD_ALIGN_PARAGRAPH.RIGHT, right_chars=4)
    _style(doc, "附注")
    _banji_rules(_style(doc, "版记", size=14, first_chars=1))
    _style(doc, "页码", size=14, line=280)
    _style(doc, "草稿标记", family=HEI, size=14, align=WD_ALIGN_PARAGRAPH.CENTER, line=280)
    # Statistics tables (summary): 五号 text in the cells, 黑体 headers, 四号 lines around them.
    _style(doc, "表格文字", size=10.5, align=WD_ALIGN_PARAGRAPH.CENTER, line=TABLE_LINE)
    _style(doc, "表格文字左", base="表格文字", size=10.5, align=WD_ALIGN_PARAGRAPH.LEFT,
           line=TABLE_LINE)
    _style(doc, "表格表头", family=HEI, size=10.5, align=WD_ALIGN_PARAGRAPH.CENTER,
           line=TABLE_LINE)
    _style(doc, "表格信息", size=14, line=TABLE_INFO_LINE)
    _style(doc, "表格题注", family=HEI, size=14, line=TABLE_INFO_LINE, before=120, keep_next=True)

    section = doc.sections[0]
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
        section.top_margin, section.bottom_margin = Mm(28), Mm(26)
        section.left_margin, section.right_margin = Mm(37), Mm(35)
    else:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.header_distance = Mm(20)
    section.footer_distance = Mm(23)  # puts the page number's top 7 mm below the 版心
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        section._sectPr.append(grid)
    # Only the pitch: with type="lines" Word/LibreOffice snap 36 pt title lines to two grid
    # lines; exact line spacing on every style already keeps body text on the 22-line grid.
    grid.attrib.pop(qn("w:type"), None)
    grid.set(qn("w:linePitch"), str(grid_lines()))

    doc.settings.odd_and_even_pages_header_footer = True
    for footer, align, side in ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT, "right"),
                                (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT, "left")):
        footer.is_linked_to_previous = False
        p = footer.paragraphs[0]
        p.style = doc.styles["页码"]
        p.alignment = align
        ind = p._p.get_or_add_pPr().get_or_add_ind()
        ind.set(qn(f"w:{side}Chars"), "100")
        ind.set(qn(f"w:{side}"), "280")
        p.add_run("— ")
        _field_run(p, "PAGE")
        p.add_run(" —")
    for header in (section.header, section.even_page_header):
        header.is_linked_to_previous = False
        p = header.paragraphs[0]
        p.style = doc.styles["草稿标记"]
        run = p.add_run("{% if draft %}草稿（未签发，不作正式文书使用）{% endif %}")
        run.font.color.rgb = RGBColor(0xC0, 0, 0)
    return doc


def _insert_ppr(ppr, element) -> None:  # type: ignore[no-untyped-def]
    """Insert `element` into a w:pPr at its schema position (Word rejects other orders)."""
    tag = element.tag.split("}")[1]
    seq = PPR_ORDER
    successors = seq[seq.index(f"w:{tag}") + 1 :]
    ppr.insert_element_before(element, *successors)


def _banji_rules(style) -> None:  # type: ignore[no-untyped-def]
    """版记 paragraphs sit between full-width rules: 0.35 mm outside, 0.25 mm between."""
    ppr = style.element.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    for edge, size in (("top", "8"), ("bottom", "8"), ("between", "6")):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "single")
        el.set(qn("w:sz"), size)  # eighths of a point: 1 pt ≈ 0.35 mm, 0.75 pt ≈ 0.25 mm
        el.set(qn("w:space"), "1")
        el.set(qn("w:color"), "000000")
        borders.append(el)
    _insert_ppr(ppr, borders)


def at_page_foot(paragraph) -> None:  # type: ignore[no-untyped-def]
    """Anchor a paragraph in a frame at the foot of the 版心 (consecutive ones share it).

    Set on the paragraph, not the style: LibreOffice ignores frames defined in styles."""
    ppr = paragraph._p.get_or_add_pPr()
    frame = OxmlElement("w:framePr")
    width = str(156 * 5670 // 100)  # the 版心 width in twips
    for attr, value in (("w:wrap", "around"), ("w:vAnchor", "margin"), ("w:hAnchor", "margin"),
                        ("w:xAlign", "center"), ("w:yAlign", "bottom"), ("w:w", width)):
        frame.set(qn(attr), value)
    _insert_ppr(ppr, frame)


def hanging(paragraph, left: int, hang: int) -> None:  # type: ignore[no-untyped-def]
    """Indent a paragraph by `left` twips with its first line `hang` twips further left
    (numbers or sentinels): wrapped lines then align after a label or an item number. The
    *Chars forms are zeroed, since Word would prefer a style's to these."""
    ind = paragraph._p.get_or_add_pPr().get_or_add_ind()
    for attr, value in (("w:leftChars", "0"), ("w:left", str(left)), ("w:hangingChars", "0"),
                        ("w:hanging", str(hang)), ("w:firstLineChars", "0")):
        ind.set(qn(attr), value)


def keep_with_next_if(paragraph, expr: str) -> None:  # type: ignore[no-untyped-def]
    """w:keepNext on this paragraph only where the Jinja `expr` is true (1) at render."""
    paragraph.paragraph_format.keep_with_next = True
    keep = paragraph._p.pPr.find(qn("w:keepNext"))
    keep.set(qn("w:val"), str(sentinel(f"1 if ({expr}) else 0")))


def para(doc, text: str, style: str):  # type: ignore[no-untyped-def]
    """Add a paragraph of `text` in `style` ("" for docxtpl's {%p …%} tag paragraphs)."""
    return doc.add_paragraph(text, style=doc.styles[style] if style else None)


def title(doc, lines: str = "title_lines") -> None:  # type: ignore[no-untyped-def]
    """The 公文标题 lines of context[`lines`] ({"text", "tight"} each, see titles.title_lines),
    a slightly long line set tight with character spacing as Word's 紧缩 does."""
    para(doc, f"{{%p for line in {lines} %}}", "")
    p = para(doc, "", "公文标题")
    run = p.add_run("{{ line.text }}")
    spacing = OxmlElement("w:spacing")
    spacing.set(qn("w:val"), str(-sentinel("(line.tight * 20)|round|int")))
    run._r.get_or_add_rPr().append(spacing)
    para(doc, "{%p endfor %}", "")


def _jinja_value(match: re.Match[str]) -> str:
    return '"' + SENTINELS.get(match.group(1), match.group(0)[1:-1]) + '"'


# Every part of a written template gets this zip timestamp, so that building twice gives the
# same bytes and `make templates` leaves unchanged templates unchanged in git.
ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def _font_table(data: bytes) -> bytes:
    """word/fontTable.xml: python-docx's entries for the Latin faces the package names, then
    FONT_TABLE; the rest of python-docx's (Calibri, Cambria, Arial, and ＭＳ 明朝 / ＭＳ ゴシック
    from its template's Japanese origin) dropped."""
    from lxml import etree

    root = etree.fromstring(data)
    for font in root.findall(qn("w:font")):
        if font.get(qn("w:name")) not in LATIN_FONTS:
            root.remove(font)
    for name, alt, panose, family, usb0, usb1, usb2, csb0 in FONT_TABLE:
        font = etree.SubElement(root, qn("w:font"))
        font.set(qn("w:name"), name)
        for tag, value in (("altName", alt), ("panose1", panose), ("charset", "86"),
                           ("family", family), ("pitch", "variable")):
            etree.SubElement(font, qn(f"w:{tag}")).set(qn("w:val"), value)
        sig = etree.SubElement(font, qn("w:sig"))
        for attr, value in (("usb0", usb0), ("usb1", usb1), ("usb2", usb2),
                            ("usb3", "00000000"), ("csb0", csb0), ("csb1", "00000000")):
            sig.set(qn(f"w:{attr}"), value)
    etree.indent(root, space="  ")
    out: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return out


def _theme(data: bytes) -> bytes:
    """word/theme/theme1.xml: Times New Roman for Latin, 黑体 (headings) and 仿宋_GB2312 (body)
    for East Asian text, instead of Cambria/Calibri and the ＭＳ faces for Japanese."""
    xml = data.decode("utf-8")
    xml = re.sub(r'\s*<a:font script="Jpan" typeface="[^"]*"/>', "", xml)
    for scheme, east in (("majorFont", HEI), ("minorFont", FANGSONG)):
        xml = re.sub(
            rf'(<a:{scheme}>\s*)<a:latin typeface="[^"]*"/>(\s*)<a:ea typeface="[^"]*"/>',
            rf'\1<a:latin typeface="{LATIN}"/>\2<a:ea typeface="{east}"/>', xml)
    return xml.encode("utf-8")


def _finish(path: Path) -> None:
    """Replace the sentinels in word/document.xml and word/styles.xml and rewrite the zip
    with fixed timestamps."""
    with zipfile.ZipFile(path) as z:
        items = [(info, z.read(info)) for info in z.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in items:
            if info.filename in ("word/document.xml", "word/styles.xml"):
                xml = data.decode("utf-8")
                xml = re.sub(r'"-?(7\d{3})"', _jinja_value, xml)
                data = xml.encode("utf-8")
            elif info.filename == "word/fontTable.xml":
                data = _font_table(data)
            elif info.filename == "word/theme/theme1.xml":
                data = _theme(data)
            fixed = zipfile.ZipInfo(info.filename, date_time=ZIP_DATE)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            z.writestr(fixed, data)


def build(name: str, fill: Callable, landscape: bool = False,  # type: ignore[type-arg]
          out: Path = OUT) -> Path:
    """Write <out>/<name>.docx (templates/docx by default): the base document filled by
    `fill(doc)`. Building twice gives the same file, byte for byte."""
    SENTINELS.clear()
    doc = base_document(landscape=landscape)
    fill(doc)
    doc.core_properties.title = name
    doc.core_properties.author = "gongwen-service"
    path = Path(out) / f"{name}.docx"
    doc.save(path)
    _finish(path)
    return path


# Tables (statistics forms): thin rules, fixed column widths, header rows on every page.
TBLPR_ORDER = (
    "w:tblStyle w:tblpPr w:tblOverlap w:bidiVisual w:tblStyleRowBandSize w:tblStyleColBandSize "
    "w:tblW w:jc w:tblCellSpacing w:tblInd w:tblBorders w:shd w:tblLayout w:tblCellMar w:tblLook "
    "w:tblCaption w:tblDescription w:tblPrChange"
).split()


def _insert_in(parent, element, order: list[str]) -> None:  # type: ignore[no-untyped-def]
    """Insert `element` into `parent` at its schema position given by `order`."""
    tag = "w:" + element.tag.split("}")[1]
    for old in parent.findall(qn(tag)):
        parent.remove(old)
    parent.insert_element_before(element, *order[order.index(tag) + 1 :])


def grid_table(doc, widths_mm: list[float], rows: int, header_rows: int = 1):  # type: ignore[no-untyped-def]
    """A table with 0.5 pt rules, fixed column widths (mm) and cell margins of 0.75 mm; its
    first `header_rows` rows repeat at the top of every page (w:tblHeader)."""
    from docx.enum.table import WD_TABLE_ALIGNMENT

    table = doc.add_table(rows=rows, cols=len(widths_mm))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    tblpr = table._tbl.tblPr
    width = OxmlElement("w:tblW")
    width.set(qn("w:w"), str(sum(int(Mm(w).twips) for w in widths_mm)))
    width.set(qn("w:type"), "dxa")
    _insert_in(tblpr, width, TBLPR_ORDER)
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        for attr, value in (("w:val", "single"), ("w:sz", "4"), ("w:space", "0"),
                            ("w:color", "000000")):
            el.set(qn(attr), value)
        borders.append(el)
    _insert_in(tblpr, borders, TBLPR_ORDER)
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    _insert_in(tblpr, layout, TBLPR_ORDER)
    margins = OxmlElement("w:tblCellMar")
    for edge, twips in (("top", 20), ("left", 43), ("bottom", 20), ("right", 43)):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:w"), str(twips))
        el.set(qn("w:type"), "dxa")
        margins.append(el)
    _insert_in(tblpr, margins, TBLPR_ORDER)
    for column, w in zip(table.columns, widths_mm, strict=True):
        column.width = Mm(w)
    for row in table.rows:
        for cell, w in zip(row.cells, widths_mm, strict=True):
            cell.width = Mm(w)
    for row in table.rows[:header_rows]:
        header_row(row)
    return table


def header_row(row) -> None:  # type: ignore[no-untyped-def]
    """Mark a table row as a header row, repeated at the top of every page, never split."""
    trpr = row._tr.get_or_add_trPr()
    for tag in ("w:cantSplit", "w:tblHeader"):
        if trpr.find(qn(tag)) is None:
            trpr.append(OxmlElement(tag))


def keep_row_whole(row) -> None:  # type: ignore[no-untyped-def]
    """Do not split a table row across pages (w:cantSplit)."""
    trpr = row._tr.get_or_add_trPr()
    if trpr.find(qn("w:cantSplit")) is None:
        trpr.insert(0, OxmlElement("w:cantSplit"))


def cell_text(doc, cell, text: str, style: str = "表格文字") -> None:  # type: ignore[no-untyped-def]
    """Put `text` in a table cell as one paragraph in `style`, centred vertically."""
    from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT

    paragraph = cell.paragraphs[0]
    paragraph.style = doc.styles[style]
    paragraph.text = text
    for extra in cell.paragraphs[1:]:
        extra._p.getparent().remove(extra._p)
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
