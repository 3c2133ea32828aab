"""The four lists read in (issue 17, item 3): every record list of the payload has a raw
record sheet in the workbook, and the workbook read back gives the same lists and the same
document; a CSV fills the list `list=` names; bad rows are named by row and column in
Chinese and nothing is imported; the API, the CLI and the web form's upload."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import openpyxl
import pdfplumber

from service.kinds.daily_lists_model import DailyLists
from service.kinds.daily_lists_records import RECORD_LISTS, lists
from service.kinds.record_columns import columns
from tests.conftest import load_fixture
from tests.test_table_entry import logged_in, page_csrf, upload
from tests.test_units import token, two_units  # noqa: F401  (fixture)
from tests.test_web import csrf

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FINES = [c.header for c in columns(dict((p, m) for p, _, m in RECORD_LISTS)[
    "enforcement.fines"])]
FINE = ["城关镇", "东岭县恒达建材有限公司", "未按规定开展安全培训", "2022年1月13日",
        "县应急管理综合行政执法队", "罚款已缴纳", "", "2.5"]


def normalised(payload: dict[str, Any]) -> dict[str, Any]:
    """The payload as the model gives it back (defaults filled in, types settled)."""
    return DailyLists.model_validate_json(json.dumps(payload)).model_dump(mode="json")


def csv_of(header: list[str], rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows([header, *rows])
    return out.getvalue().encode("utf-8-sig")


def pdf_text(data: bytes) -> str:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


def test_the_round_trip_through_the_workbook_gives_the_same_lists_and_document(client) -> None:  # type: ignore[no-untyped-def]
    payload = load_fixture("daily-lists")
    workbook = client.post("/api/v1/render/daily-lists.xlsx", json=payload).data
    book = openpyxl.load_workbook(io.BytesIO(workbook))
    assert [f"记录-{name}" for _, name, _ in RECORD_LISTS] == book.sheetnames[-8:]
    sheet = book["记录-行政处罚款"]
    header = next(r for r in sheet.iter_rows(values_only=True) if r[0] == "所属单位/项目")
    assert list(header) == FINES
    assert any(str(r[0]).startswith("注：") for r in sheet.iter_rows(values_only=True) if r[0])
    read = client.post("/api/v1/import/daily-lists", data=workbook, content_type=XLSX)
    assert read.status_code == 200, read.json
    assert lists(read.json) == lists(normalised(payload))
    again = client.post("/api/v1/render/daily-lists.pdf", json={**payload, **read.json})
    before = client.post("/api/v1/render/daily-lists.pdf", json=payload)
    assert pdf_text(again.data) == pdf_text(before.data)
    assert again.data == before.data


def test_one_list_from_a_csv_named_by_list(client) -> None:  # type: ignore[no-untyped-def]
    data = csv_of(FINES, [FINE])
    read = client.post("/api/v1/import/daily-lists?list=enforcement.fines", data=data,
                       content_type="text/csv")
    assert read.status_code == 200, read.json
    (fine,) = read.json["enforcement"]["fines"]
    assert fine["accepted_on"] == "2022-01-13" and fine["amount_wan"] == 2.5
    assert "note" not in fine or fine["note"] is None
    by_name = client.post("/api/v1/import/daily-lists?list=行政处罚款", data=data,
                          content_type="text/csv")
    assert by_name.json == read.json
    people = csv_of(["所属单位/项目", "追责问责情形", "姓名", "单位", "职务"],
                    [["西河镇", "追究刑事责任", "刘建平", "西河镇人民政府", "站长"]])
    read = client.post("/api/v1/import/daily-lists?list=accountability", data=people,
                       content_type="text/csv")
    assert read.json == {"accountability": [{"project": "西河镇", "measure": "追究刑事责任",
                                             "name": "刘建平", "employer": "西河镇人民政府",
                                             "position": "站长"}]}


def test_a_wrong_or_missing_list_name_is_a_422_naming_it(client) -> None:  # type: ignore[no-untyped-def]
    data = csv_of(FINES, [FINE])
    wrong = client.post("/api/v1/import/daily-lists?list=fines2", data=data,
                        content_type="text/csv")
    assert wrong.status_code == 422 and "fines2" in wrong.json["message"]
    assert wrong.json["fields"][0]["path"] == "list"
    assert "enforcement.fines（行政处罚款）" in wrong.json["message"]
    missing = client.post("/api/v1/import/daily-lists", data=data, content_type="text/csv")
    assert missing.status_code == 422 and "list" in missing.json["message"]
    summary = client.post("/api/v1/import/summary?list=hazards", data=data,
                          content_type="text/csv")
    assert summary.status_code == 422 and "hazards" in summary.json["message"]


def test_bad_rows_are_named_by_row_and_column_and_nothing_is_imported(client) -> None:  # type: ignore[no-untyped-def]
    bad_date = [*FINE[:3], "2022年2月30日", *FINE[4:]]
    no_amount = [*FINE[:7], ""]
    bad_amount = [*FINE[:7], "两万"]
    read = client.post("/api/v1/import/daily-lists?list=enforcement.fines",
                       content_type="text/csv", data=csv_of(FINES, [FINE, bad_date, no_amount,
                                                                     bad_amount]))
    assert read.status_code == 422 and "未导入任何记录" in read.json["message"]
    messages = [f["message"] for f in read.json["fields"]]
    assert messages[0].startswith("第3行“验收时间”"), messages
    assert "第4行“罚款金额（万元）”：未填（必填）" in messages
    assert any(m.startswith("第5行“罚款金额（万元）”：") for m in messages)
    assert "enforcement" not in read.json


def test_a_bad_sheet_of_a_workbook_imports_no_list_at_all(client) -> None:  # type: ignore[no-untyped-def]
    payload = load_fixture("daily-lists")
    workbook = client.post("/api/v1/render/daily-lists.xlsx", json=payload).data
    book = openpyxl.load_workbook(io.BytesIO(workbook))
    sheet = book["记录-重大隐患挂牌督办清单"]
    row = next(i for i, r in enumerate(sheet.iter_rows(values_only=True), 1)
               if r[0] == "所属单位/项目")
    sheet.cell(row + 1, 7).value = "下周五"  # 整改时限
    out = io.BytesIO()
    book.save(out)
    read = client.post("/api/v1/import/daily-lists", data=out.getvalue(), content_type=XLSX)
    assert read.status_code == 422, read.json
    (error,) = read.json["fields"]
    assert error["message"].startswith(f"“记录-重大隐患挂牌督办清单”第{row + 1}行“整改时限”")
    assert error["path"] == f"hazards.rows.{row + 1}.整改时限"
    assert "progress" not in read.json


def test_an_unknown_column_is_refused(client) -> None:  # type: ignore[no-untyped-def]
    read = client.post("/api/v1/import/daily-lists?list=enforcement.fines",
                       content_type="text/csv", data=csv_of([*FINES, "罚款原因2"], [FINE]))
    assert read.status_code == 422 and "不认识的列：罚款原因2" in read.json["message"]
    headless = client.post("/api/v1/import/daily-lists?list=hazards", data=b"a,b\n1,2\n",
                           content_type="text/csv")
    assert headless.status_code == 422 and "找不到表头行" in headless.json["message"]


def test_the_cli_reads_a_workbook_or_one_csv_list_into_a_payload(client, runner,  # type: ignore[no-untyped-def]
                                                                  tmp_path: Path) -> None:
    payload = load_fixture("daily-lists")
    book = tmp_path / "lists.xlsx"
    book.write_bytes(client.post("/api/v1/render/daily-lists.xlsx", json=payload).data)
    base = tmp_path / "base.json"
    base.write_text(json.dumps({k: v for k, v in payload.items() if k not in (
        "progress", "enforcement", "accountability", "hazards")}), encoding="utf-8")
    out = tmp_path / "payload.json"
    result = runner.invoke(args=["import-records", str(book), "-o", str(out), "--kind",
                                 "daily-lists", "--into", str(base)])
    assert result.exit_code == 0, result.output
    assert normalised(json.loads(out.read_text(encoding="utf-8"))) == normalised(payload)
    fines = tmp_path / "fines.csv"
    fines.write_bytes(csv_of(FINES, [FINE]))
    result = runner.invoke(args=["import-records", str(fines), "-o", str(out), "--kind",
                                 "daily-lists", "--list", "enforcement.fines", "--into",
                                 str(base)])
    assert result.exit_code == 0 and "1条记录" in result.output, result.output
    written = json.loads(out.read_text(encoding="utf-8"))
    assert written["enforcement"]["fines"][0]["amount_wan"] == 2.5
    assert written["unit"] == payload["unit"]
    result = runner.invoke(args=["import-records", str(fines), "-o", str(out), "--kind",
                                 "daily-lists"])
    assert result.exit_code != 0 and "list" in result.output


def test_the_web_form_fills_every_table_from_a_workbook(client) -> None:  # type: ignore[no-untyped-def]
    payload = load_fixture("daily-lists")
    workbook = client.post("/api/v1/render/daily-lists.xlsx", json=payload).data
    page = client.get("/new/daily-lists").get_data(as_text=True)
    assert page.count('type="file"') == len(RECORD_LISTS)
    assert "/import/daily-lists/blank.csv?list=enforcement.fines" in page
    data = {"_csrf": csrf(client), "unit": "手填的单位", "_import": "hazards"}
    html = upload(client, data, workbook, "四个清单.xlsx", "daily-lists").get_data(as_text=True)
    assert "已从“四个清单.xlsx”导入：进展清单3条" in html and "重大隐患挂牌督办清单2条" in html
    assert html.count('id="import-notice"') == 1
    assert 'name="unit" value="手填的单位"' in html
    assert 'name="enforcement.fines.1.amount_wan" value="5.0"' in html
    assert 'name="hazards.1.closed_on" value="2022-01-14"' in html


def test_the_web_form_fills_the_named_table_from_a_csv_or_lists_the_errors(client) -> None:  # type: ignore[no-untyped-def]
    data = {"_csrf": csrf(client), "hazards.0.project": "手填的隐患", "_import":
            "enforcement.fines"}
    page = upload(client, data, csv_of(FINES, [FINE, FINE]), "fines.csv", "daily-lists")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "导入：行政处罚款2条" in html
    assert 'name="enforcement.fines.1.enterprise" value="东岭县恒达建材有限公司"' in html
    assert 'name="hazards.0.project" value="手填的隐患"' in html
    bad = upload(client, data, csv_of(FINES, [FINE, [*FINE[:7], "两万"]]), "fines.csv",
                 "daily-lists")
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "有1处错误，未导入任何记录" in html
    assert re.search(r"<li>第3行“罚款金额（万元）”：[^<]+</li>", html)
    assert "东岭县恒达建材有限公司" not in html
    forged = upload(client, {**data, "_import": "nothing"}, csv_of(FINES, [FINE]), "f.csv",
                    "daily-lists")
    assert forged.status_code == 400
    blank = client.get("/import/daily-lists/blank.csv?list=hazards")
    assert blank.status_code == 200 and blank.data.decode("utf-8-sig").startswith(
        "所属单位/项目,检查单位,")
    assert client.get("/import/daily-lists/blank.csv").status_code == 404


def test_the_upload_needs_csrf_and_write_access(client, two_units) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    forged = upload(client, {"_csrf": "forged", "unit": "手填的单位", "_import": "hazards"},
                    csv_of(FINES, [FINE]), "f.csv", "daily-lists")
    html = forged.get_data(as_text=True)
    assert forged.status_code == 400 and "CSRF" in html and 'value="手填的单位"' in html
    reader = logged_in(two_units, "kan", "east", "--read-only")
    refused = upload(reader, {"_csrf": page_csrf(reader), "_import": "enforcement.fines"},
                     csv_of(FINES, [FINE]), "f.csv", "daily-lists")
    assert refused.status_code == 403
    east_doc = two_units.test_client().post(
        "/api/v1/documents/daily-lists", json=load_fixture("daily-lists"),
        headers=token(two_units, "e", "east")).json
    west = logged_in(two_units, "xi", "west")
    other = upload(west, {"_csrf": page_csrf(west), "_correct": east_doc["id"],
                          "_import": "enforcement.fines"}, csv_of(FINES, [FINE]), "f.csv",
                   "daily-lists")
    assert other.status_code == 404  # correcting another unit's document: as if none


def test_the_contacts_table_reads_back_from_its_workbook(client) -> None:  # type: ignore[no-untyped-def]
    payload = load_fixture("contacts")
    workbook = client.post("/api/v1/render/contacts.xlsx", json=payload).data
    read = client.post("/api/v1/import/contacts", data=workbook, content_type=XLSX)
    assert read.status_code == 200, read.json
    from service.kinds.contacts import Contacts

    model = Contacts.model_validate_json(json.dumps(payload)).model_dump(mode="json")
    assert read.json == {"contacts": model["contacts"]}
    again = client.post("/api/v1/render/contacts.pdf", json={**payload, **read.json})
    assert again.data == client.post("/api/v1/render/contacts.pdf", json=payload).data
    phone = csv_of(["单位", "姓名", "手机号"], [["东岭县应急管理局", "周文涛", "13800000000"]])
    read = client.post("/api/v1/import/contacts", data=phone, content_type="text/csv")
    assert read.json["contacts"][0]["mobile"] == "13800000000"
    assert client.get("/new/contacts").get_data(as_text=True).count('type="file"') == 1


def test_the_file_beside_the_pressed_table_is_read(client) -> None:  # type: ignore[no-untyped-def]
    # a browser posts every table's file input, the empty ones as parts without a file name
    files = [(io.BytesIO(b""), "") for _ in RECORD_LISTS]
    files[2] = (io.BytesIO(csv_of(FINES, [FINE])), "fines.csv")
    page = client.post("/new/daily-lists/import", content_type="multipart/form-data", data={
        "_csrf": csrf(client), "_import": "enforcement.fines", "_file": files})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "已从“fines.csv”导入：行政处罚款1条" in html


LEDGER_HEADERS = ["序号", "举报来源", "举报人信息", "举报内容", "举报类型", "涉及企业", "属地政府",
                  "交办文书文号", "交办单位(部门或政府)", "交办日期(7日内反馈)", "实际反馈日期",
                  "是否属实", "办理结果", "查出进展情况", "答复情况", "备注"]


def test_the_lead_ledger_is_read_back_from_its_printed_sheet(client) -> None:  # type: ignore[no-untyped-def]
    """The ledger's workbook is the seed's 附件7 as printed (序号, the seed's headers, the
    note): read back it gives the same leads; the public version the leads without 举报人信息
    and 备注."""
    from service.kinds.lead_ledger import LeadLedger

    payload = load_fixture("lead-ledger")
    rows = LeadLedger.model_validate_json(json.dumps(payload)).model_dump(mode="json")["rows"]
    workbook = client.post("/api/v1/render/lead-ledger.xlsx", json=payload).data
    sheet = openpyxl.load_workbook(io.BytesIO(workbook)).worksheets[0]
    assert next(r for r in sheet.iter_rows(values_only=True) if r[0] == "序号") == tuple(
        LEDGER_HEADERS)
    read = client.post("/api/v1/import/lead-ledger", data=workbook, content_type=XLSX)
    assert read.status_code == 200, read.json
    assert read.json == {"rows": rows}
    public = client.post("/api/v1/render/lead-ledger.xlsx", json={**payload, "public": True})
    read = client.post("/api/v1/import/lead-ledger", data=public.data, content_type=XLSX)
    assert read.json == {"rows": [{**r, "reporter": None, "note": None} for r in rows]}


def test_a_bad_lead_is_named_by_the_printed_header(client) -> None:  # type: ignore[no-untyped-def]
    good = ["1", "12350举报电话", "匿名", "某加油站涉嫌无证经营", "非法违法生产经营建设行为", "", "南山乡人民政府",
            "", "", "2022-01-10", "", "", "", "", "", ""]
    no_content = [*good[:3], "", *good[4:]]
    bad_date = [*good[:9], "2022年1月32日", *good[10:]]
    read = client.post("/api/v1/import/lead-ledger", content_type="text/csv",
                       data=csv_of(LEDGER_HEADERS, [good, no_content, bad_date]))
    assert read.status_code == 422 and "rows" not in read.json
    messages = [f["message"] for f in read.json["fields"]]
    assert "第3行“举报内容”：未填（必填）" in messages, messages
    assert any(m.startswith("第4行“交办日期(7日内反馈)”：") for m in messages), messages
    (lead,) = client.post("/api/v1/import/lead-ledger", content_type="text/csv",
                          data=csv_of(LEDGER_HEADERS, [good])).json["rows"]
    assert lead["transferred_on"] == "2022-01-10" and lead["content"] == "某加油站涉嫌无证经营"
