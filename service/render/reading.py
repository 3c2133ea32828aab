"""The document as HTML to read on a screen: the content block of its print template, with
each grid paragraph as one plain <p> (no per-line spacing) so the browser reflows it and a
screen reader reads whole sentences, its headings two levels down (h3, h4) to sit under the
page's. Shown beside the draft PDF before 签发."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup, escape

from service.render.formats import html_environment


def _paragraph(text: str, css_class: str = "body", first: float = 2, rest: float = 0,
               size: float = 16, width: float = 0) -> Markup:
    """A grid paragraph for reading: its text as it stands, line breaks kept."""
    return Markup('<p class="{}">{}</p>').format(
        escape(css_class), Markup("<br>").join(escape(part) for part in text.split("\n")))


_env = html_environment(grid=_paragraph, hang=lambda text: 0.0, banji_width=0)


def render_reading(kind: str, context: dict[str, Any]) -> Markup:
    """The body of `kind`'s print template for `context`, as safe markup."""
    template = _env.get_template(f"{kind}.html")
    html = "".join(template.blocks["content"](template.new_context(dict(context))))
    # Shown under the page's own h1 and the section's h2: the document's title and headings
    # go two levels down (values are escaped, so these tags are only the template's).
    for level in (2, 1):
        html = html.replace(f"<h{level}", f"<h{level + 2}").replace(
            f"</h{level}>", f"</h{level + 2}>")
    return Markup(html)
