"""What an officer sees when something goes wrong: Chinese error pages inside the site, a
form that survives an expired session, and every mistake of a form named in one pass."""

from __future__ import annotations

import re

from service.app import create_app
from tests.conftest import load_fixture
from tests.test_web import csrf, form_data


def page(response) -> str:  # type: ignore[no-untyped-def]
    return str(response.get_data(as_text=True))


def test_a_missing_page_is_a_chinese_404_inside_the_site(client) -> None:  # type: ignore[no-untyped-def]
    for url in ("/no-such-page", "/documents/" + "0" * 32, "/new/no-such-kind",
                "/drafts/" + "f" * 32):
        response = client.get(url)
        html = page(response)
        assert response.status_code == 404, url
        assert "<title>页面不存在" in html and "登记簿" in html  # the site's layout and menu
        assert "Not Found" not in html and "requested URL" not in html


def test_a_wrong_method_and_a_too_large_post_are_chinese_pages(client, app) -> None:  # type: ignore[no-untyped-def]
    wrong = client.get("/logout")
    assert wrong.status_code == 405 and "不支持该请求方法" in page(wrong)
    app.config["MAX_CONTENT_LENGTH"] = 1024
    big = client.post("/new/transfer-notice", data={"subject": "字" * 5000})
    assert big.status_code == 413 and "请求内容过大" in page(big)
    assert "Request Entity Too Large" not in page(big)


def test_an_unexpected_error_is_a_chinese_500_page(tmp_path) -> None:  # type: ignore[no-untyped-def]
    app = create_app({"TESTING": False, "AUTH_REQUIRED": False,
                      "DATABASE_URL": f"sqlite:///{tmp_path / 'r.sqlite3'}"})

    @app.get("/boom")
    def boom() -> str:
        raise RuntimeError("bug")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert "服务器出错" in page(response) and "Internal Server Error" not in page(response)
    api = app.test_client().get("/api/v1/documents/" + "0" * 32)
    assert api.status_code == 404 and api.json["error"] == "not_found"  # the API stays JSON
    app.extensions["register"].dispose()


def test_a_form_posted_after_the_session_expired_comes_back_filled_in(client) -> None:  # type: ignore[no-untyped-def]
    data = form_data({**load_fixture("transfer-notice"), "subject": "石门镇第9号煤业"}, "stale")
    response = client.post("/new/transfer-notice", data=data)
    html = page(response)
    assert response.status_code == 400
    assert "页面已过期" in html and "尚未保存" in html
    assert 'value="石门镇第9号煤业"' in html  # the typed values are kept
    fresh = re.search(r'name="_csrf" value="([^"]+)"', html)
    assert fresh and fresh.group(1) != "stale"  # a new token: submitting again works
    again = client.post("/new/transfer-notice", data={**data, "_csrf": fresh.group(1)})
    assert again.status_code == 302 and "/drafts/" in again.headers["Location"]


def test_an_expired_log_in_page_asks_again(client) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/login", data={"username": "zhou", "password": "x", "_csrf": "old"})
    assert response.status_code == 400 and "登录页面已过期" in page(response)


def test_missing_fields_and_checks_across_fields_come_in_one_pass(client) -> None:  # type: ignore[no-untyped-def]
    data = {**load_fixture("transfer-notice"), "received_on": "2022-03-01"}
    data.pop("subject")
    response = client.post("/new/transfer-notice", data=form_data(data, csrf(client)))
    html = page(response)
    assert response.status_code == 422
    assert "缺少涉及单位或个人" in html and "接报日期不能晚于成文日期" in html
    api = client.post("/api/v1/documents/transfer-notice", json=data)
    assert {f["path"] for f in api.json["fields"]} == {"subject", "received_on"}
