"""The speed-ups change nothing a reader sees: the prepared DOCX templates write what docxtpl
writes, the compact font copies print like the full faces, the one-pass subsetting (tests/test_weasyprint_pin.py) embeds
the fonts WeasyPrint's own would."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pdfplumber
import pytest
from pypdf import PdfReader

from service.issuing import validate
from service.kinds import KINDS
from service.render import docx as docx_render
from service.render import render
from tests.conftest import FIXTURES, load_fixture

ROOT = Path(__file__).resolve().parents[1]
CASES = [(kind, path.stem) for kind in KINDS for path in sorted(FIXTURES.glob(f"{kind}*.json"))]
HOSTILE = "A&B <b>{{ 7*7 }}</b> {_{x}_} \"q\" 'a'\tTab\nLine\x0bVT\aPara\fPage </w:t></w:r>"


def context(fixture: str, kind: str, draft: bool = False, **changes: str) -> dict:
    k = KINDS[kind]
    data = {**load_fixture(fixture), **changes}
    return {**k.build(validate(k, data), None if draft else 7), "draft": draft}


def docxtpl_render(kind: str, ctx: dict) -> bytes:
    template = docx_render.load_template(kind)
    template.render(ctx, jinja_env=docx_render.environment(), autoescape=True)
    out = io.BytesIO()
    template.save(out)
    return out.getvalue()


def parts(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        return {name: package.read(name) for name in package.namelist()}


def pitch_of(content: bytes) -> int:
    """The line pitch (twips) a rendered DOCX was given: its page grid's."""
    found = re.search(rb'<w:docGrid w:linePitch="(\d+)"', parts(content)["word/document.xml"])
    assert found
    return int(found.group(1))


def same_as_docxtpl(kind: str, ctx: dict) -> None:
    """The fast renderer writes what docxtpl writes given the same line pitch, but for
    word/styles.xml, which docxtpl leaves as it is: there the pitch replaces {{ line }}."""
    ours = docx_render.render_docx(kind, ctx)
    line = pitch_of(ours)
    reference = parts(docxtpl_render(kind, {**ctx, "line": line}))
    mine = parts(ours)
    styles = reference.pop("word/styles.xml").decode()
    assert mine.pop("word/styles.xml").decode() == re.sub(
        r"\{\{ line( \* (\d+))? \}\}", lambda m: str(line * int(m.group(2) or 1)), styles)
    assert mine == reference


@pytest.mark.parametrize("kind,fixture", CASES)
def test_prepared_docx_templates_write_what_docxtpl_writes(kind: str, fixture: str) -> None:
    for draft in (False, True):
        same_as_docxtpl(kind, context(fixture, kind, draft))


def test_hostile_values_come_out_of_the_docx_as_from_docxtpl() -> None:
    ctx = context("transfer-notice", "transfer-notice")
    same_as_docxtpl("transfer-notice", {**ctx, "recipient": HOSTILE, "body": HOSTILE + ctx["body"]})


def chars(content: bytes) -> list[tuple]:
    """What a reader sees: each character, where, how big, in which face (subset tag off)."""
    with pdfplumber.open(io.BytesIO(content)) as pdf:
        return [(n, c["text"], round(c["x0"], 2), round(c["top"], 2), round(c["size"], 2),
                 c["fontname"].split("+", 1)[-1]) for n, page in enumerate(pdf.pages)
                for c in page.chars]


def test_compact_fonts_print_like_the_full_faces(tmp_path: Path) -> None:
    """The same documents rendered without the compact copies (a process of its own: the
    font set-up is made once per process) print the same characters at the same places."""
    rare = {"subject": "王镕、李堃、张喆经营的煤矿——“东岭”·矿"}
    docs = [("transfer-notice", "transfer-notice", rare), ("typical-case", "typical-case", {})]
    script = (
        "import sys, json; sys.path.insert(0, '.')\n"
        "from tests.test_fast_render import context\nfrom service.render import render\n"
        "for i, (kind, fixture, changes) in enumerate(json.loads(sys.argv[1])):\n"
        "    open(f'{sys.argv[2]}/{i}.pdf', 'wb').write(render(kind, context(fixture, kind,"
        " True, **changes), 'pdf'))\n")
    subprocess.run([sys.executable, "-c", script, json.dumps(docs), str(tmp_path)], cwd=ROOT,
                   env={**os.environ, "GONGWEN_COMPACT_FONTS": "0"}, check=True, timeout=300)
    for i, (kind, fixture, changes) in enumerate(docs):
        full = (tmp_path / f"{i}.pdf").read_bytes()
        compact = render(kind, context(fixture, kind, True, **changes), "pdf")
        assert chars(compact) == chars(full)
        assert len(compact) < len(full) * 0.75


def test_an_issued_notice_pdf_is_small() -> None:
    """Three faces (title, body, page numbers) in a one-page notice, under 120 KB: each
    embedded Noto face used to cost 76–180 KB."""
    content = render("transfer-notice", context("transfer-notice", "transfer-notice"), "pdf")
    assert len(PdfReader(io.BytesIO(content)).pages) == 1
    assert len(content) < 120 * 1024


def embedded_fonts(content: bytes) -> dict[str, bytes]:
    found = {}
    for page in PdfReader(io.BytesIO(content)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            found[font["/BaseFont"]] = descriptor["/FontFile3"].get_object().get_data()
    return found


