"""Managing the gate from the command line: `flask --app wsgi unit …` for offices,
`token …` for other systems' API tokens, `user …` for officers."""

from __future__ import annotations

import getpass
import sys
from collections.abc import Callable
from functools import wraps
from typing import Any

import click
from flask import Flask
from flask.cli import AppGroup

from service import audit, units
from service.cli_errors import CliError, Command, fail
from service.db import get_register
from service.errors import ServiceError
from service.gate import accounts


def init_app(app: Flask) -> None:
    """Add the unit, token and user commands."""
    for group in (unit_group, token_group, user_group):
        app.cli.add_command(group)


def _chinese_errors(command: Callable[..., None]) -> Callable[..., None]:
    @wraps(command)
    def run(*args: Any, **kwargs: Any) -> None:
        audit.set_acting(f"cli:{getpass.getuser()}", "命令行")
        try:
            command(*args, **kwargs)
        except ServiceError as err:
            fail(err)

    return run


@click.group("unit", cls=AppGroup)
def unit_group() -> None:
    """Units (offices): each owns its documents, series, officers and tokens."""


@unit_group.command("create", cls=Command)
@click.argument("code")
@click.option("--name", required=True, help="单位名称，如：东岭县应急管理局")
@_chinese_errors
def unit_create(code: str, name: str) -> None:
    """Create a unit with a short code (letters, digits, - and _) and its name."""
    unit = units.create(get_register(), code, name)
    click.echo(f"单位“{unit.code}”（{unit.name}）已建立")


@unit_group.command("rename", cls=Command)
@click.argument("code")
@click.option("--name", required=True, help="新的单位名称")
@_chinese_errors
def unit_rename(code: str, name: str) -> None:
    """Change a unit's name (its documents keep the names they were issued with)."""
    unit = units.rename(get_register(), code, name)
    click.echo(f"单位“{unit.code}”现名为“{unit.name}”")


@unit_group.command("list", cls=Command)
def unit_list() -> None:
    """List the units."""
    for unit in units.all_units(get_register()):
        click.echo(f"{unit.code}\t{unit.name}")


@click.group("token", cls=AppGroup)
def token_group() -> None:
    """API tokens for other systems."""


@token_group.command("create", cls=Command)
@click.argument("name")
@click.option("--unit", "unit", required=True, help="令牌所属单位的代码")
@click.option("--read-only", is_flag=True, help="只能查询和下载，不能签发")
@click.option("--admin", is_flag=True, help="还可管理本单位的资料、用户和令牌")
@_chinese_errors
def token_create(name: str, unit: str, read_only: bool, admin: bool) -> None:
    """Create a token of a unit and print it once (only its hash is stored)."""
    token = accounts.create_token(get_register(), name, unit, read_only, admin)
    click.echo(token)
    click.echo(f"令牌“{name}”（单位 {unit}）已创建，请妥善保存：它不会再次显示。", err=True)


@token_group.command("revoke", cls=Command)
@click.argument("name")
def token_revoke(name: str) -> None:
    """Revoke a token."""
    if not accounts.revoke_token(get_register(), name):
        raise CliError(f"没有有效的令牌“{name}”", 3)
    click.echo(f"令牌“{name}”已撤销")


@token_group.command("list", cls=Command)
def token_list() -> None:
    """List the tokens (names, never the tokens themselves)."""
    for t in accounts.list_tokens(get_register()):
        state = f"已撤销 {t.revoked_at:%Y-%m-%d}" if t.revoked_at else "有效"
        rights = "只读" if t.read_only else "管理" if t.admin else "可签发"
        click.echo(f"{t.name}\t{t.unit}\t{rights}\t{state}")


@click.group("user", cls=AppGroup)
def user_group() -> None:
    """Officers who log in to the web pages."""


def _password() -> str:
    """The password: prompted twice on a terminal, one line when piped (scripts)."""
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = click.prompt("密码", hide_input=True)
    if click.prompt("再次输入密码", hide_input=True) != first:
        raise CliError("两次输入的密码不一致")
    return str(first)


@user_group.command("create", cls=Command)
@click.argument("username")
@click.option("--unit", "unit", default=None, help="新用户所属单位的代码（改密码时可省略）")
@click.option("--admin", is_flag=True, default=None, help="还可管理本单位的资料、用户和令牌")
@click.option("--read-only", is_flag=True, default=None, help="只能查询和下载")
@_chinese_errors
def user_create(username: str, unit: str | None, admin: bool | None,
                read_only: bool | None) -> None:
    """Create an officer of a unit, or set a new password (ending their sessions)."""
    password = _password()
    if len(password) < 8:
        raise CliError("密码至少8个字符")
    accounts.set_password(get_register(), username, password, unit=unit, admin=admin,
                          read_only=read_only)
    click.echo(f"用户“{username}”可以登录了")


@user_group.command("disable", cls=Command)
@click.argument("username")
def user_disable(username: str) -> None:
    """Stop an officer from logging in and end their sessions."""
    if not accounts.disable_user(get_register(), username):
        raise CliError(f"没有用户“{username}”", 3)
    click.echo(f"用户“{username}”已停用")
