"""Web safety: the session secret, CSRF tokens on every form POST, and security headers."""

from __future__ import annotations

import hmac
import os
import secrets
from pathlib import Path

from flask import Flask, Response, request, session
from flask.sessions import SecureCookieSessionInterface
from werkzeug.exceptions import BadRequest

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
PAGE_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "object-src 'none'; frame-src 'self'; frame-ancestors 'none'; base-uri 'self'; "
            "form-action 'self'")
# The draft PDF is shown in an <iframe> of our own page: only our origin may frame it.
FRAMEABLE_CSP = "frame-ancestors 'self'"  # a stricter one stops Chromium's PDF viewer


def _secret_key(app: Flask) -> str:
    """SECRET_KEY from the environment, else one kept in instance/ (shared by all workers)."""
    if key := os.environ.get("SECRET_KEY") or app.config.get("SECRET_KEY"):
        return str(key)
    path = Path(app.instance_path) / "secret_key"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    key = secrets.token_hex(32)
    with os.fdopen(fd, "w") as out:
        out.write(key)
    return key


class CsrfFailed(BadRequest):
    """A form post without this session's CSRF token: the page expired or came from elsewhere."""

    description = "页面已过期或来源不明（CSRF校验失败），请刷新页面后重试。"


def csrf_token() -> str:
    """The session's CSRF token, for a hidden `_csrf` input in every form."""
    if "_csrf" not in session:
        session["_csrf"] = secrets.token_urlsafe(32)
    return str(session["_csrf"])


def _check_csrf() -> None:
    if request.method in SAFE_METHODS or request.path.startswith("/api/"):
        return  # the JSON API accepts only application/json, which forms cannot send
    sent = request.form.get("_csrf") or request.headers.get("X-CSRF-Token", "")
    expected = session.get("_csrf", "")
    if not expected or not hmac.compare_digest(str(sent), str(expected)):
        raise CsrfFailed()


def _headers(response: Response) -> Response:
    frameable = response.mimetype == "application/pdf" and not request.path.startswith("/api/")
    response.headers.setdefault("Content-Security-Policy", FRAMEABLE_CSP if frameable else PAGE_CSP)
    response.headers.setdefault("X-Frame-Options", "SAMEORIGIN" if frameable else "DENY")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    return response


class _Cookies(SecureCookieSessionInterface):
    """The session cookie is Secure whenever the page came over https (behind a proxy:
    X-Forwarded-Proto, trusted through GONGWEN_PROXIES), not only when configured so."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or request.is_secure


def init_app(app: Flask) -> None:
    """Install the secret key, session cookie flags, CSRF checking and security headers."""
    app.config["SECRET_KEY"] = _secret_key(app)
    # Flask defines these keys already (SameSite None): setdefault would change nothing.
    app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.session_interface = _Cookies()
    app.before_request(_check_csrf)
    app.after_request(_headers)
    app.jinja_env.globals["csrf_token"] = csrf_token
