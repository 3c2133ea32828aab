"""service/render/weasy.py changes WeasyPrint's output only through what it hands over for one
document (the `finisher` of write_pdf, `Document.fonts`): these tests fail when WeasyPrint
or pydyf is not the version it was written for, when the internals it relies on change,
when anything in WeasyPrint or pydyf has been replaced, or when its PDFs differ from
WeasyPrint's own beyond the compression level and the names of the compact faces.

When one fails after an upgrade: re-read the functions named in SOURCES against weasy.py
(and service/render/pdf.py's `_lines`), re-measure (bench/), then update PINNED in
weasy.py, the pins in pyproject.toml and the hashes here.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import inspect
import io
import re
import sys
import types
from typing import Any

import pydyf
import pytest
import weasyprint
import weasyprint.document
import weasyprint.pdf
import weasyprint.pdf.fonts
import weasyprint.pdf.stream

# What may not change, taken before anything of ours could have run a render.
WATCHED: dict[str, Any] = {
    "pydyf": pydyf, "pydyf.Object": pydyf.Object, "pydyf.Dictionary": pydyf.Dictionary,
    "pydyf.Stream": pydyf.Stream, "pydyf.Array": pydyf.Array, "pydyf.String": pydyf.String,
    "pydyf.PDF": pydyf.PDF,
    "weasyprint": weasyprint, "weasyprint.pdf": weasyprint.pdf,
    "weasyprint.pdf.fonts": weasyprint.pdf.fonts, "weasyprint.pdf.stream": weasyprint.pdf.stream,
    "weasyprint.document": weasyprint.document,
    "weasyprint.pdf.fonts.Font": weasyprint.pdf.fonts.Font,
    "weasyprint.pdf.stream.Stream": weasyprint.pdf.stream.Stream,
    "weasyprint.document.Document": weasyprint.document.Document,
    "weasyprint.document.Page": weasyprint.document.Page,
}
ORIGINAL = {name: dict(vars(space)) for name, space in WATCHED.items()}

from pypdf import PdfReader  # noqa: E402
from pypdf.generic import IndirectObject, StreamObject  # noqa: E402

from service.kinds import KINDS  # noqa: E402
from service.render import pdf as pdf_render  # noqa: E402
from service.render import weasy  # noqa: E402
from tests.conftest import FIXTURES  # noqa: E402

SUFFIX = weasy.fonts.SUFFIX.replace(" ", "-")  # "-GB2312", as in the copies' PDF names

# sha256 (first 16 hex digits) of the source of each function weasy.py relies on, and why.
SOURCES = {
    # OnePassFont.subset stands for it: called by clean() with (to_unicode, hinting)
    "weasyprint.pdf.fonts.Font.subset": "61ed6bc2e9a7e43a",
    # the two passes OnePassFont makes in one: tables dropped, flags, fallbacks
    "weasyprint.pdf.fonts.Font._harfbuzz_subset": "f80805663ede8080",
    "weasyprint.pdf.fonts.Font.clean": "794f0211f18453f1",
    # clean() per font file, then `BaseFont` from font.name
    "weasyprint.pdf.fonts.build_fonts_dictionary": "fc551bef35d0d6c3",
    # `FontName`, `BaseFont` from font.name
    "weasyprint.pdf.fonts._build_vector_font_dictionary": "aa6eea312c6e3375",
    # fonts are stored with `fonts[key] = Font(...)`, fonts being Document.fonts
    "weasyprint.pdf.stream.Stream.add_font": "e4226e1117477217",
    "weasyprint.pdf.stream.Stream.clone": "a4f89c7ab7de235c",
    # Document.fonts goes to every Stream and to build_fonts_dictionary
    "weasyprint.pdf.generate_pdf": "626343ef25c396e8",
    # Document.fonts is a dict made here
    "weasyprint.document.Document.__init__": "3e9c12ed2ef35b9b",
    # the finisher gets the pydyf.PDF before pdf.write()
    "weasyprint.document.Document.write_pdf": "086e4a8e99981829",
    # service/render/pdf.py counts lines through Page._page_box
    "weasyprint.document.Page.__init__": "56afceec729bf2c1",
    # how a stream is joined, compressed (Filter, Length) and laid out: weasy._raw/_compress
    "pydyf.Stream.data": "bdc2bc513f286de7",
}


def _function(dotted: str) -> Any:
    module_name, _, rest = dotted.partition(".")
    target: Any = sys.modules[module_name]
    parts = rest.split(".")
    while parts and isinstance(getattr(target, parts[0]), types.ModuleType):
        target = getattr(target, parts.pop(0))
    for part in parts:
        target = inspect.getattr_static(target, part)
    return target.fget if isinstance(target, property) else target


def _digest(function: Any) -> str:
    return hashlib.sha256(inspect.getsource(function).encode()).hexdigest()[:16]


def replaced() -> list[str]:
    """What in WATCHED differs from ORIGINAL, or comes from this project's code."""
    found = []
    for name, space in WATCHED.items():
        now, before = vars(space), ORIGINAL[name]
        for attr in sorted(now.keys() | before.keys()):
            if attr in ("__annotations__", "__doc__", "__dict__", "__weakref__"):
                continue
            if attr not in before and isinstance(now[attr], types.ModuleType) and (
                    now[attr].__name__ == f"{name}.{attr}"):
                continue  # a submodule imported since
            if attr not in now or attr not in before or now[attr] is not before[attr]:
                found.append(f"{name}.{attr} changed")
                continue
            value = now[attr]
            value = getattr(value, "fget", None) or getattr(value, "__func__", None) or value
            if getattr(value, "__module__", None) in (None, "builtins"):
                continue
            if str(value.__module__).split(".")[0] in ("service", "tests", "bench"):
                found.append(f"{name}.{attr} is {value.__module__}.{value.__qualname__}")
    return found


