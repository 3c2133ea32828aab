"""PDF rendering: Jinja2 (sandboxed, autoescaped) HTML through WeasyPrint."""

from __future__ import annotations

import os
import threading
from typing import Any

import weasyprint
from weasyprint.formatting_structure.boxes import FootnoteAreaBox, LineBox, MarginBox
from weasyprint.text.fonts import FontConfiguration

from service.render import docx, fonts, weasy
from service.render.fetcher import StaticOnlyFetcher
from service.render.formats import STATIC_DIR, html_environment
from service.render.grid import TYPE_AREA_PT, hang
from service.render.grid_html import collected_styles, grid_paragraph, style_block
from service.render.pitch import CLOSER_TWIPS

# 版记: 四号, one 14 pt character in from each side
_env = html_environment(grid=grid_paragraph, hang=hang, banji_width=TYPE_AREA_PT - 28)
_fetcher = StaticOnlyFetcher(STATIC_DIR)
_base_url = STATIC_DIR.as_uri() + "/"
# WeasyPrint keeps fonts and caches in these objects; they are built once per process and
# used by one render at a time.
_lock = threading.Lock()
_font_config: FontConfiguration | None = None
_stylesheet: weasyprint.CSS | None = None
_tighter: list[weasyprint.CSS] = []
# GB/T 9704 7.3.5.4: when the signature or 版记 would go over to a page of its own, close
# up the line spacing rather than print that page: 24, 25.5, then 26.5 lines instead of 22
# (the last for a three-line title: 16 pt type on 24 pt lines still reads openly).
TIGHTER_PITCHES = (26.5, 25.0, 24.0)
CLOSE_UP_HTML_CHARS = 20_000  # a dense three-page notice is under 5,000
DEFAULT_PITCH_PT = 28.95  # gongwen.css --line: 22 lines in the 版心
TYPE_AREA_HEIGHT_PT = 225 / 25.4 * 72


def _warm() -> tuple[FontConfiguration, weasyprint.CSS]:
    global _font_config, _stylesheet
    if _font_config is None or _stylesheet is None:
        plain = fonts.configure()
        os.environ["FONTCONFIG_FILE"] = str(fonts.compact_config())
        try:
            _font_config = FontConfiguration()  # Fontconfig reads FONTCONFIG_FILE here
        finally:
            os.environ["FONTCONFIG_FILE"] = str(plain)  # for programs started from here
        _stylesheet = weasyprint.CSS(
            filename=str(STATIC_DIR / "gongwen.css"),
            font_config=_font_config,
            url_fetcher=_fetcher,
        )
        _tighter[:] = [
            weasyprint.CSS(string=f":root {{ --line: {pt}pt; --two-lines: {2 * pt}pt; }}",
                           font_config=_font_config, url_fetcher=_fetcher)
            for pt in TIGHTER_PITCHES
        ]
    return _font_config, _stylesheet


def _lines(page: weasyprint.Page) -> int:
    """Lines of text on a page, page numbers and other margin boxes left out."""
    return sum(
        isinstance(box, LineBox)
        for child in page._page_box.children
        if not isinstance(child, MarginBox)
        for box in child.descendants()
    )


def _grid_units(document: weasyprint.Document) -> tuple[float, int]:
    """How many grid lines the document takes at least (its lines on the grid, the blank
    lines between them, the 版记's rules), and the widest blank. Tables and page-break waste
    are left out: at a pitch where even these do not fit one page fewer, no layout can."""
    pitch = DEFAULT_PITCH_PT / 0.75  # WeasyPrint lays out in CSS px
    units, widest = 0.0, 0
    for page in document.pages:
        for child in page._page_box.children:
            if isinstance(child, MarginBox):
                continue
            tops = sorted((box.position_y, box.height) for box in child.descendants()
                          if isinstance(box, LineBox) and abs(box.height - pitch) < 0.05)
            units += len(tops)
            for (top, height), (next_top, _) in zip(tops, tops[1:], strict=False):
                gap = (next_top - top - height) / pitch
                if gap > 0.95 and abs(gap - round(gap)) < 0.01:
                    units += round(gap)
                    widest = max(widest, round(gap))
            if isinstance(child, FootnoteAreaBox):  # the 版记: its rules and space above
                units += max(0.0, child.margin_height() / pitch - len(tops))
    return units, widest


def _closer(document: weasyprint.Document) -> list[weasyprint.CSS]:
    """The tighter pitches worth a layout: only short documents (a long one, or one of
    forced page breaks, cannot gain), and only pitches at which the lines could fit."""
    pages = len(document.pages)
    lines = sum(_lines(page) for page in document.pages)
    room = (pages - 1) * TYPE_AREA_HEIGHT_PT
    if not 1 < pages <= 3 or lines > room / TIGHTER_PITCHES[-1]:
        return []
    units, widest = _grid_units(document)
    # A blank line that lands at the top of a page is dropped there: on fewer pages there
    # are pages - 2 such tops, each of which may drop the widest blank.
    units -= (pages - 2) * widest
    pitches = zip(TIGHTER_PITCHES, _tighter, strict=True)
    return [css for pt, css in pitches if units * pt <= room + 0.5]


def _expected(kind: str, context: dict[str, Any]) -> tuple[weasyprint.CSS, int] | None:
    """The tighter pitch the Word rendering closes up to and its pages, if it does."""
    try:
        twips, pages = docx.closer_pitch(kind, context)
    except Exception:  # a Word template that does not render: search as before
        return None
    if twips not in CLOSER_TWIPS or pages is None:
        return None
    return _tighter[CLOSER_TWIPS.index(twips)], pages


def render_html(kind: str, context: dict[str, Any]) -> str:
    """The HTML page for `kind` (also useful to inspect a layout in a browser)."""
    with collected_styles() as rules:
        html = _env.get_template(f"{kind}.html").render(context)
    return html.replace("</head>", style_block(rules) + "</head>", 1) if rules else html


def render_pdf(kind: str, context: dict[str, Any]) -> bytes:
    """Render the PDF of one document."""
    html = render_html(kind, context)
    with _lock:
        font_config, stylesheet = _warm()
        source = weasyprint.HTML(string=html, base_url=_base_url, url_fetcher=_fetcher)
        # Closing up applies to two or three pages; far more text than that cannot gain,
        # and its Word body is not worth rendering to find out (a bulletin's took 0.1 s).
        expected = _expected(kind, context) if len(html) < CLOSE_UP_HTML_CHARS else None
        if expected is not None:
            # the Word rendering's closer pitch (service.render.pitch): a layout at it that
            # comes out on the pages expected is the one the grid search would find, one
            # layout sooner; the DOCX is closed up the same way
            css, pages = expected
            document = source.render(stylesheets=[stylesheet, css], font_config=font_config)
            if len(document.pages) == pages:
                return weasy.write_pdf(document)
        document = source.render(stylesheets=[stylesheet], font_config=font_config)
        for tighter in _closer(document):
            closer = source.render(stylesheets=[stylesheet, tighter], font_config=font_config)
            if len(closer.pages) < len(document.pages):
                document = closer
                break
        return weasy.write_pdf(document)
