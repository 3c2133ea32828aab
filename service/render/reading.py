"""The document as HTML to read on a screen: the content block of its print template, with
each grid paragraph as one plain <p> (no per-line spacing) so the browser reflows it and a
screen reader reads whole sentences. Shown beside the draft PDF before 签发."""

from __future__ import annotations

from typing import Any

from jinja2 import FileSystemLoader, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup, escape

from service.render.formats import TEMPLATE_DIR


def _paragraph(text: str, css_class: str = "body", first: float = 2, rest: float = 0,
               size: float = 16, width: float = 0) -> Markup:
    """A grid paragraph for reading: its text as it stands, line breaks kept."""
    return Markup('<p class="{}">{}</p>').format(
        escape(css_class), Markup("<br>").join(escape(part) for part in text.split("\n")))


_env = SandboxedEnvironment(
    loader=FileSystemLoader(TEMPLATE_DIR / "html"),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_env.globals["grid"] = _paragraph
_env.globals["hang"] = lambda text: 0.0
_env.globals["banji_width"] = 0


def render_reading(kind: str, context: dict[str, Any]) -> Markup:
    """The body of `kind`'s print template for `context`, as safe markup."""
    template = _env.get_template(f"{kind}.html")
    block = template.blocks["content"]
    return Markup("".join(block(template.new_context(dict(context)))))
