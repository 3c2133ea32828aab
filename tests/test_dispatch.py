"""The 调度表 of seed 004 in full (issue 17, item 1): its four blocks and their items in
DOCX, PDF and XLSX, the 县/镇/部门 split and the seed's pairs, the 填报说明, the figures
counted from the records beside those entered, and the 28th."""

from __future__ import annotations

import io
import json
import re
from decimal import Decimal
from typing import Any
from urllib.parse import unquote

import docx
import openpyxl
import pdfplumber
import pytest

from service.issuing import validate
from service.kinds import KINDS
from service.render import render
from tests.conftest import docx_paragraphs, load_fixture, pdf_text, squeeze

KIND = KINDS["summary"]
# Seed 004's 调度表, block by block, its items as printed there (half-width brackets).
SEED = {
    "总体情况": [
        "企业自查发现的重大事故隐患(个)", "企业自查发现重大事故隐患中已完成整改的(个)",
        "执法检查发现的重大事故隐患(个)", "执法检查发现重大事故隐患中已完成整改的(个)",
        "群众举报的重大事故隐患(个)", "群众举报的重大事故隐患中已完成整改的(个)",
        "上级交办的重大事故隐患(个)", "上级交办的重大事故隐患中已完成整改的(个)",
        "政府部门挂牌督办的重大事故隐患(个)", "挂牌督办重大事故隐患中已完成整改的(个)"],
    "对企业自查自改进行抽查检查情况": [
        "抽查检查的企业总数(家)", "企业主要负责人未按要求亲自研究排查整治工作(家)",
        "企业主要负责人未带队检查(家)", "企业未制定分管负责人职责清单(家)",
        "企业未依法建立安全管理机构和配足安全管理人员(家)", "电焊等特种作业岗位人员无证上岗作业(家)",
        "外包外租安全管理混乱(家)", "未按规定开展应急演练、员工不熟悉逃生出口(家)"],
    "部门精准严格执法情况": [
        "帮扶指导重点镇(个次)", "帮扶指导重点企业(家次)", "行政处罚(次,万元)",
        "企业和企业主要负责人“一案双罚”(次)", "移送司法机关(人)", "责令停产整顿/关闭取缔(家)",
        "曝光、约谈、联合惩戒企业(家)", "公布典型案例(个),其中危险作业罪案例(个)",
        "责任倒查追责问责(人)", "约谈通报企业(次)"],
    "组织领导情况": [
        "专项行动小组组织专题学习安全生产十五条硬措施(次)", "股室负责人分别专题研究(次)",
        "领导小组负责同志分别现场督导检查(次)", "分管领导分别到企业宣讲(次)",
        "举报奖励(万元),其中匿名举报查实奖励(万元)", "是否在本级主流媒体播放安全生产专题栏目",
        "配备专兼职技术检查员数量(人)", "组织开展考核巡查督导检查(次)"],
}
FIGURES = {"spot_checked": 41, "heads_not_studying": 3, "no_drills": 2, "towns_assisted": 6,
           "cases_published": 5, "dangerous_work_cases": 2, "interviews": 9,
           "study_county": 2, "study_town": 11, "study_department": 4, "visits_county": 1,
           "reward_wan": 1.2, "anonymous_reward_wan": 0.5, "media_column": "是",
           "inspectors_county": 12, "inspectors_town": 30, "assessments": 3}


def seedlike(text: str) -> str:
    """A label as the seed spells it: half-width brackets and commas."""
    return text.replace("（", "(").replace("）", ")").replace("，", ",")


def full() -> dict[str, Any]:
    """The fixture with the entered figures, cumulative to the 28th."""
    return {**load_fixture("summary-dispatch"), "period_end": "2022-01-28",
            "filled_on": "2022-01-28", "dispatch": FIGURES}


def context(data: dict[str, Any]) -> dict[str, Any]:
    return {**KIND.build(validate(KIND, data), 1), "draft": False}


def docx_rows(content: bytes) -> list[list[str]]:
    table = docx.Document(io.BytesIO(content)).tables[0]
    return [[c.text for c in row.cells] for row in table.rows]


def pdf_rows(content: bytes) -> list[list[str]]:
    with pdfplumber.open(io.BytesIO(content)) as pdf:
        return [[squeeze(c or "") for c in row] for page in pdf.pages
                for table in page.extract_tables() for row in table]


