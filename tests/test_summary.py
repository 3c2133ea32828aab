"""The statistics tables (summary): figures in the DOCX cells and the PDF text, landscape
pages, repeated header rows, a 300-record table, validation paths and the API warnings."""

from __future__ import annotations

import importlib.util
import io
import json
import re
from typing import Any
from urllib.parse import unquote

import docx
import pdfplumber
import pytest
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn

from service.issuing import validate
from service.kinds import KINDS
from service.render import render
from tests.conftest import FIXTURES, load_fixture, pdf_text, squeeze
from tests.test_summary_stats import (
    expected_industries,
    expected_sources,
    expected_totals,
    kept_records,
)

KIND = KINDS["summary"]
MM = 72 / 25.4
MEASURES = ["责令限期整改", "行政处罚", "责令停产整顿", "暂扣吊销证照", "关闭取缔", "警示约谈",
            "联合惩戒", "公开曝光", "问责处理", "挂牌督办", "移送司法机关"]
DETAIL_HEAD = "重大事故隐患/具体非法违法"


def _generator() -> Any:
    spec = importlib.util.spec_from_file_location("make_findings", FIXTURES / "make_findings.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def both(data: dict[str, Any], serial: int | None = None) -> tuple[docx.document.Document, bytes]:
    ctx = KIND.build(validate(KIND, data), serial)
    return docx.Document(io.BytesIO(render(KIND.name, ctx, "docx"))), render(KIND.name, ctx, "pdf")


def cells(table: Any) -> list[list[str]]:
    return [[c.text for c in row.cells] for row in table.rows]


@pytest.fixture(scope="module")
def weekly() -> tuple[dict[str, Any], docx.document.Document, bytes]:
    data = load_fixture("summary-weekly")
    return (data, *both(data))


@pytest.fixture(scope="module")
def big() -> tuple[dict[str, Any], docx.document.Document, bytes]:
    data = _generator().payload(300)
    return (data, *both(data, 1))


# ---- figures ---------------------------------------------------------------------------

def test_weekly_totals_in_docx_cells_and_pdf_text(weekly) -> None:  # type: ignore[no-untyped-def]
    data, document, pdf = weekly
    expected = expected_totals(data)
    rows = cells(document.tables[0])
    assert rows[0][:2] == ["类别", "数量（项）"]
    got = {r[0]: dict(zip(["found", "rectified", "pending", "rate", "enterprises", "escalated",
                           "fines"], r[1:], strict=True)) for r in rows[1:]}
    assert got == expected
    assert expected["合计"]["found"] == "11" and expected["合计"]["fines"] == "39.75"  # sanity
    text = squeeze(pdf_text(pdf))
    for name, row in expected.items():
        assert name + "".join(row.values()) in text, name


def test_weekly_measure_counts_in_both_formats(weekly) -> None:  # type: ignore[no-untyped-def]
    data, document, pdf = weekly
    kept = kept_records(data)
    counts = [str(len([f for f in kept if m in f["measures"]])) for m in MEASURES]
    rows = cells(document.tables[1])
    assert rows[0] == ["处理措施", *MEASURES] and rows[1] == ["数量（项）", *counts]
    assert "数量（项）" + "".join(counts) in squeeze(pdf_text(pdf))


def test_weekly_rows_one_per_record_in_the_period(weekly) -> None:  # type: ignore[no-untyped-def]
    data, document, pdf = weekly
    kept = kept_records(data)
    rows = cells(document.tables[2])
    assert rows[0][0] == "序号" and DETAIL_HEAD in rows[0][7]
    assert [r[0] for r in rows[1:]] == [str(i) for i in range(1, len(kept) + 1)]
    text = squeeze(pdf_text(pdf))
    for row, f in zip(rows[1:], kept, strict=True):
        assert row[1] == f["enterprise"] and row[2] == f["checked_by"]
        assert row[3] == ("是" if f["escalated"] else "否")
        assert row[4:6] == [f["township"], f["industry"]] and row[7] == f["detail"]
        assert "、".join(f["measures"]) in row[9]
        assert ("已整改" in row[10]) == (f.get("rectified_on", "9") <= data["period_end"])
        assert squeeze(f["detail"][:10]) in text  # a cell's first line (cells wrap)
    left_out = [f["detail"] for f in data["findings"] if f not in kept]
    assert left_out and not any(d in docx_all(document) or d in text for d in left_out)


def docx_all(document: docx.document.Document) -> str:
    return "".join(c for t in document.tables for r in cells(t) for c in r)


def test_report_lines_per_industry_and_total_in_both_formats() -> None:
    data = load_fixture("summary-report")
    document, pdf = both(data)
    expected = expected_industries(data)
    rows = cells(document.tables[0])
    assert rows[0][3:5] == ["一般隐患", "一般隐患"] and rows[1][3:5] == ["排查（项）", "已整改（项）"]
    assert {r[0]: r[1:] for r in rows[2:]} == expected
    assert rows[-1][0] == "累计"
    text = squeeze(pdf_text(pdf))
    for name, figures in expected.items():
        assert name + "".join(figures) in text, name
    majors = [f for f in kept_records(data) if f["category"] == "major_hazard"]
    details = cells(document.tables[1])
    assert details[0] == ["序号", "企业名称", "所在镇", "行业类别", "挂牌督办单位", "重大隐患明细及整改计划"]
    assert [r[1] for r in details[1:]] == [f["enterprise"] for f in majors]
    assert all(r[5].startswith(f["detail"]) for r, f in zip(details[1:], majors, strict=True))


def test_dispatch_overall_block_in_both_formats() -> None:
    data = load_fixture("summary-dispatch")
    document, pdf = both(data)
    rows = cells(document.tables[0])
    assert rows[0][0] == "总体情况" and rows[0][2] == "企业自查发现的重大事故隐患（个）"
    expected = expected_sources(data)
    assert [(int(r[3]), int(r[6])) for r in rows[:5]] == expected
    assert rows[5][0] != "总体情况"  # the seed's ten items, then the next block
    found = sum(f for f, _ in expected[:4])
    done = sum(d for _, d in expected[:4])
    note = context(data)["dispatch_note"]
    assert f"第1、3、5、7项合计{found}个，已完成整改{done}个，整改率{done * 100 / found:.1f}%" in note
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        printed = [[squeeze(c or "") for c in row] for row in doc.pages[0].extract_tables()[0]]
    assert [row[1:] for row in printed[:5]] == [[squeeze(c) for c in r[1:]] for r in rows[:5]]


def test_nothing_found_prints_dash_rate_and_warns() -> None:
    data = {**load_fixture("summary-weekly"), "period_start": "2021-01-01",
            "period_end": "2021-01-07"}
    ctx = KIND.build(validate(KIND, data), None)
    assert [row["rate"] for row in ctx["totals"]] == ["—"] * 4
    assert "统计期内没有记录，表中各项均为0" in ctx["warnings"]
    assert "合计000—000.00" in squeeze(pdf_text(render(KIND.name, ctx, "pdf")))


# ---- page layout -----------------------------------------------------------------------

@pytest.mark.parametrize("name", ["summary-weekly", "summary-report", "summary-dispatch"])
def test_every_layout_is_landscape_a4(name: str) -> None:
    document, pdf = both(load_fixture(name))
    section = document.sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE
    assert section.page_width > section.page_height
    assert round(section.page_width.mm) == 297 and round(section.page_height.mm) == 210
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        for page in doc.pages:
            assert page.width > page.height
            assert (page.width, page.height) == pytest.approx((297 * MM, 210 * MM), abs=0.5)


def _is_header(row: Any) -> bool:
    trpr = row._tr.trPr
    return trpr is not None and trpr.find(qn("w:tblHeader")) is not None


def test_docx_header_rows_repeat_and_data_rows_do_not(weekly) -> None:  # type: ignore[no-untyped-def]
    _, document, _ = weekly
    detail = document.tables[2]
    assert _is_header(detail.rows[0]) and not any(_is_header(r) for r in detail.rows[1:])
    report, _ = both(load_fixture("summary-report"))
    assert [_is_header(r) for r in report.tables[0].rows[:3]] == [True, True, False]


def test_table_text_is_at_least_10_5_pt(weekly) -> None:  # type: ignore[no-untyped-def]
    _, document, pdf = weekly
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                style = cell.paragraphs[0].style
                assert style.name.startswith("表格") and style.font.size.pt >= 10.5
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        assert min(c["size"] for p in doc.pages for c in p.chars) >= 10.4


def _numbers_per_page(pdf: bytes) -> list[list[int]]:
    """The 序号 printed in the first column of each page, top to bottom."""
    left = 35 * MM  # the 订口 margin of the turned page
    out = []
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        for page in doc.pages:
            words = page.extract_words()
            out.append([int(w["text"]) for w in sorted(words, key=lambda w: w["top"])
                        if w["text"].isdigit() and left <= w["x0"] and w["x1"] <= left + 9 * MM])
    return out


def test_300_records_header_on_every_page_and_numbers_continue(big) -> None:  # type: ignore[no-untyped-def]
    _, document, pdf = big
    pages = _numbers_per_page(pdf)
    assert len(pages) > 10
    assert [n for page in pages for n in page] == list(range(1, 301))
    for before, after in zip(pages, pages[1:], strict=False):
        if before and after:
            assert after[0] == before[-1] + 1
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        first = next(i for i, p in enumerate(doc.pages) if DETAIL_HEAD in (p.extract_text() or ""))
        for page in doc.pages[first:]:
            text = squeeze(page.extract_text() or "")
            assert DETAIL_HEAD in text and "信息来源及处理" in text, page.page_number
    rows = document.tables[2].rows
    assert len(rows) == 301 and _is_header(rows[0])
    assert [r.cells[0].text for r in rows[1:]] == [str(i) for i in range(1, 301)]


def test_long_detail_wraps_inside_its_column() -> None:
    data = load_fixture("summary-weekly")
    data["findings"][0]["detail"] = "井下采掘工作面瓦斯检测报警装置失效" * 14  # 238 characters
    _, pdf = both(data)
    right = (297 - 35) * MM
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        assert max(c["x1"] for p in doc.pages for c in p.chars) <= right + MM
    text = pdf_text(pdf)
    assert text.count("瓦") == 14 and squeeze(data["findings"][0]["detail"][:10]) in squeeze(text)


# ---- validation ------------------------------------------------------------------------

def _post(client, data: dict[str, Any]):  # type: ignore[no-untyped-def]
    return client.post("/api/v1/documents/summary", data=json.dumps(data, ensure_ascii=False),
                       content_type="application/json")


def _with(change: dict[str, Any], index: int = 3) -> dict[str, Any]:
    data = load_fixture("summary-weekly")
    data["findings"][index] = {**data["findings"][index], **change}
    return data


@pytest.mark.parametrize("data,path,words", [
    (_with({"rectified_on": "2022-01-01"}), "findings.3.rectified_on", "整改销号日期不能早于发现日期"),
    (_with({"fine_wan": -2}), "findings.3.fine_wan", "罚款金额不能为负数"),
    (_with({"measures": ["行政处罚", "罚酒三杯"]}), "findings.3.measures.1", "责令限期整改、行政处罚、"),
    (_with({"fine_wan": 3, "measures": ["责令限期整改"]}), "findings.3.fine_wan", "应包含“行政处罚”"),
    (_with({"detail": "甲\n乙\n丙\n丁\n戊\n己\n庚"}), "findings.3.detail", "不能超过6行"),
    (_with({"detail": "隐" * 251}), "findings.3.detail", "不能超过250个字符"),
    (_with({"enterprise": "企" * 101}), "findings.3.enterprise", "不能超过100个字符"),
    (_with({"township": "镇" * 31}), "findings.3.township", "不能超过30个字符"),
    # The limit counts the value as sent, as the published maxLength does: a control
    # character that cleaning would drop still counts.
    (_with({"checked_by": "\x0e" + "查" * 50}), "findings.3.checked_by", "不能超过50个字符"),
    ({**load_fixture("summary-weekly"), "period_end": "2022-01-09"}, "period_end", "统计期止不能早于统计期起"),
    ({**load_fixture("summary-weekly"), "layout": "monthly"}, "layout", "weekly"),
])
def test_inconsistent_records_are_422_naming_the_field(client, data, path, words) -> None:  # type: ignore[no-untyped-def]
    response = _post(client, data)
    assert response.status_code == 422
    fields = response.get_json()["fields"]
    assert fields[0]["path"] == path and words in fields[0]["message"], fields


def test_unknown_measure_message_lists_every_allowed_measure(client) -> None:  # type: ignore[no-untyped-def]
    message = _post(client, _with({"measures": ["罚酒三杯"]})).get_json()["fields"][0]["message"]
    assert all(m in message for m in MEASURES) and "处理措施" in message


def test_too_many_findings_is_422(client) -> None:  # type: ignore[no-untyped-def]
    data = {**load_fixture("summary-dispatch"), "findings": load_fixture("summary-weekly")["findings"][:1] * 5001}
    response = _post(client, data)
    assert response.status_code == 422
    assert response.get_json()["fields"][0] == {"path": "findings", "message": "问题记录：最多5000项"}
    data["findings"] = data["findings"][:5000]
    assert _post(client, data).status_code == 201  # counted; the 调度表 prints no rows


@pytest.mark.parametrize("layout,category", [("weekly", "general_hazard"), ("report", "major_hazard")])
def test_tables_with_a_row_per_record_stop_at_1000_rows(client, layout, category) -> None:  # type: ignore[no-untyped-def]
    record = {**load_fixture("summary-weekly")["findings"][0], "category": category}
    data = {**load_fixture("summary-weekly"), "layout": layout, "findings": [record] * 1001}
    field = _post(client, data).get_json()["fields"][0]
    assert field["path"] == "findings" and "最多1000条" in field["message"]
    assert validate(KIND, {**data, "findings": [record] * 1000})


# ---- API -------------------------------------------------------------------------------

def test_issue_returns_the_out_of_period_warning_unnumbered(client) -> None:  # type: ignore[no-untyped-def]
    response = _post(client, load_fixture("summary-weekly"))
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["number"] is None and body["number_text"] is None
    assert any(re.fullmatch(r"有2条记录的发现日期不在统计期内，已剔除（第12、13条）", w)
               for w in body["warnings"]), body["warnings"]
    assert "有1条记录的整改销号日期晚于统计期末，按未整改统计" in body["warnings"]
    pdf = client.get(body["links"]["pdf"])
    assert pdf.status_code == 200 and "统计表-东岭县应急管理局" in unquote(pdf.headers["Content-Disposition"])
    listed = client.get("/api/v1/documents?kind=summary").get_json()["documents"]
    assert [d["id"] for d in listed] == [body["id"]]


def test_preview_sends_the_warnings_header(client) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/api/v1/render/summary.docx", json=load_fixture("summary-report"))
    assert response.status_code == 200
    warnings = json.loads(unquote(response.headers["X-Warnings"]))
    assert warnings[0].startswith("有2条记录的发现日期不在统计期内，已剔除")


# ---- wording of the cells and the smaller rules ------------------------------------------

def context(data: dict[str, Any]) -> dict[str, Any]:
    return KIND.build(validate(KIND, data), None)


def test_weekly_cells_print_source_measures_fine_and_rectification_date() -> None:
    rows = context(load_fixture("summary-weekly"))["rows"]
    assert rows[0]["handling"] == "执法检查\n责令停产整顿、行政处罚、挂牌督办\n罚款5.00万元"
    assert rows[0]["status"] == "已整改\n2022年1月13日"
    assert rows[4]["status"] == "未整改"  # rectified 2022-01-18, after the period
    assert rows[10]["handling"] == "企业自查"  # no measures taken


def test_report_details_say_whether_rectified_and_who_supervises() -> None:
    details = context(load_fixture("summary-report"))["major_rows"]
    assert details[0]["detail"].endswith("\n已于2022年1月13日整改销号")
    assert details[1]["detail"].endswith("\n整改计划：增设第二安全出口，2022年1月底前完成\n尚未整改销号")
    assert [d["supervised_by"] for d in details] == ["东岭县人民政府", "县应急管理局", "—", "—"]


def test_dispatch_note_names_what_it_does_not_count() -> None:
    note = context(load_fixture("summary-dispatch"))["dispatch_note"]
    assert "统计期内另有非法违法行为3项、一般隐患4项未列入" in note


def test_title_carries_the_campaign_and_the_form_name() -> None:
    weekly = [line["text"] for line in context(load_fixture("summary-weekly"))["title_lines"]]
    assert weekly[-1] == "非法违法生产经营建设行为、重大事故隐患统计表（周报）"  # seed 000 附件5
    assert "".join(weekly[:-1]) == load_fixture("summary-weekly")["campaign"]
    report = context({**load_fixture("summary-report"), "campaign": None})["title_lines"]
    assert [line["text"] for line in report] == ["安全生产专项行动工作报表"]


def test_a_long_list_of_left_out_records_is_cut_short_in_the_warning() -> None:
    data = load_fixture("summary-weekly")
    data["findings"] = data["findings"][11:12] * 25  # all found before the period
    warning = context(data)["warnings"][0]
    assert warning.startswith("有25条记录的发现日期不在统计期内，已剔除（第1、2、")
    assert warning.endswith("、20条等）")


def test_names_print_on_one_line_and_measures_count_once() -> None:
    data = _with({"enterprise": "东岭县\n石门岭石料厂", "measures": ["行政处罚", "行政处罚", "关闭取缔"]})
    ctx = context(data)
    assert ctx["rows"][3]["enterprise"] == "东岭县 石门岭石料厂"
    assert "行政处罚、关闭取缔\n" in ctx["rows"][3]["handling"]
    assert ctx["measure_counts"][1] == "6"  # 行政处罚: as many as before the duplicate


def test_an_absurd_fine_is_422(client) -> None:  # type: ignore[no-untyped-def]
    field = _post(client, _with({"fine_wan": 2_000_000})).get_json()["fields"][0]
    assert field["path"] == "findings.3.fine_wan" and "超出合理范围" in field["message"]