def _context(kind_name: str) -> dict[str, Any]:
    """The context of fixtures/<kind>.json, issued."""
    kind = KINDS[kind_name]
    document = kind.model.model_validate_json((FIXTURES / f"{kind_name}.json").read_bytes())
    return {**kind.build(document, 1 if kind.numbered else None), "draft": False}


def test_the_pinned_versions_are_installed() -> None:
    assert weasy.PINNED == {"weasyprint": "70.0", "pydyf": "0.13.0"}
    assert {name: importlib.metadata.version(name) for name in weasy.PINNED} == weasy.PINNED
    assert weasy.INSTALLED == weasy.PINNED and weasy.TUNED


@pytest.mark.parametrize("dotted", SOURCES)
def test_the_internals_relied_on_are_unchanged(dotted: str) -> None:
    assert _digest(_function(dotted)) == SOURCES[dotted], (
        f"{dotted} changed: re-check service/render/weasy.py against it")


def test_one_pass_subsetting_drops_the_tables_weasyprint_drops() -> None:
    source = inspect.getsource(weasyprint.pdf.fonts.Font._harfbuzz_subset)
    drop = source[source.index("drop_tables = "):source.index("drop_tables_array")]
    assert tuple(tag.encode() for tag in re.findall(r"b'(.{4})'", drop)) == weasy._DROPPED_TABLES


def test_pages_keep_their_page_box() -> None:
    font_config, stylesheet = pdf_render._warm()
    document = weasyprint.HTML(string="<p>一</p>", base_url=pdf_render._base_url,
                               url_fetcher=pdf_render._fetcher).render(
        stylesheets=[stylesheet], font_config=font_config)
    assert pdf_render._lines(document.pages[0]) == 1


def test_nothing_in_weasyprint_or_pydyf_is_replaced() -> None:
    assert not replaced()  # before …
    content = pdf_render.render_pdf("transfer-notice", _context("transfer-notice"))
    assert content.startswith(b"%PDF-")
    assert not replaced()  # … and after a render


