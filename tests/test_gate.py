"""The gate hardened: read-only everywhere, drafts are their author's, tokens only for the
API, safe `next`, throttled log-in, sessions that really end, cookie flags, local mode."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from service.app import create_app
from tests.conftest import load_fixture


@pytest.fixture
def gate_app(tmp_path: Path):  # type: ignore[no-untyped-def]
    app = create_app({"TESTING": True, "AUTH_REQUIRED": True, "SECRET_KEY": "t",
                      "DATABASE_URL": f"sqlite:///{tmp_path / 'r.sqlite3'}"})
    runner = app.test_cli_runner()
    for name, flags in (("zhou", []), ("li", []), ("reader", ["--read-only"])):
        made = runner.invoke(args=["user", "create", name, "--unit", "default", *flags],
                             input="correct horse\n")
        assert made.exit_code == 0, made.output
    yield app
    app.extensions["register"].dispose()


def csrf_of(client: FlaskClient, url: str = "/login") -> str:
    page = client.get(url).get_data(as_text=True)
    found = re.search(r'name="_csrf" value="([^"]+)"', page)
    assert found, page[:500]
    return found.group(1)


def login(client: FlaskClient, username: str, password: str = "correct horse",
          next_: str = "/") -> object:
    return client.post("/login", data={"_csrf": csrf_of(client), "username": username,
                                       "password": password, "next": next_})


def _draft(client: FlaskClient) -> str:
    """Post the transfer-notice form as an officer would; the id of the saved draft."""
    from service.form_posts import flatten

    data = {k: str(v) for k, v in flatten(load_fixture("transfer-notice")).items()}
    posted = client.post("/new/transfer-notice", data={**data, "_csrf": csrf_of(client, "/")})
    assert posted.status_code == 302, posted.get_data(as_text=True)[:800]
    return str(posted.headers["Location"]).rsplit("/", 1)[1]


def test_read_only_officer_cannot_write_through_the_web_pages(gate_app: Flask) -> None:
    writer, reader = gate_app.test_client(), gate_app.test_client()
    login(writer, "zhou")
    draft = _draft(writer)
    login(reader, "reader")
    assert reader.get("/register").status_code == 200
    denied = reader.post("/new/transfer-notice", data={"_csrf": csrf_of(reader, "/")})
    assert denied.status_code == 403 and "只读" in denied.get_data(as_text=True)
    assert reader.post(f"/drafts/{draft}/issue",
                       data={"_csrf": csrf_of(reader, "/")}).status_code == 403
    assert writer.get("/api/v1/documents").json["total"] == 0


def test_bearer_tokens_do_not_open_the_web_pages(gate_app: Flask) -> None:
    made = gate_app.test_cli_runner().invoke(args=["token", "create", "ro", "--unit", "default",
                                                   "--read-only"])
    bearer = {"Authorization": "Bearer " + made.stdout.strip().splitlines()[0]}
    client = gate_app.test_client()
    page = client.get("/new/transfer-notice", headers=bearer)
    assert page.status_code == 302 and "/login" in page.headers["Location"]
    assert client.get("/api/v1/documents", headers=bearer).status_code == 200


def test_a_draft_is_only_its_authors(gate_app: Flask) -> None:
    zhou, li = gate_app.test_client(), gate_app.test_client()
    login(zhou, "zhou")
    login(li, "li")
    draft = _draft(zhou)
    assert zhou.get(f"/drafts/{draft}").status_code == 200
    for url in (f"/drafts/{draft}", f"/drafts/{draft}.pdf",
                f"/new/transfer-notice?draft={draft}"):
        page = li.get(url)
        assert page.status_code == 404 or "鑫源" not in page.get_data(as_text=True), url
    assert li.post(f"/drafts/{draft}/issue", data={"_csrf": csrf_of(li, "/")}).status_code == 404


@pytest.mark.parametrize("target", [
    "/\t/evil.example/", "%2F%09%2Fevil.example%2F", "/\\evil.example", "//evil.example",
    "https://evil.example/", "/\r\nSet-Cookie: x=1", "/%0D%0Ax", " /x", "/\x7f/evil.example",
])
def test_next_is_only_a_path_on_this_site(gate_app: Flask, target: str) -> None:
    from urllib.parse import unquote

    client = gate_app.test_client()
    answer = login(client, "zhou", next_=unquote(target))
    assert answer.status_code == 302 and answer.headers["Location"] == "/"  # type: ignore[attr-defined]
    page = client.get("/login?next=" + target.replace("\r\n", "%0D%0A"))
    assert page.status_code == 200


def test_a_good_next_is_kept(gate_app: Flask) -> None:
    answer = login(gate_app.test_client(), "zhou", next_="/register?kind=transfer-notice")
    assert answer.headers["Location"] == "/register?kind=transfer-notice"  # type: ignore[attr-defined]


def test_login_attempts_are_throttled_per_user_and_per_address(gate_app: Flask) -> None:
    client = gate_app.test_client()
    answers = [login(client, "zhou", "wrong password").status_code for _ in range(6)]  # type: ignore[attr-defined]
    assert answers[:5] == [401] * 5 and answers[5] == 429
    blocked = login(client, "zhou")  # even the right password waits now
    assert blocked.status_code == 429 and "请1分钟后再试" in blocked.get_data(as_text=True)  # type: ignore[attr-defined]
    assert login(gate_app.test_client(), "li").status_code == 302  # type: ignore[attr-defined]
    for i in range(20):  # many names from one address
        login(client, f"nobody{i}", "x")
    other = login(client, "li")
    assert other.status_code == 429  # type: ignore[attr-defined]
    elsewhere = gate_app.test_client()
    elsewhere.environ_base = {"REMOTE_ADDR": "127.0.0.2"}
    assert login(elsewhere, "li").status_code == 302  # type: ignore[attr-defined]


def test_unknown_and_known_users_take_as_long(gate_app: Flask) -> None:
    from service.gate import accounts

    register = gate_app.extensions["register"]

    def timed(name: str) -> float:
        start = time.perf_counter()
        assert accounts.check_password(register, name, "wrong password") is None
        return time.perf_counter() - start

    known = min(timed("zhou") for _ in range(3))
    unknown = min(timed("nobody") for _ in range(3))
    assert unknown > known / 3, (known, unknown)  # was 1.6 ms against 82 ms


def test_logout_ends_every_session_of_the_officer(gate_app: Flask) -> None:
    office, home = gate_app.test_client(), gate_app.test_client()
    login(office, "zhou")
    login(home, "zhou")
    assert home.get("/register").status_code == 200
    office.post("/logout", data={"_csrf": csrf_of(office, "/")})
    assert office.get("/register").status_code == 302
    assert home.get("/register").status_code == 302


def test_a_new_password_or_disabling_ends_old_sessions(gate_app: Flask) -> None:
    runner = gate_app.test_cli_runner()
    client = gate_app.test_client()
    login(client, "zhou")
    runner.invoke(args=["user", "create", "zhou"], input="another horse\n")
    assert client.get("/register").status_code == 302
    login(client, "zhou", "another horse")
    assert runner.invoke(args=["user", "disable", "zhou"]).exit_code == 0
    runner.invoke(args=["user", "create", "zhou"], input="third horse!\n")  # re-enabled
    assert client.get("/register").status_code == 302  # the old cookie stays dead


def test_session_cookie_flags(gate_app: Flask) -> None:
    client = gate_app.test_client()
    cookie = client.get("/login").headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


def test_secure_cookie_behind_an_https_proxy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GONGWEN_PROXIES", "1")
    app = create_app({"TESTING": True, "AUTH_REQUIRED": True, "SECRET_KEY": "t",
                      "DATABASE_URL": f"sqlite:///{tmp_path / 'r.sqlite3'}"})
    cookie = app.test_client().get("/login", headers={"X-Forwarded-Proto": "https"}) \
        .headers["Set-Cookie"]
    assert "Secure" in cookie and "SameSite=Lax" in cookie
    app.extensions["register"].dispose()


def test_local_mode_answers_only_this_machine(client: FlaskClient) -> None:
    assert client.get("/register").status_code == 200
    remote = client.get("/register", environ_base={"REMOTE_ADDR": "10.0.0.5"})
    assert remote.status_code == 403
    issued = client.post("/api/v1/documents/transfer-notice", json=load_fixture("transfer-notice"),
                         environ_base={"REMOTE_ADDR": "192.168.1.20"})
    assert issued.status_code == 403 and issued.json["error"] == "local_only"
