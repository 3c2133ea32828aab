"""The check in front of every request (an API token or an officer's log-in), and the
log-in and log-out pages."""

from __future__ import annotations

from typing import Any

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

from service.db import get_register
from service.gate import accounts
from service.gate.csrf import CsrfFailed

bp = Blueprint("gate", __name__)
# Open to anyone: what the API offers and how to call it, the log-in page, static files.
PUBLIC = {"api.kinds", "api.schema", "openapi.openapi_json", "openapi.docs", "static",
          "gate.login", "gate.logout"}
ISSUING = {"api.issue", "batches.submit"}  # what a read-only token may not do


def current_principal() -> accounts.Principal | None:
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
        principal = accounts.check_token(register, header[7:].strip())
        if principal is None:
            return _denied(401, "unauthorized", "API令牌无效或已被撤销")
    elif (username := session.get("user")) and accounts.user_is_active(register, username):
        principal = accounts.Principal("user", username)
    if request.path.startswith("/api/"):
        if principal is None:
            return _denied(401, "unauthorized",
                           "需要有效的API令牌（请求头 Authorization: Bearer <令牌>）或登录")
        if principal.read_only and request.endpoint in ISSUING:
            return _denied(403, "forbidden", f"令牌“{principal.name}”为只读，不能签发文书")
    elif principal is None:
        session.pop("user", None)
        return redirect(url_for("gate.login", next=request.full_path.rstrip("?")))
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
        principal = accounts.check_password(get_register(), username,
                                        request.form.get("password", ""))
        if principal:
            session.clear()
            session["user"] = principal.name
            return redirect(target)
        error = "用户名或密码不正确"
    return render_template("web/login.html", error=error, next=target), 401 if error else 200


@bp.errorhandler(CsrfFailed)
def _expired(_err: CsrfFailed) -> Any:
    """An expired log-in page asks again; an expired log-out has nothing left to end."""
    if request.endpoint == "gate.logout":
        return redirect(url_for("gate.login"))
    target = request.values.get("next", "")
    if not target.startswith("/") or target.startswith("//"):
        target = url_for("web.home")
    return render_template("web/login.html", error="登录页面已过期，请重新输入用户名和密码",
                           next=target), 400


@bp.post("/logout")
def logout() -> Any:
    """Log out."""
    session.pop("user", None)
    return redirect(url_for("gate.login"))


def init_app(app: Flask) -> None:
    """Install the check and the log-in pages."""
    app.before_request(_gate)
    app.register_blueprint(bp)
