"""The generated forms for a screen reader (GB/T 37668-2019 / WCAG 2.0 AA), as the HTML the
server sends: every help text and error in aria-describedby, group and list errors linked
from the group with the fields inside marked invalid, aria-required exactly where the model
requires a value, the line saying what * means, the error summary (focused by form.js) and
the page title after a failed submit, rows and their buttons named by position. The
browser side (axe-core on every page, focus) is tests/test_browser_a11y.py."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

import pytest

from service.form_posts import anchor, flatten
from service.forms import form_for
from service.kinds import KINDS
from tests.conftest import load_fixture


class Page(HTMLParser):
    """The elements of a page as (tag, attributes, text inside), ids and their elements."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.ids: dict[str, dict[str, str]] = {}
        self.duplicates: list[str] = []
        self.template = 0
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "template":
            self.template += 1
        if self.template:  # inert until form.js copies it
            return
        found = {k: v or "" for k, v in attrs}
        found["_tag"] = tag
        self.elements.append((tag, found))
        if "id" in found:
            if found["id"] in self.ids:
                self.duplicates.append(found["id"])
            self.ids[found["id"]] = found

    def handle_endtag(self, tag: str) -> None:
        if tag == "template":
            self.template -= 1

    def by_id(self, ident: str) -> dict[str, str]:
        assert ident in self.ids, f"no element with id {ident!r}"
        return self.ids[ident]

    def described(self, ident: str) -> list[str]:
        return self.by_id(ident).get("aria-describedby", "").split()


