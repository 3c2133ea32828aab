"""Two units in a real browser: an admin of one sets its profile, which fills a new form;
each unit's officers number from 1 and never see the other's documents."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.test_browser import CHROMIUM, FLAGS, ROOT, fill_notice, free_port

PASSWORD = "correct horse 1"


@pytest.fixture(scope="module")
def secure_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """gunicorn with log-in on, units east and west, an admin and an officer in each."""
    tmp = tmp_path_factory.mktemp("units")
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp / 'register.sqlite3'}",
           "SECRET_KEY": "units-test", "GONGWEN_INSTANCE": str(tmp)}
    env.pop("GONGWEN_LOCAL", None)
    flask = [str(Path(sys.executable).parent / "flask"), "--app", "wsgi"]

    def cli(*args: str, stdin: str | None = None) -> None:
        subprocess.run([*flask, *args], cwd=ROOT, env=env, input=stdin, text=True, check=True,
                       capture_output=True)

    cli("init-db")
    for code, name in (("east", "东岭县应急管理局"), ("west", "西河县应急管理局")):
        cli("unit", "create", code, "--name", name)
        cli("user", "create", f"{code}-admin", "--unit", code, "--admin", stdin=PASSWORD + "\n")
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{port}",
         "wsgi:app"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/login", timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    else:
        proc.kill()
        raise RuntimeError("gunicorn did not start: " + proc.stderr.read().decode()[-2000:])  # type: ignore[union-attr]
    yield base
    proc.terminate()
    proc.wait(10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield chromium
        chromium.close()


def officer(browser: Browser, base: str, username: str) -> Page:
    """A fresh browser window (its own cookies) logged in as `username`."""
    page = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN").new_page()
    page.goto(base + "/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button.primary")
    expect(page.locator("h1")).not_to_have_text("登录")
    return page


def issue_notice(page: Page, base: str) -> str:
    page.goto(base + "/new/transfer-notice")
    fill_notice(page)
    page.fill("#f-recipient", "东岭县鑫源煤业有限公司")
    page.click("button.primary:has-text('预览草稿')")
    page.click("#issue")
    expect(page.locator("#number")).to_contain_text("号")
    return page.url


def test_two_units_side_by_side_in_the_browser(secure_server: str, browser: Browser) -> None:
    east = officer(browser, secure_server, "east-admin")
    east.click("nav >> text=本单位")
    expect(east.locator("h1")).to_have_text("本单位：东岭县应急管理局")
    east.fill("#name", "东岭县应急管理局专项行动办公室")
    east.fill("#codes", "非、煤")
    east.fill("#supervisor-name", "赵督办")
    east.fill("#supervisor-phone", "0000-1111111")
    east.click("button.primary:has-text('保存')")
    expect(east.locator("[role=status]")).to_have_text("已保存。")

    east.goto(secure_server + "/new/transfer-notice")
    expect(east.locator("#f-issuer")).to_have_value("东岭县应急管理局专项行动办公室")
    expect(east.locator("#f-code")).to_have_value("非")
    expect(east.locator("[id='f-supervisor.name']")).to_have_value("赵督办")

    east_doc = issue_notice(east, secure_server)
    expect(east.locator("#number")).to_have_text("（煤）移〔2022〕1号")

    west = officer(browser, secure_server, "west-admin")
    west.goto(secure_server + "/register")
    expect(west.locator("body")).not_to_contain_text("（煤）移〔2022〕1号")
    missing = west.goto(east_doc)
    assert missing is not None and missing.status == 404
    issue_notice(west, secure_server)
    expect(west.locator("#number")).to_have_text("（煤）移〔2022〕1号")  # its own series
    west.goto(secure_server + "/new/transfer-notice")
    expect(west.locator("#f-issuer")).to_have_value("西河县应急管理局")


def test_void_and_correct_in_the_browser(secure_server: str, browser: Browser) -> None:
    page = officer(browser, secure_server, "east-admin")
    first = issue_notice(page, secure_server)
    number = page.locator("#number").inner_text()
    page.click("#void")  # nothing ticked: the browser asks for the reason first
    expect(page.locator("#status")).to_have_text("有效")
    page.fill("#reason", "主送单位名称有误")
    page.click("#void")  # the confirmation is still not ticked: nothing happens
    expect(page.locator("#status")).to_have_text("有效")
    page.check("#confirm")
    page.click("#void")
    expect(page.locator("#status")).to_have_text("已作废")
    expect(page.locator("#void-notice")).to_contain_text("主送单位名称有误")
    expect(page.locator("#correct")).to_have_count(0)

    second = issue_notice(page, secure_server)
    old_number = page.locator("#number").inner_text()
    page.click("#correct")
    expect(page.locator("#correcting")).to_contain_text(old_number)
    expect(page.locator("#f-recipient")).to_have_value("东岭县鑫源煤业有限公司")  # prefilled
    page.fill("#f-allegation", "涉嫌瞒报事故")
    page.click("button.primary:has-text('预览草稿')")
    expect(page.locator("#correcting")).to_contain_text(old_number)
    page.click("#issue")
    new_number = page.locator("#number").inner_text()
    assert new_number not in (number, old_number)
    expect(page.locator("#replaces")).to_have_text(old_number)
    page.goto(second)
    expect(page.locator("#status")).to_have_text("已作废")
    expect(page.locator("#replaced-by")).to_have_text(new_number)
    page.goto(secure_server + "/register")
    expect(page.locator("table.records")).to_contain_text("（已作废）")
    assert first != second
