"""Tables entered as tables (issue 17, items 3 and 4) through Flask's test client: a list of
flat records is a table with 序号, 增加一条记录 and 删除本条, its choice lists checkboxes
that post the same payload; the draft page shows the warnings the document will carry; the
form's upload (导入) fills the table from an XLSX or CSV, or names every bad cell and
imports nothing — with CSRF, read-only officers refused and only the caller's unit."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from werkzeug.datastructures import MultiDict

from service.form_posts import flatten, payload_from_form
from service.forms import form_for
from service.kinds import KINDS
from service.kinds.summary_model import Finding
from tests.conftest import load_fixture
from tests.test_imports import GOOD, _normalised, csv_of
from tests.test_units import token, two_units  # noqa: F401  (fixture)
from tests.test_web import csrf, form_data

MEASURES = [v for v, _ in form_for(Finding).children[10].choices]


def checkbox_post(payload: dict[str, Any], token_: str) -> dict[str, str]:
    """The post of a browser that ticked the boxes: each measure at its choice's index."""
    out = form_data({**payload, "findings": [{k: v for k, v in f.items() if k != "measures"}
                                             for f in payload["findings"]]}, token_)
    for i, finding in enumerate(payload["findings"]):
        for measure in finding.get("measures", []):
            out[f"findings.{i}.measures.{MEASURES.index(measure)}"] = measure
    return out


def test_records_are_a_table_with_numbers_honest_buttons_and_named_cells(client) -> None:  # type: ignore[no-untyped-def]
    html = client.get("/new/summary").get_data(as_text=True)
    table = html[html.index('data-list="findings"'):html.index("</fieldset>\n</fieldset>")]
    assert '<table class="entry">' in table and '<th scope="col" class="no">序号</th>' in table
    assert ">增加一条记录</button>" in table and "删除本条" in table and "增加一行" not in table
    assert 'aria-label="第1条记录 发现日期"' in table
    assert re.search(r'<th scope="row" class="no" id="f-findings.0"><span class="n">1</span>', table)
    for k, measure in enumerate(MEASURES):  # 处理措施: one checkbox per measure
        assert (f'<input type="checkbox" name="findings.0.measures.{k}" value="{measure}">'
                in table)
    assert "<select" not in table.split('name="findings.0.measures')[1].split("</td>")[0]
    assert "第1条记录 处理措施" in table
    notice = client.get("/new/transfer-notice").get_data(as_text=True)
    assert "增加一行" in notice and "entry" not in notice  # a list of lines stays a list


@pytest.mark.parametrize("kind", [name for name, kind in KINDS.items()
                                  if any(f.table for f in form_for(kind.model).children)])
def test_every_list_of_flat_records_is_a_table(client, kind: str) -> None:  # type: ignore[no-untyped-def]
    html = client.get(f"/new/{kind}").get_data(as_text=True)
    assert 'class="entry"' in html and "增加一条记录" in html and "删除本条" in html


def test_the_ledger_rows_are_a_table_too(client) -> None:  # type: ignore[no-untyped-def]
    html = client.get("/new/lead-ledger").get_data(as_text=True)
    assert 'data-list="rows" data-table' in html and 'aria-label="第1条记录 举报内容"' in html


def test_ticked_boxes_post_the_same_payload_as_the_api_takes(client) -> None:  # type: ignore[no-untyped-def]
    payload = load_fixture("summary-weekly")
    form = form_for(KINDS["summary"].model)
    ticked = payload_from_form(form, MultiDict(checkbox_post(payload, "t")))
    listed = payload_from_form(form, MultiDict(form_data(payload, "t")))  # the old names
    for f in listed["findings"]:
        if "measures" in f:
            f["measures"].sort(key=MEASURES.index)
    assert ticked == listed  # a fresh form's boxes post in the seeds' order
    assert _normalised(payload_from_form(form, MultiDict(form_data(payload, "t")))["findings"]
                       ) == _normalised(payload["findings"])
    made = client.post("/new/summary", data=form_data(payload, csrf(client)))
    assert made.status_code == 302 and "/drafts/" in made.headers["Location"]
    back = client.get(client.get(made.headers["Location"]).get_data(as_text=True)
                      .split('id="edit" href="')[1].split('"')[0].replace("&amp;", "&"))
    html = back.get_data(as_text=True)  # 返回修改: the boxes ticked, in the payload's order
    boxes = re.findall(r'name="findings\.0\.measures\.(\d+)" value="([^"]+)"( checked)?', html)
    assert [v for _, v, _ in boxes] == MEASURES  # shown in the seeds' order
    assert sorted((int(i), v) for i, v, on in boxes if on) == [
        (0, "责令停产整顿"), (1, "行政处罚"), (2, "挂牌督办")]  # posted back as they were
    assert len({i for i, _, _ in boxes}) == len(MEASURES)


