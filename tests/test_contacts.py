"""集中行动联络人 (seed 000 附件6 / seed 001 附件3; issue 17): the seed's nine columns in
DOCX, PDF and XLSX, filled in from the unit's profile and never from another unit's."""

from __future__ import annotations

import io
import re
from pathlib import Path

import docx
import openpyxl
import pdfplumber
import pytest

from service.app import create_app
from service.issuing import validate
from service.kinds import KINDS
from tests.conftest import load_fixture, pdf_text, squeeze

KIND = KINDS["contacts"]
# The seed's header row, as printed in seed 000 附件6 and seed 001 附件3.
SEED_COLUMNS = ["单位", "姓名", "职务", "办公电话", "传真", "手机号", "电子邮箱", "单位地址", "邮编"]
PROFILE = {"name": "东岭县应急管理局", "address": "东岭县城关镇人民路18号", "postcode": "030100",
           "fax": "0351-6000109",
           "contacts": [{"name": "韩晓东", "title": "执法监察员", "office_phone": "0351-6000101",
                         "mobile": "13800000001", "email": "dl@example.cn"},
                        {"name": "周明远", "mobile": "13800000002"}]}
WEST = {"name": "西河县应急管理局", "address": "西河县河滨路2号",
        "contacts": [{"name": "冯西河", "mobile": "13911112222"}]}


def test_the_seed_columns_are_the_kinds() -> None:
    ctx = KIND.build(validate(KIND, load_fixture("contacts")), None)
    assert [c["header"] for c in ctx["columns"]] == SEED_COLUMNS
    assert sum(c["width"] for c in ctx["columns"]) == 225  # the landscape 版心


def _ctx(data: dict) -> dict:  # type: ignore[type-arg]
    return {**KIND.build(validate(KIND, data), None), "draft": False}


def test_docx_pdf_and_xlsx_print_the_columns_and_every_row() -> None:
    from service.render import render

    data = load_fixture("contacts")
    ctx = _ctx(data)
    document = docx.Document(io.BytesIO(render("contacts", ctx, "docx")))
    rows = [[c.text for c in r.cells] for r in document.tables[0].rows]
    assert rows[0] == SEED_COLUMNS
    keys = [c["key"] for c in ctx["columns"]]
    assert rows[1:] == [[person.get(k, "") for k in keys] for person in data["contacts"]]
    paragraphs = [p.text for p in document.paragraphs]
    assert "“百日攻坚”集中行动联络人" in paragraphs
    assert any(p.startswith("填报单位：东岭县应急管理局") and "填表人：韩晓东" in p
               and "填表日期：2022年1月5日" in p for p in paragraphs)
    pdf = render("contacts", ctx, "pdf")
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        page = doc.pages[0]
        assert page.width > page.height  # landscape
        table = page.extract_tables()[0]
    assert [squeeze(c or "") for c in table[0]] == SEED_COLUMNS
    assert [squeeze(c or "") for c in table[1]] == [data["contacts"][0].get(k, "") for k in keys]
    assert "填表人：韩晓东" in squeeze(pdf_text(pdf))
    ws = openpyxl.load_workbook(io.BytesIO(render("contacts", ctx, "xlsx")))["联络人"]
    assert ws["A1"].value == "“百日攻坚”集中行动联络人"
    assert [c.value for c in ws[3]] == SEED_COLUMNS and ws.freeze_panes == "A4"
    assert ws["F4"].value == "13800000001" and ws["I4"].data_type == "s"  # phones stay text
    assert ws.page_setup.orientation == "landscape"


def test_an_empty_table_keeps_one_row_to_write_in_and_warns() -> None:
    from service.render import render

    data = {**load_fixture("contacts"), "contacts": [], "filled_by": None, "campaign": None}
    ctx = _ctx(data)
    assert ctx["warnings"] and "联络人" in ctx["warnings"][0]
    document = docx.Document(io.BytesIO(render("contacts", ctx, "docx")))
    rows = [[c.text for c in r.cells] for r in document.tables[0].rows]
    assert rows == [SEED_COLUMNS, [""] * 9]
    assert "集中行动联络人" in [p.text for p in document.paragraphs]


def test_a_bad_row_names_the_field_in_chinese(client) -> None:  # type: ignore[no-untyped-def]
    data = load_fixture("contacts")
    data["contacts"][1]["name"] = "  "
    data["contacts"][0]["address"] = "路" * 101
    body = client.post("/api/v1/render/contacts.pdf", json=data).json
    paths = {f["path"]: f["message"] for f in body["fields"]}
    assert body["error"] == "invalid"
    assert paths["contacts.1.name"] == "联络人第2项姓名：不能为空"
    assert paths["contacts.0.address"].startswith("联络人第1项单位地址：不能超过")


