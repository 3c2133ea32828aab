"""Operator commands over the whole register: `backup`, `restore` and `verify` (and
`retention` to run the minute job's sweep by hand). Thin: the work is in service.backup,
service.verify and service.retention; this maps their outcome to Chinese and exit codes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from flask import Flask
from flask.cli import with_appcontext

from service import backup, retention, verify
from service.cli_errors import CliError, Command, fail
from service.db import get_register
from service.errors import ServiceError


def _summary(manifest: dict[str, Any]) -> str:
    """One line about what a backup holds."""
    counts, series = manifest["counts"], manifest["series"]
    return (f"文书{counts['documents']}份、文件{counts['files']}个、"
            f"操作记录{counts['audit_events']}条、线索{counts['leads']}条，编号序列{len(series)}个")


@click.command("backup", cls=Command)
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="备份文件（另写 <文件>.manifest.json 清单）")
@click.option("--force", is_flag=True, help="覆盖已有的备份文件")
@with_appcontext
def backup_command(output: Path, force: bool) -> None:
    """Copy the running SQLite register consistently, with a manifest (PostgreSQL: pg_dump)."""
    try:
        manifest = backup.backup(get_register(), output, overwrite=force)
    except ServiceError as err:
        fail(err)
    click.echo(f"已备份到 {output}：{_summary(manifest)}")
    click.echo(f"清单 {backup.manifest_path(output)}，SHA-256 {manifest['sha256']}")


@click.command("restore", cls=Command)
@click.argument("source", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="登记簿不是空的也覆盖（原有内容全部丢失）")
@with_appcontext
def restore_command(source: Path, force: bool) -> None:
    """Restore a backup (its SHA-256 checked against its manifest) into an empty register."""
    try:
        manifest = backup.restore(get_register(), source, force=force)
    except ServiceError as err:
        fail(err)
    click.echo(f"已从 {source}（{manifest['created_at']}）恢复：{_summary(manifest)}")
    click.echo("请运行 flask --app wsgi verify 核对")


@click.command("verify", cls=Command)
@with_appcontext
def verify_command() -> None:
    """Check every file's SHA-256, every series for gaps and duplicates, the audit trail."""
    report = verify.verify(get_register())
    click.echo(report.text())
    if not report.ok:
        raise SystemExit(1)


@click.command("retention", cls=Command)
@with_appcontext
def retention_command() -> None:
    """Delete expired drafts and batch outputs now (the queue's minute job does it too)."""
    try:
        swept = retention.sweep(get_register())
    except ValueError as err:
        raise CliError(str(err), 2) from None
    click.echo(f"已删除过期草稿{swept.drafts}份、批量任务{swept.batches}个（已签发的文书从不删除）")


def init_app(app: Flask) -> None:
    """Add the backup, restore, verify and retention commands."""
    for command in (backup_command, restore_command, verify_command, retention_command):
        app.cli.add_command(command)
