"""GB/T 9704-2012 layout of the rendered files: page, 版心, type sizes, fonts, page numbers."""

from __future__ import annotations

import io

import docx
import pdfplumber
import pytest
from docx.oxml.ns import qn
from docx.shared import Mm
from pypdf import PdfReader

from service.issuing import validate
from service.kinds import KINDS
from service.render import render
from tests.conftest import load_fixture

MM = 72 / 25.4
A4 = (210 * MM, 297 * MM)
TOP, LEFT, RIGHT, BOTTOM = 37 * MM, 28 * MM, 26 * MM, 35 * MM
KIND = KINDS["transfer-notice"]


def long_notice() -> dict:
    """A notice long enough to run onto a second page, so odd and even pages both exist."""
    data = load_fixture("transfer-notice")
    data["attachments"] = [f"材料{i}：现场检查记录及照片" for i in range(1, 16)]
    return data


@pytest.fixture(scope="module")
def pdf_bytes() -> bytes:
    return render(KIND.name, KIND.build(validate(KIND, long_notice()), 3), "pdf")


@pytest.fixture(scope="module")
def docx_doc() -> docx.document.Document:
    content = render(KIND.name, KIND.build(validate(KIND, long_notice()), 3), "docx")
    return docx.Document(io.BytesIO(content))


def test_pdf_pages_are_a4(pdf_bytes: bytes) -> None:
    with pdfplumber.open(io.BytesIO(pdf_bytes)) as pdf:
        assert len(pdf.pages) >= 2
        for page in pdf.pages:
            assert (page.width, page.height) == pytest.approx(A4, abs=0.5)


def test_pdf_text_stays_inside_the_type_area(pdf_bytes: bytes) -> None:
    """Every character but the page number lies in the 156 × 225 mm 版心, ±1 mm."""
    with pdfplumber.open(io.BytesIO(pdf_bytes)) as pdf:
        for page in pdf.pages:
            body = [c for c in page.chars if c["top"] < A4[1] - BOTTOM + 2 * MM]
            assert body
            assert min(c["x0"] for c in body) >= LEFT - MM
            assert max(c["x1"] for c in body) <= A4[0] - RIGHT + MM
            assert min(c["top"] for c in body) >= TOP - MM
            assert max(c["bottom"] for c in body) <= A4[1] - BOTTOM + MM


def test_pdf_title_is_22pt_and_body_16pt(pdf_bytes: bytes) -> None:
    with pdfplumber.open(io.BytesIO(pdf_bytes)) as pdf:
        chars = pdf.pages[0].chars
    title = [c for c in chars if c["text"] in "督查检查或群众举报事项交办"][:5]
    assert {round(c["size"], 1) for c in title} == {22.0}
    body_chars = [c for c in chars if c["text"] in "认真核"]
    assert {round(c["size"], 1) for c in body_chars} == {16.0}


def test_pdf_title_and_body_use_the_standard_typefaces(pdf_bytes: bytes) -> None:
    with pdfplumber.open(io.BytesIO(pdf_bytes)) as pdf:
        chars = pdf.pages[0].chars
    fonts: dict[str, str] = {}
    for c in chars:  # the first occurrence: 督 of the title, not of 督办人
        fonts.setdefault(c["text"], c["fontname"])
    assert "NotoSerifCJK" in fonts["督"].replace("-", "").replace(" ", "") and "Bold" in fonts["督"]
    assert "FandolFang" in fonts["核"]


def test_pdf_embeds_every_font(pdf_bytes: bytes) -> None:
    reader = PdfReader(io.BytesIO(pdf_bytes))
    seen = 0
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            desc = (descendants[0].get_object() if descendants else font)["/FontDescriptor"]
            assert any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3")), font
            seen += 1
    assert seen >= 2


def test_pdf_page_numbers_odd_right_even_left(pdf_bytes: bytes) -> None:
    with pdfplumber.open(io.BytesIO(pdf_bytes)) as pdf:
        for number, page in enumerate(pdf.pages, 1):
            foot = [c for c in page.chars if c["top"] > A4[1] - BOTTOM]
            text = "".join(c["text"] for c in foot).replace(" ", "")
            assert text == f"—{number}—"
            assert round(foot[0]["size"]) == 14
            # 7 mm below the 版心
            assert min(c["top"] for c in foot) == pytest.approx(A4[1] - BOTTOM + 7 * MM, abs=1.5 * MM)
            if number % 2:  # odd: right, one 14 pt character in from the 版心 edge
                assert max(c["x1"] for c in foot) == pytest.approx(A4[0] - RIGHT - 14, abs=2)
            else:
                assert min(c["x0"] for c in foot) == pytest.approx(LEFT + 14, abs=2)


def test_pdf_banji_is_at_the_foot_of_the_last_page(pdf_bytes: bytes) -> None:
    with pdfplumber.open(io.BytesIO(pdf_bytes)) as pdf:
        last = pdf.pages[-1]
        cc = [c for c in last.chars if c["text"] == "抄"]
        assert cc and cc[0]["bottom"] > A4[1] - BOTTOM - 20 * MM
        assert round(cc[0]["size"]) == 14
        rules = [e for e in last.edges if e["orientation"] == "h" and e["width"] > 150 * MM]
        assert len(rules) >= 2  # the full-width rules above and below


