"""Generate the Word templates in templates/docx/ (docxtpl markup, GB/T 9704 styles).

The templates are real Word files: a clerk may open one and restyle it (fonts, spacing)
through its named styles (公文标题, 正文, 版记 …). Run this script only to start over:
`make templates` (all kinds) or `python scripts/build_docx_templates.py KIND …`.
Each kind's content is built by scripts/docx_kinds/<kind>.py (`fill(doc)`, `LANDSCAPE`).
Tests check that every variable a template uses comes from its context.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from docx_base import build  # noqa: E402


def kinds() -> list[str]:
    """The kinds that have a builder in docx_kinds/."""
    return sorted(p.stem.replace("_", "-") for p in (HERE / "docx_kinds").glob("[a-z]*.py"))


if __name__ == "__main__":
    for kind in sys.argv[1:] or kinds():
        module = importlib.import_module("docx_kinds." + kind.replace("-", "_"))
        print(build(kind, module.fill, module.LANDSCAPE))
