"""Authentication: API tokens (hashed, revocable, read-only), officers' log-in, and who
issued what. With auth on, nothing is issued, listed or downloaded without it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import text

from service.app import create_app
from tests.conftest import load_fixture

NOTICE = "/api/v1/documents/transfer-notice"


@pytest.fixture
def secure_app(tmp_path: Path):  # type: ignore[no-untyped-def]
    app = create_app({"TESTING": True, "AUTH_REQUIRED": True, "SECRET_KEY": "t",
                      "DATABASE_URL": f"sqlite:///{tmp_path / 'r.sqlite3'}"})
    yield app
    app.extensions["register"].dispose()


def token(app, name: str, *flags: str) -> str:  # type: ignore[no-untyped-def]
    unit = [] if "--unit" in flags else ["--unit", "default"]
    result = app.test_cli_runner().invoke(args=["token", "create", name, *unit, *flags])
    assert result.exit_code == 0, result.output
    return result.stdout.strip().splitlines()[0]


def bearer(value: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {value}"}


def test_without_credentials_nothing_is_issued_listed_or_downloaded(secure_app) -> None:  # type: ignore[no-untyped-def]
    client = secure_app.test_client()
    for method, url in [("post", NOTICE), ("get", "/api/v1/documents"),
                        ("get", "/api/v1/documents/x.pdf"), ("post", "/api/v1/render/transfer-notice.pdf"),
                        ("post", "/api/v1/batches")]:
        response = getattr(client, method)(url, json=load_fixture("transfer-notice"))
        assert response.status_code == 401, url
        assert response.json["error"] == "unauthorized" and "令牌" in response.json["message"]
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert client.get("/api/v1/kinds").status_code == 200  # what the API offers stays open
    assert client.get("/openapi.json").status_code == 200
    bad = client.get("/api/v1/documents", headers=bearer("gw_forged"))
    assert bad.status_code == 401 and "无效" in bad.json["message"]


def test_tokens_are_stored_as_hashes_and_record_the_issuer(secure_app) -> None:  # type: ignore[no-untyped-def]
    secret = token(secure_app, "county-system")
    with secure_app.extensions["register"].engine.connect() as conn:
        stored = conn.execute(text("SELECT token_hash FROM api_tokens")).scalar_one()
    assert secret not in stored and len(stored) == 64
    client = secure_app.test_client()
    issued = client.post(NOTICE, json=load_fixture("transfer-notice"), headers=bearer(secret))
    assert issued.status_code == 201 and issued.json["issued_by"] == "token:county-system"
    listing = client.get("/api/v1/documents", headers=bearer(secret)).json
    assert listing["documents"][0]["issued_by"] == "token:county-system"
    assert client.get(issued.json["links"]["pdf"], headers=bearer(secret)).status_code == 200


def test_revoked_tokens_stop_working(secure_app) -> None:  # type: ignore[no-untyped-def]
    secret = token(secure_app, "old-system")
    client = secure_app.test_client()
    assert client.get("/api/v1/documents", headers=bearer(secret)).status_code == 200
    runner = secure_app.test_cli_runner()
    assert runner.invoke(args=["token", "revoke", "old-system"]).exit_code == 0
    assert client.get("/api/v1/documents", headers=bearer(secret)).status_code == 401
    listing = runner.invoke(args=["token", "list"]).output
    assert "old-system" in listing and "已撤销" in listing and secret not in listing
    assert runner.invoke(args=["token", "revoke", "old-system"]).exit_code != 0
    again = runner.invoke(args=["token", "create", "old-system", "--unit", "default"])
    assert again.exit_code != 0 and "已存在" in again.output  # names stay unique


def test_read_only_tokens_may_read_but_not_issue(secure_app) -> None:  # type: ignore[no-untyped-def]
    reader = token(secure_app, "dashboard", "--read-only")
    client = secure_app.test_client()
    assert client.get("/api/v1/documents", headers=bearer(reader)).status_code == 200
    denied = client.post(NOTICE, json=load_fixture("transfer-notice"), headers=bearer(reader))
    assert denied.status_code == 403 and denied.json["error"] == "forbidden"
    batch = client.post("/api/v1/batches", json={"items": []}, headers=bearer(reader))
    assert batch.status_code == 403


def login(client, username: str, password: str):  # type: ignore[no-untyped-def]
    page = client.get("/login").get_data(as_text=True)
    csrf = re.search(r'name="_csrf" value="([^"]+)"', page).group(1)
    return client.post("/login", data={"_csrf": csrf, "username": username,
                                       "password": password, "next": "/register"}), csrf


def test_officers_log_in_and_issue_under_their_name(secure_app) -> None:  # type: ignore[no-untyped-def]
    runner = secure_app.test_cli_runner()
    created = runner.invoke(args=["user", "create", "zhou", "--unit", "default"], input="correct horse\ncorrect horse\n")
    assert created.exit_code == 0, created.output
    with secure_app.extensions["register"].engine.connect() as conn:
        stored = conn.execute(text("SELECT password_hash FROM users")).scalar_one()
    assert stored.startswith(("scrypt:", "pbkdf2:")) and "correct horse" not in stored
    client = secure_app.test_client()
    first = client.get("/new/transfer-notice")
    assert first.status_code == 302 and "/login?next=" in first.headers["Location"]
    wrong, _ = login(client, "zhou", "wrong")
    assert wrong.status_code == 401 and "用户名或密码不正确" in wrong.get_data(as_text=True)
    ok, csrf = login(client, "zhou", "correct horse")
    assert ok.status_code == 302 and ok.headers["Location"] == "/register"
    issued = client.post(NOTICE, json=load_fixture("transfer-notice"))  # the session works for the API too
    assert issued.status_code == 201 and issued.json["issued_by"] == "user:zhou"
    page = client.get(f"/documents/{issued.json['id']}").get_data(as_text=True)
    assert 'id="issued-by">user:zhou<' in page and "退出" in page
    assert runner.invoke(args=["user", "disable", "zhou"]).exit_code == 0
    assert client.get("/register").status_code == 302  # a disabled officer is out at once
    assert runner.invoke(args=["user", "create", "li", "--unit", "default"], input="short\nshort\n").exit_code != 0


def test_login_redirects_only_to_our_own_pages(secure_app) -> None:  # type: ignore[no-untyped-def]
    secure_app.test_cli_runner().invoke(args=["user", "create", "wang", "--unit", "default"], input="12345678\n12345678\n")
    client = secure_app.test_client()
    page = client.get("/login?next=//evil.example/x").get_data(as_text=True)
    csrf = re.search(r'name="_csrf" value="([^"]+)"', page).group(1)
    response = client.post("/login", data={"_csrf": csrf, "username": "wang",
                                           "password": "12345678", "next": "https://evil.example/"})
    assert response.headers["Location"] == "/"


def test_local_mode_needs_no_login(client) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/new/transfer-notice").status_code == 200
    issued = client.post(NOTICE, json=load_fixture("transfer-notice"))
    assert issued.status_code == 201 and issued.json["issued_by"] is None


def test_auth_is_on_unless_local_mode_is_asked_for(monkeypatch, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("GONGWEN_LOCAL", raising=False)
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'a.sqlite3'}"})
    assert app.config["AUTH_REQUIRED"] is True
    monkeypatch.setenv("GONGWEN_LOCAL", "1")
    assert create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'b.sqlite3'}"}).config["AUTH_REQUIRED"] is False
