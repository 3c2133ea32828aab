"""A bulletin from the register in a real browser: the officer finds the week's issued typical
cases, ticks two, edits the filled form, previews and issues it; the PDF has those two
cases and neither the voided one nor another unit's."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import load_fixture, pdf_body_text
from tests.test_browser import ROOT, Shots, browser_page, free_port  # noqa: F401  (fixture)


def title(name: str) -> str:
    return f"东岭县应急管理局对东岭县{name}煤业有限公司超能力组织生产案"


def case(name: str, reported_on: str) -> dict:
    return {**load_fixture("typical-case"), "title": title(name), "reported_on": reported_on}


def post(url: str, body: dict) -> dict:
    request = urllib.request.Request(url, json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as answer:
        found: dict = json.load(answer)
        return found


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """gunicorn in local mode with cases issued: 恒泰 and 鑫源 (week 2022-W02), 金凤 (that
    week, voided) and 宏远 (the next week) in the local unit; 顺达 in another unit."""
    tmp = tmp_path_factory.mktemp("bulletin")
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp / 'register.sqlite3'}",
           "SECRET_KEY": "bulletin-test", "GONGWEN_LOCAL": "1", "GONGWEN_INSTANCE": str(tmp)}
    flask = [str(Path(sys.executable).parent / "flask"), "--app", "wsgi"]
    source = tmp / "west.json"
    source.write_text(json.dumps(case("顺达", "2022-01-12"), ensure_ascii=False), "utf-8")
    for args in (["init-db"], ["unit", "create", "west", "--name", "西河县应急管理局"],
                 ["render", "typical-case", str(source), "--issue", "--unit", "west",
                  "-o", str(tmp / "west.pdf")]):
        subprocess.run([*flask, *args], cwd=ROOT, env=env, check=True, capture_output=True)
    port = free_port()
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
        raise RuntimeError("gunicorn did not start: " + proc.stderr.read().decode()[-2000:])  # type: ignore[union-attr]
    for name, day in (("恒泰", "2022-01-11"), ("鑫源", "2022-01-13"), ("金凤", "2022-01-12"),
                      ("宏远", "2022-01-20")):
        issued = post(base + "/api/v1/documents/typical-case", case(name, day))
        if name == "金凤":
            post(f"{base}/api/v1/documents/{issued['id']}/void", {"reason": "重复报送"})
    yield base
    proc.terminate()
    proc.wait(10)


def test_an_officer_ticks_the_weeks_cases_into_a_bulletin(server: str, browser_page: Page,  # noqa: F811
                                                         tmp_path: Path) -> None:
    page = browser_page
    shot = Shots(page, tmp_path)
    page.goto(server + "/")
    page.click("#bulletin-from-register")
    rows = page.locator("table.records tbody tr")
    expect(rows).to_have_count(3)  # the unit's valid cases, any week
    page.fill("#week", "2022-W02")
    page.click("#search")
    expect(rows).to_have_count(2)
    expect(page.locator("table.records")).to_contain_text(title("恒泰"))
    expect(page.locator("table.records")).to_contain_text(title("鑫源"))
    page.fill("#q", "鑫源")
    page.click("#search")
    expect(rows).to_have_count(1)
    page.fill("#q", "")
    page.click("#search")
    expect(rows).to_have_count(2)
    for name in ("恒泰", "鑫源"):
        page.get_by_label(title(name)).check()
    shot("ticked", "#fill")

    page.click("#fill")
    expect(page.locator("h1")).to_contain_text("安全生产典型案例通报")
    values = page.evaluate("Array.from(document.querySelectorAll('input, textarea'))"
                           ".map(e => e.value).join('\\n')")
    assert title("恒泰") in values and title("鑫源") in values
    assert "2022-01-10" in values and "2022-01-16" in values
    page.fill("#f-unit", "东岭县应急管理局")
    page.fill("#f-issued_on", "2022-01-17")
    page.fill("[id='f-cases.0.gist']", "编发时补充的要旨。")  # still editable after filling
    shot("filled")
    page.click("button.primary:has-text('预览草稿')")
    expect(page.locator("h1")).to_contain_text("预览")
    page.click("#issue")
    expect(page.locator("#number")).to_have_text("东岭县应急管理局〔2022〕第1期")
    shot("issued")

    doc_id = page.url.rstrip("/").rsplit("/", 1)[-1]
    text = pdf_body_text(page.request.get(f"{server}/api/v1/documents/{doc_id}.pdf").body())
    assert title("恒泰") in text and title("鑫源") in text and "编发时补充的要旨。" in text
    assert not any(title(name) in text for name in ("金凤", "顺达", "宏远"))
