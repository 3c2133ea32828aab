"""The hostile corpus through every kind, both formats and LibreOffice; missing glyphs."""

from __future__ import annotations

import io
import json
import logging
import os
import re
import signal
import subprocess
import time
import unicodedata
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import unquote

import pdfplumber
import pytest

from service.app import create_app
from service.http_errors import http_status
from service.issuing import validate
from service.kinds import KINDS
from service.render import glyphs, render
from service.text import xml_safe
from tests.conftest import docx_text, load_fixture, squeeze
from tests.corpus import (
    BLANK,
    CORPUS,
    LONE_SURROGATES,
    REFUSED,
    TOO_LONG_ANYWHERE,
    VARIANTS,
    Document,
    Variant,
    base,
    documents,
    generic_of,
    payload,
    printed,
    put,
    refusal,
)

# Not in a PDF's text layer (they print nothing): zero-width and bidi controls, selectors.
INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff\ufe00-\ufe0f]")
PAGE_NUMBER = re.compile(r"—\s*\d+\s*—")
RIGHT_TO_LEFT = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc\u202b\u202e\u2067]")
REASONS = ("不能超过", "不能为空", "格式不正确", "缺少")  # why a field may refuse a value


def norm(text: str) -> str:
    """Text as both PDF extractors give it: NFC, no invisibles or page numbers, no spaces."""
    text = INVISIBLE.sub("", unicodedata.normalize("NFC", text))
    return squeeze(PAGE_NUMBER.sub("", text))


def needles(value: str) -> list[str]:
    """What to look for in a PDF; right-to-left runs may come out in visual order, so a
    value with them is looked for word by word, each word either way round."""
    if RIGHT_TO_LEFT.search(value):
        return [w for w in (norm(word) for word in printed(value).split()) if w]
    return [norm(printed(value))]


def in_docx(value: str, text: str, titled: bool) -> bool:
    """True when the DOCX prints `value` as cleaned, line breaks included (a one-line field
    turns them into spaces); a title may wrap anywhere, so only its characters count there."""
    shown = printed(value)
    if titled:
        return squeeze(shown) in squeeze(text)
    return shown in text or " ".join(shown.split("\n")) in text


def pdf_texts(content: bytes) -> list[str]:
    """The PDF's text in content-stream order, by pdfplumber and by poppler's pdftotext
    (pdfminer cannot read a font WeasyPrint gave a custom CMap: see tests/test_hostile.py)."""
    with pdfplumber.open(io.BytesIO(content)) as pdf:
        plumber = "".join(c["text"] for page in pdf.pages for c in page.chars)
        seen = "".join(_reading_order(page.chars) for page in pdf.pages)
    poppler = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", "-", "-"], input=content,
                             capture_output=True, check=True, timeout=60).stdout.decode()
    return [norm(plumber), norm(poppler), norm(seen)]


def _reading_order(chars: list[dict[str, Any]]) -> str:
    """A page's characters as a reader sees them: lines top to bottom (a glyph from a
    fallback face sits a point or two off the line), each left to right. LibreOffice
    draws a fallback face's glyphs after the rest of the line, so content order has them
    elsewhere."""
    lines: list[list[dict[str, Any]]] = []
    for c in sorted(chars, key=lambda c: c["bottom"]):
        if lines and c["bottom"] - lines[-1][0]["bottom"] < 4:
            lines[-1].append(c)
        else:
            lines.append([c])
    return "".join("".join(c["text"] for c in sorted(line, key=lambda c: c["x0"]))
                   for line in lines)


def in_pdf(value: str, texts: list[str]) -> bool:
    """True when every needle of `value` is in one of the extracted texts."""
    either = RIGHT_TO_LEFT.search(value) is not None
    return all(any(n in t or (either and n[::-1] in t) for t in texts) for n in needles(value))


class Issued(NamedTuple):
    """One corpus document as issued: its files, the warnings the service gave, and the
    code points WeasyPrint logged as drawn with the .notdef glyph (tofu)."""

    document: Document
    docx: bytes
    pdf: bytes
    warnings: list[str]
    tofu: set[str]


