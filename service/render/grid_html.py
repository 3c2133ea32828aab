"""Grid paragraphs as HTML for WeasyPrint (the lines come from service.render.grid).

The letter spacing of each paragraph (and of a line that needs its own) goes into a class
of one <style> block per document rather than a style attribute per element: WeasyPrint
parses every style attribute on its own, and a 210-page bulletin has only a dozen distinct
ones (its layout 12 % faster)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from markupsafe import Markup, escape

from service.render.grid import SIZE_PT, TYPE_AREA_PT, Line, lines

# (element, style) → class name, for the document being rendered (None outside
# `collected_styles`)
_rules: ContextVar[dict[tuple[str, str], str] | None] = ContextVar("grid_rules", default=None)


def _class_of(tag: str, style: str) -> str | None:
    """The class of the document's style block that gives a `tag` element `style` (None
    when no block is being collected: the caller then writes a style attribute)."""
    rules = _rules.get()
    return None if rules is None else rules.setdefault((tag, style), f"g{len(rules)}")


def _element(tag: str, classes: str, style: str, body: Markup) -> Markup:
    name = _class_of(tag, style)
    if name is None:
        return Markup('<{}{} style="{}">{}</{}>').format(
            tag, Markup(' class="{}"').format(classes) if classes else "", style, body, tag)
    return Markup('<{} class="{}">{}</{}>').format(tag, f"{classes} {name}".strip(), body, tag)


@contextmanager
def collected_styles() -> Iterator[dict[tuple[str, str], str]]:
    """Collect the grid styles of one document render: (element, style) → class."""
    rules: dict[tuple[str, str], str] = {}
    token = _rules.set(rules)
    try:
        yield rules
    finally:
        _rules.reset(token)


def style_block(rules: dict[tuple[str, str], str]) -> str:
    """The <style> element of the collected grid classes, each selector as specific as a
    style attribute needs to be here: above any one class of gongwen.css (.body, .attach)."""
    # p.grid.g1 for a paragraph, .grid span.g2 for a line in one: one selector each, both
    # more specific than any single class of gongwen.css
    body = "".join(f"{'p.grid' if tag == 'p' else '.grid ' + tag}.{name} {{ {style} }}\n"
                   for (tag, style), name in rules.items())
    return f"<style>\n{body}</style>\n"


def grid_paragraph(text: str, css_class: str = "body", first: float = 2, rest: float = 0,
                   size: float = SIZE_PT, width: float = TYPE_AREA_PT) -> Markup:
    """One <p> of `text` on the grid: its lines joined by newlines (white-space: pre in
    .grid, so the paragraph does not wrap by itself), the paragraph's usual letter spacing
    on the <p> and a span only round a line that needs another."""
    printed = lines(text, first, rest, size, width)
    # A last line is not spread: any spacing near the grid's keeps its characters under
    # those above, so it may take any such spacing of the lines above (not when it holds
    # Arabic or combining marks: spacing 0).
    last = printed[-1]
    near = [s for s in (line.spacing for line in printed[:-1])
            if last.spacing and s and abs(last.spacing - s) < 0.01]
    # The paragraph takes the spacing most of its lines can have, the last line included:
    # every other line is a span, and each span is two more elements WeasyPrint styles,
    # lays out and tags (the 100-case bulletin had 1,700 of them).
    counts = Counter(line.spacing for line in printed[:-1])
    if near:
        counts[max(near, key=counts.__getitem__)] += 1
    usual = counts.most_common(1)[0][0] if counts else last.spacing
    if usual in near:
        printed[-1] = Line(last.text, usual)
    body = Markup("\n").join(
        escape(line.text) if line.spacing == usual
        else _element("span", "", f"letter-spacing: {line.spacing}pt", escape(line.text))
        for line in printed)
    style = f"margin-left: {rest}em; text-indent: {first - rest}em; letter-spacing: {usual}pt"
    return _element("p", f"{css_class} grid", style, body)
