"""Word template of the transfer notice (交办（移送）书)."""

from __future__ import annotations

from docx.shared import Twips
from docx_base import at_page_foot, hanging, keep_with_next_if, para, sentinel, title

LANDSCAPE = False


def fill(doc) -> None:  # type: ignore[no-untyped-def]
    """交办（移送）书."""
    title(doc)
    para(doc, "{{ number }}", "发文字号")
    para(doc, "{{ recipient }}", "主送机关")
    para(doc, "{{ body }}", "正文")
    para(doc, "{%p for line in contacts %}", "")
    para(doc, "{{ line }}", "正文")
    para(doc, "{%p endfor %}", "")
    para(doc, "{%p if attachments_first %}", "")
    # Wrapped items hang after their number (GB/T 9704 7.3.4); the lead is 9 characters.
    first = para(doc, "{{ attachments_lead }}{{ attachments_first }}", "附件说明")
    hanging(first, sentinel("((11 + hang(attachments_first)) * 320)|round|int"),
            sentinel("((9 + hang(attachments_first)) * 320)|round|int"))
    keep_with_next_if(first, "not attachments_rest")
    para(doc, "{%p for line in attachments_rest %}", "")
    rest = para(doc, "{{ line }}", "附件说明续")
    hanging(rest, sentinel("((11 + hang(line)) * 320)|round|int"),
            sentinel("(hang(line) * 320)|round|int"))
    keep_with_next_if(rest, "loop.last")
    para(doc, "{%p endfor %}", "")
    para(doc, "{%p endif %}", "")
    issuer = para(doc, "{{ issuer }}", "发文机关署名")
    issuer.paragraph_format.right_indent = Twips(sentinel("(issuer_right * 320)|round|int"))
    dated = para(doc, "{{ issued_on }}", "成文日期")
    dated.paragraph_format.right_indent = Twips(sentinel("(date_right * 320)|round|int"))
    para(doc, "{{ closing }}", "附注")
    para(doc, "{%p if cc %}", "")
    cc = para(doc, "抄送：{{ cc }}", "版记")
    hanging(cc, 4 * 280, 3 * 280)  # one 四号 character in, wrapped lines after "抄送："
    at_page_foot(cc)
    para(doc, "{%p endif %}", "")
