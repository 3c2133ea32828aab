"""The PDF on the GB/T 9704 grid: justified body lines of 28 characters, hanging indents,
the date four characters from the right, keep-together that never holds a whole list, and
the closed-up pitch written into the DOCX."""

from __future__ import annotations

import io
import re
import zipfile
from collections import defaultdict

import docx
import pdfplumber
import pytest

from service.issuing import validate
from service.kinds import KINDS
from service.render import render
from tests.conftest import load_fixture

MM = 72 / 25.4
LEFT, RIGHT_EDGE = 28 * MM, (210 - 26) * MM
TOP, BOTTOM_EDGE = 37 * MM, (297 - 35) * MM
CJK = re.compile(r"^[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef“”‘’《》〈〉—…·]+$")


def rendered(kind: str, data: dict, fmt: str) -> bytes:
    spec = KINDS[kind]
    return render(kind, {**spec.build(validate(spec, data), 7), "draft": False}, fmt)  # type: ignore[arg-type]


def lines_of(pdf_bytes: bytes, size: float = 16.0) -> list[list[dict]]:
    """The 16 pt text lines of every page: characters grouped by baseline, in order."""
    out = []
    with pdfplumber.open(io.BytesIO(pdf_bytes)) as pdf:
        for page in pdf.pages:
            rows: dict[float, list[dict]] = defaultdict(list)
            for c in page.chars:
                if abs(c["size"] - size) < 0.2 and TOP - 2 <= c["top"] <= BOTTOM_EDGE:
                    rows[round(c["bottom"], 1)].append(c)
            out.extend(sorted(r, key=lambda c: c["x0"]) for _, r in sorted(rows.items()))
    return out


@pytest.mark.parametrize("kind,fixture", [
    ("transfer-notice", "transfer-notice"), ("commitment-letter", "commitment-letter-township"),
    ("typical-case", "typical-case"), ("bulletin", "bulletin")])
def test_full_lines_of_chinese_have_28_characters_and_fill_the_type_area(
        kind: str, fixture: str) -> None:
    """GB/T 9704 5.2.2: a full line of pure Chinese text holds 28 characters and reaches
    the right edge of the 版心; a line ending a paragraph may be shorter."""
    rows = lines_of(rendered(kind, load_fixture(fixture), "pdf"))
    full = [r for r in rows if r[0]["x0"] < LEFT + 1 and r[-1]["x1"] > RIGHT_EDGE - 8
            and CJK.match("".join(c["text"] for c in r))]
    assert full, kind
    for row in full:
        text = "".join(c["text"] for c in row)
        after = rows[rows.index(row) + 1][0]["text"]
        # 28; 29 where a closing mark is kept from the start of the next line; 27 where the
        # 28th would be an opening mark, which never ends a line
        assert (len(text) == 28 or (len(text) == 29 and text[-1] in "，。、；：！？”’）》")
                or (len(text) == 27 and after in "“‘《（〔【「")), text
        assert row[-1]["x1"] == pytest.approx(RIGHT_EDGE, abs=0.6), text


def test_a_wrapped_line_with_digits_is_justified_too() -> None:
    """Lines mixing Chinese and Latin characters are spread to the edge as well."""
    data = {**load_fixture("transfer-notice"),
            "allegation": "涉嫌使用KJ95N型监控系统未按GB 30871-2022要求设置报警值并瞒报事故"}
    rows = lines_of(rendered("transfer-notice", data, "pdf"))
    body = [r for r in rows if any(c["text"].isascii() and c["text"].isalnum() for c in r)
            and r[-1]["x1"] > RIGHT_EDGE - 20]
    assert body
    for row in body[:-1]:  # within 2 pt: Pango kerns some Latin pairs the count ignores
        assert row[-1]["x1"] == pytest.approx(RIGHT_EDGE, abs=2.0)