def test_an_empty_row_is_no_record_and_errors_stay_in_their_cells(client) -> None:  # type: ignore[no-untyped-def]
    payload = load_fixture("summary-weekly")
    data = {**checkbox_post(payload, csrf(client)), "findings.13.enterprise": " "}
    assert client.post("/new/summary", data=data).status_code == 302  # the blank 14th row
    data["findings.2.found_on"] = ""
    data["findings.13.escalated"] = "1"  # a ticked box makes it a record: incomplete
    page = client.post("/new/summary", data=data)
    html = page.get_data(as_text=True)
    assert page.status_code == 422
    assert re.search(r'aria-label="第3条记录 发现日期"[^>]*aria-invalid="true" '
                     r'aria-describedby="colhelp-findings-found_on err-findings.2.found_on"', html)
    assert 'id="err-findings.2.found_on"' in html and 'href="#f-findings.13.enterprise"' in html
    assert re.search(r'name="findings.0.measures.\d+" value="挂牌督办" checked', html)


def test_rows_are_added_and_removed_without_javascript(client) -> None:  # type: ignore[no-untyped-def]
    data = checkbox_post(load_fixture("summary-weekly"), csrf(client))
    added = client.post("/new/summary", data={**data, "_add": "findings"}).get_data(as_text=True)
    assert 'aria-label="第14条记录 生产经营建设单位名称"' in added
    assert 'name="findings.13.enterprise" value=""' in added
    removed = client.post("/new/summary", data={**data, "_remove": "findings.0"})
    html = removed.get_data(as_text=True)
    assert 'aria-label="第12条记录 发现日期"' in html and "第13条记录" not in html
    assert 'name="findings.0.found_on" value="2022-01-11"' in html  # the second moved up
    assert re.search(r'name="findings.0.measures.0" value="责令限期整改" checked', html)


def test_the_draft_page_shows_the_warnings_before_issuing(client) -> None:  # type: ignore[no-untyped-def]
    payload = load_fixture("summary-weekly")  # two records outside the period
    made = client.post("/new/summary", data=checkbox_post(payload, csrf(client)))
    html = client.get(made.headers["Location"]).get_data(as_text=True)
    box = html.split('id="draft-warnings"')[1].split("</div>")[0]
    assert "签发前请核对" in box and "有2条记录的发现日期不在统计期内，已剔除" in box
    shown = re.findall(r"<li>([^<]+)</li>", box)
    issued = client.post("/api/v1/documents/summary", json=payload).json
    assert shown == issued["warnings"]  # what 签发 will record, word for word
    plain = client.post("/new/transfer-notice",
                        data=form_data(load_fixture("transfer-notice"), csrf(client)))
    assert "draft-warnings" not in client.get(plain.headers["Location"]).get_data(as_text=True)


def upload(client, data: dict[str, str], content: bytes, name: str = "records.csv",  # type: ignore[no-untyped-def]
           kind: str = "summary"):
    return client.post(f"/new/{kind}/import", content_type="multipart/form-data",
                       data={**data, "_file": (io.BytesIO(content), name)})


def test_an_upload_fills_the_table_and_keeps_the_rest_of_the_form(client) -> None:  # type: ignore[no-untyped-def]
    token_ = csrf(client)
    data = {"_csrf": token_, "filled_by": "李明远", "findings.0.enterprise": "手填的一条",
            "findings.0.escalated": "1"}
    page = upload(client, data, csv_of([GOOD, [*GOOD[:1], "2022-01-12", *GOOD[2:]]]))
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "已从“records.csv”导入2条记录，替换了原有的1条" in html
    assert 'name="filled_by" value="李明远"' in html and "手填的一条" not in html
    assert 'name="findings.1.found_on" value="2022-01-12"' in html
    assert re.search(r'name="findings.0.measures.0" value="责令停产整顿" checked', html)
    assert re.search(r'name="findings.0.measures.1" value="行政处罚" checked', html)
    assert 'value="major_hazard" selected' in html and "第3条记录" not in html


