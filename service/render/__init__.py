"""Renderers: context in, document bytes out. No Flask and no database in here."""

from __future__ import annotations

from typing import Any

from service.render.formats import FORMATS, MEDIA_TYPES, STATIC_DIR, TEMPLATE_DIR, Format

__all__ = ["FORMATS", "MEDIA_TYPES", "STATIC_DIR", "TEMPLATE_DIR", "Format", "render"]


def render(kind: str, context: dict[str, Any], fmt: Format) -> bytes:
    """Render one document of `kind` from its context into `fmt` bytes, in this process
    (service.render.pool runs it in a worker process with a time limit)."""
    if fmt == "docx":
        from service.render.docx import render_docx

        return render_docx(kind, context)
    if fmt == "pdf":
        from service.render.pdf import render_pdf

        return render_pdf(kind, context)
    if fmt == "xlsx":
        from service.kinds import KINDS
        from service.render.xlsx import workbook

        sheets = KINDS[kind].sheets
        if sheets is None:
            raise ValueError(f"{kind} has no tables to put in a workbook")
        return workbook(sheets(context))
    raise ValueError(f"unknown format {fmt!r}")