def csrf(client: Any) -> str:
    html = client.get("/new/transfer-notice").get_data(as_text=True)
    return re.search(r'name="_csrf" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]


def check_references(page: Page) -> None:
    """No duplicate ids; every aria-describedby/-labelledby and label[for] names an element
    of the page; every help and error text is referenced by something."""
    assert not page.duplicates, page.duplicates
    referenced: set[str] = set()
    for tag, attrs in page.elements:
        for attr in ("aria-describedby", "aria-labelledby"):
            for ident in attrs.get(attr, "").split():
                assert ident in page.ids, f"{attr}={ident!r} on <{tag} id={attrs.get('id')}>"
                referenced.add(ident)
        if tag == "label" and attrs.get("for"):
            assert attrs["for"] in page.ids, f"label for={attrs['for']!r}"
        if tag == "a" and attrs.get("href", "").startswith("#"):
            assert attrs["href"][1:] in page.ids, f"link to {attrs['href']!r}"
    for tag, attrs in page.elements:
        ident = attrs.get("id", "")
        cls = attrs.get("class", "").split()
        if tag == "p" and ("help" in cls or "error" in cls) and ident.startswith(("help-", "err-")):
            assert ident in referenced, f"{ident} is read by no control"
        if tag == "p" and "help" in cls and "computed" not in cls and not ident.startswith(
                "import-help"):
            assert ident, f"a help text without an id: {attrs}"


def failed(client: Any, kind: str, **data: str) -> tuple[str, int]:
    page = client.post(f"/new/{kind}", data={"_csrf": csrf(client), "_preview": "1", **data})
    return page.get_data(as_text=True), page.status_code


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_form_refers_only_to_existing_ids_new_and_after_a_failed_submit(
        client: Any, kind: str) -> None:
    blank = client.get(f"/new/{kind}").get_data(as_text=True)
    check_references(Page(blank))
    assert 'class="req-note"' in blank and "的为必填项" in blank
    html, status = failed(client, kind)
    assert status == 422
    page = Page(html)
    check_references(page)
    assert re.search(r"<title>有错误：", html)
    summary = page.by_id("form-errors")
    assert summary["tabindex"] == "-1" and "data-error-summary" in summary
    assert summary["aria-labelledby"] == "form-errors-title"


def test_every_help_text_of_the_transfer_notice_is_read_with_its_field(client: Any) -> None:
    form = form_for(KINDS["transfer-notice"].model)
    html = client.get("/new/transfer-notice").get_data(as_text=True)
    page = Page(html)
    helps = [f for f in form.children if f.help and f.widget != "hidden"]
    assert len(helps) >= 9
    for f in helps:
        assert page.by_id(f"help-{f.name}")
        assert f"help-{f.name}" in page.described(f"f-{f.name}"), f.name
    assert "help-code" in page.described("f-code")
    assert "1至6个字" in html
    assert "A contact person" not in html  # a model's docstring is no help text


def test_group_and_list_errors_are_linked_from_the_group_and_mark_the_fields(
        client: Any) -> None:
    payload = load_fixture("transfer-notice")
    data = {k: str(v) for k, v in flatten(payload).items()
            if not k.endswith("__len__") and not k.startswith(("handler", "attachments"))}
    html, status = failed(client, "transfer-notice", **data)
    assert status == 422
    page = Page(html)
    check_references(page)
    for group, inside in (("handler", ["handler.name", "handler.phone"]),
                          ("attachments", ["attachments.0"])):
        fieldset = page.by_id(f"f-{group}")
        assert fieldset["_tag"] == "fieldset"
        assert fieldset["aria-invalid"] == "true"
        assert f"err-{group}" in page.described(f"f-{group}")
        assert page.by_id(f"err-{group}")
        for name in inside:
            assert page.by_id(f"f-{name}")["aria-invalid"] == "true", name
            assert f"err-{group}" in page.described(f"f-{name}"), name
    # the summary links to the group (form.js focuses its first field)
    assert 'href="#f-handler">缺少承办人</a>' in html
    assert 'href="#f-attachments">缺少有关材料</a>' in html
    # a field outside stays valid
    assert "aria-invalid" not in page.by_id("f-supervisor.name")


def test_aria_required_is_exactly_what_the_model_requires(client: Any) -> None:
    page = Page(client.get("/new/transfer-notice").get_data(as_text=True))
    required = {"f-campaign", "f-recipient_kind", "f-source", "f-received_on",
                "f-supervisor.name", "f-handler.name", "f-attachments.0", "f-issued_on"}
    optional = {"f-measures", "f-feedback_due", "f-supervisor.phone", "f-cc.0"}
    for ident in required:
        assert page.by_id(ident).get("aria-required") == "true", ident
    for ident in optional:
        assert "aria-required" not in page.by_id(ident), ident
    # every input the model requires, and none it does not
    form = form_for(KINDS["transfer-notice"].model)
    for f in form.children:
        if f.widget in ("text", "textarea", "date", "select"):
            assert (page.by_id(f"f-{f.name}").get("aria-required") == "true") == f.required

    letter = Page(client.get("/new/commitment-letter").get_data(as_text=True))
    assert letter.by_id("f-level").get("aria-required") == "true"  # a required dropdown
    assert "aria-required" not in letter.by_id("f-commitments.0")  # 承诺事项 is optional
    assert "aria-required" not in letter.by_id("f-jurisdiction")

    summary = Page(client.get("/new/summary").get_data(as_text=True))
    assert summary.by_id("f-findings.0.escalated").get("aria-required") == "true"  # a checkbox
    assert "aria-required" not in summary.by_id("f-layout")  # has a default

    case = Page(client.get("/new/typical-case").get_data(as_text=True))
    for i in range(3):  # at least three keywords
        assert case.by_id(f"f-keywords.{i}").get("aria-required") == "true"
    assert "aria-required" not in case.by_id("f-analysis.responsibility")  # 至少一项: none alone


def test_rows_beyond_what_the_model_requires_are_not_announced_as_required(
        client: Any) -> None:
    data = {"_csrf": csrf(client), "_add": "attachments", "attachments.0": "群众举报信"}
    html = client.post("/new/transfer-notice", data=data).get_data(as_text=True)
    page = Page(html)
    assert page.by_id("f-attachments.0").get("aria-required") == "true"
    assert "aria-required" not in page.by_id("f-attachments.1")
    assert "data-req" in page.by_id("f-attachments.1")  # required once it is the first row
    assert page.by_id("f-attachments")["data-needed"] == "1"
    assert page.by_id("f-cc")["data-needed"] == "0"


def test_rows_and_their_buttons_are_named_by_position(client: Any) -> None:
    data = {"_csrf": csrf(client), "_add": "attachments", "attachments.0": "群众举报信"}
    html = client.post("/new/transfer-notice", data=data).get_data(as_text=True)
    assert 'aria-label="删除第1项有关材料"' in html and 'aria-label="删除第2项有关材料"' in html
    assert re.search(r'<label for="f-attachments.1"><span data-pos-of="attachments">第2项有关材料'
                     r"</span></label>", html)
    assert 'aria-label="增加一行有关材料">增加一行</button>' in html
    assert 'aria-label="删除第1项抄送"' in html
    # the record tables keep theirs
    table = client.get("/new/summary").get_data(as_text=True)
    assert 'aria-label="删除本条（第1条记录）"' in table
    # a row that is a group has a legend naming it
    bulletin = client.get("/new/bulletin").get_data(as_text=True)
    assert re.search(r'<legend><span data-pos-of="cases">第1项[^<]+</span></legend>', bulletin)
    assert "（第1项）" not in bulletin and "（新增项）" not in bulletin


def test_table_cells_are_described_by_their_column_help_and_row_errors(client: Any) -> None:
    page = Page(client.get("/new/summary").get_data(as_text=True))
    check_references(page)
    helps = [i for i in page.ids if i.startswith("colhelp-findings-")]
    assert helps
    for ident in helps:
        column = ident.removeprefix("colhelp-findings-")
        assert ident in page.described(f"f-findings.0.{column}"), column


def test_an_error_of_an_element_the_form_does_not_show_goes_to_its_nearest_one() -> None:
    form = form_for(KINDS["summary"].model)
    values = flatten(load_fixture("summary-weekly"))
    assert anchor(form, values, "findings.0.measures.1") == "findings.0.measures"
    assert anchor(form, values, "findings.0.found_on") == "findings.0.found_on"
    assert anchor(form, values, "findings.999") == "findings"
    assert anchor(form, values, "") == ""
    notice = form_for(KINDS["transfer-notice"].model)
    assert anchor(notice, {}, "lead") == ""  # hidden: only the form shows it
    assert anchor(notice, {}, "supervisor.name") == "supervisor.name"


def test_the_other_forms_say_what_went_wrong_first(client: Any) -> None:
    token = csrf(client)
    lead = client.post("/leads/new", data={"_csrf": token})
    html = lead.get_data(as_text=True)
    assert lead.status_code == 422 and "<title>有错误：登记线索" in html
    page = Page(html)
    check_references(page)
    assert "data-error-summary" in page.by_id("form-errors")
    assert page.by_id("f-content").get("aria-required") == "true"
    assert page.by_id("f-category").get("aria-required") == "true"  # a required dropdown

    login = client.post("/login", data={"_csrf": token, "username": "nobody",
                                        "password": "wrong"})
    html = login.get_data(as_text=True)
    assert "<title>有错误：登录" in html
    page = Page(html)
    check_references(page)
    assert "data-error-summary" in page.by_id("login-error")
    assert "login-error" in page.described("username")


def test_the_unit_page_says_what_went_wrong_first(client: Any) -> None:
    bad = client.post("/unit", data={
        "_csrf": csrf(client), "name": "东岭县应急管理局", "codes": "煤（矿）",
        "supervisor.name": "", "supervisor.phone": "0000-1", "cc": "县委办公室",
        "contacts.0.title": "股长"})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "<title>有错误：本单位" in html
    page = Page(html)
    check_references(page)  # each summary link goes to an element of the page
    assert "data-error-summary" in page.by_id("form-errors")
    links = dict(re.findall(r'<li><a href="#([^"]+)">([^<]+)</a></li>', html))
    assert links == {"codes": "文号代字第1项：格式不正确",
                     "supervisor-name": "督办人·姓名：不能为空",
                     "contact-0-name": "联络人第1项姓名：不能为空"}
    assert page.by_id("codes").get("aria-invalid") == "true" and "codes-error" in page.described(
        "codes")
    # the group's error: linked from the group, both of its fields marked invalid
    assert page.described("supervisor") == ["supervisor-error"]
    for ident in ("supervisor-name", "supervisor-phone"):
        assert page.by_id(ident).get("aria-invalid") == "true"
        assert "supervisor-error" in page.described(ident)
    assert "aria-invalid" not in page.by_id("handler-name")
    assert page.by_id("contact-0-name").get("aria-invalid") == "true"