def items(rows: list[list[str]]) -> dict[str, list[tuple[str, str, str]]]:
    """(序号, 项目, value) per block, from a table printed two items a line."""
    out: dict[str, list[tuple[str, str, str]]] = {}
    block = ""
    for row in rows:
        block = row[0] or block
        for no, label, value in (row[1:4], row[4:7]):
            out.setdefault(block, []).append((no, label, value))
    return out


def test_the_four_blocks_and_their_items_are_the_seeds_in_docx_and_pdf() -> None:
    ctx = context(full())
    word, pdf = render("summary", ctx, "docx"), render("summary", ctx, "pdf")
    printed = items(docx_rows(word))
    assert list(printed) == list(SEED)
    for block, labels in SEED.items():
        assert [n for n, _, _ in printed[block]] == [str(i) for i in range(1, len(labels) + 1)]
        assert [seedlike(label) for _, label, _ in printed[block]] == labels, block
    in_pdf = items(pdf_rows(pdf))
    assert [squeeze(b) for b in in_pdf] == list(SEED)  # each block whole, on one page
    for block, entries in printed.items():
        assert in_pdf[block] == [tuple(squeeze(c) for c in e) for e in entries], block


def test_split_cells_and_pairs_print_as_the_seed_has_them() -> None:
    printed = items(docx_rows(render("summary", context(full()), "docx")))
    values = {seedlike(label): value for block in printed.values() for _, label, value in block}
    assert values["专项行动小组组织专题学习安全生产十五条硬措施(次)"] == "县（2）\n镇（11）\n部门（4）"
    assert values["领导小组负责同志分别现场督导检查(次)"] == "县（1）\n镇（\u3000）\n部门（\u3000）"
    assert values["股室负责人分别专题研究(次)"] == "县（\u3000）\n镇（\u3000）\n部门（\u3000）"
    assert values["配备专兼职技术检查员数量(人)"] == "县（12）\n镇（30）"  # no 部门, as the seed
    assert values["公布典型案例(个),其中危险作业罪案例(个)"] == "5个\n其中2个"
    assert values["举报奖励(万元),其中匿名举报查实奖励(万元)"] == "1.20万元\n其中0.50万元"
    assert values["是否在本级主流媒体播放安全生产专题栏目"] == "是"
    assert values["行政处罚(次,万元)"].endswith("万元") and "次\n" in values["行政处罚(次,万元)"]
    assert re.fullmatch(r"\d+（停产）\n\d+（关闭）", values["责令停产整顿/关闭取缔(家)"])
    assert values["企业主要负责人未带队检查(家)"] == ""  # not entered: blank, by hand


def test_counted_figures_are_the_records_recount() -> None:
    data = full()
    kept = [f for f in data["findings"]
            if data["period_start"] <= f["found_on"] <= data["period_end"]]
    fined = [f for f in kept if "行政处罚" in f["measures"]]
    fines = sum((Decimal(str(f.get("fine_wan") or 0)) for f in fined), Decimal(0))
    stopped = {f["enterprise"] for f in kept if "责令停产整顿" in f["measures"]}
    closed = {f["enterprise"] for f in kept if "关闭取缔" in f["measures"]}
    exposed = {f["enterprise"] for f in kept
               if {"公开曝光", "警示约谈", "联合惩戒"} & set(f["measures"])}
    values = {i["label"]: i["values"] for i in context(data)["dispatch_items"]}
    assert values["行政处罚（次，万元）"] == [len(fined), float(fines)]
    assert values["责令停产整顿/关闭取缔（家）"] == [len(stopped), len(closed)]
    assert values["曝光、约谈、联合惩戒企业（家）"][0] == len(exposed)


def test_the_seeds_filling_notes_print_under_the_table() -> None:
    ctx = context(full())
    paragraphs = docx_paragraphs(render("summary", ctx, "docx"))
    text = squeeze(pdf_text(render("summary", ctx, "pdf")))
    assert "专项行动进展情况调度表填报说明：" in paragraphs
    for start in ("1. 局专项行动领导组办公室", "2. 调度表内容应围绕专项行动工作",
                  "3. 调度表中明确提出县、镇、部门的有关事项需要分开进行统计上报。",
                  "4. 各专项行动小组分别汇总统计报送本股室和所属行业领域有关情况（报送两张表）。"):
        assert any(p.startswith(start) for p in paragraphs), start
    assert "每月28日前上报截至当月28日的累计情况。" in text
    assert text.index("填报说明") > text.index("组织开展考核巡查督导检查")


