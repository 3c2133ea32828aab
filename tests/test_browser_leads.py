"""The closed loop in a real browser: an officer registers a lead, transfers it by a notice
filled in from it, types in the answer with the signed report, and closes it (销号)."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from tests.test_browser import Shots, browser_page, server  # noqa: F401  (fixtures)


def test_a_lead_from_registering_to_closing(server: str, browser_page: Page,  # noqa: F811
                                            tmp_path: Path) -> None:
    page = browser_page
    shot = Shots(page, tmp_path)
    page.goto(server + "/leads")
    page.click("text=登记线索")
    page.fill("#f-received_on", "2022-01-05")
    page.fill("#f-source", "12350举报电话")
    page.fill("#f-reporter", "赵举报 13912345678")
    page.fill("#f-content", "鑫源煤业涉嫌瞒报亡人事故")
    page.select_option("#f-category", "瞒报事故")
    page.fill("#f-enterprise", "东岭县鑫源煤业有限公司")
    page.click("button:has-text('登记')")
    expect(page.locator("h1")).to_contain_text("线索〔2022〕1号")
    shot("registered")

    page.click("text=交办：填写交办（移送）书")
    expect(page.locator("#f-subject")).to_have_value("东岭县鑫源煤业有限公司")
    expect(page.locator("#f-allegation")).to_have_value("鑫源煤业涉嫌瞒报亡人事故")
    page.fill("#f-campaign", "安全生产领域风险隐患大排查大整治“百日攻坚”")
    page.fill("#f-code", "煤")
    page.fill("#f-recipient", "东岭县鑫源煤业有限公司")
    page.select_option("#f-recipient_kind", "enterprise")
    page.fill("#f-received_by", "局专项行动办公室")
    page.fill("#f-basis", "东岭县“百日攻坚”集中行动实施方案")
    page.fill("[id='f-supervisor.name']", "周明远")
    page.fill("[id='f-handler.name']", "韩晓东")
    page.fill("[id='f-attachments.0']", "群众举报信（复印件）")
    page.fill("#f-issuer", "东岭县应急管理局专项行动办公室")
    page.fill("#f-issued_on", "2022-01-07")
    page.click("button.primary:has-text('预览草稿')")
    page.click("#issue")
    expect(page.locator("#number")).to_have_text("（煤）移〔2022〕1号")

    page.goto(server + "/leads?status=&as_of=2022-01-08")
    page.click("text=线索〔2022〕1号")
    expect(page.locator("dl.facts")).to_contain_text("（煤）移〔2022〕1号")
    expect(page.locator("dl.facts")).to_contain_text("2022-01-14")
    page.fill("#f-acknowledged_on", "2022-01-07")
    page.fill("#f-feedback_on", "2022-01-13")
    page.select_option("#f-substantiated", "属实")
    page.fill("#f-progress", "已责令停产整顿并立案处罚")
    page.fill("#f-signed_by", "王局长")
    page.check("#f-concluded")
    report = tmp_path / "report.pdf"
    report.write_bytes(b"%PDF-1.4\n% signed\n")
    page.set_input_files("#f-file", str(report))
    page.click("button:has-text('保存反馈')")
    expect(page.locator("p.notice")).to_have_text("反馈已保存。")
    expect(page.locator("h1 small")).to_have_text("已反馈")
    shot("answered")

    page.click("button:has-text('审核通过，销号')")
    expect(page.locator("h1 small")).to_have_text("已办结")
    expect(page.locator("text=下载")).to_be_visible()
    shot("closed")
    page.goto(server + "/leads?status=closed")
    expect(page.locator("table.records tbody tr")).to_have_count(1)