class _Tofu(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.codes: set[str] = set()

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if ".notdef" in message:
            self.codes.update(re.findall(r"U\+([0-9A-F]{4,6})", message))


@pytest.fixture(scope="module")
def issued(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Issued]]:
    """Every corpus document of every kind issued through the API, with its two files."""
    db = tmp_path_factory.mktemp("corpus") / "register.sqlite3"
    app = create_app({"TESTING": True, "AUTH_REQUIRED": False, "DATABASE_URL": f"sqlite:///{db}"})
    client = app.test_client()
    out: dict[str, list[Issued]] = {}
    tofu = _Tofu()
    logging.getLogger("weasyprint").addHandler(tofu)
    try:
        for kind in KINDS:
            for document in documents(kind):
                answer = client.post(f"/api/v1/documents/{kind}", data=payload(document.doc),
                                     content_type="application/json")
                assert answer.status_code == 201, (kind, answer.get_json())
                body = answer.get_json()
                # The service renders in worker processes: render the same document here
                # to hear what WeasyPrint logs as tofu.
                tofu.codes = set()
                doc = validate(KINDS[kind], payload(document.doc))
                render(kind, xml_safe({**KINDS[kind].build(doc, body["number"]), "draft": False}),
                       "pdf")
                files = [client.get(body["links"][fmt]) for fmt in ("docx", "pdf")]
                assert [f.status_code for f in files] == [200, 200]
                out.setdefault(kind, []).append(Issued(document, files[0].data, files[1].data,
                                                       body["warnings"], tofu.codes))
    finally:
        logging.getLogger("weasyprint").removeHandler(tofu)
        app.extensions["register"].dispose()
    return out


def test_the_corpus_is_large_enough() -> None:
    assert len(CORPUS) >= 50 and len(set(CORPUS)) == len(CORPUS)


@pytest.mark.slow
@pytest.mark.parametrize("kind", list(KINDS))
def test_every_value_prints_literally_in_docx_and_pdf(issued, kind: str) -> None:  # type: ignore[no-untyped-def]
    lost, placed = [], set()
    for document, docx_bytes, pdf_bytes, _, _ in issued[kind]:
        docx, pdf_all = docx_text(docx_bytes), pdf_texts(pdf_bytes)
        for place, value, shown in document.values:
            if not shown:
                continue
            placed.add(value.removesuffix(document.variant.suffix.get(generic_of(place), "")))
            where = f"{document.variant.fixture} {'.'.join(map(str, place))} = {value[:60]!r}"
            if not in_docx(value, docx, generic_of(place) in document.variant.titled):
                lost.append(f"DOCX lost {where}")
            if not in_pdf(value, pdf_all):
                lost.append(f"PDF lost {where}")
    assert not lost, "\n".join(lost)
    # Every value is in some document of the kind, unless every field of it refuses it
    # (test_values_a_field_refuses_are_a_422_naming_it checks those refusals).
    for value in set(CORPUS) - placed - REFUSED - {LONE_SURROGATES}:
        assert len(value) > 250, f"{kind} never printed {value[:60]!r}"


@pytest.mark.slow
@pytest.mark.parametrize("kind", list(KINDS))
def test_the_glyph_warning_names_what_weasyprint_drew_as_tofu(issued, kind: str) -> None:  # type: ignore[no-untyped-def]
    for one in issued[kind]:
        named = set(re.findall(r"U\+([0-9A-F]{4,6})", " ".join(one.warnings)))
        assert named == one.tofu, (one.document.variant.fixture, one.warnings)
    assert any(one.tofu for one in issued[kind])  # the corpus has some in every kind


def _libreoffice(files: list[Path], outdir: Path, timeout: float = 240) -> None:
    """Convert DOCX files to PDF with one soffice in its own process group and profile; the
    group is killed afterwards, whatever happened, and its processes are reaped."""
    profile = outdir / "profile"
    cmd = ["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
           "--convert-to", "pdf", "--outdir", str(outdir), *map(str, files)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            start_new_session=True)
    try:
        proc.communicate(timeout=timeout)
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()


