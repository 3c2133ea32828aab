"""The gate in front of the app: API tokens and officers' log-in, and the commands that
manage them (`flask --app wsgi token …`, `flask --app wsgi user …`)."""

from __future__ import annotations

from typing import Any

import click
from flask import (
    Blueprint,
    Flask,
    current_app,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.cli import AppGroup

from service import auth
from service.db import get_register

bp = Blueprint("access", __name__)
# Open to anyone: what the API offers and how to call it, the log-in page, static files.
PUBLIC = {"api.kinds", "api.schema", "openapi.openapi_json", "openapi.docs", "static",
          "access.login", "access.logout"}
ISSUING = {"api.issue", "batches.submit"}  # what a read-only token may not do


def current_principal() -> auth.Principal | None:
    """Who is making this request (None in local mode)."""
    return g.get("principal")


def issued_by() -> str | None:
    """The text recorded as issued_by for this request."""
    principal = current_principal()
    return str(principal) if principal else None


def _denied(status: int, code: str, message: str) -> Any:
    response = jsonify({"error": code, "message": message, "fields": []})
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="gongwen"'
    return response, status


def _gate() -> Any:
    g.principal = None
    if not current_app.config["AUTH_REQUIRED"] or request.endpoint in PUBLIC:
        return None
    register = get_register()
    header = request.headers.get("Authorization", "")
    principal = None
    if header.lower().startswith("bearer "):
        principal = auth.check_token(register, header[7:].strip())
        if principal is None:
            return _denied(401, "unauthorized", "API令牌无效或已被撤销")
    elif (username := session.get("user")) and auth.user_is_active(register, username):
        principal = auth.Principal("user", username)
    if request.path.startswith("/api/"):
        if principal is None:
            return _denied(401, "unauthorized",
                           "需要有效的API令牌（请求头 Authorization: Bearer <令牌>）或登录")
        if principal.read_only and request.endpoint in ISSUING:
            return _denied(403, "forbidden", f"令牌“{principal.name}”为只读，不能签发文书")
    elif principal is None:
        session.pop("user", None)
        return redirect(url_for("access.login", next=request.full_path.rstrip("?")))
    g.principal = principal
    return None


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    """The officers' log-in page."""
    target = request.values.get("next", "")
    if not target.startswith("/") or target.startswith("//"):
        target = url_for("web.home")  # only our own pages: no open redirect
    error = ""
    if request.method == "POST":
        username = request.form.get("username", "").strip()
        principal = auth.check_password(get_register(), username,
                                        request.form.get("password", ""))
        if principal:
            session.clear()
            session["user"] = principal.name
            return redirect(target)
        error = "用户名或密码不正确"
    return render_template("web/login.html", error=error, next=target), 401 if error else 200


@bp.post("/logout")
def logout() -> Any:
    """Log out."""
    session.pop("user", None)
    return redirect(url_for("access.login"))


def init_app(app: Flask) -> None:
    """Install the gate and the token and user commands."""
    app.before_request(_gate)
    app.register_blueprint(bp)
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
        token = auth.create_token(get_register(), name, read_only)
    except ValueError as err:
        raise click.ClickException(str(err)) from None
    click.echo(token)
    click.echo(f"令牌“{name}”已创建，请妥善保存：它不会再次显示。", err=True)


@token_group.command("revoke")
@click.argument("name")
def token_revoke(name: str) -> None:
    """Revoke a token."""
    if not auth.revoke_token(get_register(), name):
        raise click.ClickException(f"没有有效的令牌“{name}”")
    click.echo(f"令牌“{name}”已撤销")


@token_group.command("list")
def token_list() -> None:
    """List the tokens (names, never the tokens themselves)."""
    for t in auth.list_tokens(get_register()):
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
    auth.set_password(get_register(), username, password)
    click.echo(f"用户“{username}”可以登录了")


@user_group.command("disable")
@click.argument("username")
def user_disable(username: str) -> None:
    """Stop an officer from logging in."""
    if not auth.disable_user(get_register(), username):
        raise click.ClickException(f"没有用户“{username}”")
    click.echo(f"用户“{username}”已停用")
