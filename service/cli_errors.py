"""The one place errors become Chinese messages and exit codes on the command line, click's
own usage errors included."""

from __future__ import annotations

import json
from pathlib import Path
from typing import IO, Any, NoReturn

import click

from service.errors import (
    Conflict,
    Forbidden,
    Invalid,
    NotFound,
    RenderFailed,
    ServiceError,
    StorageUnavailable,
)
from service.storage import storage_error

# Exit codes: 1 bad data (or items that failed), 2 wrong usage (as click), 3 not found,
# 4 a clash with the register, 5 a render failed or ran over its time limit, 6 the register
# cannot be written (disk full, read-only).
EXIT_CODES: tuple[tuple[type[ServiceError], int], ...] = (
    (Invalid, 1), (Forbidden, 1), (NotFound, 3), (Conflict, 4), (RenderFailed, 5),
    (StorageUnavailable, 6))


class CliError(click.ClickException):
    """An error shown as `错误：…` with an exit code of our own."""

    def __init__(self, message: str, exit_code: int = 1, details: list[str] | None = None):
        super().__init__(message)
        self.exit_code = exit_code  # type: ignore[misc]
        self.details = details or []

    def show(self, file: IO[Any] | None = None) -> None:
        """Print the message and its details in Chinese on stderr."""
        click.echo(f"错误：{self.message}", err=True, file=file)
        for line in self.details:
            click.echo(f"  {line}", err=True, file=file)


class UsageProblem(CliError):
    """Wrong use of a command: what was wrong, and where to read how to call it."""

    def __init__(self, message: str, ctx: click.Context) -> None:
        super().__init__(message, 2, [f"用法：{ctx.command_path} {_usage(ctx)}",
                                      f"查看说明：{ctx.command_path} --help"])


def _usage(ctx: click.Context) -> str:
    return " ".join(ctx.command.collect_usage_pieces(ctx)).replace("[OPTIONS]", "[选项]")


def _hint(err: click.UsageError) -> str:
    param = getattr(err, "param", None)
    hint = getattr(err, "param_hint", None) or (param and (param.opts or [param.name])[0])
    return str(hint or "").strip("'\"")


def chinese_usage(err: click.UsageError) -> str:
    """click's usage error, said in Chinese."""
    if isinstance(err, click.MissingParameter):
        return f"缺少参数 {_hint(err)}"
    if isinstance(err, click.NoSuchOption):
        return f"不认识的选项 {err.option_name}"
    if isinstance(err, click.BadOptionUsage):
        return f"选项 {err.option_name} 需要一个值"
    if isinstance(err, click.BadParameter):
        reason = err.message if not err.message.isascii() else "格式不正确"
        return f"参数 {_hint(err)} 的值不正确：{reason}"
    if err.message.startswith("Got unexpected extra argument"):
        return "多余的参数：" + err.message.split("(", 1)[-1].rstrip(")")
    return err.message


class Command(click.Command):
    """A click command whose usage errors are in Chinese."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """Parse as click does; report a mistake in Chinese."""
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as err:
            raise UsageProblem(chinese_usage(err), err.ctx or ctx) from None

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; a register that cannot be written stops it in Chinese (exit 6)."""
        try:
            return super().invoke(ctx)
        except Exception as err:
            if (storage := storage_error(err)) is None:
                raise
            fail(storage)


def fail(err: ServiceError, where: str = "") -> NoReturn:
    """Stop with a domain error: its message, each field at fault, its exit code."""
    code = next((c for cls, c in EXIT_CODES if isinstance(err, cls)), 1)
    details = [f"{f['path']}：{f['message']}" for f in err.fields]
    raise CliError(f"{where}{err.message}", code, details)


def read_json_file(path: Path) -> bytes:
    """A JSON file's bytes; a missing file or broken JSON stops with its name and line."""
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise CliError(f"{path}：无法读取（{exc.strerror}）", 1) from None
    try:
        json.loads(content)
    except UnicodeDecodeError:
        raise CliError(f"{path}：不是UTF-8编码的文本", 1) from None
    except json.JSONDecodeError as exc:
        raise CliError(f"{path} 第{exc.lineno}行第{exc.colno}列：不是有效的JSON（{exc.msg}）",
                       1) from None
    return content