def test_docx_page_setup(docx_doc) -> None:  # type: ignore[no-untyped-def]
    section = docx_doc.sections[0]

    def mm(length: int) -> float:  # Word stores twips: compare to 0.05 mm
        return round(length / Mm(1), 1)

    assert (mm(section.page_width), mm(section.page_height)) == (210, 297)
    assert (mm(section.top_margin), mm(section.bottom_margin)) == (37, 35)
    assert (mm(section.left_margin), mm(section.right_margin)) == (28, 26)
    assert section._sectPr.find(qn("w:docGrid")).get(qn("w:linePitch")) == "579"


def test_docx_styles_set_east_asian_fonts_and_sizes(docx_doc) -> None:  # type: ignore[no-untyped-def]
    def east_asian(name: str) -> str:
        return docx_doc.styles[name].element.rPr.rFonts.get(qn("w:eastAsia"))

    assert east_asian("Normal") == "仿宋_GB2312"
    assert east_asian("公文标题") == "方正小标宋简体"
    assert east_asian("一级标题") == "黑体"
    assert east_asian("二级标题") == "楷体_GB2312"
    assert docx_doc.styles["公文标题"].font.size.pt == 22
    assert docx_doc.styles["Normal"].font.size.pt == 16
    assert docx_doc.styles["版记"].font.size.pt == 14
    body = docx_doc.styles["正文"].element.pPr.find(qn("w:ind"))
    assert body.get(qn("w:firstLineChars")) == "200"
    # runs carry no direct font settings: clerks restyle through the styles
    for paragraph in docx_doc.paragraphs:
        for run in paragraph.runs:
            assert run.font.name is None and run.font.size is None


def test_docx_page_numbers_odd_right_even_left(docx_doc) -> None:  # type: ignore[no-untyped-def]
    assert docx_doc.settings.odd_and_even_pages_header_footer
    section = docx_doc.sections[0]
    for footer, align in ((section.footer, "right"), (section.even_page_footer, "left")):
        p = footer.paragraphs[0]
        assert p.text.startswith("— ") and p.text.endswith(" —")
        assert " PAGE " in "".join(t.text for t in p._p.iter(qn("w:instrText")))
        assert p.alignment is not None and p.alignment.name.lower() == align
        assert p.style.font.size.pt == 14


def _line_pitch(pdf: pdfplumber.PDF) -> float:
    """The distance between the 督办人 and 承办人 lines on page 1."""
    lines = {line["text"][:3]: line["top"] for line in pdf.pages[0].extract_text_lines()}
    return lines["承办人"] - lines["督办人"]


def test_a_notice_that_would_spill_a_few_lines_is_closed_up_onto_one_page() -> None:
    """GB/T 9704 7.3.5.4: no page holding only the signature, closing line or 版记."""
    data = load_fixture("transfer-notice-government")  # 22 lines + 版记 at the normal pitch
    pdf_bytes = render(KIND.name, KIND.build(validate(KIND, data), 1), "pdf")
    with pdfplumber.open(io.BytesIO(pdf_bytes)) as pdf:
        assert len(pdf.pages) == 1
        assert _line_pitch(pdf) < 28.9


def test_a_short_notice_keeps_the_22_line_grid() -> None:
    data = {**load_fixture("transfer-notice"), "basis": "东岭县“百日攻坚”集中行动实施方案",
            "cc": []}
    pdf_bytes = render(KIND.name, KIND.build(validate(KIND, data), 1), "pdf")
    with pdfplumber.open(io.BytesIO(pdf_bytes)) as pdf:
        assert len(pdf.pages) == 1
        assert _line_pitch(pdf) == pytest.approx(28.95, abs=0.1)


def test_characters_fandol_lacks_fall_back_to_noto_not_tofu() -> None:
    data = {**load_fixture("transfer-notice"), "subject": "王镕、李堃、张喆经营的煤矿"}
    pdf_bytes = render(KIND.name, KIND.build(validate(KIND, data), 1), "pdf")
    with pdfplumber.open(io.BytesIO(pdf_bytes)) as pdf:
        chars = [c for page in pdf.pages for c in page.chars]
    fonts = {c["text"]: c["fontname"] for c in chars if c["text"] in "镕堃喆经营"}
    for rare in "镕堃喆":
        assert "NotoSerifCJK" in fonts[rare].replace("-", ""), fonts
    assert "FandolFang" in fonts["营"]


@pytest.mark.parametrize("fixture", ["transfer-notice", "transfer-notice-government",
                                     "commitment-letter-enterprise", "commitment-letter-township",
                                     "typical-case-minimal"])
def test_the_pdf_starts_at_the_words_pitch_which_is_the_one_its_own_search_finds(
        fixture: str) -> None:
    """render_pdf lays a short document out first at the pitch the Word rendering closes up
    to; that must be the loosest pitch that saves the PDF a page, as the search finds it."""
    import weasyprint

    from service.render import pdf

    kind = KINDS[fixture.split("-government")[0].split("-enterprise")[0]
                 .split("-township")[0].split("-minimal")[0]]
    context = {**kind.build(validate(kind, load_fixture(fixture)), 1), "draft": False}
    font_config, stylesheet = pdf._warm()
    expected = pdf._expected(kind.name, context)
    assert expected is not None  # each of these closes up
    source = weasyprint.HTML(string=pdf.render_html(kind.name, context),
                             base_url=pdf._base_url, url_fetcher=pdf._fetcher)
    normal = len(source.render(stylesheets=[stylesheet], font_config=font_config).pages)
    found = next(css for css in pdf._tighter if len(source.render(
        stylesheets=[stylesheet, css], font_config=font_config).pages) < normal)
    assert expected == (found, normal - 1)