def test_wrapped_attachments_and_cc_hang_after_their_number_and_label() -> None:
    """GB/T 9704 7.3.4 and 7.4.2: a wrapped attachment item continues under its text,
    after the number; a wrapped 抄送 line continues after "抄送："."""
    long_item = "东岭县鑫源煤业有限公司2021年度全部井下作业人员考勤记录及定位系统数据导出表"
    data = {**load_fixture("transfer-notice"), "attachments": ["群众举报信（复印件）", long_item],
            "cc": ["驻局纪检监察组", "县安委会办公室", "县人民检察院", "县总工会", "县财政局",
                   "县审计局", "县人力资源和社会保障局"]}
    pdf_bytes = rendered("transfer-notice", data, "pdf")
    rows = lines_of(pdf_bytes)
    start = next(i for i, r in enumerate(rows) if "".join(c["text"] for c in r).startswith("2."))
    item, wrapped = rows[start], rows[start + 1]
    text_x = next(c["x0"] for c in item if c["text"] == "东")
    assert wrapped[0]["x0"] == pytest.approx(text_x, abs=0.6)
    cc = lines_of(pdf_bytes, size=14.0)
    label_end = next(c for c in cc[0] if c["text"] == "：")["x1"]
    # the label's own line is spread or closed up to the edge: within 0.1 em of its end
    assert len(cc) >= 2 and cc[1][0]["x0"] == pytest.approx(label_end, abs=1.5)
    document = docx.Document(io.BytesIO(rendered("transfer-notice", data, "docx")))
    second = next(p for p in document.paragraphs if p.text.startswith("2."))
    assert second.paragraph_format.first_line_indent < 0  # hanging
    assert second.paragraph_format.left_indent > 11 * 320 * 635


def test_the_date_stays_four_characters_from_the_right_under_a_long_issuer() -> None:
    """GB/T 9704 7.3.5.1: 成文日期右空四字, however long the issuer's name."""
    data = {**load_fixture("transfer-notice"),
            "issuer": "东岭县安全生产委员会“百日攻坚”集中行动领导小组办公室"}
    rows = lines_of(rendered("transfer-notice", data, "pdf"))
    dated = next(r for r in rows if "".join(c["text"] for c in r) == "2022年1月7日")
    assert dated[-1]["x1"] == pytest.approx(RIGHT_EDGE - 4 * 16, abs=1.0)


def test_a_long_attachment_list_is_not_kept_whole_on_the_next_page() -> None:
    """Keep-together only keeps the last item with the signature: the pages before the
    last are filled, not left two-thirds empty for a list kept whole."""
    data = {**load_fixture("transfer-notice"),
            "attachments": [f"材料{i}：现场检查记录及照片" for i in range(1, 41)]}
    with pdfplumber.open(io.BytesIO(rendered("transfer-notice", data, "pdf"))) as pdf:
        assert len(pdf.pages) >= 3
        for page in pdf.pages[:-1]:
            body = [c for c in page.chars if c["size"] > 15]
            assert max(c["bottom"] for c in body) > BOTTOM_EDGE - 2 * 29


def test_the_docx_carries_the_closed_up_pitch_the_pdf_uses() -> None:
    """The notice spills a line at 22 lines a page: the PDF closes the lines up, and the
    DOCX is written with the same pitch in its styles and page grid."""
    data = load_fixture("transfer-notice")
    rows = lines_of(rendered("transfer-notice", data, "pdf"))
    body = [r for r in rows if r[0]["x0"] < LEFT + 40]
    pitches = {round(b[0]["bottom"] - a[0]["bottom"], 1) for a, b in zip(body, body[1:], strict=False)}
    pdf_pitch = min(p for p in pitches if p > 20)
    assert pdf_pitch < 28.9
    with zipfile.ZipFile(io.BytesIO(rendered("transfer-notice", data, "docx"))) as package:
        styles = package.read("word/styles.xml").decode()
        grid = re.search(r'w:linePitch="(\d+)"', package.read("word/document.xml").decode())
    assert grid and int(grid.group(1)) / 20 == pytest.approx(pdf_pitch, abs=0.1)
    assert f'w:line="{grid.group(1)}"' in styles and 'w:line="579"' not in styles


def test_a_one_page_notice_keeps_the_standard_pitch_in_both() -> None:
    data = {**load_fixture("transfer-notice"), "attachments": [], "cc": []}
    with zipfile.ZipFile(io.BytesIO(rendered("transfer-notice", data, "docx"))) as package:
        assert 'w:linePitch="579"' in package.read("word/document.xml").decode()


def test_a_paragraph_takes_the_spacing_most_of_its_lines_have_the_last_included() -> None:
    """Only the odd line out gets an element of its own: here the first line, spread round
    its digits, while the full line below and the last line share the grid's spacing."""
    from service.render.grid_html import grid_paragraph

    text = ("根据2022年第3号通知要求各单位于1月10日前完成自查自纠工作并报送结果"
            "各乡镇人民政府和县直有关部门要切实履行属地管理责任和行业监管责任认真组织开展排查整治工作")
    html = str(grid_paragraph(text))
    assert html.count("<span") == 1 and "<span" in html.split("\n")[0], html
    assert "letter-spacing: -0.215pt" in html.split(">", 1)[0]  # the paragraph's own
