"""Command line: `flask --app wsgi render|batch|bulletin …` — thin wrappers over the use case."""

from __future__ import annotations

import getpass
import hashlib
import json
import os
import sys
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import click
from flask import Flask, current_app

from service import batch, issuing
from service.db import get_register
from service.errors import ServiceError
from service.kinds import KINDS


def _formats(value: str) -> tuple[str, ...]:
    formats = tuple(dict.fromkeys(f.strip() for f in value.split(",") if f.strip()))
    if not formats or set(formats) - {"docx", "pdf"}:
        raise click.BadParameter("应为 docx、pdf 或 docx,pdf")
    return formats


class Progress:
    """A one-line progress bar on stderr: count, rate and time left."""

    def __init__(self, total: int) -> None:
        self.total, self.done, self.failed, self.start = total, 0, 0, time.monotonic()

    def step(self, failed: bool) -> None:
        """Count one finished item and redraw."""
        self.done += 1
        self.failed += failed
        elapsed = max(time.monotonic() - self.start, 1e-6)
        rate = self.done / elapsed
        left = (self.total - self.done) / rate if rate else 0
        width = 30
        filled = int(width * self.done / max(self.total, 1))
        line = (f"\r[{'#' * filled}{'-' * (width - filled)}] {self.done}/{self.total} "
                f"{rate:.1f}/s 剩余{int(left // 60)}分{int(left % 60):02d}秒 失败{self.failed}")
        click.echo(line, err=True, nl=self.done == self.total)


def _work(args: tuple[batch.Item, tuple[str, ...], str | None, str | None]) -> batch.Result:
    return batch.process(*args, issued_by=cli_user())


def cli_user() -> str:
    """issued_by for documents issued from the command line: cli:<login name>."""
    return f"cli:{getpass.getuser()}"


def _results(tasks: list[Any], jobs: int) -> Iterator[batch.Result]:
    if jobs == 1:
        yield from map(_work, tasks)
        return
    # spawn: workers start clean (no inherited database connections or font state)
    with ProcessPoolExecutor(jobs, mp_context=get_context("spawn")) as pool:
        yield from pool.map(_work, tasks, chunksize=4)


def run_batch(items: Iterable[batch.Item], out: Path, formats: tuple[str, ...],
              database_url: str | None, jobs: int, key_prefix: str) -> tuple[int, int]:
    """Render all items into `out` with a manifest and an error list; skip items a previous
    run finished. Returns (done, failed)."""
    out.mkdir(parents=True, exist_ok=True)
    manifest_path = out / "manifest.json"
    old = json.loads(manifest_path.read_text()) if manifest_path.exists() else {"items": []}
    finished = {e["key"]: e for e in old["items"] if _still_there(out, e)}
    entries = list(finished.values())
    todo = [item for item in items if item.key() not in finished]
    tasks = [(item, formats, database_url, f"{key_prefix}:{item.key()}" if database_url else None)
             for item in todo]
    progress = Progress(len(tasks))
    failed = 0
    with (out / "errors.jsonl").open("w", encoding="utf-8") as errors:
        for result in _results(tasks, jobs):
            if result.error:
                failed += 1
                errors.write(json.dumps(batch.error_entry(result), ensure_ascii=False) + "\n")
            else:
                for name, content in result.files.values():
                    (out / name).write_bytes(content)
                entries.append(batch.manifest_entry(result))
            progress.step(bool(result.error))
    entries.sort(key=lambda e: e["line"])
    summary = {"items": entries, "skipped": len(finished), "failed": failed}
    tmp = manifest_path.with_suffix(".tmp")
    tmp.write_text(json.dumps(summary, ensure_ascii=False, indent=1), encoding="utf-8")
    tmp.replace(manifest_path)
    return len(entries), failed


def _still_there(out: Path, entry: dict[str, Any]) -> bool:
    for f in entry["files"].values():
        path = out / f["name"]
        if not path.exists() or hashlib.sha256(path.read_bytes()).hexdigest() != f["sha256"]:
            return False
    return True


def init_app(app: Flask) -> None:
    """Add the render, batch and bulletin commands."""

    @app.cli.command("render")
    @click.argument("kind")
    @click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("-o", "--output", type=click.Path(path_type=Path), required=True,
                  help="输出文件，格式由扩展名决定（.docx 或 .pdf）")
    @click.option("--issue", is_flag=True, help="签发：分配文号并登记")
    def render_command(kind: str, source: Path, output: Path, issue: bool) -> None:
        """Render one document from a JSON file; --issue numbers and registers it."""
        fmt = output.suffix.lstrip(".").lower()
        if fmt not in ("docx", "pdf"):
            raise click.BadParameter("输出文件的扩展名应为 .docx 或 .pdf", param_hint="-o")
        payload = source.read_bytes()
        try:
            if issue:
                record = issuing.issue(get_register(), kind, payload, issued_by=cli_user())
                content = get_register().content(record.id, fmt)
                assert content is not None
                output.write_bytes(content[0])
                click.echo(f"{record.number_text or record.label} → {output}")
                warnings = record.warnings
            else:
                draft = issuing.preview(kind, payload, fmt)  # type: ignore[arg-type]
                output.write_bytes(draft.content)
                click.echo(f"草稿 → {output}")
                warnings = draft.warnings
        except ServiceError as err:
            for f in err.fields:
                click.echo(f"  {f['path']}: {f['message']}", err=True)
            raise click.ClickException(err.message) from None
        for warning in warnings:
            click.echo(f"提示：{warning}", err=True)

    @app.cli.command("batch")
    @click.argument("source", type=click.Path(exists=True, path_type=Path))
    @click.option("-o", "--output", "out", type=click.Path(file_okay=False, path_type=Path),
                  required=True, help="输出目录")
    @click.option("--format", "formats", default="docx,pdf", show_default=True,
                  help="docx、pdf 或 docx,pdf")
    @click.option("--issue", is_flag=True, help="签发：分配文号并登记（重跑不会重复编号）")
    @click.option("-j", "--jobs", type=click.IntRange(1, 256), default=None,
                  help="并行进程数，默认为CPU核数")
    def batch_command(source: Path, out: Path, formats: str, issue: bool, jobs: int | None) -> None:
        """Render every item of a JSONL file or folder; bad items go to errors.jsonl."""
        fmts = _formats(formats)
        url = current_app.config["DATABASE_URL"] if issue else None
        prefix = "cli-batch:" + hashlib.sha256(str(source.resolve()).encode()).hexdigest()[:12]
        done, failed = run_batch(batch.read_items(source), out, fmts, url,
                                 jobs or os.cpu_count() or 1, prefix)
        click.echo(f"完成{done}项，失败{failed}项 → {out}")
        if failed:
            click.echo(f"失败的项目见 {out / 'errors.jsonl'}", err=True)
            sys.exit(1)

    from service.weekly import bulletin_command

    app.cli.add_command(bulletin_command)

    del render_command, batch_command  # registered on app.cli


__all__ = ["init_app", "run_batch", "KINDS"]
