"""The command line speaks Chinese when something is wrong, click's own errors included,
and names the file and line at fault."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import load_fixture


def test_click_usage_errors_are_in_chinese(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    source = tmp_path / "n.json"
    source.write_text(json.dumps(load_fixture("transfer-notice"), ensure_ascii=False))
    missing = runner.invoke(args=["render", "transfer-notice", str(source)])
    assert missing.exit_code == 2
    assert "错误：缺少参数 -o" in missing.output and "用法：" in missing.output
    assert "Missing option" not in missing.output and "Usage:" not in missing.output
    unknown = runner.invoke(args=["batch", str(source), "-o", str(tmp_path), "--frmat", "pdf"])
    assert unknown.exit_code == 2 and "不认识的选项 --frmat" in unknown.output
    extra = runner.invoke(args=["render", "transfer-notice", str(source), "x", "-o", "a.pdf"])
    assert extra.exit_code == 2 and "多余的参数" in extra.output
    jobs = runner.invoke(args=["batch", str(source), "-o", str(tmp_path), "-j", "0"])
    assert jobs.exit_code == 2 and "-j 应为1至64之间的整数" in jobs.output


def test_a_missing_file_and_broken_json_name_the_file_and_line(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    gone = runner.invoke(args=["render", "transfer-notice", str(tmp_path / "无.json"),
                               "-o", str(tmp_path / "a.pdf")])
    assert gone.exit_code == 1 and "找不到文件或目录" in gone.output and "无.json" in gone.output
    broken = tmp_path / "broken.json"
    broken.write_text('{\n  "unit": "县应急管理局",\n  "subject": \n}\n', encoding="utf-8")
    result = runner.invoke(args=["render", "transfer-notice", str(broken),
                                 "-o", str(tmp_path / "a.pdf")])
    assert result.exit_code == 1
    assert f"{broken} 第4行第1列：不是有效的JSON" in result.output


def test_invalid_data_names_the_file_and_each_field(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data = load_fixture("transfer-notice")
    data.pop("subject")
    source = tmp_path / "notice.json"
    source.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = runner.invoke(args=["render", "transfer-notice", str(source),
                                 "-o", str(tmp_path / "a.pdf")])
    assert result.exit_code == 1
    assert f"错误：{source}：数据有1处错误" in result.output
    assert "subject：缺少涉及单位或个人" in result.output
    unknown_kind = runner.invoke(args=["render", "no-kind", str(source),
                                       "-o", str(tmp_path / "a.pdf")])
    assert unknown_kind.exit_code == 3 and "没有“no-kind”这种文书" in unknown_kind.output


def test_a_batch_names_the_lines_that_failed(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    good = {"kind": "transfer-notice", "data": load_fixture("transfer-notice")}
    bad = {"kind": "transfer-notice", "data": {**good["data"], "issued_on": "2022-02-30"}}
    source = tmp_path / "items.jsonl"
    source.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in (good, bad))
                      + "\n{oops\n", encoding="utf-8")
    result = runner.invoke(args=["batch", str(source), "-o", str(tmp_path / "out"),
                                 "--format", "docx", "-j", "1"])
    assert result.exit_code == 1
    assert f"{source} 第2行：" in result.output and "issued_on：成文日期" in result.output
    assert f"{source} 第3行：不是有效的JSON" in result.output
    weeks = runner.invoke(args=["bulletin", str(source), "--week", "22W2", "-o", str(tmp_path)])
    assert weeks.exit_code == 1 and "周次应为ISO周，如 2022-W03" in weeks.output
