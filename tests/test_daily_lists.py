"""集中行动四个清单（日报） (seed 000 附件4, issue 17): the four lists with the seed's columns
and merged headers in DOCX (python-docx) and PDF (pdfplumber), list 1 counted from lists
2–4, the 整改销号 sentence, the note, landscape pages, the XLSX read back with openpyxl, and
errors naming the field. Names are invented (fixtures/daily-lists.json)."""

from __future__ import annotations

import copy
import io
import re
from datetime import datetime
from typing import Any

import docx
import openpyxl
import pdfplumber
import pytest

from service.issuing import validate
from service.kinds import KINDS
from service.render import render
from tests.conftest import docx_paragraphs, load_fixture, pdf_body_text, squeeze

KIND = KINDS["daily-lists"]
# The seed's header rows, its spaces (line breaks in its cells) taken out; "" where a merged
# cell of the seed is blank. One change: its list 3 prints 党政记处分, a misprint of the
# 党政纪处分 its list 1 has.
LIST1 = [
    ["单位/项目", "检查组(个)", "集中行动开展情况", "", "", "执法情况", "", "", "", "",
     "问责曝光工作不力情况", "", ""],
    ["", "", "检查企业(家)", "非法违法生产经营行为案例", "重大隐患", "责令限期整改企业(家)",
     "行政罚款(万)", "停产整顿(家)", "暂扣吊销证照(个)", "关闭取缔(家)",
     "追究问责情况(党政纪处分/追究刑事责任)", "曝光单位(家)", "典型(详情另报)(个)"],
]
BLOCKS = [("责令限期整改企业", "整改原因"), ("行政处罚款", "罚款原因"), ("停产整顿", "停产原因"),
          ("暂扣吊销证照", "暂扣吊销原因"), ("关闭取缔", "关闭取缔原因")]


def list2(name: str, reason: str) -> list[list[str]]:
    """The header rows of one block of the seed's list 2."""
    return [["序号", name, reason, "整改验收情况", "", "", "备注"],
            ["", "", "", "验收时间", "验收单位", "整改情况", ""]]


LIST3 = [["追责问责情形（党政纪处分/追究刑事责任）", "", "", ""], ["序号", "姓名", "单位", "职务"]]
LIST4 = [["序号", "检查单位", "行业领域", "被检查对象(企业或单位)", "重大隐患内容", "整改措施",
          "整改时限", "整改责任单位", "整改责任人", "挂牌督办单位(政府或部门)", "挂牌责任人",
          "整改销号情况"]]
HEADERS = [LIST1, *(list2(n, r) for n, r in BLOCKS), LIST3, LIST4]
# The fixture's list 1: 总计 first, as in the seed; 7.50 = 2.5 + 5 万元 of fines.
PROGRESS = [
    ["总计", "4", "26", "2", "2", "2", "7.50", "1", "1", "1", "1", "1", "2"],
    ["城关镇", "2", "14", "1", "1", "1", "2.50", "0", "1", "0", "0", "1", "1"],
    ["西河镇", "1", "9", "0", "0", "1", "0.00", "0", "0", "1", "1", "0", "0"],
    ["县城北环路改造工程", "1", "3", "1", "1", "0", "5.00", "1", "0", "0", "0", "0", "1"],
]
CLOSED = "2022年1月14日，经县应急管理局工贸股验收，整改完毕销号。"
NOTE = "注：“四个清单”每日16时前报送。"


def _files(data: dict[str, Any]) -> tuple[dict[str, Any], bytes, bytes]:
    context = {**KIND.build(validate(KIND, data), 1), "draft": False}
    return context, render(KIND.name, context, "docx"), render(KIND.name, context, "pdf")


@pytest.fixture(scope="module")
def rendered() -> tuple[dict[str, Any], bytes, bytes]:
    return _files(load_fixture("daily-lists"))


