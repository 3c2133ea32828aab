"""Hostile values print literally and break nothing; the PDF renderer fetches nothing."""

from __future__ import annotations

import http.server
import io
import threading
from pathlib import Path

import docx
import pytest
import weasyprint

from service.issuing import validate
from service.kinds import KINDS
from service.render import STATIC_DIR, render
from service.render.fetcher import StaticOnlyFetcher
from tests.conftest import docx_paragraphs, docx_text, load_fixture, pdf_text, squeeze

KIND = KINDS["transfer-notice"]
HOSTILE = {
    "subject": "{{ 7*7 }}企业",
    "allegation": "{% raw %}涉嫌{% endraw %}瞒报",
    "recipient": "<img src=file:///etc/hostname>公司",
    "received_by": "&<>\"'办公室",
    "issuer": "{_{ x }_}局",
    "attachments": ["</w:t></w:r><w:r><w:t>注入", "第一行\x0b第二行", "响\x01铃", "𠀀字"],
    "cc": ["${jndi:ldap://x}", "<script>alert(1)</script>"],
}
EXPECTED = ["{{ 7*7 }}企业", "{% raw %}涉嫌{% endraw %}瞒报", "<img src=file:///etc/hostname>公司",
            "&<>\"'办公室", "{_{ x }_}局", "</w:t></w:r><w:r><w:t>注入", "响铃",
            "${jndi:ldap://x}", "<script>alert(1)</script>"]


@pytest.fixture(scope="module")
def hostile_files() -> tuple[bytes, bytes]:
    data = {**load_fixture("transfer-notice"), **HOSTILE}
    ctx = KIND.build(validate(KIND, data), 1)
    return render(KIND.name, ctx, "docx"), render(KIND.name, ctx, "pdf")


def test_docx_prints_hostile_values_literally(hostile_files) -> None:  # type: ignore[no-untyped-def]
    docx_bytes, _ = hostile_files
    paragraphs = docx_paragraphs(docx_bytes)
    text = "\n".join(paragraphs)
    for value in EXPECTED:
        assert value in text, value
    assert "49企业" not in text
    assert "2. 第一行\n第二行；" in paragraphs  # vertical tab became a line break
    # no injected run: the document still has exactly the template's paragraphs
    assert sum("注入" in p for p in paragraphs) == 1
    assert docx.Document(io.BytesIO(docx_bytes)).paragraphs


def test_pdf_prints_hostile_values_literally(hostile_files) -> None:  # type: ignore[no-untyped-def]
    _, pdf_bytes = hostile_files
    text = squeeze(pdf_text(pdf_bytes))
    for value in EXPECTED:
        assert squeeze(value) in text, value
    assert "第一行第二行" in text and "49企业" not in text
    assert "𠀀字" in text  # U+20000 comes from the Hanazono fallback, not as tofu


def test_control_characters_are_cleaned_in_the_model() -> None:
    data = {**load_fixture("transfer-notice"), "subject": "甲\x00乙\x1b丙\u200b丁\x7f戊\r\n己"}
    assert validate(KIND, data).subject == "甲乙丙\u200b丁戊\n己"  # type: ignore[attr-defined]


def test_a_10000_character_value_renders_in_both_formats() -> None:
    long_text = ("涉嫌超能力组织生产" * 1200)[:10_000]
    data = {**load_fixture("transfer-notice"), "allegation": long_text, "subject": "a" * 300}
    ctx = KIND.build(validate(KIND, data), 1)
    assert squeeze(long_text) in squeeze(docx_text(render(KIND.name, ctx, "docx")))
    pdf = squeeze(pdf_text(render(KIND.name, ctx, "pdf")))
    assert ("a" * 300) in pdf
    for n in range(2, 40):  # page numbers break the text layer of a multi-page body
        pdf = pdf.replace(f"—{n}—", "")
    assert long_text[:3000] in pdf


def test_characters_beyond_the_bmp_survive_in_docx(hostile_files) -> None:  # type: ignore[no-untyped-def]
    docx_bytes, _ = hostile_files
    assert "𠀀字" in docx_text(docx_bytes)


class _Counter(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self) -> None:  # noqa: N802
        _Counter.hits.append(self.path)
        self.send_response(302)
        self.send_header("Location", "file:///etc/passwd")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def loopback_server():  # type: ignore[no-untyped-def]
    server = http.server.HTTPServer(("127.0.0.1", 0), _Counter)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Counter.hits = []
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_fetcher_refuses_everything_but_static_files(loopback_server: str) -> None:
    fetcher = StaticOnlyFetcher(STATIC_DIR)
    for url in ("file:///etc/hostname", f"{loopback_server}/x.png", "data:text/plain,hi",
                (STATIC_DIR / ".." / "register.py").as_uri(), "ftp://127.0.0.1/x"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    css = fetcher.fetch((STATIC_DIR / "gongwen.css").as_uri())
    assert b"@page" in css.read()
    assert _Counter.hits == []


def test_markup_that_reaches_weasyprint_fetches_nothing(loopback_server: str, tmp_path: Path) -> None:
    """Even unescaped markup (a template bug) cannot make the renderer fetch or embed."""
    html = (f'<img src="{loopback_server}/img.png"><img src="file:///etc/hostname">'
            f'<link rel="stylesheet" href="{loopback_server}/s.css">'
            '<a rel="attachment" href="file:///etc/passwd">x</a>'
            f'<div style="background: url({loopback_server}/bg.png)">正文</div>')
    fetcher = StaticOnlyFetcher(STATIC_DIR)
    pdf = weasyprint.HTML(string=html, base_url=STATIC_DIR.as_uri() + "/",
                          url_fetcher=fetcher).write_pdf()
    assert _Counter.hits == []
    assert b"/EmbeddedFile" not in pdf and b"root:" not in pdf