def test_a_replacement_would_be_seen(monkeypatch: pytest.MonkeyPatch) -> None:
    """The check above can fail: what _tune_weasyprint() used to do is caught."""
    def subset_once(font: Any, to_unicode: Any, hinting: Any) -> None: ...

    class Zlib:
        pass

    monkeypatch.setattr(weasyprint.pdf.fonts.Font, "_harfbuzz_subset", subset_once)
    monkeypatch.setattr(pydyf, "zlib", Zlib)
    assert replaced() == [
        "pydyf.zlib changed", "weasyprint.pdf.fonts.Font._harfbuzz_subset changed"]
    monkeypatch.undo()
    monkeypatch.setattr(weasyprint.pdf.fonts, "Font", weasy.OnePassFont)
    assert replaced() == ["weasyprint.pdf.fonts.Font changed"]


def _plain(value: Any) -> Any:
    """A PDF object as plain data: references by number, streams decoded."""
    if isinstance(value, IndirectObject):
        return ("ref", value.idnum)
    if isinstance(value, StreamObject):
        return (_plain({k: v for k, v in value.items() if k not in ("/Filter", "/Length")}),
                value.get_data())
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def _objects(content: bytes) -> dict[int, Any]:
    """Every object but the object and cross-reference streams (offsets, lengths)."""
    reader = PdfReader(io.BytesIO(content))
    size: Any = reader.trailer["/Size"]  # a pypdf NumberObject
    objects = {number: _plain(reader.get_object(number)) for number in range(1, size)}
    return {number: obj for number, obj in objects.items() if obj is not None and not (
        isinstance(obj, tuple) and obj[0].get("/Type") in ("/ObjStm", "/XRef"))}


def _without_suffix(value: Any) -> Any:
    """WeasyPrint's own names for the compact copies, as weasy.finish() names them."""
    if isinstance(value, dict):
        return {key: item.replace(SUFFIX, "") if key in ("/BaseFont", "/FontName")
                else _without_suffix(item) for key, item in value.items()}
    return value


def _names(objects: dict[int, Any]) -> list[str]:
    return [obj[key] for obj in objects.values() if isinstance(obj, dict)
            for key in ("/BaseFont", "/FontName") if key in obj]


def _html(case: str) -> str:
    if case == "missing glyph":  # no font has U+F0000: WeasyPrint's `missing` glyphs
        return "<p style='font-family: FandolFang'>王\U000f0000李</p>"
    return pdf_render.render_html(case, {**_context(case), "draft": True})


@pytest.mark.parametrize("case", ["transfer-notice", "typical-case", "missing glyph"])
def test_pdfs_are_weasyprints_own_but_for_compression_and_names(case: str) -> None:
    font_config, stylesheet = pdf_render._warm()

    def document() -> weasyprint.Document:
        return weasyprint.HTML(string=_html(case), base_url=pdf_render._base_url,
                               url_fetcher=pdf_render._fetcher).render(
            stylesheets=[stylesheet], font_config=font_config)

    ours_document = document()
    ours = weasy.write_pdf(ours_document)
    theirs = document().write_pdf(pdf_tags=True)  # ours are tagged (weasy.write_pdf)
    assert {type(font) for font in ours_document.fonts.values()} == {weasy.OnePassFont}
    if case == "missing glyph":
        assert any(font.missing for font in ours_document.fonts.values())
    ours_objects, theirs_objects = _objects(ours), _objects(theirs)
    assert ours_objects == {n: _without_suffix(obj) for n, obj in theirs_objects.items()}
    assert _names(ours_objects) and not any(SUFFIX in name for name in _names(ours_objects))
    if case != "missing glyph":  # the compact copies were embedded, under the faces' names
        assert any(SUFFIX in name for name in _names(theirs_objects))
    # zlib headers: level 6 (78 9C) for every stream of ours but the two pydyf makes while
    # writing (objects, cross-references); level 9 (78 DA) for all of WeasyPrint's own.
    assert ours.count(b"stream\nx\xda") == 2 and ours.count(b"stream\nx\x9c") >= 3
    assert theirs.count(b"stream\nx\x9c") == 0