def docx_tables(content: bytes) -> list[list[list[str]]]:
    """Every table's rows as the seed writes them: a merged cell's text once, "" elsewhere."""
    tables = []
    for table in docx.Document(io.BytesIO(content)).tables:
        rows: list[list[str]] = []
        above: list[Any] = []
        for row in table.rows:
            cells, out = row.cells, []
            for c, cell in enumerate(cells):
                merged = (c and cell._tc is cells[c - 1]._tc) or (
                    above and cell._tc is above[c]._tc)
                out.append("" if merged else squeeze(cell.text))
            rows.append(out)
            above = cells
        tables.append(rows)
    return tables


def pdf_tables(content: bytes) -> list[list[list[str]]]:
    """Every table of every page, cells squeezed, "" for the parts of a merged cell."""
    with pdfplumber.open(io.BytesIO(content)) as pdf:
        return [[[squeeze(c) if c else "" for c in row] for row in table]
                for page in pdf.pages for table in page.extract_tables()]


def test_every_list_has_the_seeds_columns_and_merged_headers(rendered) -> None:  # type: ignore[no-untyped-def]
    _, docx_bytes, pdf_bytes = rendered
    for tables in (docx_tables(docx_bytes), pdf_tables(pdf_bytes)):
        assert len(tables) == len(HEADERS)  # nothing split into more tables than the seed's
        for table, header in zip(tables, HEADERS, strict=True):
            assert table[:len(header)] == header


def test_the_titles_captions_lines_and_note(rendered) -> None:  # type: ignore[no-untyped-def]
    _, docx_bytes, pdf_bytes = rendered
    paragraphs = [squeeze(p) for p in docx_paragraphs(docx_bytes) if p.strip()]
    pdf = pdf_body_text(pdf_bytes)
    for text in ("“百日攻坚”集中行动四个清单（日报）", "填报单位：东岭县应急管理局",
                 "填表人：周文涛", "填表日期：2022年1月14日", "1.“百日攻坚”集中行动进展清单",
                 "2.集中行动执法检查清单", "3.集中行动追责问责清单", "4.集中行动重大隐患挂牌督办清单"):
        assert any(text in p for p in paragraphs) and text in pdf, text
    assert paragraphs[-1] == NOTE and pdf.endswith(NOTE)


def test_list_one_is_counted_from_the_records_with_its_total_first(rendered) -> None:  # type: ignore[no-untyped-def]
    _, docx_bytes, pdf_bytes = rendered
    assert docx_tables(docx_bytes)[0][2:] == PROGRESS
    assert pdf_tables(pdf_bytes)[0][2:] == PROGRESS


def test_a_closed_hazard_prints_the_seeds_sentence(rendered) -> None:  # type: ignore[no-untyped-def]
    _, docx_bytes, pdf_bytes = rendered
    for tables in (docx_tables(docx_bytes), pdf_tables(pdf_bytes)):
        closures = [row[-1] for row in tables[-1][1:]]
        assert closures == ["未销号", CLOSED]
    assert re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日，经.+验收，整改完毕销号。", CLOSED)


def test_counts_follow_the_records() -> None:
    data = load_fixture("daily-lists")
    fined_again = {**data["enforcement"]["fines"][0], "amount_wan": 0.125}
    data["enforcement"]["fines"].append(fined_again)  # the same enterprise twice: 1 家
    data["enforcement"]["deadline"].append({**data["enforcement"]["deadline"][0]})
    data["enforcement"]["licenses"] = [
        {"project": "南山乡", "enterprise": "南山乡宏发石料厂", "reason": "采矿许可证过期"}]
    data["accountability"].append({"project": "城关镇", "measure": "追究刑事责任",
                                   "name": "钱志远", "employer": "东岭县恒达建材有限公司",
                                   "position": "总经理"})
    context = KIND.build(validate(KIND, data), None)
    rows = {r["name"]: r for r in context["progress_rows"]}
    assert rows["城关镇"]["fines"] == "2.63"  # 2.5 + 0.125, rounded half up as printed
    assert rows["城关镇"]["deadline"] == "1" and rows["总计"]["deadline"] == "2"
    assert rows["城关镇"]["accountability"] == "1" and rows["总计"]["accountability"] == "2"
    # a township only the records name gets a row of its own, its entered figures blank
    assert rows["南山乡"]["licenses"] == "1" and rows["南山乡"]["enterprises"] == ""
    assert rows["总计"]["licenses"] == "1" and rows["总计"]["enterprises"] == "26"
    assert any("南山乡" in w for w in context["warnings"])
    groups = [(g["measure"], [p["no"] for p in g["people"]]) for g in context["accountability"]]
    assert groups == [("党政纪处分", ["1"]), ("追究刑事责任", ["2"])]


