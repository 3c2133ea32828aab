"""DOCX rendering: docxtpl templates with a sandboxed, autoescaping Jinja environment.

docxtpl re-reads the template (zip, every XML part, the Jinja compile) and re-writes every
part on each render; here each template is prepared once per process with docxtpl's own
steps (patch_xml, the paragraph marks, resolve_listing, fix_tables) and each render only
runs the compiled Jinja templates and writes the parts that change into a copy of the zip
of the parts that do not.
"""

from __future__ import annotations

import io
import re
import threading
import zipfile
from copy import deepcopy
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import docx.oxml.ns
from docx.opc.oxml import serialize_part_xml
from docx.oxml.parser import parse_xml
from docxtpl import DocxTemplate
from jinja2 import StrictUndefined, Template, meta
from jinja2.sandbox import SandboxedEnvironment
from lxml import etree

from service.render import pitch
from service.render.formats import TEMPLATE_DIR
from service.render.grid import hang

_PARAGRAPH = re.compile(r"<w:p([ >])")
_MARKED_PARAGRAPH = re.compile(r"\n<w:p([ >])")
_BODY = docx.oxml.ns.qn("w:body")
_FOOTNOTES = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
_STYLES = "application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"


class _Template(DocxTemplate):
    """docxtpl without its `{_{` → `{{` output rewriting, which alters values like `{_{x}_}`:
    our templates never use that escape, and every value must print as sent."""

    def render_xml_part(self, src_xml, part, context, jinja_env=None):  # type: ignore[no-untyped-def]
        src_xml = _PARAGRAPH.sub(r"\n<w:p\1", src_xml)
        self.current_rendering_part = part
        dst_xml = jinja_env.from_string(src_xml).render(context)
        dst_xml = _MARKED_PARAGRAPH.sub(r"<w:p\1", dst_xml)
        return self.resolve_listing(dst_xml)


def environment() -> SandboxedEnvironment:
    """The Jinja environment templates run in: sandboxed, autoescaped, strict about names,
    with `hang` (the width of an item number, for hanging indents)."""
    env = SandboxedEnvironment(autoescape=True, undefined=StrictUndefined)
    env.globals["hang"] = hang
    return env


# Names the renderer adds to every context: the line pitch in twips.
RENDERER_NAMES = frozenset({"line"})


@cache
def _template_bytes(kind: str) -> bytes:
    return (TEMPLATE_DIR / "docx" / f"{kind}.docx").read_bytes()


def load_template(kind: str) -> DocxTemplate:
    """A fresh docxtpl template object for `kind` (docxtpl templates render once)."""
    return _Template(io.BytesIO(_template_bytes(kind)))


@dataclass(frozen=True)
class _Part:
    """A part rendered on every call: its name in the zip, its compiled template, and
    whether docxtpl re-parses it (headers, footers) or stores the text (footnotes)."""

    name: str
    template: Template
    encoding: str
    parsed: bool


@dataclass(frozen=True)
class _Prepared:
    """One template, ready to render: the body's template, the document element around
    the body, the other rendered parts and the zip of everything else."""

    tools: DocxTemplate  # for resolve_listing and fix_tables, which keep no state
    body: Template
    document_name: str
    document: etree._Element  # the w:document element with an empty w:body
    parts: tuple[_Part, ...]
    unchanged: bytes
    styles: pitch.Styles
    styles_part: _Part | None  # word/styles.xml: it holds only the pitch, see _styled
    styled: dict[int, bytes] = field(default_factory=dict)  # unchanged + styles per pitch


_env = environment()
_lock = threading.Lock()


def _compile(xml: str) -> Template:
    return _env.from_string(_PARAGRAPH.sub(r"\n<w:p\1", xml))


