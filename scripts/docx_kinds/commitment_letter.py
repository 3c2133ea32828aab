"""Word template of the commitment letter (承诺书)."""

from __future__ import annotations

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt, Twips
from docx_base import para, sentinel, title

LANDSCAPE = False


def fill(doc) -> None:  # type: ignore[no-untyped-def]
    """承诺书: title, month, addressee, numbered commitments, signature, seal, deadline."""
    title(doc)
    para(doc, "{{ period }}", "发文字号")
    para(doc, "{{ addressee }}", "主送机关")
    para(doc, "{{ opening }}", "正文")
    para(doc, "{%p for item in items %}", "")
    para(doc, "{{ item }}", "正文")
    para(doc, "{%p endfor %}", "")
    # The pledge, signature, seal, date and deadline note keep together on one page.
    para(doc, "{{ pledge }}", "正文").paragraph_format.keep_with_next = True
    # Signature and seal lines: a block at sign_left; a wrapped line hangs after its label.
    for line, hang in (("sign_principal", "principal_hang"), ("sign_unit", "unit_hang")):
        p = para(doc, "{{ " + line + " }}", "发文机关署名")
        p.alignment = WD_ALIGN_PARAGRAPH.LEFT
        pf = p.paragraph_format
        pf.left_indent = Twips(sentinel(f"((sign_left + {hang}) * 320)|round|int"))
        pf.first_line_indent = Twips(-sentinel(f"({hang} * 320)|round|int"))
        if line == "sign_unit":
            pf.space_before = Twips(0)
    para(doc, "{{ signed_on }}", "成文日期").paragraph_format.keep_with_next = True
    note = para(doc, "{{ deadline_note }}", "附注")
    note.paragraph_format.first_line_indent = Pt(32)
