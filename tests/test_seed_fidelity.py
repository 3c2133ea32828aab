"""The seed forms as printed on paper: the 工作报表's columns in the seed's order with its
merged headers (seed 002 附件), the 周报's title with （周报） and both seed notes at the foot of
its table (seed 000 附件5, seed 001 附件2), and `联系方式：` printed even without a phone
(seed 000 / seed 001 文书式样). Names are invented; every assertion is on the rendered DOCX
(python-docx) and the PDF text, not only on the context."""

from __future__ import annotations

import io
import re
from typing import Any

import docx
import pdfplumber
import pytest

from service.issuing import validate
from service.kinds import KINDS
from service.render import render
from tests.conftest import docx_paragraphs, load_fixture, pdf_text, squeeze

SUMMARY = KINDS["summary"]
NOTICE = KINDS["transfer-notice"]

# Seed 002 附件 工作报表, left to right, with the unit each column's header carries there.
SEED_REPORT_COLUMNS = [
    "行业", "成立督查组（个）", "排查企业（家）", "一般隐患", "一般隐患", "重大隐患", "重大隐患",
    "责令限期整改企业数（家）", "行政罚款金额（万元）", "停产整顿数（家）", "公开曝光案例数（个）",
    "查处违法分包转包和挂靠资质行为数（家）", "查处劳务派遣用工违法行为数（个）",
]
NEW_COLUMNS = ["成立督查组（个）", "查处违法分包转包和挂靠资质行为数（家）",
               "查处劳务派遣用工违法行为数（个）"]
NEW_KEYS = ["inspection_groups", "subcontracting_cases", "labor_dispatch_cases"]
WEEKLY_TITLE = "非法违法生产经营建设行为、重大事故隐患统计表（周报）"
SEED_NOTES = [
    "注：本表每周五16时前上报，其中重大隐患明细、非法违法具体行为对照方案中重点打击十四类行为对照填写。",
    "注：此表随附件1报送。",
]


def _render(kind: Any, data: dict[str, Any]) -> tuple[bytes, bytes]:
    ctx = kind.build(validate(kind, data), None)
    return render(kind.name, ctx, "docx"), render(kind.name, ctx, "pdf")


def _docx_rows(content: bytes, table: int = 0) -> list[list[str]]:
    document = docx.Document(io.BytesIO(content))
    return [[squeeze(c.text) for c in row.cells] for row in document.tables[table].rows]


def _pdf_rows(content: bytes) -> list[list[str]]:
    """The first table of the PDF's first page, cells squeezed (None for a merged cell)."""
    with pdfplumber.open(io.BytesIO(content)) as pdf:
        table = pdf.pages[0].extract_tables()[0]
    return [[squeeze(c) if c is not None else "" for c in row] for row in table]


def _in_order(wanted: list[str], got: list[str]) -> bool:
    """Whether `wanted` appears in `got` in this order (other columns may sit between)."""
    rest = iter(got)
    return all(any(w == g for g in rest) for w in wanted)


@pytest.fixture(scope="module")
def report() -> tuple[dict[str, Any], bytes, bytes]:
    data = load_fixture("summary-report")
    return (data, *_render(SUMMARY, data))


# ---- 工作报表 (seed 002) ------------------------------------------------------------------

def test_report_fixture_gives_the_three_new_inputs(report) -> None:  # type: ignore[no-untyped-def]
    data, _, _ = report
    assert [data[k] for k in NEW_KEYS] == [4, 2, 0]  # 0 too: it prints as 0, not blank


def test_report_columns_in_the_seed_order_with_merged_headers_docx(report) -> None:  # type: ignore[no-untyped-def]
    _, content, _ = report
    top, sub = _docx_rows(content)[:2]
    assert _in_order(SEED_REPORT_COLUMNS, top), top
    assert top[1] == "成立督查组（个）" and top[-2:] == NEW_COLUMNS[1:]
    # 一般隐患 and 重大隐患 each span 排查 and 已整改; the others span both header rows.
    assert sub[3:7] == ["排查（项）", "已整改（项）"] * 2
    assert sub[1] == top[1] and sub[-2:] == top[-2:]


def test_report_columns_in_the_seed_order_with_merged_headers_pdf(report) -> None:  # type: ignore[no-untyped-def]
    _, _, pdf = report
    rows = _pdf_rows(pdf)
    top, sub = rows[0], rows[1]
    assert _in_order([c for i, c in enumerate(SEED_REPORT_COLUMNS) if i not in (4, 6)], top), top
    assert top[1] == "成立督查组（个）" and top[-2:] == NEW_COLUMNS[1:]
    assert sub[3:7] == ["排查（项）", "已整改（项）"] * 2


def test_report_new_inputs_print_in_the_total_line_of_both_formats(report) -> None:  # type: ignore[no-untyped-def]
    _, content, pdf = report
    for rows in (_docx_rows(content), _pdf_rows(pdf)):
        heads = rows[0]
        columns = [heads.index(h) for h in NEW_COLUMNS]
        lines = {r[0]: r for r in rows[2:]}
        assert [lines["累计"][c] for c in columns] == ["4", "2", "0"]
        # three industries: the unit's own figures are not split among them
        for name in ("煤矿", "非煤矿山", "危险化学品"):
            assert [lines[name][c] for c in columns] == ["", "", ""], name


