"""The officer's path in a real browser (Debian's Chromium through Playwright) against the
app served by gunicorn on a loopback port. Screenshots of each step go to the test's tmp dir
(and to $GONGWEN_SHOTS when set, to look at them)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from tests.conftest import pdf_text

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """gunicorn serving wsgi:app on a fresh SQLite register."""
    tmp = tmp_path_factory.mktemp("server")
    port = free_port()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp / 'register.sqlite3'}",
           "SECRET_KEY": "browser-test", "GONGWEN_LOCAL": "1", "GONGWEN_INSTANCE": str(tmp)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{port}",
         "wsgi:app"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/", timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    else:
        proc.kill()
        raise RuntimeError("gunicorn did not start: " + proc.stderr.read().decode()[-2000:])
    yield base
    proc.terminate()
    proc.wait(10)


@pytest.fixture(scope="module")
def browser_page() -> Iterator[Page]:
    assert Path(CHROMIUM).exists(), "make test installs Debian's chromium"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        context = browser.new_context(viewport={"width": 1366, "height": 768},
                                      accept_downloads=True, locale="zh-CN")
        yield context.new_page()
        browser.close()


class Shots:
    """Numbered screenshots of the steps of one test (viewport only: a full-page shot
    leaves Debian's Chromium with click coordinates off under this Playwright)."""

    def __init__(self, page: Page, folder: Path) -> None:
        self.page, self.folder, self.n = page, folder, 0
        self.copy_to = Path(os.environ["GONGWEN_SHOTS"]) if os.environ.get("GONGWEN_SHOTS") else None

    def __call__(self, name: str, around: str | None = None) -> None:
        self.n += 1
        path = self.folder / f"{self.n:02d}-{name}.png"
        if around:
            self.page.locator(around).first.scroll_into_view_if_needed()
        self.page.screenshot(path=str(path))
        if self.copy_to:
            self.copy_to.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, self.copy_to / path.name)


def fill_notice(page: Page) -> None:
    page.fill("#f-campaign", "安全生产领域风险隐患大排查大整治“百日攻坚”")
    page.fill("#f-code", "煤")
    page.select_option("#f-recipient_kind", "enterprise")
    page.fill("#f-received_on", "2022-01-05")
    page.fill("#f-received_by", "局专项行动办公室")
    page.select_option("#f-source", "report")
    page.fill("#f-subject", "东岭县鑫源煤业有限公司")
    page.fill("#f-allegation", "涉嫌瞒报亡人事故")
    page.fill("#f-basis", "东岭县“百日攻坚”集中行动实施方案")
    page.fill("[id='f-supervisor.name']", "周明远")
    page.fill("[id='f-supervisor.phone']", "0351-5550101")
    page.fill("[id='f-handler.name']", "韩晓东")
    page.fill("[id='f-attachments.0']", "群众举报信（复印件）")
    page.fill("#f-issuer", "东岭县应急管理局专项行动办公室")
    page.fill("#f-issued_on", "2022-01-07")


def test_officer_fills_previews_issues_downloads_and_reuses_a_notice(
        server: str, browser_page: Page, tmp_path: Path) -> None:
    page = browser_page
    shot = Shots(page, tmp_path)
    page.goto(server + "/")
    page.click("text=督查检查或群众举报事项交办（移送）书")
    expect(page.locator("h1")).to_have_text("督查检查或群众举报事项交办（移送）书")
    fill_notice(page)
    expect(page.locator("[id='f-feedback_due'] ~ .computed")).to_have_text("不填则为2022年1月14日")
    shot("filled-without-recipient", "#f-recipient")

    page.click("button.primary:has-text('预览草稿')")
    expect(page.locator("#err-recipient")).to_have_text("缺少主送单位")
    expect(page.locator("#f-subject")).to_have_value("东岭县鑫源煤业有限公司")  # kept
    shot("error-beside-recipient", "#err-recipient")

    page.fill("#f-recipient", "东岭县鑫源煤业有限公司")
    page.click("button.primary:has-text('预览草稿')")
    expect(page.locator("h1")).to_contain_text("预览")
    draft_pdf = page.request.get(server + page.locator("#draft-pdf").get_attribute("src"))
    assert "草稿" in pdf_text(draft_pdf.body())
    shot("draft-preview")
    page.reload()  # nothing is lost on a reload of the preview
    expect(page.locator("#draft-pdf")).to_be_visible()

    page.click("#issue")
    expect(page.locator("#number")).to_have_text("（煤）移〔2022〕1号")
    shot("issued")
    with page.expect_download() as info:
        page.click("#download-pdf")
    download = info.value
    assert download.suggested_filename == "（煤）移〔2022〕1号-交办（移送）书-东岭县鑫源煤业有限公司.pdf"
    assert "（煤）移〔2022〕1号" in pdf_text(Path(download.path()).read_bytes())
    assert page.locator("#print").get_attribute("target") == "_blank"

    page.goto(server + "/register")
    page.fill("input[name=q]", "（煤）移〔2022〕1号")
    page.click("button:has-text('筛选')")
    expect(page.locator("table.records tbody tr")).to_have_count(1)
    shot("register-search")
    page.click("table.records a:has-text('（煤）移〔2022〕1号')")
    page.click("#similar")
    expect(page.locator("#f-subject")).to_have_value("东岭县鑫源煤业有限公司")
    expect(page.locator("[id='f-attachments.0']")).to_have_value("群众举报信（复印件）")
    shot("new-similar")


