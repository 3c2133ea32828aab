"""The check in front of every request (an API token, or an officer's log-in on the web
pages), and the log-in and log-out pages.

Bearer tokens are for other systems and count only under /api/; the web pages ignore them
and ask an officer to log in. A read-only caller may only read: every method but GET/HEAD
is refused, except the few posts that store nothing (READING_POSTS)."""

from __future__ import annotations

import ipaddress
from typing import Any
from urllib.parse import urlsplit

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

from service import audit
from service.db import get_register
from service.gate import accounts, throttle
from service.gate.csrf import CsrfFailed
from service.http_errors import error_page, wants_json

bp = Blueprint("gate", __name__)
# Open to anyone: what the API offers and how to call it, the log-in page, static files.
PUBLIC = {"api.kinds", "api.schema", "openapi.openapi_json", "openapi.docs", "static",
          "gate.login", "gate.logout"}
READING_POSTS = {"api.preview", "gate.login", "gate.logout"}  # posts that store nothing
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
DRAIN_MAX = 64 * 1024 * 1024


def current_principal() -> accounts.Principal:
    """Who is making this request (the local principal in local mode)."""
    principal: accounts.Principal = g.get("principal") or accounts.LOCAL
    return principal


def current_unit() -> str:
    """The unit the request acts for: everything it reads or writes is that unit's."""
    return current_principal().unit


def issued_by() -> str | None:
    """The text recorded as issued_by for this request."""
    return current_principal().issued_by


def safe_next(target: str | None) -> str:
    """`target` if it is a path on this site, else the home page: no open redirect, even
    through characters a browser drops (tab, newline) or reads as a slash (backslash)."""
    target = target or ""
    bad = any(ord(c) < 0x21 or ord(c) == 0x7F or c == "\\" for c in target)
    parts = urlsplit(target)
    if (bad or not target.startswith("/") or target.startswith("//")
            or parts.scheme or parts.netloc):
        return url_for("web.home")
    return target


def _denied(status: int, code: str, message: str) -> Any:
    _drain()
    if not wants_json():
        return error_page(status, message)
    response = jsonify({"error": code, "message": message, "fields": []})
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="gongwen"'
    return response, status


def _drain() -> None:
    """Read the refused request's body (up to what nginx lets through): a server that
    answers before reading it closes on a proxy still sending it, and nginx then answers
    502 instead of our 401/403."""
    remaining = min(request.content_length or 0, DRAIN_MAX)
    stream = request.environ.get("wsgi.input")
    while stream is not None and remaining > 0:
        chunk = stream.read(min(64 * 1024, remaining))
        if not chunk:
            break
        remaining -= len(chunk)


def _loopback(address: str | None) -> bool:
    try:
        return ipaddress.ip_address(address or "").is_loopback
    except ValueError:
        return False


def _who() -> accounts.Principal | None | Any:
    """The caller, None if anonymous, or a ready answer refusing a bad token."""
    register = get_register()
    header = request.headers.get("Authorization", "")
    if request.path.startswith("/api/") and header.lower().startswith("bearer "):
        principal = accounts.check_token(register, header[7:].strip())
        return principal or _denied(401, "unauthorized", "API令牌无效或已被撤销")
    username, epoch = session.get("user"), session.get("epoch")
    if isinstance(username, str) and isinstance(epoch, int):
        return accounts.session_user(register, username, epoch)
    return None


def _gate() -> Any:
    g.principal = None
    audit.set_acting(None, request.remote_addr)
    if not current_app.config["AUTH_REQUIRED"]:
        if not _loopback(request.remote_addr):  # local mode has no log-in: this machine only
            return _denied(403, "local_only", "本地模式（GONGWEN_LOCAL=1）只接受本机访问")
        g.principal = accounts.LOCAL
        audit.set_acting("local", request.remote_addr)
        return None
    if request.endpoint in PUBLIC:
        return None
    found = _who()
    if found is not None and not isinstance(found, accounts.Principal):
        return found
    principal: accounts.Principal | None = found
    if principal is None:
        session.pop("user", None)
        if request.path.startswith("/api/"):
            return _denied(401, "unauthorized",
                           "需要有效的API令牌（请求头 Authorization: Bearer <令牌>）或登录")
        return redirect(url_for("gate.login", next=safe_next(request.full_path.rstrip("?"))))
    if (principal.read_only and request.method not in SAFE_METHODS
            and request.endpoint not in READING_POSTS):
        return _denied(403, "forbidden", f"“{principal.name}”为只读，只能查询和下载")
    g.principal = principal
    audit.set_acting(str(principal), request.remote_addr)
    return None


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    """The officers' log-in page."""
    target = safe_next(request.values.get("next"))
    error = ""
    if request.method == "POST":
        username = request.form.get("username", "").strip()[:80]
        if wait := throttle.blocked(username, request.remote_addr or ""):
            return render_template("web/login.html", error=wait, next=target), 429
        found = accounts.check_password(get_register(), username,
                                        request.form.get("password", ""))
        if found:
            principal, epoch = found
            session.clear()
            session["user"], session["epoch"] = principal.name, epoch
            return redirect(target)
        throttle.failed(username, request.remote_addr or "")
        error = "用户名或密码不正确"
    return render_template("web/login.html", error=error, next=target), 401 if error else 200


@bp.errorhandler(CsrfFailed)
def _expired(_err: CsrfFailed) -> Any:
    """An expired log-in page asks again; an expired log-out has nothing left to end."""
    if request.endpoint == "gate.logout":
        return redirect(url_for("gate.login"))
    return render_template("web/login.html", error="登录页面已过期，请重新输入用户名和密码",
                           next=safe_next(request.values.get("next"))), 400


@bp.post("/logout")
def logout() -> Any:
    """Log out: every session of this officer ends, not only this browser's."""
    if isinstance(username := session.get("user"), str):
        accounts.end_sessions(get_register(), username)
    session.clear()
    return redirect(url_for("gate.login"))


def init_app(app: Flask) -> None:
    """Install the check and the log-in pages."""
    app.before_request(_gate)
    app.register_blueprint(bp)