def test_a_period_not_ending_on_the_28th_is_warned_in_chinese(client) -> None:  # type: ignore[no-untyped-def]
    assert not any("28日" in w for w in context(full())["warnings"])
    old = load_fixture("summary-dispatch")  # ends on the 15th
    expected = "调度表按填报说明报送截至当月28日的累计情况，本表统计期止为2022年1月15日，不是28日"
    assert expected in context(old)["warnings"]
    preview = client.post("/api/v1/render/summary.pdf", json=old)
    assert expected in json.loads(unquote(preview.headers["X-Warnings"]))
    issued = client.post("/api/v1/documents/summary", json=old).json
    assert expected in issued["warnings"]
    weekly = {**load_fixture("summary-weekly"), "dispatch": {"spot_checked": 1}}
    assert "调度表填报数只印在调度表中，本表未列入" in context(weekly)["warnings"]


def test_an_older_dispatch_payload_still_renders_with_blank_entered_cells() -> None:
    ctx = context(load_fixture("summary-dispatch"))
    printed = items(docx_rows(render("summary", ctx, "docx")))
    assert printed["对企业自查自改进行抽查检查情况"][0][2] == ""
    assert printed["总体情况"][0][2] != ""  # counted


@pytest.mark.parametrize("change,path", [
    ({"cases_published": 1, "dangerous_work_cases": 2}, "dispatch.dangerous_work_cases"),
    ({"reward_wan": 0.1, "anonymous_reward_wan": 0.5}, "dispatch.anonymous_reward_wan"),
    ({"spot_checked": -1}, "dispatch.spot_checked"),
    ({"media_column": "有"}, "dispatch.media_column"),
    ({"study_county": "2"}, "dispatch.study_county"),
])
def test_bad_figures_are_a_422_naming_the_field(client, change: dict[str, Any], path: str) -> None:  # type: ignore[no-untyped-def]
    data = {**full(), "dispatch": {**FIGURES, **change}}
    answer = client.post("/api/v1/render/summary.pdf", json=data)
    assert answer.status_code == 422 and answer.json["error"] == "invalid"
    fields = {f["path"]: f["message"] for f in answer.json["fields"]}
    assert path in fields and re.search(r"[\u4e00-\u9fff]", fields[path]), fields


def test_the_workbook_has_the_blocks_merged_and_the_pdfs_figures_as_numbers() -> None:
    ctx = context(full())
    ws = openpyxl.load_workbook(io.BytesIO(render("summary", ctx, "xlsx")))["调度表"]
    assert [ws.cell(4, c).value for c in range(1, 9)] == ["类别", "序号", "项目", "数值", None,
                                                         "县", "镇", "部门"]
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert "D4:E4" in merged and ws.freeze_panes == "A5" and ws.print_title_rows == "$4:$4"
    row, seen = 5, []
    for block, labels in SEED.items():
        assert ws.cell(row, 1).value == block
        assert f"A{row}:A{row + len(labels) - 1}" in merged
        assert [seedlike(ws.cell(row + i, 3).value) for i in range(len(labels))] == labels
        seen += [[ws.cell(row + i, c).value for c in range(2, 9)] for i in range(len(labels))]
        row += len(labels) + 1  # a blank line between blocks
    by_label = {seedlike(r[1]): r for r in seen}
    printed = {seedlike(label): value for block in items(pdf_rows(render("summary", ctx, "pdf")))
               .values() for _, label, value in block}
    penalties = by_label["行政处罚(次,万元)"]
    assert isinstance(penalties[2], int) and isinstance(penalties[3], float)
    assert printed["行政处罚(次,万元)"] == f"{penalties[2]}次{penalties[3]:.2f}万元"
    assert by_label["专项行动小组组织专题学习安全生产十五条硬措施(次)"][4:] == [2, 11, 4]
    assert by_label["配备专兼职技术检查员数量(人)"][4:] == [12, 30, None]
    assert by_label["举报奖励(万元),其中匿名举报查实奖励(万元)"][2:4] == [1.2, 0.5]
    assert by_label["是否在本级主流媒体播放安全生产专题栏目"][2] == "是"
    for label, cells in by_label.items():  # every single figure is the PDF's
        if cells[3] is None and isinstance(cells[2], int):
            assert printed[label] == str(cells[2]), label
    assert ws.page_setup.orientation == "landscape"