def test_repeatable_rows_add_and_remove_in_the_browser(
        server: str, browser_page: Page, tmp_path: Path) -> None:
    page = browser_page
    shot = Shots(page, tmp_path)
    page.goto(server + "/new/transfer-notice")
    fill_notice(page)
    page.fill("#f-recipient", "西河镇人民政府")
    attachments = page.locator("fieldset[data-list=attachments]")
    attachments.locator("button.add").click()
    attachments.locator("button.add").click()
    page.fill("[id='f-attachments.1']", "现场照片6张")
    page.fill("[id='f-attachments.2']", "要删除的一行")
    shot("three-rows", "fieldset[data-list=attachments]")
    attachments.locator("li.row").nth(2).locator("button.remove").click()
    expect(attachments.locator("li.row")).to_have_count(2)
    page.locator("fieldset[data-list=cc] button.add").click()
    page.fill("[id='f-cc.0']", "驻局纪检监察组")
    page.fill("[id='f-cc.1']", "县安委会办公室")
    page.press("#f-issuer", "Enter")  # Enter previews; it must not press a 删除 button
    expect(page.locator("h1")).to_contain_text("预览")
    shot("preview")
    text = pdf_text(page.request.get(server + page.locator("#draft-pdf").get_attribute("src")).body())
    assert "2. 现场照片6张" in text and "要删除的一行" not in text
    assert "抄送：驻局纪检监察组，县安委会办公室。" in text.replace("\n", "")


def test_typical_case_keywords_and_paragraphs_as_rows(
        server: str, browser_page: Page, tmp_path: Path) -> None:
    """A kind made of lists: rows are added in place and keep their order."""
    page = browser_page
    shot = Shots(page, tmp_path)
    page.goto(server + "/new/typical-case")
    page.fill("#f-title", "东岭县应急管理局对东岭县某某煤业有限公司超能力组织生产案")
    keywords = page.locator("fieldset[data-list=keywords]")
    for i, word in enumerate(["超能力组织生产", "重大事故隐患", "停产整顿"]):
        if i:
            keywords.locator(":scope > button.add").click()
        page.fill(f"[id='f-keywords.{i}']", word)
    page.fill("#f-gist", "月原煤产量大于核定生产能力10%的，应当判定为重大事故隐患。")
    page.fill("[id='f-facts.0']", "2022年1月11日检查发现该矿超能力组织生产。")
    page.locator("fieldset[data-list=facts] > button.add").click()
    page.fill("[id='f-facts.1']", "该矿二采区同时布置两个回采工作面。")
    page.fill("[id='f-outcome.0']", "依法责令停产整顿，处罚款50万元。")
    page.fill("[id='f-analysis.responsibility']", "企业主体责任落实不到位。")
    page.fill("[id='f-recommendations.0']", "推进产量监测系统联网。")
    page.locator("fieldset[data-list=recommendations] > button.add").click()
    page.fill("[id='f-recommendations.1']", "对超产煤矿一律停产整顿。")
    shot("rows-filled", "fieldset[data-list=recommendations]")
    page.click("button.primary:has-text('预览草稿')")
    expect(page.locator("h1")).to_contain_text("预览")
    text = pdf_text(page.request.get(server + page.locator("#draft-pdf").get_attribute("src")).body())
    flat = text.replace("\n", "")
    assert "超能力组织生产；重大事故隐患；停产整顿" in flat
    assert flat.index("该矿超能力组织生产") < flat.index("二采区同时布置")
    assert "1. 推进产量监测系统联网。" in flat and "2. 对超产煤矿一律停产整顿。" in flat
    page.click("#edit")  # back to the form: every row is still there
    expect(page.locator("[id='f-keywords.2']")).to_have_value("停产整顿")
    expect(page.locator("[id='f-recommendations.1']")).to_have_value("对超产煤矿一律停产整顿。")
    shot("back-to-edit", "fieldset[data-list=keywords]")


def test_pages_fit_a_tablet_without_sideways_scrolling(server: str, browser_page: Page, tmp_path: Path) -> None:
    page = browser_page
    shot = Shots(page, tmp_path)
    for width, height in ((768, 1024), (1366, 768)):
        page.set_viewport_size({"width": width, "height": height})
        for path in ("/", "/new/summary", "/new/bulletin", "/register"):
            page.goto(server + path)
            overflow = page.evaluate("document.documentElement.scrollWidth")
            assert overflow <= width, f"{path} is {overflow}px wide at {width}px"
            if path == "/new/summary":
                shot(f"summary-form-{width}", "fieldset[data-list=findings]")
    page.set_viewport_size({"width": 1366, "height": 768})