def test_an_issued_workbook_uploads_back_into_the_form(client) -> None:  # type: ignore[no-untyped-def]
    payload = load_fixture("summary-weekly")
    doc = client.post("/api/v1/documents/summary", json=payload).json
    workbook = client.get(doc["links"]["xlsx"]).data
    html = upload(client, {"_csrf": csrf(client)}, workbook, "统计表.xlsx").get_data(as_text=True)
    assert "导入13条记录" in html and 'aria-label="第13条记录 发现日期"' in html
    values = {k: v for k, v in re.findall(r'name="(findings\.[^"]+)" value="([^"]*)"', html)}
    assert values["findings.12.found_on"] == flatten(payload)["findings.12.found_on"]


def test_bad_rows_are_listed_and_nothing_is_imported(client) -> None:  # type: ignore[no-untyped-def]
    data = {"_csrf": csrf(client), "findings.0.enterprise": "手填的一条"}
    bad = upload(client, data, csv_of([GOOD, [*GOOD[:1], "2022年2月30日", *GOOD[2:]],
                                      [*GOOD[:4], "一般问题", *GOOD[5:]]]))
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422
    assert "有2处错误，未导入任何记录" in html
    errors = html.split('id="import-errors"')[1].split("</div>")[0]
    assert "第3行“发现日期”" in errors and "第4行“问题类型”" in errors
    assert 'name="findings.0.enterprise" value="手填的一条"' in html  # the table as it was
    assert "东岭县鑫源煤业有限公司" not in html
    none = upload(client, data, b"", "")
    assert none.status_code == 422 and "请先选择要导入的Excel" in none.get_data(as_text=True)
    broken = upload(client, data, b"PK\x03\x04broken", "x.xlsx").get_data(as_text=True)
    assert "不是有效的Excel文件" in broken


def test_the_upload_needs_csrf_and_a_kind_with_an_import(client) -> None:  # type: ignore[no-untyped-def]
    forged = upload(client, {"_csrf": "forged", "filled_by": "李明远"}, csv_of([GOOD]))
    html = forged.get_data(as_text=True)
    assert forged.status_code == 400 and "CSRF" in html and 'value="李明远"' in html
    assert "导入1条" not in html
    assert upload(client, {"_csrf": csrf(client)}, csv_of([GOOD]),
                  kind="transfer-notice").status_code == 404
    assert client.get("/new/transfer-notice").get_data(as_text=True).count('type="file"') == 0
    assert client.post("/api/v1/import/transfer-notice", data=b"x").status_code == 404
    blank = client.get("/import/summary/blank.csv")
    assert blank.status_code == 200 and blank.mimetype == "text/csv"
    assert blank.data.decode("utf-8-sig").startswith("生产经营建设单位名称,发现日期,")


def logged_in(app, name: str, unit: str, *flags: str):  # type: ignore[no-untyped-def]
    app.test_cli_runner().invoke(args=["user", "create", name, "--unit", unit, *flags],
                                 input="12345678\n")
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token_ = re.search(r'name="_csrf" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    client.post("/login", data={"_csrf": token_, "username": name, "password": "12345678"})
    return client


def page_csrf(client) -> str:  # type: ignore[no-untyped-def]
    page = client.get("/new/summary").get_data(as_text=True)
    return re.search(r'name="_csrf" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]


def test_read_only_officers_get_403_and_only_the_callers_unit_answers(two_units) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    reader = logged_in(two_units, "kan", "east", "--read-only")
    refused = upload(reader, {"_csrf": page_csrf(reader)}, csv_of([GOOD]))
    assert refused.status_code == 403
    anonymous = two_units.test_client()
    assert upload(anonymous, {}, csv_of([GOOD])).status_code in (302, 400)
    east_doc = two_units.test_client().post(
        "/api/v1/documents/summary", json=load_fixture("summary-weekly"),
        headers=token(two_units, "e", "east")).json
    west = logged_in(two_units, "xi", "west")
    other = upload(west, {"_csrf": page_csrf(west), "_correct": east_doc["id"]}, csv_of([GOOD]))
    assert other.status_code == 404  # correcting another unit's document: as if none
    east = logged_in(two_units, "dong", "east")
    own = upload(east, {"_csrf": page_csrf(east), "_correct": east_doc["id"]}, csv_of([GOOD]))
    html = own.get_data(as_text=True)
    assert own.status_code == 200 and "导入1条记录" in html
    assert f'name="_correct" value="{east_doc["id"]}"' in html
