"""Every officer page in a real browser (Debian's Chromium through Playwright, the app under
gunicorn as in tests/test_browser.py) checked by axe-core (the axe-playwright-python package
carries it): no violation of any rule axe runs by default (WCAG 2.0/2.1 A and AA and its
best practices), at 1366×768 and at 768 px. And what axe cannot see: where focus goes after
a failed submit, a summary link to a group and a removed row; the rows' names after rows
move; the site's focus ring (screenshots in the test's tmp dir, and in $GONGWEN_SHOTS)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from service.form_posts import flatten
from service.kinds import KINDS
from tests.conftest import load_fixture
from tests.test_browser import Shots, browser_page, server  # noqa: F401  (fixtures)

WIDTHS = [(1366, 768), (768, 1024)]
AXE = Axe()


def focused_id(page: Page) -> str:
    return str(page.evaluate("document.activeElement && document.activeElement.id"))


def axe_violations(page: Page) -> list[str]:
    """axe-core's violations on the page as it is: rule, impact and the elements."""
    results = AXE.run(page)
    out = []
    for v in results.response["violations"]:
        targets = [" ".join(map(str, n["target"])) for n in v["nodes"]][:5]
        out.append(f"{v['id']} ({v['impact']}): {v['help']} → {targets}")
    return out


def csrf(page: Page, base: str) -> str:
    page.goto(base + "/new/transfer-notice")
    return str(page.locator("input[name=_csrf]").first.get_attribute("value"))


@pytest.fixture(scope="module")
def site(server: str, browser_page: Page) -> Iterator[dict[str, str]]:  # noqa: F811
    """A draft, an issued notice (with the lead it makes) on the server: their pages."""
    page = browser_page
    token = csrf(page, server)
    form = {k: str(v) for k, v in flatten(load_fixture("transfer-notice")).items()
            if not k.endswith("__len__")}
    answer = page.request.post(server + "/new/transfer-notice", max_redirects=0,
                               form={**form, "_csrf": token, "_preview": "1"})
    assert answer.status == 302, answer.text()[:2000]
    draft = server + answer.headers["location"] if answer.headers["location"].startswith(
        "/") else answer.headers["location"]
    page.goto(draft)
    page.click("#issue")
    expect(page.locator("#number")).to_contain_text("号")
    document = page.url
    page.goto(server + "/leads?status=")
    lead = page.locator("table.records a[href^='/leads/']").first.get_attribute("href")
    yield {"draft": draft, "document": document, "lead": server + str(lead)}


def pages(site: dict[str, str]) -> list[tuple[str, str]]:
    return [("home", "/"), *[(f"new {k}", f"/new/{k}") for k in KINDS],
            ("draft", site["draft"]), ("document", site["document"]),
            ("register", "/register"), ("search", "/register?q=%E7%85%A4&year=2022"),
            ("search none", "/register?q=nothing-like-this"),
            ("leads", "/leads"), ("leads all", "/leads?status="), ("lead", site["lead"]),
            ("new lead", "/leads/new"), ("unit", "/unit"), ("bulletin picker", "/bulletins/cases"),
            ("bulletin picker found", "/bulletins/cases?q=%E6%A1%88"),
            ("audit", "/audit"), ("login", "/login"), ("404", "/no-such-page"),
            ("404 document", "/documents/00000000-0000-0000-0000-000000000000")]


def failed_submits(page: Page, base: str, site: dict[str, str]) -> Iterator[str]:
    """Pages after a failed submit, each left open in `page`; yields their names."""
    for kind in KINDS:
        page.goto(f"{base}/new/{kind}")
        page.evaluate("""document.querySelectorAll("input[aria-required=true]:not([type=checkbox]), "
            + "textarea[aria-required=true]").forEach((e) => { e.value = ""; })""")  # prefilled
        page.click("button.primary:has-text('预览草稿')")
        expect(page).to_have_title(re.compile("^有错误"))
        yield f"new {kind} with errors"
    page.goto(base + "/leads/new")
    page.click("form.doc-form button[type=submit]")
    expect(page).to_have_title(re.compile("^有错误"))
    yield "new lead with errors"
    page.goto(base + "/unit")
    page.fill("#codes", "煤（矿）")
    page.click("form.doc-form button[type=submit]")
    expect(page).to_have_title(re.compile("^有错误"))
    expect(page.locator("#form-errors")).to_be_focused()
    yield "unit with an error"
    page.goto(base + "/login")
    page.fill("#username", "nobody")
    page.fill("#password", "wrong password")
    page.click("button.primary")
    expect(page).to_have_title(re.compile("^有错误"))
    yield "login with an error"
    page.goto(site["document"])
    page.fill("#reason", "主送单位名称有误")
    page.evaluate("document.getElementById('void-form').noValidate = true")  # as without JS
    page.click("#void")  # not confirmed
    expect(page).to_have_title(re.compile("^有错误"))
    yield "void without confirming"