@pytest.fixture
def two_units(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Two units with profiles and contacts, auth on, an admin token each."""
    app = create_app({"TESTING": True, "AUTH_REQUIRED": True, "SECRET_KEY": "t",
                      "DATABASE_URL": f"sqlite:///{tmp_path / 'r.sqlite3'}"})
    runner = app.test_cli_runner()
    tokens = {}
    for code, profile in (("east", PROFILE), ("west", WEST)):
        assert runner.invoke(args=["unit", "create", code, "--name", profile["name"]]).exit_code == 0
        out = runner.invoke(args=["token", "create", code, "--unit", code, "--admin"])
        tokens[code] = {"Authorization": f"Bearer {out.stdout.strip().splitlines()[0]}"}
        assert app.test_client().put("/api/v1/unit", json=profile,
                                     headers=tokens[code]).status_code == 200
    app.config["tokens"] = tokens
    yield app
    app.extensions["register"].dispose()


def test_an_old_profile_payload_still_works(client) -> None:  # type: ignore[no-untyped-def]
    old = {"name": "东岭县应急管理局", "codes": ["煤"], "supervisor": {"name": "赵督办"},
           "handler": None, "cc": []}
    saved = client.put("/api/v1/unit", json=old)
    assert saved.status_code == 200
    assert saved.json["profile"]["contacts"] == [] and saved.json["profile"]["address"] is None


def test_the_profile_makes_the_table_and_another_unit_never_appears(two_units) -> None:  # type: ignore[no-untyped-def]
    client, east = two_units.test_client(), two_units.config["tokens"]["east"]
    pdf = client.get("/api/v1/unit/contacts.pdf?filled_by=韩晓东&filled_on=2022-01-05",
                     headers=east)
    assert pdf.status_code == 200, pdf.data[:300]
    text = squeeze(pdf_text(pdf.data))
    with pdfplumber.open(io.BytesIO(pdf.data)) as doc:
        cells = {squeeze(c or "") for t in doc.pages[0].extract_tables() for r in t for c in r}
    assert "2022年1月5日" in text
    for value in ("韩晓东", "执法监察员", "0351-6000101", "0351-6000109", "13800000001",
                  "dl@example.cn", "东岭县城关镇人民路18号", "030100", "周明远"):
        assert value in cells, value
    workbook = client.get("/api/v1/unit/contacts.xlsx", headers=east)
    word = client.get("/api/v1/unit/contacts.docx", headers=east)
    ws = openpyxl.load_workbook(io.BytesIO(workbook.data))["联络人"]
    assert [ws.cell(r, 2).value for r in (4, 5)] == ["韩晓东", "周明远"]
    assert [ws.cell(5, c).value for c in (1, 5, 8, 9)] == [
        "东岭县应急管理局", "0351-6000109", "东岭县城关镇人民路18号", "030100"]
    for content in (pdf.data, word.data, workbook.data):
        for secret in ("冯西河", "13911112222", "西河县"):
            assert secret.encode() not in content
    assert "冯西河" not in text and "西河" not in text
    assert "冯西河" not in "".join(str(c.value) for row in ws.iter_rows() for c in row)
    bad = client.get("/api/v1/unit/contacts.pdf?unit=west", headers=east)
    assert bad.status_code == 422 and bad.json["fields"][0]["path"] == "unit"
    assert client.get("/api/v1/unit/contacts.txt", headers=east).status_code == 404


def test_a_new_contacts_form_is_filled_in_from_the_profile(two_units) -> None:  # type: ignore[no-untyped-def]
    from service import units

    profile = units.get(two_units.extensions["register"], "east").profile
    values = units.prefill(profile)
    assert values["contacts.0.name"] == "韩晓东" and values["contacts.1.unit"] == "东岭县应急管理局"
    assert values["contacts.1.address"] == "东岭县城关镇人民路18号"
    assert "contacts.1.email" not in values  # not given: left empty
    assert not any("冯西河" in v for v in values.values())


def test_the_cli_gathers_units_into_one_table(two_units, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    runner = two_units.test_cli_runner()
    out = tmp_path / "联络人.xlsx"
    result = runner.invoke(args=["contacts", "-o", str(out), "--unit", "east", "--unit", "west",
                                 "--filing-unit", "市局集中行动办公室", "--filled-on",
                                 "2022-01-05"])
    assert result.exit_code == 0, result.output
    ws = openpyxl.load_workbook(out)["联络人"]
    assert [ws.cell(r, 2).value for r in (4, 5, 6)] == ["韩晓东", "周明远", "冯西河"]
    assert ws["A2"].value.startswith("填报单位：市局集中行动办公室")
    one = tmp_path / "east.pdf"
    assert runner.invoke(args=["contacts", "-o", str(one), "--unit", "east"]).exit_code == 0
    assert "冯西河" not in pdf_text(one.read_bytes())
    bad = runner.invoke(args=["contacts", "-o", str(tmp_path / "x.txt")])
    assert bad.exit_code == 2 and "扩展名" in bad.output


def test_the_unit_page_saves_contacts(two_units) -> None:  # type: ignore[no-untyped-def]
    runner = two_units.test_cli_runner()
    runner.invoke(args=["user", "create", "boss", "--unit", "east", "--admin"], input="12345678\n")
    client = two_units.test_client()
    page = client.get("/login").get_data(as_text=True)
    csrf = re.search(r'name="_csrf" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    client.post("/login", data={"_csrf": csrf, "username": "boss", "password": "12345678"})
    page = client.get("/unit").get_data(as_text=True)
    assert 'name="contacts.2.name"' in page and 'value="韩晓东"' in page
    csrf = re.search(r'name="_csrf" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    form = {"_csrf": csrf, "name": "东岭县应急管理局", "address": "东岭县新址1号", "postcode": "",
            "fax": "", "contacts.0.name": "韩晓东", "contacts.0.mobile": "13800000001",
            "contacts.1.name": "", "contacts.2.name": "王新", "contacts.2.title": "股长"}
    assert client.post("/unit", data=form).status_code == 302
    from service import units

    saved = units.get(two_units.extensions["register"], "east").profile
    assert [p.name for p in saved.contacts] == ["韩晓东", "王新"]
    assert saved.address == "东岭县新址1号" and saved.postcode is None
    bad = client.post("/unit", data={**form, "contacts.2.name": "", "contacts.2.title": "股长"})
    assert bad.status_code == 422 and 'id="contact-1-name-error"' in bad.get_data(as_text=True)
