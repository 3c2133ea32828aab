"""The line pitch of a Word document: 22 lines a page, closed up like the PDF's.

GB/T 9704 7.3.5.4: when the last lines of a short document would go over to a page of their
own, the line spacing is closed up rather than that page printed. The PDF renderer measures
its own layout (service.render.pdf); Word lays a DOCX out only when it opens it, so here the
rendered body is counted on the character grid (service.render.grid) and the same rule
applied: 24 lines a page (26.5 pt), then 25.5 (25 pt), then 26.5 (24 pt), when that
saves a page.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from docx.oxml.ns import qn
from lxml import etree

from service.render.grid import TYPE_AREA_PT, line_count

GRID_TWIPS = 579  # 28.95 pt: 22 lines in the 225 mm 版心
CLOSER_TWIPS = (530, 500, 480)  # 26.5, 25 and 24 pt: service.render.pdf.TIGHTER_PITCHES
TYPE_AREA_HEIGHT_TWIPS = 225 / 25.4 * 1440
FRAME_GAP = 0.6
_LINES = re.compile(r"\{\{\s*line(?:\s*\*\s*(\d+))?\s*\}\}")


@dataclass(frozen=True)
class Style:
    """What counting needs of a paragraph style: size in pt, indents in twips, the space
    before in grid lines."""

    size: float = 16.0
    left: float = 0.0
    right: float = 0.0
    first: float = 0.0
    before: float = 0.0


Styles = dict[str, Style]


def _twips(value: str | None, size: float, chars: str | None) -> float:
    if chars is not None:
        return int(chars) / 100 * size * 20
    return float(value) if value and value.lstrip("-").isdigit() else 0.0


def _indents(ind: etree._Element | None, size: float, base: Style) -> tuple[float, float, float]:
    if ind is None:
        return base.left, base.right, base.first
    left = _twips(ind.get(qn("w:left")), size, ind.get(qn("w:leftChars"))) if (
        ind.get(qn("w:left")) or ind.get(qn("w:leftChars"))) else base.left
    right = _twips(ind.get(qn("w:right")), size, ind.get(qn("w:rightChars"))) if (
        ind.get(qn("w:right")) or ind.get(qn("w:rightChars"))) else base.right
    first = base.first
    if ind.get(qn("w:firstLine")) or ind.get(qn("w:firstLineChars")):
        first = _twips(ind.get(qn("w:firstLine")), size, ind.get(qn("w:firstLineChars")))
    if ind.get(qn("w:hanging")):
        first = -_twips(ind.get(qn("w:hanging")), size, None)
    return left, right, first


def _before(value: str | None) -> float | None:
    if value is None:
        return None
    if found := _LINES.fullmatch(value.strip()):
        return float(found.group(1) or 1)
    return float(value) / GRID_TWIPS if value.isdigit() else 0.0


def read_styles(root: etree._Element) -> Styles:
    """The paragraph styles of a template's word/styles.xml (basedOn followed)."""
    raw = {s.get(qn("w:styleId")): s for s in root.iter(qn("w:style"))
           if s.get(qn("w:type")) == "paragraph"}
    done: Styles = {}

    def resolve(style_id: str, depth: int = 0) -> Style:
        if style_id in done or style_id not in raw or depth > 20:
            return done.get(style_id, Style())
        element = raw[style_id]
        based = element.find(qn("w:basedOn"))
        base = resolve(based.get(qn("w:val")), depth + 1) if based is not None else Style()
        sz = element.find(f"{qn('w:rPr')}/{qn('w:sz')}")
        size = int(sz.get(qn("w:val"))) / 2 if sz is not None else base.size
        ppr = element.find(qn("w:pPr"))
        ind = ppr.find(qn("w:ind")) if ppr is not None else None
        spacing = ppr.find(qn("w:spacing")) if ppr is not None else None
        before = _before(spacing.get(qn("w:before"))) if spacing is not None else None
        done[style_id] = Style(size, *_indents(ind, size, base),
                               base.before if before is None else before)
        return done[style_id]

    for style_id in raw:
        resolve(style_id)
    return done


def lines(body: etree._Element, styles: Styles) -> float | None:
    """Grid lines the body takes at any pitch, or None where closing up does not apply
    (tables, page breaks)."""
    total, framed = 0.0, False
    for child in body:
        if child.tag == qn("w:tbl"):
            return None
        if child.tag != qn("w:p"):
            continue
        if child.find(f".//{qn('w:pageBreakBefore')}") is not None or any(
                br.get(qn("w:type")) == "page" for br in child.iter(qn("w:br"))):
            return None
        ppr = child.find(qn("w:pPr"))
        pstyle = ppr.find(qn("w:pStyle")) if ppr is not None else None
        style = styles.get(pstyle.get(qn("w:val")) if pstyle is not None else "Normal",
                           styles.get("Normal", Style()))
        left, right, first = _indents(ppr.find(qn("w:ind")) if ppr is not None else None,
                                      style.size, style)
        spacing = ppr.find(qn("w:spacing")) if ppr is not None else None
        before = _before(spacing.get(qn("w:before"))) if spacing is not None else None
        em = style.size * 20
        # The 版记 framed at the page foot: its rules and the gap above them (14 pt in the
        # PDF, where it is a footnote) take about 0.6 of a line more.
        frame = ppr is not None and ppr.find(qn("w:framePr")) is not None
        total += FRAME_GAP if frame and not framed else 0.0
        framed = frame
        text = "".join(t.text or "" if t.tag == qn("w:t") else "\n"
                       for t in child.iter(qn("w:t"), qn("w:br")))
        total += (style.before if before is None else before) + line_count(
            text, first=(left + first) / em, rest=left / em, size=style.size,
            width=TYPE_AREA_PT - right / 20)
    return total


def closer_twips(body: etree._Element, styles: Styles) -> int:
    """The pitch for this body: GRID_TWIPS, or the first of CLOSER_TWIPS that saves the
    last page of a document of two or three pages (the PDF's rule)."""
    return closer_pages(body, styles)[0]


def closer_pages(body: etree._Element, styles: Styles) -> tuple[int, int | None]:
    """closer_twips and the pages the body takes at that pitch (None where not counted)."""
    count = lines(body, styles)
    if count is None:
        return GRID_TWIPS, None

    def pages(pitch: int) -> int:
        return math.ceil(count / int(TYPE_AREA_HEIGHT_TWIPS // pitch))

    normal = pages(GRID_TWIPS)
    if 1 < normal <= 3 and count <= (normal - 1) * TYPE_AREA_HEIGHT_TWIPS / CLOSER_TWIPS[-1]:
        for pitch in CLOSER_TWIPS:
            if pages(pitch) < normal:
                return pitch, pages(pitch)
    return GRID_TWIPS, normal
