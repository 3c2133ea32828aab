"""Every table in Excel too (issue 17, item 2): the 统计表's three layouts and the 线索清单
as real workbooks, previewed and issued next to DOCX and PDF, read back with openpyxl."""

from __future__ import annotations

import io

import openpyxl
import pytest

from service.issuing import validate
from service.kinds import KINDS
from tests.conftest import load_fixture

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def book(content: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(content))


def context(fixture: str) -> dict:
    kind = KINDS["summary"]
    return kind.build(validate(kind, load_fixture(fixture)), 1)


def test_the_weekly_table_has_its_totals_as_numbers_and_rates_as_percentages(client) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/api/v1/render/summary.xlsx", json=load_fixture("summary-weekly"))
    assert response.status_code == 200 and response.mimetype == XLSX
    wb = book(response.data)
    assert wb.sheetnames == ["汇总情况", "逐条明细", "记录"]
    ws = wb["汇总情况"]
    assert ws["A1"].value.endswith("非法违法生产经营建设行为、重大事故隐患统计表（周报）")
    headers = [c.value for c in ws[5]][:8]
    assert headers == ["类别", "数量（项）", "已整改（项）", "未整改（项）", "整改率",
                       "涉及单位（家）", "提级核查（项）", "罚款（万元）"]
    printed = context("summary-weekly")["totals"]
    for row, expected in zip(ws.iter_rows(min_row=6, max_row=5 + len(printed)), printed,
                             strict=True):
        assert row[0].value == expected["name"]
        assert row[1].value == int(expected["found"])  # a number, the PDF's figure
        assert row[4].value == pytest.approx(float(expected["rate"].rstrip("%")) / 100)
        assert row[4].number_format == "0.0%"
        assert row[7].value == pytest.approx(float(expected["fines"]))
    details = wb["逐条明细"]
    assert details.freeze_panes == "A6" and details.print_title_rows == "$5:$5"
    assert details.page_setup.orientation == "landscape"
    assert details["B6"].value == context("summary-weekly")["rows"][0]["enterprise"]


def test_the_work_report_merges_its_headers_as_the_seed_does() -> None:
    from service.render import render

    wb = book(render("summary", {**context("summary-report"), "draft": False}, "xlsx"))
    ws = wb["工作报表"]
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"D4:E4", "F4:G4", "A4:A5", "N4:N5"} <= merged
    assert (ws["D4"].value, ws["F4"].value) == ("一般隐患", "重大隐患")
    assert [ws.cell(5, c).value for c in range(4, 8)] == ["排查（项）", "已整改（项）"] * 2
    assert ws.print_title_rows == "$4:$5"


def test_the_dispatch_table_spans_each_blocks_label_over_its_rows() -> None:
    from service.render import render

    ctx = {**context("summary-dispatch"), "draft": False}
    ws = book(render("summary", ctx, "xlsx"))["调度表"]
    overall = sum(1 for item in ctx["dispatch_items"] if item["block"] == "总体情况")
    assert f"A5:A{4 + overall}" in {str(r) for r in ws.merged_cells.ranges}
    assert ws["A5"].value == "总体情况" and isinstance(ws["D5"].value, int)


def test_an_issued_summary_is_stored_in_xlsx_too(client) -> None:  # type: ignore[no-untyped-def]
    issued = client.post("/api/v1/documents/summary", json=load_fixture("summary-weekly")).json
    assert set(issued["sha256"]) == {"docx", "pdf", "xlsx"} and issued["links"]["xlsx"]
    first = client.get(issued["links"]["xlsx"])
    assert first.status_code == 200 and first.data == client.get(issued["links"]["xlsx"]).data
    notice = client.post("/api/v1/documents/transfer-notice",
                         json=load_fixture("transfer-notice")).json
    assert notice["links"].get("xlsx") is None
    assert client.get(f"/api/v1/documents/{notice['id']}.xlsx").status_code == 404
    refused = client.post("/api/v1/render/transfer-notice.xlsx",
                          json=load_fixture("transfer-notice"))
    assert refused.status_code == 404 and refused.json["error"] == "unknown_format"


def test_the_cli_writes_an_xlsx(runner, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import FIXTURES

    out = tmp_path / "weekly.xlsx"
    result = runner.invoke(args=["render", "summary", str(FIXTURES / "summary-weekly.json"),
                                 "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert book(out.read_bytes()).sheetnames == ["汇总情况", "逐条明细", "记录"]


def test_the_document_page_offers_the_xlsx_of_a_table(client) -> None:  # type: ignore[no-untyped-def]
    issued = client.post("/api/v1/documents/summary", json=load_fixture("summary-report")).json
    page = client.get(f"/documents/{issued['id']}").get_data(as_text=True)
    assert 'id="download-xlsx"' in page and issued["links"]["xlsx"] in page
