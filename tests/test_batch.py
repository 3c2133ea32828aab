"""Batch rendering from the command line: parallel items, errors.jsonl, manifest, re-runs."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from tests.conftest import load_fixture, pdf_text


def write_jsonl(path: Path, lines: list[object]) -> Path:
    path.write_text("".join((x if isinstance(x, str) else json.dumps(x, ensure_ascii=False))
                            + "\n" for x in lines), encoding="utf-8")
    return path


def items(n: int) -> list[object]:
    notice = load_fixture("transfer-notice")
    return [{"kind": "transfer-notice", "data": {**notice, "subject": f"第{i}家企业"}}
            for i in range(n)]


def test_batch_with_one_bad_line_reports_it_and_renders_the_rest(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    good = items(3)
    bad = {"kind": "transfer-notice", "data": {**load_fixture("transfer-notice"), "issued_on": "2022-02-30"}}
    source = write_jsonl(tmp_path / "in.jsonl", [good[0], bad, "{not json", good[1], good[2]])
    out = tmp_path / "out"
    result = runner.invoke(args=["batch", str(source), "-o", str(out), "--issue", "-j", "1"])
    assert result.exit_code == 1, result.output
    errors = [json.loads(x) for x in (out / "errors.jsonl").read_text().splitlines()]
    assert [e["line"] for e in errors] == [2, 3]
    assert errors[0]["fields"][0] == {"path": "issued_on", "message": "成文日期：日期格式应为YYYY-MM-DD，例如2022-01-07"}
    assert errors[1]["error"] == "bad_json"
    manifest = json.loads((out / "manifest.json").read_text())
    assert [e["number_text"] for e in manifest["items"]] == [
        "（煤）移〔2022〕1号", "（煤）移〔2022〕2号", "（煤）移〔2022〕3号"]
    for entry in manifest["items"]:
        for f in entry["files"].values():
            content = (out / f["name"]).read_bytes()
            assert hashlib.sha256(content).hexdigest() == f["sha256"]
    first = out / "（煤）移〔2022〕1号-交办（移送）书-东岭县鑫源煤业有限公司.pdf"
    assert "第0家企业" in pdf_text(first.read_bytes())
    assert (out / "（煤）移〔2022〕3号-交办（移送）书-东岭县鑫源煤业有限公司.docx").exists()

    # A re-run after fixing nothing finds every matter issued and takes no new number.
    again = runner.invoke(args=["batch", str(source), "-o", str(out), "--issue", "-j", "1"])
    assert again.exit_code == 1
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["already_issued"] == 3 and len(manifest["items"]) == 3
    assert "3项此前已签发" in again.output
    assert not (out / "（煤）移〔2022〕4号-交办（移送）书-东岭县鑫源煤业有限公司.pdf").exists()


def test_a_rerun_redoes_an_item_whose_file_was_lost(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    source = write_jsonl(tmp_path / "in.jsonl", items(2))
    out = tmp_path / "out"
    assert runner.invoke(args=["batch", str(source), "-o", str(out), "--issue", "-j", "1"]).exit_code == 0
    lost = out / "（煤）移〔2022〕2号-交办（移送）书-东岭县鑫源煤业有限公司.pdf"
    lost.unlink()
    assert runner.invoke(args=["batch", str(source), "-o", str(out), "--issue", "-j", "1"]).exit_code == 0
    assert lost.exists()  # same number again: the register replayed the issue
    assert json.loads((out / "manifest.json").read_text())["already_issued"] == 2


def test_parallel_workers_and_a_folder_of_fixtures(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "transfer-notice-a.json").write_text(json.dumps(load_fixture("transfer-notice")))
    (folder / "b.json").write_text(json.dumps({"kind": "transfer-notice",
                                               "data": load_fixture("transfer-notice-government")}))
    out = tmp_path / "out"
    result = runner.invoke(args=["batch", str(folder), "-o", str(out), "--format", "pdf", "-j", "2"])
    assert result.exit_code == 0, result.output
    manifest = json.loads((out / "manifest.json").read_text())
    names = sorted(f["name"] for e in manifest["items"] for f in e["files"].values())
    assert len(names) == 2 and all("-交办（移送）书-" in n and n.endswith(".pdf") for n in names)
    assert not list(out.glob("*.docx"))
    drafts = [pdf_text((out / n).read_bytes()) for n in names]
    assert all("草稿" in text for text in drafts)  # without --issue: drafts, no numbers


def test_render_one_file(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    source = tmp_path / "n.json"
    source.write_text(json.dumps(load_fixture("transfer-notice")), encoding="utf-8")
    out = tmp_path / "n.pdf"
    result = runner.invoke(args=["render", "transfer-notice", str(source), "-o", str(out), "--issue"])
    assert result.exit_code == 0, result.output
    assert "（煤）移〔2022〕1号" in pdf_text(out.read_bytes())
    bad = runner.invoke(args=["render", "transfer-notice", str(source), "-o", str(tmp_path / "x.txt")])
    assert bad.exit_code != 0 and ".docx、.pdf" in bad.output
    xlsx = runner.invoke(args=["render", "transfer-notice", str(source), "-o", str(tmp_path / "x.xlsx")])
    assert xlsx.exit_code == 2 and "没有xlsx格式" in xlsx.output
    source.write_text("{}")
    invalid = runner.invoke(args=["render", "transfer-notice", str(source), "-o", str(out)])
    assert invalid.exit_code != 0 and "缺少主送单位" in invalid.output


def case(title: str, unit: str, reported_on: str | None) -> dict:
    data = {**load_fixture("typical-case"), "title": title, "unit": unit}
    if reported_on:
        data["reported_on"] = reported_on
    else:
        data.pop("reported_on", None)
    return data


def test_weekly_bulletins_group_cases_by_unit_and_week(runner, app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    lines = [
        case("甲局对一号煤矿超能力生产案", "东岭县应急管理局", "2022-01-11"),
        case("乙所对二号加油站违规动火案", "西河镇安监所", "2022-01-12"),
        case("甲局对三号化工厂违规储存案", "东岭县应急管理局", "2022-01-14"),
        case("甲局对上周某矿案", "东岭县应急管理局", "2022-01-05"),  # another week
        case("没有日期的案", "东岭县应急管理局", None),
        {**case("缺要旨的案", "西河镇安监所", "2022-01-13"), "gist": ""},
    ]
    source = write_jsonl(tmp_path / "cases.jsonl", lines)
    out = tmp_path / "out"
    result = runner.invoke(args=["bulletin", str(source), "--week", "2022-W02", "-o", str(out),
                                 "--issued-on", "2022-01-17"])
    assert result.exit_code == 1, result.output  # two cases could not be used
    assert "2个单位" in result.output and "不在本周的案例1个" in result.output
    manifest = json.loads((out / "manifest.json").read_text())
    numbers = sorted(e["number_text"] for e in manifest["items"])
    assert numbers == ["东岭县应急管理局〔2022〕第1期", "西河镇安监所〔2022〕第1期"]
    county = next(e for e in manifest["items"] if e["number_text"].startswith("东岭"))
    text = pdf_text((out / county["files"]["pdf"]["name"]).read_bytes())
    assert "第1期" in text and "2022年1月10日至1月16日" in text
    assert text.index("甲局对一号煤矿超能力生产案") < text.index("甲局对三号化工厂违规储存案")
    assert "上周某矿" not in text and "乙所" not in text
    errors = {e["line"]: e for e in map(json.loads, (out / "errors.jsonl").read_text().splitlines())}
    assert errors[5]["fields"][0]["path"] == "reported_on"
    assert errors[6]["fields"][0] == {"path": "gist", "message": "缺少【要旨】"}
    bad = runner.invoke(args=["bulletin", str(source), "--week", "22W2", "-o", str(out)])
    assert bad.exit_code != 0 and "2022-W03" in bad.output
