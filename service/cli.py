"""Command line: `flask --app wsgi render|batch|bulletin …`, thin wrappers over the core."""

from __future__ import annotations

import getpass
import json
import os
import time
from datetime import date, datetime
from pathlib import Path

import click
from flask import Flask
from flask.cli import with_appcontext

from service import audit, bulletin_cases, bulletins, issuing, units
from service.batches import engine, folder
from service.cli_errors import CliError, Command, fail, read_json_file
from service.db import get_register
from service.errors import ServiceError
from service.tables import DEFAULT_UNIT


def cli_user() -> str:
    """issued_by for documents issued from the command line: cli:<login name> (also who the
    audit trail records for this command)."""
    user = f"cli:{getpass.getuser()}"
    audit.set_acting(user, "命令行")
    return user


class Progress:
    """A one-line progress bar on stderr: count, rate and time left."""

    def __init__(self) -> None:
        self.done, self.failed, self.start = 0, 0, time.monotonic()

    def step(self, result: engine.Result, total: int) -> None:
        """Count one finished item and redraw."""
        self.done += 1
        self.failed += result.error is not None
        rate = self.done / max(time.monotonic() - self.start, 1e-6)
        left = (total - self.done) / rate if rate else 0
        filled = int(30 * self.done / max(total, 1))
        line = (f"\r[{'#' * filled}{'-' * (30 - filled)}] {self.done}/{total} "
                f"{rate:.1f}/s 剩余{int(left // 60)}分{int(left % 60):02d}秒 失败{self.failed}")
        click.echo(line, err=True, nl=self.done == total)


def _existing(path: str) -> Path:
    found = Path(path)
    if not found.exists():
        raise CliError(f"找不到文件或目录：{path}", 1)
    return found


def _report(source: str, out: Path, failed: int, errors: int = 0) -> None:
    """Name the first failed items by file and line; exit 1 if any failed."""
    if not (failed or errors):
        return
    entries = (out / "errors.jsonl").read_text(encoding="utf-8").splitlines()
    for line in entries[:5]:
        entry = json.loads(line)
        fields = "；".join(f"{f['path']}：{f['message']}" for f in entry.get("fields", [])[:3])
        click.echo(f"{source} 第{entry.get('line')}行：{entry.get('message')}"
                   + (f"（{fields}）" if fields else ""), err=True)
    more = f"，另有{len(entries) - 5}项" if len(entries) > 5 else ""
    click.echo(f"失败的项目{more}见 {out / 'errors.jsonl'}（行号、字段和原因）", err=True)
    raise SystemExit(1)


@click.command("render", cls=Command)
@click.argument("kind")
@click.argument("source")
@click.option("-o", "--output", required=True, help="输出文件，格式由扩展名决定（.docx 或 .pdf）")
@click.option("--issue", is_flag=True, help="签发：分配文号并登记")
@click.option("--unit", "unit", default=DEFAULT_UNIT, show_default=True,
              help="签发单位的代码（flask --app wsgi unit list）")
@with_appcontext
def render_command(kind: str, source: str, output: str, issue: bool, unit: str) -> None:
    """Render one document from a JSON file; --issue numbers and registers it."""
    out = Path(output)
    fmt = out.suffix.lstrip(".").lower()
    if fmt not in ("docx", "pdf", "xlsx"):
        raise CliError("输出文件的扩展名应为 .docx、.pdf 或 .xlsx（统计表、线索清单）", 2)
    payload = read_json_file(_existing(source))
    try:
        spec = issuing.get_kind(kind)
        if fmt not in spec.formats:
            raise CliError(f"{spec.title}没有{fmt}格式（只有统计表和线索清单有）", 2)
        if issue:
            record = issuing.issue(get_register(), kind, payload, issued_by=cli_user(),
                                   unit=units.get(get_register(), unit).code)
            stored = get_register().content(record.id, fmt)
            assert stored is not None
            out.write_bytes(stored[0])
            click.echo(f"{record.number_text or record.label} → {out}")
            warnings = record.warnings
        else:
            draft = issuing.preview(kind, payload, fmt)  # type: ignore[arg-type]
            out.write_bytes(draft.content)
            click.echo(f"草稿 → {out}")
            warnings = draft.warnings
    except ServiceError as err:
        fail(err, f"{source}：")
    for warning in warnings:
        click.echo(f"提示：{warning}", err=True)