def _plain(value: str) -> bool:
    """A value LibreOffice's text layer keeps as it is: no emoji, marks, invisibles or RTL
    (its PDFs scatter those: the DOCX has them, as the test above shows)."""
    return not any(ord(c) > 0xFFFF or unicodedata.category(c) in ("Mn", "Me", "Cf", "So")
                   or RIGHT_TO_LEFT.match(c) for c in printed(value))


@pytest.mark.slow
def test_every_docx_opens_in_libreoffice(issued, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    files: list[tuple[Path, Document]] = []
    for kind, rendered in issued.items():
        for n, (document, docx_bytes, *_) in enumerate(rendered):
            path = tmp_path / f"{kind}-{n}.docx"
            path.write_bytes(docx_bytes)
            files.append((path, document))
    _libreoffice([p for p, _ in files], tmp_path)
    lost = []
    for path, document in files:
        pdf = path.with_suffix(".pdf")
        assert pdf.is_file() and pdf.read_bytes().startswith(b"%PDF"), f"LibreOffice: {path.name}"
        texts = pdf_texts(pdf.read_bytes())[1:]  # poppler's, and as a reader sees it
        lost += [f"{path.name} {'.'.join(map(str, place))} = {value[:40]!r}"
                 for place, value, shown in document.values
                 if shown and _plain(value) and not in_pdf(value, texts)]
    assert not lost, "\n".join(lost)


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda v: v.fixture)
def test_values_a_field_refuses_are_a_422_naming_it(variant: Variant) -> None:
    doc, places = base(variant)
    firsts = {generic_of(p): p for p in reversed(places)}  # one place of each field
    for place in firsts.values():
        path = ".".join(map(str, place))
        for value in CORPUS:
            err = refusal(variant, doc, place, value)
            # a blank 【案例剖析】 aspect counts as absent; a blank title still has its 案
            blank_ok = value in BLANK and (place[-2:-1] == ("analysis",)
                                           or generic_of(place) in variant.suffix)
            if value in REFUSED and not blank_ok:
                assert err is not None, f"{path} accepted {value[:40]!r}"
            if err is None:
                continue
            if value == LONE_SURROGATES:  # pydantic's JSON parser refuses them (see report)
                assert (http_status(err), err.code) == (400, "bad_json")
                continue
            messages = [f["message"] for f in err.fields if f["path"] == path]
            assert http_status(err) == 422 and messages, (path, value[:40], err.fields)
            assert any(r in messages[0] for r in REASONS), (path, messages)


@pytest.mark.parametrize("kind", list(KINDS))
def test_a_megabyte_value_is_a_clean_422_through_the_api(client, kind: str) -> None:  # type: ignore[no-untyped-def]
    variant = next(v for v in VARIANTS if v.kind == kind)
    doc, places = base(variant)
    for value in TOO_LONG_ANYWHERE:
        trial = json.loads(json.dumps(doc))
        put(trial, places[-1], value)
        answer = client.post(f"/api/v1/documents/{kind}", data=json.dumps(trial, ensure_ascii=False),
                             content_type="application/json")
        body = answer.get_json()
        path = ".".join(map(str, places[-1]))
        assert answer.status_code == 422 and body["error"] == "invalid", body
        assert [f["path"] for f in body["fields"]] == [path]
        assert "不能超过" in body["fields"][0]["message"]


def test_empty_strings_where_allowed_leave_the_part_out(client) -> None:  # type: ignore[no-untyped-def]
    data = load_fixture("typical-case")
    data["analysis"] = {"responsibility": "{{ 7*7 }}", "institutions": "", "factors": "\u3000 \t"}
    body = client.post("/api/v1/documents/typical-case", json=data).get_json()
    docx_bytes = client.get(body["links"]["docx"]).data
    pdf = pdf_texts(client.get(body["links"]["pdf"]).data)
    assert "1. 从落实党政领导责任、部门监管责任、企业主体责任方面：{{ 7*7 }}" in docx_text(docx_bytes)
    assert "从体制机制" not in docx_text(docx_bytes) and "从存在的主" not in docx_text(docx_bytes)
    assert not any("从体制机制" in t or "从存在的主" in t for t in pdf) and in_pdf("{{ 7*7 }}", pdf)