def test_report_one_industry_prints_the_inputs_on_its_line_too() -> None:
    data = load_fixture("summary-report")
    data["findings"] = [f for f in data["findings"] if f["industry"] == "非煤矿山"]
    data.update(inspection_groups=3, subcontracting_cases=1, labor_dispatch_cases=5)
    content, pdf = _render(SUMMARY, data)
    for rows in (_docx_rows(content), _pdf_rows(pdf)):
        columns = [rows[0].index(h) for h in NEW_COLUMNS]
        lines = {r[0]: r for r in rows[2:]}
        assert list(lines) == ["非煤矿山", "累计"]
        for name in lines:
            assert [lines[name][c] for c in columns] == ["3", "1", "5"], name


def test_report_inputs_not_given_leave_the_cells_blank() -> None:
    data = load_fixture("summary-report")
    for key in NEW_KEYS:
        data.pop(key, None)
    content, pdf = _render(SUMMARY, data)
    for rows in (_docx_rows(content), _pdf_rows(pdf)):
        columns = [rows[0].index(h) for h in NEW_COLUMNS]
        total = next(r for r in rows if r[0] == "累计")
        assert [total[c] for c in columns] == ["", "", ""]


@pytest.mark.parametrize("value", [-1, 100_001, 1.5, "3"])
def test_report_inputs_are_whole_numbers_in_range(value: Any) -> None:
    from service.errors import Invalid

    with pytest.raises(Invalid):
        validate(SUMMARY, {**load_fixture("summary-report"), "inspection_groups": value})


def test_inputs_given_to_another_layout_are_named_in_a_warning() -> None:
    data = {**load_fixture("summary-weekly"), "inspection_groups": 2}
    warnings = SUMMARY.build(validate(SUMMARY, data), None)["warnings"]
    assert any("只印在工作报表中" in w for w in warnings)


def test_form_has_the_three_inputs_with_chinese_labels(client) -> None:  # type: ignore[no-untyped-def]
    html = client.get("/new/summary").get_data(as_text=True)
    for key, label in zip(NEW_KEYS, NEW_COLUMNS, strict=True):
        assert f'<label for="f-{key}">{label}' in html
        assert re.search(rf'name="{key}"[^>]*type="number"|type="number"[^>]*name="{key}"',
                         html), key


# ---- 周报 (seed 000 附件5, seed 001 附件2) --------------------------------------------------

@pytest.fixture(scope="module")
def weekly() -> tuple[bytes, bytes]:
    return _render(SUMMARY, load_fixture("summary-weekly"))


def test_weekly_title_says_zhoubao_in_both_formats(weekly) -> None:  # type: ignore[no-untyped-def]
    content, pdf = weekly
    assert WEEKLY_TITLE in docx_paragraphs(content)
    assert WEEKLY_TITLE in squeeze(pdf_text(pdf))


def test_weekly_title_says_zhoubao_without_a_campaign_too() -> None:
    content, pdf = _render(SUMMARY, {**load_fixture("summary-weekly"), "campaign": None})
    assert WEEKLY_TITLE in docx_paragraphs(content)
    assert WEEKLY_TITLE in squeeze(pdf_text(pdf))


def test_weekly_both_seed_notes_verbatim_at_the_foot_of_the_table(weekly) -> None:  # type: ignore[no-untyped-def]
    content, pdf = weekly
    document = docx.Document(io.BytesIO(content))
    body = list(document.element.body.iterchildren())
    last_table = max(i for i, el in enumerate(body) if el.tag.endswith("}tbl"))
    after = ["".join(t.text or "" for t in el.iter() if t.tag.endswith("}t"))
             for el in body[last_table + 1:] if el.tag.endswith("}p")]
    assert [p for p in after if p in SEED_NOTES] == SEED_NOTES  # both, in this order
    text = squeeze(pdf_text(pdf))
    for note in SEED_NOTES:
        assert note in text, note
    assert text.index(SEED_NOTES[0]) < text.index(SEED_NOTES[1])
    with pdfplumber.open(io.BytesIO(pdf)) as doc:  # under the last table, on its page
        page = doc.pages[-1]
        table_bottom = max(t.bbox[3] for t in page.find_tables())
        starts = [w["top"] for w in page.extract_words() if w["text"].startswith("注：")]
    assert len(starts) >= 2 and min(starts) > table_bottom


@pytest.mark.parametrize("name", ["summary-report", "summary-dispatch"])
def test_the_weekly_notes_belong_to_the_weekly_only(name: str) -> None:
    content, pdf = _render(SUMMARY, load_fixture(name))
    for note in SEED_NOTES:
        assert note not in docx_paragraphs(content) and note not in squeeze(pdf_text(pdf))
    assert "（周报）" not in squeeze(pdf_text(pdf))


# ---- 联系方式： (seed 000 / seed 001 文书式样) ----------------------------------------------

def test_contact_label_prints_without_a_phone_in_both_formats() -> None:
    data = load_fixture("transfer-notice")
    data["supervisor"] = {"name": "周明远"}  # no phone
    content, pdf = _render(NOTICE, data)
    paragraphs = docx_paragraphs(content)
    assert "督办人：周明远\u3000\u3000联系方式：" in paragraphs  # the rest left blank
    assert f"承办人：韩晓东\u3000\u3000联系方式：{data['handler']['phone']}" in paragraphs
    text = squeeze(pdf_text(pdf))
    assert "督办人：周明远联系方式：承办人：韩晓东联系方式：13800000001" in text


def test_contact_label_prints_when_neither_has_a_phone() -> None:
    data = load_fixture("transfer-notice-government")
    data["supervisor"] = {"name": "梁志诚", "phone": None}
    content, pdf = _render(NOTICE, data)
    lines = [p for p in docx_paragraphs(content) if "联系方式" in p]
    assert lines == ["督办人：梁志诚\u3000\u3000联系方式：", "承办人：冯雪梅\u3000\u3000联系方式："]
    assert squeeze(pdf_text(pdf)).count("联系方式：") == 2