def test_empty_lists_say_so() -> None:
    data = {k: v for k, v in load_fixture("daily-lists").items()
            if k not in ("enforcement", "accountability", "hazards")}
    _, docx_bytes, pdf_bytes = _files(data)
    tables = pdf_tables(pdf_bytes)
    assert [t[2][1] for t in tables[1:6]] == ["无"] * 5
    assert tables[6][2][0] == "无" and tables[7][1][3] == "无"
    assert docx_tables(docx_bytes)[0][2][:6] == ["总计", "4", "26", "2", "0", "0"]


def test_pages_are_landscape_and_headers_repeat(client) -> None:  # type: ignore[no-untyped-def]
    data = load_fixture("daily-lists")
    data["hazards"] = [copy.deepcopy(data["hazards"][0]) for _ in range(12)]
    pdf_bytes = client.post("/api/v1/render/daily-lists.pdf", json=data).data
    with pdfplumber.open(io.BytesIO(pdf_bytes)) as pdf:
        assert all(p.width > p.height for p in pdf.pages)
        last = [squeeze(p.extract_text() or "") for p in pdf.pages[-2:]]
    assert all("整改销号情况" in text for text in last)  # list 4 over two pages
    document = docx.Document(io.BytesIO(client.post("/api/v1/render/daily-lists.docx",
                                                    json=data).data))
    section = document.sections[0]
    width, height = section.page_width, section.page_height
    assert width and height and (round(width.mm), round(height.mm)) == (297, 210)
    for table, header in zip(document.tables, HEADERS, strict=True):
        repeated = [row._tr.trPr is not None and row._tr.trPr.find(
            docx.oxml.ns.qn("w:tblHeader")) is not None for row in table.rows]
        assert repeated[:len(header)] == [True] * len(header) and not any(
            repeated[len(header):])


def test_the_workbook_has_the_lists_as_numbers_dates_and_merged_headers(client, rendered) -> None:  # type: ignore[no-untyped-def]
    answer = client.post("/api/v1/render/daily-lists.xlsx", json=load_fixture("daily-lists"))
    assert answer.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(answer.data))
    assert book.sheetnames == ["进展清单", *(f"执法检查（{n}）" for n, _ in BLOCKS),
                               "追责问责清单", "重大隐患挂牌督办清单", *(  # then the raw records
                                   f"记录-{n}" for n in (
                                       "进展清单", "责令限期整改", "行政处罚款", "停产整顿",
                                       "暂扣吊销证照", "关闭取缔", "追责问责清单",
                                       "重大隐患挂牌督办清单"))]
    ws = book["进展清单"]
    assert ws["A1"].value == "“百日攻坚”集中行动四个清单（日报）"
    assert {"A4:A5", "B4:B5", "C4:E4", "F4:J4", "K4:M4"} <= {str(r) for r in ws.merged_cells.ranges}
    assert [ws.cell(5, c).value for c in range(3, 14)] == LIST1[1][2:]
    assert ws.print_title_rows == "$4:$5" and ws.page_setup.orientation == "landscape"
    pdf_total = pdf_tables(rendered[2])[0][2]
    total = [c.value for c in ws[6]]
    assert total[0] == "总计" and all(isinstance(v, int | float) for v in total[1:])
    assert total[1:] == [pytest.approx(float(v)) for v in pdf_total[1:]]  # the PDF's figures
    assert ws.cell(6, 7).value == pytest.approx(7.5) and isinstance(ws.cell(6, 2).value, int)
    fines = book["执法检查（行政处罚款）"]
    assert {"D4:F4", "G4:G5"} <= {str(r) for r in fines.merged_cells.ranges}
    assert fines["A6"].value == 1 and fines["D6"].value == datetime(2022, 1, 13)
    assert fines["D6"].number_format == 'yyyy"年"m"月"d"日"'
    hazards = book["重大隐患挂牌督办清单"]
    assert [c.value for c in hazards[4]] == LIST4[0]
    assert hazards["G5"].value == datetime(2022, 1, 20) and hazards["L6"].value == CLOSED
    people = book["追责问责清单"]
    assert "A4:D4" in {str(r) for r in people.merged_cells.ranges}
    assert [c.value for c in people[6]] == ["党政纪处分", None, None, None]
    assert [c.value for c in people[7]] == [1, "刘建平", "西河镇人民政府", "安监站站长"]
    assert people["A9"].value == NOTE