@click.command("batch", cls=Command)
@click.argument("source")
@click.option("-o", "--output", "out", required=True, help="输出目录")
@click.option("--format", "formats", default="docx,pdf", show_default=True,
              help="docx、pdf 或 docx,pdf")
@click.option("--issue", is_flag=True, help="签发：分配文号并登记（重跑不会重复编号）")
@click.option("-j", "--jobs", default="", help="同时生成的份数，默认为CPU核数")
@click.option("--unit", "unit", default=DEFAULT_UNIT, show_default=True,
              help="签发单位的代码（flask --app wsgi unit list）")
@with_appcontext
def batch_command(source: str, out: str, formats: str, issue: bool, jobs: str,
                  unit: str) -> None:
    """Render every item of a JSONL file or folder; bad items go to errors.jsonl."""
    if jobs and not (jobs.isdigit() and 1 <= int(jobs) <= 64):
        raise CliError("-j 应为1至64之间的整数", 2)
    try:
        fmts = engine.parse_formats(formats)
        units.get(get_register(), unit)
    except ServiceError as err:
        fail(err)
    path = _existing(source)
    done, failed = folder.run_to_folder(
        engine.read_items(path), Path(out), fmts, get_register() if issue else None,
        int(jobs or os.cpu_count() or 1), cli_user(), Progress().step, unit)
    before = json.loads((Path(out) / "manifest.json").read_text())["already_issued"]
    earlier = f"（其中{before}项此前已签发，未重复编号，见manifest.json）" if before else ""
    click.echo(f"完成{done}项{earlier}，失败{failed}项 → {out}")
    _report(source, Path(out), failed)


@click.command("bulletin", cls=Command)
@click.argument("cases", required=False)
@click.option("--from-register", is_flag=True,
              help="案例取自登记簿：本单位已签发的该周典型案例（代替案例文件）")
@click.option("--week", required=True, help="ISO周，如 2022-W03")
@click.option("-o", "--output", "out", required=True, help="输出目录")
@click.option("--issued-on", default="", help="印发日期（YYYY-MM-DD），默认今天")
@click.option("--format", "formats", default="docx,pdf", show_default=True)
@click.option("--unit", "unit", default=DEFAULT_UNIT, show_default=True,
              help="签发单位的代码（flask --app wsgi unit list）")
@with_appcontext
def bulletin_command(cases: str | None, from_register: bool, week: str, out: str,
                     issued_on: str, formats: str, unit: str) -> None:
    """Group the week's cases by reporting unit; issue one numbered bulletin per unit."""
    if bool(cases) == from_register:
        raise CliError("请给出案例文件，或用 --from-register 从登记簿取该周的案例（二者选一）", 2)
    try:
        monday, sunday = bulletins.iso_week(week)
        fmts = engine.parse_formats(formats)
        day = datetime.strptime(issued_on, "%Y-%m-%d").date() if issued_on else date.today()
        units.get(get_register(), unit)
    except ServiceError as err:
        fail(err)
    except ValueError:
        raise CliError("--issued-on 应为日期 YYYY-MM-DD，例如 2022-01-07", 2) from None
    source = cases or "登记簿"
    read = (bulletin_cases.week_items(get_register(), unit, monday, sunday) if from_register
            else list(engine.read_items(_existing(source), "typical-case")))
    by_unit, errors, other_weeks = bulletins.group_cases(read, monday, sunday)
    items = bulletins.bulletin_items(by_unit, monday, sunday, day)
    for item in items:  # one bulletin per reporting unit and week, however often it runs
        item.ref = f"通报:{monday}:{item.data['unit']}"
    done, failed = folder.run_to_folder(items, Path(out), fmts, get_register(), 1,
                                        cli_user(), unit=unit)
    folder.append_errors(Path(out), errors)
    click.echo(f"{week}（{monday}至{sunday}）：{len(by_unit)}个单位，通报{done}期；"
               f"不在本周的案例{other_weeks}个，有误的案例{len(errors)}个 → {out}")
    _report(source, Path(out), failed, len(errors))


def init_app(app: Flask) -> None:
    """Add the render, batch, bulletin, ledger and import-records commands."""
    from service import ops_cli
    from service.contacts_views import contacts_command
    from service.import_views import import_command
    from service.ledger_views import ledger_command

    for command in (render_command, batch_command, bulletin_command, ledger_command,
                    import_command, contacts_command):
        app.cli.add_command(command)
    ops_cli.init_app(app)  # backup, restore, verify, retention (service.ops_cli)
