"""The 每日举报问题线索清单 from the register in PDF, DOCX and XLSX (seed 000 附件7), over
the API and the CLI, and the reporter's privacy in every output."""

from __future__ import annotations

import io
import json
import re
from datetime import date
from pathlib import Path

import docx
import openpyxl
import pdfplumber

from service.kinds.lead_ledger import COLUMNS, NOTE
from tests.conftest import load_fixture, pdf_text, squeeze
from tests.test_leads import ANSWER, LEAD, issue_from

HEADERS = [h for h, _, _, _ in COLUMNS]
REPORTER, PHONE = "赵举报", "13912345678"
SECRET_NOTE = "举报人要求保密"


def loop_of_two(client) -> None:  # type: ignore[no-untyped-def]
    """Two leads of 2022-01-05: one answered and closed, one only registered."""
    lead = client.post("/api/v1/leads", json={**LEAD, "note": SECRET_NOTE}).json
    doc = issue_from(client, lead)
    client.put(f"/api/v1/documents/{doc['id']}/feedback", json=ANSWER)
    client.post(f"/api/v1/leads/{lead['id']}/accept")
    client.post("/api/v1/leads", json={**LEAD, "reporter": None, "content": "某加油站无证经营",
                                       "category": "非法违法生产经营建设行为"})


def pdf_cells(content: bytes) -> list[str]:
    """The text of every table cell of a PDF, its wrapped lines joined."""
    with pdfplumber.open(io.BytesIO(content)) as pdf:
        return [re.sub(r"\s", "", cell or "") for page in pdf.pages
                for table in page.extract_tables() for row in table for cell in row]


def ledger(client, fmt: str, **args: str) -> bytes:  # type: ignore[no-untyped-def]
    query = "&".join(f"{k}={v}" for k, v in {"from": "2022-01-01", "to": "2022-01-31",
                                              **args}.items())
    response = client.get(f"/api/v1/leads/ledger.{fmt}?{query}")
    assert response.status_code == 200, response.data[:300]
    return response.data


def test_the_xlsx_has_real_cells_the_seed_headers_and_a_frozen_header(client) -> None:  # type: ignore[no-untyped-def]
    loop_of_two(client)
    book = openpyxl.load_workbook(io.BytesIO(ledger(client, "xlsx")))
    ws = book.active
    assert ws["A1"].value == "每日举报问题线索清单"
    assert [c.value for c in ws[3]] == HEADERS
    assert ws.freeze_panes == "A4" and ws.print_title_rows == "$3:$3"
    assert ws.page_setup.orientation == "landscape"
    first = {h: c.value for h, c in zip(HEADERS, ws[4], strict=True)}
    assert first["序号"] == 1 and first["举报人信息"] == f"{REPORTER} {PHONE}"
    assert first["交办日期(7日内反馈)"].date() == date(2022, 1, 7)  # a date, not text
    assert first["实际反馈日期"].date() == date(2022, 1, 13)
    assert first["办理结果"] == "罚款50万元；停产整顿1" and first["是否属实"] == "属实"
    assert first["交办文书文号"] == "（煤）移〔2022〕1号"
    second = {h: c.value for h, c in zip(HEADERS, ws[5], strict=True)}
    assert second["序号"] == 2 and second["交办文书文号"] is None
    assert ws.cell(ws.max_row, 1).value == NOTE
    widths = [ws.column_dimensions[c].width for c in "ABCD"]
    assert widths[3] > widths[0]  # 举报内容 wider than 序号


def test_the_pdf_and_docx_print_the_16_columns_and_the_note(client) -> None:  # type: ignore[no-untyped-def]
    loop_of_two(client)
    pdf = ledger(client, "pdf")
    text = squeeze(pdf_text(pdf))
    cells = pdf_cells(pdf)
    assert cells[:16] == HEADERS
    assert LEAD["content"] in cells and "（煤）移〔2022〕1号" in cells
    assert squeeze(NOTE[:30]) in text and "统计期：2022年1月1日至2022年1月31日" in text
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        assert doc.pages[0].width > doc.pages[0].height  # landscape
    document = docx.Document(io.BytesIO(ledger(client, "docx")))
    table = document.tables[0]
    assert [c.text for c in table.rows[0].cells] == HEADERS
    assert table.rows[1].cells[3].text == LEAD["content"]
    assert len(table.rows) == 3