@cache
def _prepare(kind: str) -> _Prepared:
    template = load_template(kind)
    template.render_init()
    document = template.docx
    parts: list[_Part] = []
    for uri in (template.HEADER_URI, template.FOOTER_URI):
        for _, part in template.get_headers_footers(uri):
            xml = template.get_part_xml(part)
            parts.append(_Part(part.partname.lstrip("/"), _compile(template.patch_xml(xml)),
                               template.get_headers_footers_encoding(xml), True))
    styles_part = None
    for part in document.part.package.parts:
        if part.content_type in (_FOOTNOTES, _STYLES):  # the styles carry the line pitch
            xml = template.patch_xml(part.blob.decode("utf-8"))
            rendered = _Part(part.partname.lstrip("/"), _compile(xml), "utf-8", False)
            if part.content_type == _FOOTNOTES:
                parts.append(rendered)
                continue
            if not meta.find_undeclared_variables(_env.parse(xml)) <= RENDERER_NAMES:
                raise ValueError(f"template {kind}: styles.xml may use only {{{{ line }}}}")
            styles_part = rendered
    for name in ("author", "comments", "identifier", "language", "subject", "title"):
        if re.search(r"\{[{%#]", getattr(document.core_properties, name) or ""):
            raise ValueError(f"template {kind}: core property {name} uses Jinja tags")
    template.render_properties({}, _env)  # without tags: what docxtpl writes for any context
    saved = io.BytesIO()
    document.save(saved)  # python-docx's serialization of every part that does not change
    document_name = document.part.partname.lstrip("/")
    skip = {document_name, *(p.name for p in parts),
            *([styles_part.name] if styles_part else [])}
    unchanged = io.BytesIO()
    with zipfile.ZipFile(saved) as source, zipfile.ZipFile(unchanged, "w") as target:
        for info in source.infolist():
            if info.filename not in skip:
                target.writestr(info, source.read(info.filename))
    skeleton = deepcopy(document.element)
    skeleton.replace(skeleton.find(_BODY), etree.Element(_BODY))
    styles = pitch.read_styles(document.styles.element)
    return _Prepared(template, _compile(template.patch_xml(template.get_xml())), document_name,
                     skeleton, tuple(parts), unchanged.getvalue(), styles, styles_part)


def prepare(kind: str) -> None:
    """Read and compile the Word template of `kind` now rather than at its first render."""
    with _lock:
        _prepare(kind)


def _styled(prepared: _Prepared, line: int) -> bytes:
    """The zip of the parts that do not change, with the styles at pitch `line`: the styles
    part is 350 KB, and compressing it on every render took most of a DOCX's time."""
    with _lock:
        if line not in prepared.styled:
            out = io.BytesIO(prepared.unchanged)
            if prepared.styles_part is not None:
                with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as package:
                    xml = _render_part(prepared, prepared.styles_part.template, {"line": line})
                    package.writestr(prepared.styles_part.name, xml.encode("utf-8"))
            prepared.styled[line] = out.getvalue()
        return prepared.styled[line]


def _render_part(prepared: _Prepared, template: Template, context: dict[str, Any]) -> str:
    xml = _MARKED_PARAGRAPH.sub(r"<w:p\1", template.render(context))
    return str(prepared.tools.resolve_listing(xml))


def closer_pitch(kind: str, context: dict[str, Any]) -> tuple[int, int | None]:
    """The line pitch (twips) the Word rendering of `context` takes, and its pages there."""
    with _lock:
        prepared = _prepare(kind)
    context = {**context, "line": pitch.GRID_TWIPS}
    body = prepared.tools.fix_tables(_render_part(prepared, prepared.body, context))
    return pitch.closer_pages(body, prepared.styles)


def render_docx(kind: str, context: dict[str, Any]) -> bytes:
    """Render the DOCX of one document, at the line pitch it needs (service.render.pitch)."""
    with _lock:  # preparing a kind takes a moment; do it once, not in every thread
        prepared = _prepare(kind)
    context = {**context, "line": pitch.GRID_TWIPS}
    body = prepared.tools.fix_tables(_render_part(prepared, prepared.body, context))
    closer = pitch.closer_twips(body, prepared.styles)
    if closer != pitch.GRID_TWIPS:
        context["line"] = closer
        body = prepared.tools.fix_tables(_render_part(prepared, prepared.body, context))
    for number, element in enumerate(
            body.xpath("//wp:docPr", namespaces=docx.oxml.ns.nsmap), 1001):
        element.attrib["id"] = str(number)  # docxtpl's fix_docpr_ids
    document = deepcopy(prepared.document)
    document.replace(document.find(_BODY), body)
    out = io.BytesIO(_styled(prepared, context["line"]))
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as package:
        package.writestr(prepared.document_name, serialize_part_xml(document))
        for part in prepared.parts:
            xml = _render_part(prepared, part.template, context)
            data = xml.encode(part.encoding)
            package.writestr(part.name, serialize_part_xml(parse_xml(data)) if part.parsed
                             else data)
    return out.getvalue()
