"""Renderers: context in, document bytes out. No Flask and no database in here."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

Format = Literal["docx", "pdf"]
FORMATS: tuple[Format, ...] = ("docx", "pdf")
MEDIA_TYPES: dict[str, str] = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}

# Templates live at the top of the repository so clerks find them: templates/docx, /html.
TEMPLATE_DIR = Path(
    os.environ.get("GONGWEN_TEMPLATES", Path(__file__).resolve().parents[2] / "templates")
)
STATIC_DIR = Path(__file__).resolve().parents[1] / "static"


def render(kind: str, context: dict[str, Any], fmt: Format) -> bytes:
    """Render one document of `kind` from its context into `fmt` bytes."""
    if fmt == "docx":
        from service.render.docx import render_docx

        return render_docx(kind, context)
    if fmt == "pdf":
        from service.render.pdf import render_pdf

        return render_pdf(kind, context)
    raise ValueError(f"unknown format {fmt!r}")