def test_a_days_ledger_holds_that_days_leads(client) -> None:  # type: ignore[no-untyped-def]
    loop_of_two(client)
    client.post("/api/v1/leads", json={**LEAD, "received_on": "2022-01-06"})
    ws = openpyxl.load_workbook(io.BytesIO(ledger(client, "xlsx", **{"from": "2022-01-06",
                                                                    "to": "2022-01-06"}))).active
    assert ws["A2"].value.endswith("日期：2022年1月6日")
    assert ws.cell(4, 1).value == 1 and ws.cell(5, 1).value is None


def test_the_cli_writes_the_three_formats(app, runner, client, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    loop_of_two(client)
    out = tmp_path / "out"
    result = runner.invoke(args=["ledger", "--from", "2022-01-01", "--to", "2022-01-31",
                                 "-o", str(out)])
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out.iterdir())
    assert names == [f"每日举报问题线索清单（2022年1月1日至2022年1月31日）.{f}"
                     for f in ("docx", "pdf", "xlsx")]
    bad = runner.invoke(args=["ledger", "--to", "2022-13-01", "-o", str(tmp_path)])
    assert bad.exit_code == 2 and "--to 应为日期" in bad.output


def test_the_reporter_appears_only_in_the_units_own_ledger(app, client, runner,  # type: ignore[no-untyped-def]
                                                         tmp_path: Path, caplog) -> None:
    """A planted reporter name and phone: in the unit's ledger and lead, nowhere else."""
    caplog.set_level("DEBUG")
    loop_of_two(client)
    notice = client.get("/api/v1/documents?kind=transfer-notice").json["documents"][0]
    outputs = {
        "notice.pdf": pdf_text(client.get(f"/api/v1/documents/{notice['id']}.pdf").data),
        "notice.docx": "\n".join(p.text for p in docx.Document(io.BytesIO(
            client.get(f"/api/v1/documents/{notice['id']}.docx").data)).paragraphs),
        "notice.json": client.get(f"/api/v1/documents/{notice['id']}").get_data(as_text=True),
        "audit": client.get("/api/v1/audit").get_data(as_text=True),
        "public.pdf": pdf_text(ledger(client, "pdf", public="1")) + "".join(
            pdf_cells(ledger(client, "pdf", public="1"))),
        "public.xlsx": json.dumps([[c.value for c in row] for row in openpyxl.load_workbook(
            io.BytesIO(ledger(client, "xlsx", public="1"))).active.iter_rows()],
            ensure_ascii=False, default=str),
        "public.docx": "\n".join(c.text for t in docx.Document(io.BytesIO(
            ledger(client, "docx", public="1"))).tables for r in t.rows for c in r.cells),
        "register": client.get("/api/v1/documents?q=" + PHONE).get_data(as_text=True),
        "log": caplog.text,
    }
    batch = client.post("/api/v1/batches", json={"items": [
        {"kind": "transfer-notice", "data": load_fixture("transfer-notice")}]})
    outputs["batch"] = batch.get_data(as_text=True)
    for where, text in outputs.items():
        flat = re.sub(r"\s", "", text)
        assert REPORTER not in flat and PHONE not in flat, where
        assert SECRET_NOTE not in flat, where
    public = squeeze(outputs["public.pdf"])
    assert "举报人信息" not in public and "备注" not in public.replace(squeeze(NOTE), "")
    own = "".join(pdf_cells(ledger(client, "pdf")))
    assert REPORTER + PHONE in own and SECRET_NOTE in own