def test_issuing_stores_all_three_formats(client) -> None:  # type: ignore[no-untyped-def]
    answer = client.post("/api/v1/documents/daily-lists", json=load_fixture("daily-lists"))
    assert answer.status_code == 201, answer.get_json()
    body = answer.get_json()
    assert body["number"] is None and set(body["links"]) >= {"docx", "pdf", "xlsx"}
    assert client.get(body["links"]["xlsx"]).status_code == 200


@pytest.mark.parametrize("change,path,words", [
    (lambda d: d["hazards"][1].pop("closed_by"), "hazards.1.closed_by", "一并填写"),
    (lambda d: d["hazards"][0].update(closed_by="县应急管理局"), "hazards.0.closed_on", "一并填写"),
    (lambda d: d["hazards"][1].update(closed_on="2022-01-15"), "hazards.1.closed_on",
     "不能晚于填表日期"),
    (lambda d: d["enforcement"]["closures"][0].update(accepted_on="2022-02-01"),
     "enforcement.closures.0.accepted_on", "验收时间不能晚于填表日期"),
    (lambda d: d["progress"][1].update(name="城关镇"), "progress.1.name", "重复"),
    (lambda d: d["progress"][0].update(enterprises=-1), "progress.0.enterprises", "检查企业(家)"),
    (lambda d: d["enforcement"]["fines"][0].update(amount_wan=-2), "enforcement.fines.0.amount_wan",
     "罚款金额（万元）"),
    (lambda d: d["enforcement"]["fines"][0].pop("amount_wan"), "enforcement.fines.0.amount_wan",
     "缺少"),
    (lambda d: d["hazards"][0].update(hazard="隐" * 151), "hazards.0.hazard", "不能超过"),
    (lambda d: d["accountability"][0].update(measure="诫勉谈话"), "accountability.0.measure",
     "追责问责情形"),
    (lambda d: d.pop("filled_by"), "filled_by", "填表人"),
])
def test_errors_name_the_field(client, change, path, words) -> None:  # type: ignore[no-untyped-def]
    data = load_fixture("daily-lists")
    change(data)
    answer = client.post("/api/v1/render/daily-lists.pdf", json=data)
    assert answer.status_code == 422
    fields = answer.get_json()["fields"]
    assert [f["path"] for f in fields] == [path], fields
    assert words in fields[0]["message"], fields


def test_more_rows_than_a_day_renders_in_time_is_a_422_naming_the_longest_list(client) -> None:  # type: ignore[no-untyped-def]
    data = load_fixture("daily-lists")
    data["hazards"] = [data["hazards"][0]] * 90
    data["accountability"] = [data["accountability"][0]] * 20
    response = client.post("/api/v1/render/daily-lists.pdf", json=data)
    assert response.status_code == 422
    field = response.json["fields"][0]
    assert field["path"] == "hazards" and "合计最多100行" in field["message"]