def test_axe_finds_no_violation_on_any_page(server: str, browser_page: Page,  # noqa: F811
                                            site: dict[str, str], tmp_path: Path) -> None:
    page = browser_page
    shot = Shots(page, tmp_path)
    found: dict[str, list[str]] = {}
    try:
        for width, height in WIDTHS:
            page.set_viewport_size({"width": width, "height": height})
            for name, path in pages(site):
                page.goto(path if path.startswith("http") else server + path)
                if violations := axe_violations(page):
                    found[f"{name} @{width}"] = violations
            for name in failed_submits(page, server, site):
                if violations := axe_violations(page):
                    found[f"{name} @{width}"] = violations
                if name.startswith("new transfer-notice"):
                    shot(f"errors-{width}")
    finally:
        page.set_viewport_size({"width": 1366, "height": 768})
    assert not found, "\n".join(f"{page_}: {v}" for page_, vs in found.items() for v in vs)


def test_a_failed_submit_focuses_the_summary_whose_links_focus_the_fields(
        server: str, browser_page: Page) -> None:  # noqa: F811
    page = browser_page
    page.goto(server + "/new/transfer-notice")
    page.fill("#f-campaign", "百日攻坚")
    page.click("button.primary:has-text('预览草稿')")
    expect(page).to_have_title(re.compile("^有错误：督查检查或群众举报事项交办"))
    expect(page.locator("#form-errors")).to_be_focused()
    summary = page.locator("#form-errors")
    # a field
    summary.get_by_role("link", name="缺少文号代字").click()
    expect(page.locator("#f-code")).to_be_focused()
    # a group (承办人): its first field; a list (有关材料): its first row's field
    summary.get_by_role("link", name="缺少承办人").click()
    expect(page.locator("[id='f-handler.name']")).to_be_focused()
    summary.get_by_role("link", name="缺少有关材料").click()
    expect(page.locator("[id='f-attachments.0']")).to_be_focused()
    # the fields inside the group read the group's error
    expect(page.locator("[id='f-handler.name']")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("[id='f-handler.name']")).to_have_accessible_description(
        re.compile("缺少承办人"))
    expect(page.locator("#f-code")).to_have_accessible_description(
        re.compile("1至6个字.*缺少文号代字"))


def test_a_table_row_error_link_focuses_the_rows_first_field(
        server: str, browser_page: Page) -> None:  # noqa: F811
    page = browser_page
    page.goto(server + "/new/summary")
    page.get_by_label("第1条记录 生产经营建设单位名称").fill("东岭县鑫源煤业有限公司")
    page.click("button.primary:has-text('预览草稿')")
    expect(page.locator("#form-errors")).to_be_focused()
    links = page.locator("#form-errors a[href^='#f-findings.0']")
    expect(links.first).to_be_visible()
    links.first.click()
    focused = focused_id(page)
    assert focused.startswith("f-findings.0."), focused