def test_a_control_character_in_the_code_is_refused_or_harmless(client) -> None:  # type: ignore[no-untyped-def]
    data = {**load_fixture("transfer-notice"), "code": "\x01煤", "allegation": "A & B < C > D"}
    answer = client.post("/api/v1/render/transfer-notice.docx", json=data)
    if answer.status_code == 422:
        assert [f["path"] for f in answer.get_json()["fields"]] == ["code"]
    else:
        assert "A & B < C > D" in docx_text(answer.data)


def test_a_bidi_override_does_not_reverse_the_text_after_the_value(client) -> None:  # type: ignore[no-untyped-def]
    data = {**load_fixture("transfer-notice"), "issuer": "\u202e东岭县应急管理局"}
    answer = client.post("/api/v1/render/transfer-notice.pdf", json=data)
    assert "（代章）" in pdf_texts(answer.data)[1]


# --- Missing glyphs -------------------------------------------------------------------------

def test_characters_no_font_has_are_reported_once_with_their_code_points() -> None:
    message = glyphs.warnings({"a": ["家庭👨‍👩‍👧", {"b": "👨爸爸"}]})
    assert message == ["以下字符在所用字体中没有字形，打印时将显示为方框："
                       "👨（U+1F468）、👩（U+1F469）、👧（U+1F467）"]


def test_chinese_rare_characters_and_what_the_cleaner_removes_are_not_reported() -> None:
    context: dict[str, Any] = {"doc": load_fixture("typical-case"),
                               "rare": ["镕堃喆", "𠀀𪚥", "𰻞"], "controls": "\x01\x7f\x85\u200b\ufeff\u202e\t\n",
                               "warnings": ["👾 not printed"]}
    assert glyphs.missing(context) == []
    # 😀 is not in the named fonts, but DejaVu Sans, which Fontconfig sorts behind them,
    # has it: Pango prints it from there, so it is no tofu.
    assert glyphs.missing({"a": "😀"}) == []


def test_a_long_list_names_twenty_and_counts_the_rest() -> None:
    text = "".join(chr(0x1F468 + i) for i in range(8)) + "".join(chr(0xE0F0 + i) for i in range(30))
    (message,) = glyphs.warnings({"a": text})
    assert message.count("（U+") == 20 and message.endswith(f"等{len(glyphs.missing(text))}个字符")


def test_glyph_checks_are_fast_after_the_first() -> None:
    glyphs.missing("预热")
    context = {"findings": [load_fixture("summary-weekly")] * 300}
    start = time.perf_counter()
    assert glyphs.missing(context) == []
    assert time.perf_counter() - start < 0.5


def test_preview_and_issue_warn_about_missing_glyphs(client) -> None:  # type: ignore[no-untyped-def]
    data = {**load_fixture("transfer-notice"), "subject": "家庭👨‍👩‍👧企业"}
    preview = client.post("/api/v1/render/transfer-notice.pdf", json=data)
    header = json.loads(unquote(preview.headers["X-Warnings"]))
    assert any("U+1F468" in w and "方框" in w for w in header)
    issued = client.post("/api/v1/documents/transfer-notice", json=data).get_json()
    assert any("U+1F468" in w for w in issued["warnings"])
    plain = client.post("/api/v1/documents/transfer-notice", json=load_fixture("transfer-notice"))
    assert plain.get_json()["warnings"] == []
    rare = {**load_fixture("transfer-notice"), "subject": "镕𠀀企业"}
    assert "X-Warnings" not in client.post("/api/v1/render/transfer-notice.docx", json=rare).headers
