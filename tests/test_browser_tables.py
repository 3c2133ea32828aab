"""Tables entered as tables, in a real browser (Debian's Chromium through Playwright): the
统计表's records as rows at 1366×768 and on a 768 px tablet without sideways scrolling of
the page, rows added and removed with honest labels and numbered again, 处理措施 ticked as
checkboxes posting the payload the API takes, the upload filling the table or naming the
bad row, and the period warning on the preview page before 签发."""

from __future__ import annotations

import csv
from pathlib import Path
from urllib.parse import parse_qsl

from playwright.sync_api import Page, expect
from werkzeug.datastructures import MultiDict

from service.form_posts import payload_from_form
from service.forms import form_for
from service.kinds import KINDS
from service.kinds.summary_records import RECORD_COLUMNS, cell
from tests.conftest import load_fixture
from tests.test_browser import Shots, browser_page, server  # noqa: F401  (fixtures)

FINDINGS = "fieldset[data-list=findings]"


def fits(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    inner = page.evaluate("window.innerWidth")
    assert width <= inner, f"{page.url} is {width}px wide at {inner}px"


def records_csv(path: Path, findings: list[dict], bad_date_at: int | None = None) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow([h for h, *_ in RECORD_COLUMNS])
        for i, f in enumerate(findings):
            row = [cell(k, kind, f.get(k)) for _, k, kind, _ in RECORD_COLUMNS]
            if i == bad_date_at:
                row[1] = "2022年2月30日"
            writer.writerow(["" if v is None else v for v in row])
    return path


def header(page: Page) -> None:
    page.fill("#f-unit", "东岭县应急管理局")
    page.fill("#f-filled_by", "李明远")
    page.fill("#f-filled_on", "2022-01-14")
    page.fill("#f-period_start", "2022-01-10")
    page.fill("#f-period_end", "2022-01-14")


def test_records_are_rows_at_1366_and_on_a_tablet(server: str, browser_page: Page,  # noqa: F811
                                                  tmp_path: Path) -> None:
    page = browser_page
    shot = Shots(page, tmp_path)
    for width, height in ((1366, 768), (768, 1024)):
        page.set_viewport_size({"width": width, "height": height})
        page.goto(server + "/new/summary")
        table = page.locator(FINDINGS)
        rows = table.locator("tbody tr.row")
        expect(rows).to_have_count(1)
        expect(table.locator("thead th").first).to_have_text("序号")
        expect(rows.first.locator("th.no")).to_have_text("1")
        add = table.get_by_role("button", name="增加一条记录")
        add.click()
        add.click()
        expect(rows).to_have_count(3)
        expect(rows.nth(2).locator("th.no")).to_have_text("3")
        expect(table.locator("[data-count]")).to_have_text("3")
        page.get_by_label("第1条记录 生产经营建设单位名称").fill("要删除的企业")
        page.get_by_label("第2条记录 生产经营建设单位名称").fill("东岭县鑫源煤业有限公司")
        page.get_by_label("第2条记录 发现日期").fill("2022-01-11")
        page.get_by_role("group", name="第2条记录 处理措施").get_by_label("行政处罚").check()
        expect(rows.nth(1).get_by_role("button")).to_have_accessible_name("删除本条（第2条记录）")
        fits(page)
        shot(f"three-rows-{width}", FINDINGS)

        rows.first.get_by_role("button", name="删除本条").click()
        expect(rows).to_have_count(2)
        expect(rows.first.locator("th.no")).to_have_text("1")
        expect(page.get_by_label("第1条记录 生产经营建设单位名称")).to_have_value("东岭县鑫源煤业有限公司")
        assert rows.first.locator("input").first.get_attribute("name") == "findings.0.enterprise"
        expect(page.get_by_role("group", name="第1条记录 处理措施").get_by_label("行政处罚")).to_be_checked()
        expect(page.get_by_label("第3条记录 生产经营建设单位名称")).to_have_count(0)
        expect(table.locator("[data-count]")).to_have_text("2")
        expect(rows.nth(1).get_by_role("button")).to_have_accessible_name("删除本条（第2条记录）")
        fits(page)
        shot(f"after-remove-{width}", FINDINGS)
    page.set_viewport_size({"width": 1366, "height": 768})


def test_ticked_boxes_post_the_payload_the_api_takes(server: str, browser_page: Page,  # noqa: F811
                                                    tmp_path: Path) -> None:
    page = browser_page
    shot = Shots(page, tmp_path)
    page.goto(server + "/new/summary")
    header(page)
    first = load_fixture("summary-weekly")["findings"][0]  # 责令停产整顿、行政处罚、挂牌督办
    table = page.locator(FINDINGS)
    table.get_by_role("button", name="增加一条记录").click()
    for n, f in ((1, first), (2, {**first, "enterprise": "东岭县宏泰煤业有限公司",
                                  "measures": ["挂牌督办", "责令限期整改"], "fine_wan": None})):
        record = f"第{n}条记录 "
        page.get_by_label(record + "生产经营建设单位名称").fill(f["enterprise"])
        page.get_by_label(record + "发现日期").fill(f["found_on"])
        page.get_by_label(record + "所在乡镇").fill(f["township"])
        page.get_by_label(record + "企业类别").fill(f["industry"])
        page.get_by_label(record + "问题类型").select_option(f["category"])
        page.get_by_label(record + "明细").fill(f["detail"])
        page.get_by_label(record + "信息来源").select_option(f["source"])
        page.get_by_label(record + "核查单位").fill(f["checked_by"])
        page.get_by_label(record + "违法性质").fill(f["nature"])
        for measure in f["measures"]:
            page.get_by_role("group", name=record + "处理措施").get_by_label(measure).check()
        if f["fine_wan"] is not None:
            page.get_by_label(record + "罚款（万元）").fill(str(f["fine_wan"]))
        page.get_by_label(record + "整改销号日期").fill(f["rectified_on"])
        page.get_by_label(record + "挂牌督办单位").fill(f["supervised_by"])
    page.get_by_label("第2条记录 是否提级核查").check()
    shot("ticked", FINDINGS)
    with page.expect_request(lambda r: r.method == "POST" and "/new/summary" in r.url) as sent:
        page.click("button.primary:has-text('预览草稿')")
    expect(page.locator("h1")).to_contain_text("预览")
    posted = MultiDict(parse_qsl(sent.value.post_data or "", keep_blank_values=True))
    payload = payload_from_form(form_for(KINDS["summary"].model), posted)
    order = ["行政处罚", "责令停产整顿", "挂牌督办"]  # a fresh form: the seeds' order
    assert payload["findings"][0] == {**first, "measures": order, "fine_wan": 5.0}
    assert payload["findings"][1]["measures"] == ["责令限期整改", "挂牌督办"]
    assert payload["findings"][1]["escalated"] is True
    assert payload["unit"] == "东岭县应急管理局" and len(payload["findings"]) == 2

    page.click("#edit")  # back to the form: the boxes ticked, and posted back in that order
    expect(page.get_by_role("group", name="第1条记录 处理措施").get_by_label("挂牌督办")).to_be_checked()
    with page.expect_request(lambda r: r.method == "POST" and "/new/summary" in r.url) as again:
        page.click("button.primary:has-text('预览草稿')")
    repost = MultiDict(parse_qsl(again.value.post_data or "", keep_blank_values=True))
    assert payload_from_form(form_for(KINDS["summary"].model), repost) == payload


def test_an_upload_fills_the_rows_or_names_the_bad_row_and_the_preview_warns(
        server: str, browser_page: Page, tmp_path: Path) -> None:  # noqa: F811
    page = browser_page
    shot = Shots(page, tmp_path)
    findings = load_fixture("summary-weekly")["findings"]  # two outside the period
    page.goto(server + "/new/summary")
    header(page)
    page.get_by_label("第1条记录 生产经营建设单位名称").fill("手填的一条")
    page.set_input_files("#import-file-findings",
                         str(records_csv(tmp_path / "坏记录.csv", findings, bad_date_at=1)))
    page.click("button:has-text('导入（替换下表全部记录）')")
    errors = page.locator("#import-errors")
    expect(errors).to_contain_text("“坏记录.csv”有1处错误，未导入任何记录")
    expect(errors).to_contain_text("第3行“发现日期”")
    expect(page.get_by_label("第1条记录 生产经营建设单位名称")).to_have_value("手填的一条")
    expect(page.locator(f"{FINDINGS} tbody tr.row")).to_have_count(1)
    expect(page.locator("#f-filled_by")).to_have_value("李明远")
    shot("import-error", "#import-errors")

    for width, height in ((768, 1024), (1366, 768)):
        page.set_viewport_size({"width": width, "height": height})
        page.set_input_files("#import-file-findings",
                             str(records_csv(tmp_path / "记录.csv", findings)))
        page.click("button:has-text('导入（替换下表全部记录）')")
        expect(page.locator("#import-notice")).to_have_text(
            f"已从“记录.csv”导入13条记录，替换了原有的{1 if width == 768 else 13}条。"
            "请核对后点“预览草稿”。")
        expect(page.locator(f"{FINDINGS} tbody tr.row")).to_have_count(13)
        expect(page.get_by_label("第13条记录 生产经营建设单位名称")).to_have_value(
            findings[12]["enterprise"])
        expect(page.get_by_role("group", name="第1条记录 处理措施").get_by_label("挂牌督办")
               ).to_be_checked()
        fits(page)
        box = page.locator(f"{FINDINGS} .table-box").bounding_box()
        assert box is not None and box["height"] <= height  # 13 records: one screen, not 15,821 px
        shot(f"imported-{width}", FINDINGS)

    page.click("button.primary:has-text('预览草稿')")
    expect(page.locator("h1")).to_contain_text("预览")
    warning = page.locator("#draft-warnings")
    expect(warning).to_contain_text("签发前请核对")
    expect(warning).to_contain_text("有2条记录的发现日期不在统计期内，已剔除")
    shot("preview-warning")
    page.click("#issue")
    expect(page.locator("dl.facts")).to_contain_text("有2条记录的发现日期不在统计期内，已剔除")
