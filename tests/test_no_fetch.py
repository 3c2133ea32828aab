"""No outbound fetches: URLs and markup in every text field of every kind, issued in both
formats, make the service load nothing, embed nothing and leak no local file."""

from __future__ import annotations

import http.server
import io
import re
import threading
import zipfile
from collections.abc import Iterator

import pypdf
import pytest

from service.app import create_app
from service.kinds import KINDS
from tests.corpus import documents, payload, printed
from tests.test_corpus import in_pdf, pdf_texts


class _Recorder(http.server.BaseHTTPRequestHandler):
    """Records every request; /passwd redirects to file:///etc/passwd, /loop to itself."""

    hits: list[str] = []

    def do_GET(self) -> None:  # noqa: N802
        _Recorder.hits.append(self.path)
        if self.path.startswith("/passwd"):
            self.send_response(302)
            self.send_header("Location", "file:///etc/passwd")
        elif self.path.startswith("/loop"):
            self.send_response(302)
            self.send_header("Location", self.path)
        else:
            self.send_response(200)
            self.send_header("Content-Type", "text/css")
        self.end_headers()
        self.wfile.write(b"body { background: url(/passwd) }")

    do_POST = do_HEAD = do_GET  # noqa: N815

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """A loopback HTTP server that records hits; yields its base URL."""
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    _Recorder.hits = []
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def fetching_values(base: str) -> list[str]:
    """Strings that would make a careless renderer fetch, redirect or embed something."""
    return [
        "file:///etc/passwd", f"{base}/a.png", f"{base}/passwd", f"{base}/loop", f"{base}/",
        "data:text/plain;base64,aGk=", "data:image/svg+xml,<svg/>",
        f'<img src="{base}/img.png">', '<img src="file:///etc/passwd">',
        f'<img src="{base}/passwd">', f'<img src="{base}/loop">',
        f'<link rel="stylesheet" href="{base}/s.css">',
        '<link rel="attachment" href="file:///etc/passwd">',
        '<a rel="attachment" href="file:///etc/passwd">附件</a>',
        f"url({base}/bg.png)", f'url("{base}/passwd")', "url(file:///etc/passwd)",
        f'@import "{base}/i.css";', f"@import url({base}/loop);",
        f'<style>@import "{base}/s.css";body{{background:url({base}/b.png)}}</style>',
        f"<style>@font-face{{font-family:x;src:url({base}/f.woff)}}</style>",
        f'<div style="background:url({base}/d.png)">背景</div>',
        f'<object data="{base}/o"></object>', f'<iframe src="{base}/f"></iframe>',
        f'<svg><image href="{base}/s.png"/></svg>', '<embed src="file:///etc/passwd">',
        f'<base href="{base}/">', f'<meta http-equiv="refresh" content="0;url={base}/m">',
        f'<script src="{base}/x.js"></script>',
    ]


def _pdf_plain(content: bytes) -> bytes:
    """The PDF's bytes followed by every stream of it decompressed."""
    reader = pypdf.PdfReader(io.BytesIO(content))
    parts = [content]
    for number in range(1, int(reader.trailer["/Size"])):
        obj = reader.get_object(number)
        if isinstance(obj, pypdf.generic.StreamObject):
            parts.append(obj.get_data())
    return b"".join(parts)


@pytest.mark.slow
def test_no_kind_fetches_embeds_or_leaks_anything(server: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    app = create_app({"TESTING": True, "AUTH_REQUIRED": False,
                      "DATABASE_URL": f"sqlite:///{tmp_path / 'register.sqlite3'}"})
    client = app.test_client()
    values = fetching_values(server)
    printed_by_kind: dict[str, set[str]] = {}
    try:
        for kind in KINDS:
            for document in documents(kind, values):
                answer = client.post(f"/api/v1/documents/{kind}", data=payload(document.doc),
                                     content_type="application/json")
                assert answer.status_code == 201, answer.get_json()
                links = answer.get_json()["links"]
                docx_bytes = client.get(links["docx"]).data
                pdf_bytes = client.get(links["pdf"]).data
                plain = _pdf_plain(pdf_bytes)
                for marker in (b"/EmbeddedFile", b"root:x:0", b"/URI", b"/Launch", b"/JavaScript"):
                    assert marker not in plain, (kind, marker)
                with zipfile.ZipFile(io.BytesIO(docx_bytes)) as docx:
                    names = docx.namelist()
                    parts = b"".join(docx.read(n) for n in names)
                assert b"root:x:0" not in parts and not re.search(rb'TargetMode="External"', parts)
                assert not [n for n in names if n.startswith("word/media/")]
                texts = pdf_texts(pdf_bytes)
                for _place, value, shown in document.values:
                    if shown:
                        assert in_pdf(value, texts), (kind, value)
                        printed_by_kind.setdefault(kind, set()).add(printed(value))
    finally:
        app.extensions["register"].dispose()
    assert _Recorder.hits == []
    for kind in KINDS:  # every kind printed most of the values (the rest are too long for it)
        assert len(printed_by_kind[kind]) >= len(values) * 2 // 3, kind
