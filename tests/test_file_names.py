"""Download and batch file names: number, kind, then the recipient or subject, in whole words;
a long name loses trailing words, never half a word or a bracket; batch zips are named in
Chinese with the job's date."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import quote, unquote

import pytest

from service import issuing
from service.batches import engine
from service.issuing import FILE_STEM, batch_zip_name, file_name
from service.kinds import KINDS
from tests.conftest import load_fixture

FIXTURES = sorted(p.stem for p in (Path(__file__).resolve().parents[1] / "fixtures").glob("*.json"))
OPEN, CLOSE = "（(〔[【［〖《〈“", "）)〕]】］〗》〉”"
FORBIDDEN = '/\\:*?"<>|'
BULLETIN_LABEL = "东岭县应急管理局安全生产典型案例通报（2022年1月10日至1月16日）"


def kind_of(fixture: str) -> str:
    return max((k for k in KINDS if fixture == k or fixture.startswith(k + "-")), key=len)


def balanced(text: str) -> bool:
    """Every opening bracket closed, in order."""
    stack: list[str] = []
    for c in text:
        if c in OPEN:
            stack.append(CLOSE[OPEN.index(c)])
        elif c in CLOSE and (not stack or stack.pop() != c):
            return False
    return not stack


def stem(name: str) -> str:
    return name.rsplit(".", 1)[0]


EXPECTED = {
    "bulletin": "东岭县应急管理局〔2022〕第2期-安全生产典型案例通报-2022年1月10日至1月16日.pdf",
    "commitment-letter": "承诺书-东岭县市场监督管理局2022年1月.pdf",
    "commitment-letter-enterprise": "承诺书-东岭县恒通气体充装有限公司2022年2月.pdf",
    "commitment-letter-township": "承诺书-东岭县市场监督管理局西河镇市场监督管理所2022年3月.pdf",
    "summary-dispatch": "统计表-东岭县应急管理局2022年1月1日至2022年1月15日"
                        "东岭县重大事故隐患专项排查整治2022行动进展情况调度表.pdf",
    "summary-report": "统计表-东岭县应急管理局2022年1月10日至2022年1月14日"
                      "东岭县安全生产“百日攻坚”冬季行动工作报表.pdf",
    "summary-weekly": "统计表-东岭县应急管理局2022年1月10日至2022年1月14日"
                      "非法违法生产经营建设行为、重大事故隐患统计表.pdf",
    "lead-ledger": "线索清单-东岭县应急管理局2022年1月10日至2022年1月14日.pdf",
    "contacts": "联络人-东岭县应急管理局2022年1月5日.pdf",
    "daily-lists": "四个清单-东岭县应急管理局2022年1月14日.pdf",
    "transfer-notice": "（煤）移〔2022〕1号-交办（移送）书-东岭县鑫源煤业有限公司.pdf",
    "transfer-notice-government": "（特）移〔2021〕1号-交办（移送）书-西河镇人民政府.pdf",
    "typical-case": "安全生产典型案例-东岭县应急管理局对东岭县恒泰煤业有限公司超能力组织生产案.pdf",
    "typical-case-minimal": "安全生产典型案例-西河镇安全生产监督管理所对西河镇顺达加油站违规动火作业案.pdf",
}


@pytest.mark.parametrize("fixture", FIXTURES)
def test_every_fixture_gets_a_whole_word_name(fixture: str) -> None:
    kind = KINDS[kind_of(fixture)]
    doc = issuing.validate(kind, load_fixture(fixture))
    series = kind.series(doc)
    number = series.text(series.fixed or 1) if series else None
    name = file_name(kind, number, kind.label(doc), "pdf")
    assert name == EXPECTED[fixture]
    head = f"{number}-{kind.short}-" if number else f"{kind.short}-"
    assert name.startswith(head) and len(name) > len(head) + len(".pdf")
    assert len(stem(name)) <= FILE_STEM and balanced(name)
    assert not set(name) & set(FORBIDDEN)


def test_the_bulletin_of_the_issue_is_not_cut_inside_its_period() -> None:
    """Today: `…（2022年1月10日至-安全生产典型案例通报.docx`."""
    bulletin = KINDS["bulletin"]
    for number in (None, "东岭县应急管理局〔2022〕第1期"):
        for limit in (FILE_STEM, 45, 35, 30, 25):
            name = file_name(bulletin, number, BULLETIN_LABEL, "docx", limit=limit)
            assert balanced(name) and "至-" not in name and "至." not in name, name
            assert len(stem(name)) <= limit, name
    assert (file_name(bulletin, None, BULLETIN_LABEL, "docx", limit=40)
            == "安全生产典型案例通报-东岭县应急管理局安全生产典型案例通报.docx")


def test_a_batch_of_drafts_names_the_bulletin_in_whole_words() -> None:
    item = engine.Item(1, "bulletin", load_fixture("bulletin"))
    result = engine.preview_item(item, ("docx",))
    assert result.error is None, result.error
    name = result.files["docx"][0]
    assert name == f"0001-安全生产典型案例通报-{BULLETIN_LABEL}.docx"
    assert balanced(name)


SUMMARY = ("东岭县应急管理局2022年1月1日至2022年1月15日东岭县重大事故隐患专项排查整治2022行动进展"
           "情况调度表")
RULES = "东岭县应急管理局对东岭县某某化工有限公司违反《危险化学品安全管理条例》“两重点一重大”规定案"


@pytest.mark.parametrize(("kind", "number", "label", "limit", "expected"), [
    # a long recipient with its former name in brackets: the bracket goes whole
    ("transfer-notice", "（煤）移〔2022〕12号",
     "东岭县西河镇鑫源煤业集团有限责任公司第二分公司（原东岭县西河镇鑫源煤矿三号井）：涉嫌瞒报",
     FILE_STEM, "（煤）移〔2022〕12号-交办（移送）书-东岭县西河镇鑫源煤业集团有限责任公司第二分公司"),
    # words end at punctuation: the trailing clause goes, its 、 too
    ("typical-case", None,
     "东岭县应急管理局对东岭县恒泰煤业有限公司超能力组织生产、未按规定排查治理重大事故隐患、"
     "拒不执行停产指令案", FILE_STEM,
     "安全生产典型案例-东岭县应急管理局对东岭县恒泰煤业有限公司超能力组织生产、"
     "未按规定排查治理重大事故隐患"),
    # a bracket at the end goes whole
    ("summary", None, SUMMARY + "（第二次）", FILE_STEM, "统计表-" + SUMMARY),
    # a number after a character starts a word (2022行动…); a date is one word, never cut
    ("summary", None, SUMMARY, 50,
     "统计表-东岭县应急管理局2022年1月1日至2022年1月15日东岭县重大事故隐患专项排查整治"),
    ("summary", None, SUMMARY, 33, "统计表-东岭县应急管理局2022年1月1日至2022年1月15日"),
    ("summary", None, SUMMARY, 31, "统计表-东岭县应急管理局"),
    # 《》 and “” are brackets too
    ("typical-case", None, RULES, 50,
     "安全生产典型案例-东岭县应急管理局对东岭县某某化工有限公司违反《危险化学品安全管理条例》"),
    ("typical-case", None, RULES, 40, "安全生产典型案例-东岭县应急管理局对东岭县某某化工有限公司违反"),
    # forbidden characters go, whitespace becomes one space
    ("typical-case", None, "A/B:C*D?E\"F<G>H|I\n对\t某某 案", FILE_STEM,
     "安全生产典型案例-ABCDEFGHI 对 某某 案"),
])
def test_long_names_lose_whole_trailing_words(kind: str, number: str | None, label: str,
                                              limit: int, expected: str) -> None:
    name = file_name(KINDS[kind], number, label, "pdf", limit=limit)
    assert name == expected + ".pdf"
    assert len(stem(name)) <= limit and balanced(name)


def test_one_word_longer_than_the_room() -> None:
    title = "东岭县应急管理局对东岭县恒泰煤业有限公司超能力组织生产并且拒不执行停产整顿指令" * 2
    # unnumbered: the label is all that tells the files apart, so it is cut, marked …
    name = file_name(KINDS["typical-case"], None, title, "pdf")
    assert len(stem(name)) == FILE_STEM and name.endswith("….pdf")
    # numbered: the number tells it apart; the recipient goes whole or not at all
    name = file_name(KINDS["transfer-notice"], "（煤）移〔2022〕1号", title + "：事由", "pdf")
    assert name == "（煤）移〔2022〕1号-交办（移送）书.pdf"


def test_batch_zip_name_is_chinese_with_the_day_in_beijing() -> None:
    late = datetime(2022, 1, 9, 16, 30, tzinfo=UTC)  # 00:30 on the 10th in Beijing
    assert batch_zip_name("0123456789abcdef", late) == "批量文书-2022年1月10日-01234567.zip"
    assert batch_zip_name("0123456789abcdef", late.replace(tzinfo=None)) == (
        "批量文书-2022年1月10日-01234567.zip")  # SQLite gives times back without their zone
    east = datetime(2022, 1, 10, 7, 59, tzinfo=timezone(timedelta(hours=8)))
    assert batch_zip_name("fedcba9876543210", east) == "批量文书-2022年1月10日-fedcba98.zip"


def test_the_job_zip_is_named_in_chinese_with_an_ascii_fallback(app, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from service.batches import queue

    monkeypatch.setattr(queue.huey, "immediate", True)
    monkeypatch.setattr(queue, "_register", app.extensions["register"])
    client = app.test_client()
    body = {"items": [{"kind": "transfer-notice", "data": load_fixture("transfer-notice")}],
            "formats": ["pdf"]}
    submitted = client.post("/api/v1/batches", json=body)
    assert submitted.status_code == 202, submitted.json
    job = client.get(submitted.headers["Location"]).json
    assert job["status"] == "finished"
    archive = client.get(job["links"]["zip"])
    assert archive.status_code == 200
    disposition = archive.headers["Content-Disposition"]
    assert disposition.startswith(f'attachment; filename="batch-{job["id"]}.zip"; ')
    created = datetime.fromisoformat(job["created_at"]).astimezone(timezone(timedelta(hours=8)))
    day = f"{created.year}年{created.month}月{created.day}日"
    expected = f"批量文书-{day}-{job['id'][:8]}.zip"
    assert disposition.endswith("filename*=UTF-8''" + quote(expected))
    assert unquote(disposition.split("filename*=UTF-8''")[1]) == expected
    assert disposition.isascii()
    names = zipfile.ZipFile(io.BytesIO(archive.data)).namelist()
    drafts = [n for n in names if n.endswith(".pdf")]
    assert drafts == ["0001-交办（移送）书-东岭县鑫源煤业有限公司：东岭县鑫源煤业有限公司涉嫌瞒报亡人事故.pdf"]
