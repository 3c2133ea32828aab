"""Managing the gate from the command line: `flask --app wsgi token …` for other systems'
API tokens, `flask --app wsgi user …` for officers."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from service.db import get_register
from service.gate import accounts


def init_app(app: Flask) -> None:
    """Add the token and user commands."""
    app.cli.add_command(token_group)
    app.cli.add_command(user_group)


@click.group("token", cls=AppGroup)
def token_group() -> None:
    """API tokens for other systems."""


@token_group.command("create")
@click.argument("name")
@click.option("--read-only", is_flag=True, help="只能查询和下载，不能签发")
def token_create(name: str, read_only: bool) -> None:
    """Create a token and print it once (only its hash is stored)."""
    try:
        token = accounts.create_token(get_register(), name, read_only)
    except ValueError as err:
        raise click.ClickException(str(err)) from None
    click.echo(token)
    click.echo(f"令牌“{name}”已创建，请妥善保存：它不会再次显示。", err=True)


@token_group.command("revoke")
@click.argument("name")
def token_revoke(name: str) -> None:
    """Revoke a token."""
    if not accounts.revoke_token(get_register(), name):
        raise click.ClickException(f"没有有效的令牌“{name}”")
    click.echo(f"令牌“{name}”已撤销")


@token_group.command("list")
def token_list() -> None:
    """List the tokens (names, never the tokens themselves)."""
    for t in accounts.list_tokens(get_register()):
        state = f"已撤销 {t.revoked_at:%Y-%m-%d}" if t.revoked_at else "有效"
        click.echo(f"{t.name}\t{'只读' if t.read_only else '可签发'}\t{state}")


@click.group("user", cls=AppGroup)
def user_group() -> None:
    """Officers who log in to the web pages."""


@user_group.command("create")
@click.argument("username")
@click.password_option(prompt="密码", confirmation_prompt="再次输入密码")
def user_create(username: str, password: str) -> None:
    """Create an officer, or set a new password."""
    if len(password) < 8:
        raise click.ClickException("密码至少8个字符")
    accounts.set_password(get_register(), username, password)
    click.echo(f"用户“{username}”可以登录了")


@user_group.command("disable")
@click.argument("username")
def user_disable(username: str) -> None:
    """Stop an officer from logging in."""
    if not accounts.disable_user(get_register(), username):
        raise click.ClickException(f"没有用户“{username}”")
    click.echo(f"用户“{username}”已停用")
