"""What the renderers produce and where their templates and static files are."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

from jinja2 import FileSystemLoader, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

Format = Literal["docx", "pdf", "xlsx"]
# Every kind is rendered as these; kinds with tables add xlsx (Kind.sheets).
FORMATS: tuple[Format, ...] = ("docx", "pdf")
MEDIA_TYPES: dict[str, str] = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

# Templates live at the top of the repository so clerks find them: templates/docx, /html.
# A clerk's restyled copies go in a folder of their own, named by GONGWEN_TEMPLATES.
TEMPLATE_DIR = Path(
    os.environ.get("GONGWEN_TEMPLATES", Path(__file__).resolve().parents[2] / "templates")
)
STATIC_DIR = Path(__file__).resolve().parents[1] / "static"


def html_environment(**names: Any) -> SandboxedEnvironment:
    """The Jinja environment of the HTML templates: sandboxed, autoescaped, strict about
    names, with `names` (grid, hang …) as its globals."""
    env = SandboxedEnvironment(loader=FileSystemLoader(TEMPLATE_DIR / "html"), autoescape=True,
                               undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.globals.update(names)
    return env
