"""DOCX rendering: docxtpl templates with a sandboxed, autoescaping Jinja environment."""

from __future__ import annotations

import io
from functools import cache
from typing import Any

from docxtpl import DocxTemplate
from jinja2 import StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from service.render import TEMPLATE_DIR


class _Template(DocxTemplate):
    """docxtpl without its `{_{` → `{{` output rewriting, which alters values like `{_{x}_}`:
    our templates never use that escape, and every value must print as sent."""

    def render_xml_part(self, src_xml, part, context, jinja_env=None):  # type: ignore[no-untyped-def]
        import re

        src_xml = re.sub(r"<w:p([ >])", r"\n<w:p\1", src_xml)
        self.current_rendering_part = part
        dst_xml = jinja_env.from_string(src_xml).render(context)
        dst_xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", dst_xml)
        return self.resolve_listing(dst_xml)


def environment() -> SandboxedEnvironment:
    """The Jinja environment templates run in: sandboxed, autoescaped, strict about names."""
    return SandboxedEnvironment(autoescape=True, undefined=StrictUndefined)


@cache
def _template_bytes(kind: str) -> bytes:
    return (TEMPLATE_DIR / "docx" / f"{kind}.docx").read_bytes()


def load_template(kind: str) -> DocxTemplate:
    """A fresh template object for `kind` (docxtpl templates render once)."""
    return _Template(io.BytesIO(_template_bytes(kind)))


def render_docx(kind: str, context: dict[str, Any]) -> bytes:
    """Render the DOCX of one document."""
    template = load_template(kind)
    template.render(context, jinja_env=environment(), autoescape=True)
    out = io.BytesIO()
    template.save(out)
    return out.getvalue()