def test_removing_a_row_focuses_a_neighbour_and_rows_are_named_again(
        server: str, browser_page: Page) -> None:  # noqa: F811
    page = browser_page
    page.goto(server + "/new/transfer-notice")
    attachments = page.locator("fieldset[data-list=attachments]")
    add = attachments.get_by_role("button", name="增加一行有关材料")
    add.click()
    expect(page.locator("[id='f-attachments.1']")).to_be_focused()
    add.click()
    for i, text in enumerate(["群众举报信", "现场照片", "询问笔录"]):
        page.fill(f"[id='f-attachments.{i}']", text)
    rows = attachments.locator("li.row")
    for i in range(3):
        expect(rows.nth(i).get_by_role("button")).to_have_accessible_name(f"删除第{i + 1}项有关材料")
        expect(rows.nth(i).get_by_role("textbox")).to_have_accessible_name(f"第{i + 1}项有关材料")
    # the middle row: focus to the next row's field, now 第2项
    attachments.get_by_role("button", name="删除第2项有关材料").click()
    expect(page.locator("[id='f-attachments.2']")).to_be_focused()
    expect(page.locator("[id='f-attachments.2']")).to_have_accessible_name("第2项有关材料")
    expect(rows.nth(1).get_by_role("button")).to_have_accessible_name("删除第2项有关材料")
    # the last row: focus to the previous one
    attachments.get_by_role("button", name="删除第2项有关材料").click()
    expect(page.locator("[id='f-attachments.0']")).to_be_focused()
    # the first row left: the one after it becomes the required first row
    add.click()
    page.fill("[id='f-attachments.1']", "检查记录")
    expect(page.locator("[id='f-attachments.1']")).not_to_have_attribute("aria-required", "true")
    attachments.get_by_role("button", name="删除第1项有关材料").click()
    expect(page.locator("[id='f-attachments.1']")).to_be_focused()
    expect(page.locator("[id='f-attachments.1']")).to_have_attribute("aria-required", "true")
    # the only row: focus to the add button
    attachments.get_by_role("button", name="删除第1项有关材料").click()
    expect(add).to_be_focused()
    # 抄送 is optional: its rows never say required
    cc = page.locator("fieldset[data-list=cc]")
    cc.get_by_role("button", name="增加一行抄送").click()
    expect(cc.locator("input").first).not_to_have_attribute("aria-required", "true")


def test_removing_a_record_focuses_the_next_records_first_field(
        server: str, browser_page: Page) -> None:  # noqa: F811
    page = browser_page
    page.goto(server + "/new/summary")
    table = page.locator("fieldset[data-list=findings]")
    table.get_by_role("button", name="增加一条记录").click()
    table.get_by_role("button", name="增加一条记录").click()
    page.get_by_label("第3条记录 生产经营建设单位名称").fill("第三家")
    table.get_by_role("button", name="删除本条（第2条记录）").click()
    first = table.locator("tbody tr.row").nth(1).locator("input:not([type=hidden]), select, "
                                                           "textarea").first
    expect(first).to_be_focused()
    expect(page.get_by_label("第2条记录 生产经营建设单位名称")).to_have_value("第三家")
    table.get_by_role("button", name="删除本条（第2条记录）").click()  # the last: previous
    expect(table.locator("tbody tr.row").first.locator(
        "input:not([type=hidden]), select, textarea").first).to_be_focused()
    table.get_by_role("button", name="删除本条（第1条记录）").click()  # the only one: add
    expect(table.get_by_role("button", name="增加一条记录")).to_be_focused()


def ring(page: Page, selector: str) -> dict[str, Any]:
    return dict(page.evaluate(
        """(sel) => { const s = getComputedStyle(document.querySelector(sel));
           return {style: s.outlineStyle, width: s.outlineWidth, color: s.outlineColor}; }""",
        selector))


def test_the_focus_ring_is_the_sites_own_at_both_widths(server: str, browser_page: Page,  # noqa: F811
                                                        tmp_path: Path) -> None:
    page = browser_page
    shot = Shots(page, tmp_path)
    try:
        for width, height in WIDTHS:
            page.set_viewport_size({"width": width, "height": height})
            page.goto(server + "/new/transfer-notice")
            page.keyboard.press("Tab")  # the first link, in the red header
            expect(page.locator("header.top a.brand")).to_be_focused()
            assert ring(page, "header.top a.brand") == {
                "style": "solid", "width": "3px", "color": "rgb(255, 255, 255)"}
            shot(f"focus-header-link-{width}")
            page.focus("#f-campaign")
            page.keyboard.press("Tab")
            expect(page.locator("#f-code")).to_be_focused()
            assert ring(page, "#f-code") == {
                "style": "solid", "width": "3px", "color": "rgb(11, 61, 145)"}
            shot(f"focus-input-{width}", "#f-code")
            page.focus("[id='f-attachments.0']")
            page.keyboard.press("Tab")
            remove = page.get_by_role("button", name="删除第1项有关材料")
            expect(remove).to_be_focused()
            assert ring(page, "button.remove")["width"] == "3px"
            shot(f"focus-button-{width}", "fieldset[data-list=attachments]")
            page.click("button.primary:has-text('预览草稿')")
            expect(page.locator("#form-errors")).to_be_focused()
            assert ring(page, "#form-errors")["width"] == "3px"
            shot(f"focus-summary-{width}", "#form-errors")
            page.keyboard.press("Tab")  # into the summary: its first link
            expect(page.locator("#form-errors a").first).to_be_focused()
            shot(f"focus-summary-link-{width}", "#form-errors")
    finally:
        page.set_viewport_size({"width": 1366, "height": 768})
