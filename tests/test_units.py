"""Units: each office numbers, sees, downloads, lists and batches only its own documents;
its profile fills its officers' forms; its admins manage it. Two units side by side."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest

from service.app import create_app
from tests.conftest import load_fixture

NOTICE = "/api/v1/documents/transfer-notice"


@pytest.fixture
def two_units(tmp_path: Path):  # type: ignore[no-untyped-def]
    """An app with auth on and two units, `east` and `west`, each with tokens."""
    app = create_app({"TESTING": True, "AUTH_REQUIRED": True, "SECRET_KEY": "t",
                      "DATABASE_URL": f"sqlite:///{tmp_path / 'r.sqlite3'}"})
    runner = app.test_cli_runner()
    for code, name in (("east", "东岭县应急管理局"), ("west", "西河县应急管理局")):
        assert runner.invoke(args=["unit", "create", code, "--name", name]).exit_code == 0
    yield app
    app.extensions["register"].dispose()


def token(app, name: str, unit: str, *flags: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    result = app.test_cli_runner().invoke(args=["token", "create", name, "--unit", unit, *flags])
    assert result.exit_code == 0, result.output
    return {"Authorization": f"Bearer {result.stdout.strip().splitlines()[0]}"}


def test_two_units_each_start_their_own_series_at_1(two_units) -> None:  # type: ignore[no-untyped-def]
    client = two_units.test_client()
    east, west = token(two_units, "e", "east"), token(two_units, "w", "west")
    first_east = client.post(NOTICE, json=load_fixture("transfer-notice"), headers=east).json
    first_west = client.post(NOTICE, json=load_fixture("transfer-notice"), headers=west).json
    second_east = client.post(NOTICE, json=load_fixture("transfer-notice"), headers=east).json
    assert first_east["number_text"] == first_west["number_text"] == "（煤）移〔2022〕1号"
    assert second_east["number_text"] == "（煤）移〔2022〕2号"


def test_another_units_document_does_not_exist_for_a_caller(two_units) -> None:  # type: ignore[no-untyped-def]
    client = two_units.test_client()
    east, west = token(two_units, "e", "east"), token(two_units, "w", "west", "--read-only")
    doc = client.post(NOTICE, json=load_fixture("transfer-notice"), headers=east).json
    for url in (f"/api/v1/documents/{doc['id']}", f"/api/v1/documents/{doc['id']}.pdf",
                f"/api/v1/documents/{doc['id']}.docx"):
        assert client.get(url, headers=east).status_code == 200, url
        missing = client.get(url, headers=west)
        assert missing.status_code == 404 and missing.json["error"] == "not_found", url
    listing = client.get("/api/v1/documents?q=鑫源", headers=west).json
    assert listing["total"] == 0 and listing["documents"] == []
    assert client.get("/api/v1/documents?q=鑫源", headers=east).json["total"] == 1


def test_list_pages_carry_no_payloads(two_units) -> None:  # type: ignore[no-untyped-def]
    client = two_units.test_client()
    east = token(two_units, "e", "east")
    client.post(NOTICE, json=load_fixture("transfer-notice"), headers=east)
    records, total = two_units.extensions["register"].find(unit="east")
    assert total == 1 and records[0].data == {} and records[0].unit == "east"


def test_batches_belong_to_their_unit_and_their_zip_streams(two_units, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from service.batches import queue

    monkeypatch.setattr(queue.huey, "immediate", True)
    monkeypatch.setattr(queue, "_register", two_units.extensions["register"])
    client = two_units.test_client()
    east, west = token(two_units, "e", "east"), token(two_units, "w", "west")
    body = {"items": [{"kind": "transfer-notice", "data": load_fixture("transfer-notice"),
                       "ref": f"case-{n}"} for n in (1, 2)],
            "formats": ["pdf"], "issue": True}
    submitted = client.post("/api/v1/batches", json=body, headers=east)
    assert submitted.status_code == 202
    url = submitted.headers["Location"]
    assert client.get(url, headers=east).json["done"] == 2  # Huey's immediate mode ran it
    assert client.get(url, headers=west).status_code == 404
    assert client.get(url + ".zip", headers=west).status_code == 404
    archive = client.get(url + ".zip", headers=east)
    assert archive.status_code == 200 and archive.is_streamed
    names = zipfile.ZipFile(io.BytesIO(archive.data)).namelist()
    assert "manifest.json" in names and sum(n.endswith(".pdf") for n in names) == 2
    numbers = {d["number_text"] for d in client.get("/api/v1/documents", headers=east)
               .json["documents"]}
    assert numbers == {"（煤）移〔2022〕1号", "（煤）移〔2022〕2号"}
    assert client.get("/api/v1/documents", headers=west).json["total"] == 0


def test_idempotency_keys_are_each_callers_own(two_units) -> None:  # type: ignore[no-untyped-def]
    client = two_units.test_client()
    one, two = token(two_units, "e1", "east"), token(two_units, "e2", "east")
    other = token(two_units, "w", "west")
    data = load_fixture("transfer-notice")
    first = client.post(NOTICE, json=data, headers={**one, "Idempotency-Key": "k-1"})
    again = client.post(NOTICE, json=data, headers={**one, "Idempotency-Key": "k-1"})
    assert again.json["id"] == first.json["id"] and again.headers["Idempotent-Replayed"] == "true"
    for headers in (two, other):
        theirs = client.post(NOTICE, json=data, headers={**headers, "Idempotency-Key": "k-1"})
        assert theirs.status_code == 201 and theirs.json["id"] != first.json["id"]
        assert "Idempotent-Replayed" not in theirs.headers


def test_a_chosen_issue_number_cannot_push_the_series_past_its_maximum(two_units) -> None:  # type: ignore[no-untyped-def]
    client = two_units.test_client()
    east = token(two_units, "e", "east")
    last = client.post("/api/v1/documents/bulletin", headers=east,
                       json={**load_fixture("bulletin"), "issue_no": 9999})
    assert last.status_code == 201 and last.json["number"] == 9999
    full = client.post("/api/v1/documents/bulletin", headers=east,
                       json={k: v for k, v in load_fixture("bulletin").items() if k != "issue_no"})
    assert full.status_code == 409 and full.json["error"] == "series_full"
    assert "9999" in full.json["message"]


def test_admins_edit_the_profile_and_it_fills_new_forms(two_units) -> None:  # type: ignore[no-untyped-def]
    client = two_units.test_client()
    admin, plain = token(two_units, "boss", "east", "--admin"), token(two_units, "e", "east")
    profile = {"name": "东岭县应急管理局专项行动办公室", "codes": ["煤", "非"],
               "supervisor": {"name": "赵督办", "phone": "0000-1111111"},
               "handler": {"name": "钱承办", "phone": "0000-2222222"},
               "cc": ["县委办公室", "县政府办公室"]}
    assert client.put("/api/v1/unit", json=profile, headers=plain).status_code == 403
    saved = client.put("/api/v1/unit", json=profile, headers=admin)
    assert saved.status_code == 200 and saved.json["profile"]["codes"] == ["煤", "非"]
    assert client.get("/api/v1/unit", headers=plain).json["profile"]["name"] == profile["name"]
    bad = client.put("/api/v1/unit", json={**profile, "codes": ["煤 矿"]}, headers=admin)
    assert bad.status_code == 422 and bad.json["fields"][0]["path"].startswith("codes")
    register = two_units.extensions["register"]
    from service import units

    assert units.get(register, "west").name == "西河县应急管理局"  # west untouched
    user = two_units.test_cli_runner().invoke(
        args=["user", "create", "zhou", "--unit", "east"], input="correct horse\n")
    assert user.exit_code == 0, user.output
    browser = two_units.test_client()
    page = browser.get("/login").get_data(as_text=True)
    csrf = re.search(r'name="_csrf" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    browser.post("/login", data={"_csrf": csrf, "username": "zhou", "password": "correct horse"})
    form = browser.get("/new/transfer-notice").get_data(as_text=True)
    for name, value in (("issuer", profile["name"]), ("code", "煤"),
                        ("supervisor.name", "赵督办"), ("handler.phone", "0000-2222222"),
                        ("cc.1", "县政府办公室")):
        assert re.search(rf'name="{re.escape(name)}"[^>]*value="{re.escape(value)}"', form) or \
            re.search(rf'value="{re.escape(value)}"[^>]*name="{re.escape(name)}"', form), name


def test_admins_manage_their_own_units_officers_and_tokens(two_units) -> None:  # type: ignore[no-untyped-def]
    client = two_units.test_client()
    east, west = token(two_units, "boss-e", "east", "--admin"), token(two_units, "boss-w", "west", "--admin")
    made = client.post("/api/v1/unit/tokens", json={"name": "e-sys", "read_only": True},
                       headers=east)
    assert made.status_code == 201 and made.json["token"].startswith("gw_")
    reader = {"Authorization": f"Bearer {made.json['token']}"}
    assert client.get("/api/v1/documents", headers=reader).status_code == 200
    assert client.post(NOTICE, json=load_fixture("transfer-notice"), headers=reader).status_code == 403
    assert client.delete("/api/v1/unit/tokens/e-sys", headers=west).status_code == 404
    assert [t["name"] for t in client.get("/api/v1/unit/tokens", headers=west).json["tokens"]] \
        == ["boss-w"]
    assert client.delete("/api/v1/unit/tokens/e-sys", headers=east).status_code == 204
    assert client.get("/api/v1/documents", headers=reader).status_code == 401
    officer = {"username": "li", "password": "long enough 1"}
    assert client.post("/api/v1/unit/users", json=officer, headers=east).status_code == 201
    assert client.post("/api/v1/unit/users", json=officer, headers=west).status_code == 404
    assert client.post("/api/v1/unit/users/li/disable", headers=west).status_code == 404
    assert [u["username"] for u in client.get("/api/v1/unit/users", headers=east).json["users"]] \
        == ["li"]


def test_unit_commands(two_units) -> None:  # type: ignore[no-untyped-def]
    runner = two_units.test_cli_runner()
    listing = runner.invoke(args=["unit", "list"]).output
    assert "east\t东岭县应急管理局" in listing and "default\t本单位" in listing
    assert runner.invoke(args=["unit", "rename", "west", "--name", "西河县应急局"]).exit_code == 0
    assert "west\t西河县应急局" in runner.invoke(args=["unit", "list"]).output
    again = runner.invoke(args=["unit", "create", "east", "--name", "x"])
    assert again.exit_code == 4 and "已存在" in again.output
    bad = runner.invoke(args=["unit", "create", "East Bureau", "--name", "x"])
    assert bad.exit_code == 1 and "单位代码" in bad.output
    nowhere = runner.invoke(args=["token", "create", "t", "--unit", "north"])
    assert nowhere.exit_code == 3 and "没有单位“north”" in nowhere.output
    no_unit = runner.invoke(args=["user", "create", "sun"], input="12345678\n")
    assert no_unit.exit_code == 1 and "--unit" in no_unit.output


def test_the_unit_page_is_edited_by_admins_only(two_units) -> None:  # type: ignore[no-untyped-def]
    runner = two_units.test_cli_runner()
    runner.invoke(args=["user", "create", "boss", "--unit", "east", "--admin"], input="12345678\n")
    runner.invoke(args=["user", "create", "clerk", "--unit", "east"], input="12345678\n")

    def logged_in(name: str):  # type: ignore[no-untyped-def]
        client = two_units.test_client()
        page = client.get("/login").get_data(as_text=True)
        csrf = re.search(r'name="_csrf" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
        client.post("/login", data={"_csrf": csrf, "username": name, "password": "12345678"})
        page = client.get("/unit").get_data(as_text=True)  # a new session, a new token
        return client, re.search(r'name="_csrf" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]

    boss, csrf = logged_in("boss")
    form = {"_csrf": csrf, "name": "东岭县应急管理局", "codes": "煤、非", "supervisor.name": "赵督办",
            "supervisor.phone": "0000-1", "handler.name": "", "handler.phone": "",
            "cc": "县委办公室\n县政府办公室"}
    bad = boss.post("/unit", data={**form, "codes": "煤（矿）"})
    assert bad.status_code == 422 and "文号代字" in bad.get_data(as_text=True)
    assert boss.post("/unit", data=form).status_code == 302
    from service import units

    saved = units.get(two_units.extensions["register"], "east").profile
    assert saved.codes == ["煤", "非"] and saved.cc == ["县委办公室", "县政府办公室"]
    assert saved.handler is None and saved.supervisor and saved.supervisor.name == "赵督办"
    clerk, csrf = logged_in("clerk")
    page = clerk.get("/unit").get_data(as_text=True)
    assert "只有本单位的管理员可以修改" in page and "readonly" in page
    assert clerk.post("/unit", data={**form, "_csrf": csrf}).status_code == 403
