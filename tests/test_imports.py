"""Records read in from XLSX and CSV (issue 17, item 3): the round trip through the
workbook's sheet 记录 gives the same document; bad rows are named by row and column in
Chinese and nothing is imported; the API and the CLI."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import openpyxl

from service.kinds.summary_records import RECORD_COLUMNS
from tests.conftest import load_fixture

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_the_round_trip_through_the_workbook_gives_the_same_document(client) -> None:  # type: ignore[no-untyped-def]
    payload = load_fixture("summary-weekly")
    first = client.post("/api/v1/documents/summary", json=payload).json
    workbook = client.get(first["links"]["xlsx"]).data
    read = client.post("/api/v1/import/summary", data=workbook, content_type=XLSX)
    assert read.status_code == 200, read.json
    assert read.json["findings"] == _normalised(payload["findings"])
    again = client.post("/api/v1/render/summary.pdf", json={**payload, **read.json})
    before = client.post("/api/v1/render/summary.pdf", json=payload)
    assert again.data == before.data  # the same document, byte for byte


def _normalised(findings: list[dict]) -> list[dict]:
    """Records as the model gives them back (defaults filled in, types settled)."""
    from service.kinds.summary_model import Finding

    return [Finding.model_validate_json(json.dumps(f)).model_dump(mode="json") for f in findings]


def csv_of(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([h for h, *_ in RECORD_COLUMNS])
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


GOOD = ["东岭县鑫源煤业有限公司", "2022年1月11日", "城关镇", "煤矿", "重大事故隐患",
        "瓦斯检测报警装置失效", "执法检查", "县应急管理局", "否", "", "责令停产整顿、行政处罚",
        "5", "2022-01-13", "", ""]


def test_a_csv_is_read_with_labels_dates_and_lists(client) -> None:  # type: ignore[no-untyped-def]
    read = client.post("/api/v1/import/summary", data=csv_of([GOOD]), content_type="text/csv")
    assert read.status_code == 200, read.json
    (record,) = read.json["findings"]
    assert record["category"] == "major_hazard" and record["source"] == "inspection"
    assert record["found_on"] == "2022-01-11" and record["rectified_on"] == "2022-01-13"
    assert record["measures"] == ["责令停产整顿", "行政处罚"] and record["fine_wan"] == 5
    assert record["escalated"] is False


def test_bad_rows_are_named_by_row_and_column_and_nothing_is_imported(client) -> None:  # type: ignore[no-untyped-def]
    bad_date = [*GOOD[:1], "2022年2月30日", *GOOD[2:]]
    bad_kind = [*GOOD[:4], "一般问题", *GOOD[5:]]
    no_penalty = [*GOOD[:10], "责令停产整顿", *GOOD[11:]]
    read = client.post("/api/v1/import/summary", content_type="text/csv",
                       data=csv_of([GOOD, bad_date, bad_kind, no_penalty]))
    assert read.status_code == 422 and "未导入任何记录" in read.json["message"]
    messages = [f["message"] for f in read.json["fields"]]
    assert any(m.startswith("第3行“发现日期”") for m in messages), messages
    assert any(m.startswith("第4行“问题类型”") for m in messages), messages
    assert any(m.startswith("第5行“罚款（万元）”") for m in messages), messages
    assert "findings" not in read.json


def test_a_file_that_is_not_a_table_is_refused(client) -> None:  # type: ignore[no-untyped-def]
    broken = client.post("/api/v1/import/summary", data=b"PK\x03\x04broken", content_type=XLSX)
    assert broken.status_code == 422 and "不是有效的Excel文件" in broken.json["message"]
    headless = client.post("/api/v1/import/summary", data=b"a,b\n1,2\n",
                           content_type="text/csv")
    assert headless.status_code == 422 and "找不到表头行" in headless.json["message"]
    other = client.post("/api/v1/import/transfer-notice", data=b"x", content_type="text/csv")
    assert other.status_code == 404


def test_the_cli_reads_a_workbook_into_a_payload(client, runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    issued = client.post("/api/v1/documents/summary", json=load_fixture("summary-report")).json
    book = tmp_path / "report.xlsx"
    book.write_bytes(client.get(issued["links"]["xlsx"]).data)
    assert "记录" in openpyxl.load_workbook(book).sheetnames
    base = tmp_path / "base.json"
    base.write_text(json.dumps({**load_fixture("summary-report"), "findings": []}),
                    encoding="utf-8")
    out = tmp_path / "payload.json"
    result = runner.invoke(args=["import-records", str(book), "-o", str(out), "--into",
                                 str(base)])
    assert result.exit_code == 0, result.output
    payload = json.loads(out.read_text(encoding="utf-8"))
    assert payload["findings"] == _normalised(load_fixture("summary-report")["findings"])
    assert payload["unit"] == load_fixture("summary-report")["unit"]
