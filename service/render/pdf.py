"""PDF rendering: Jinja2 (sandboxed, autoescaped) HTML through WeasyPrint."""

from __future__ import annotations

import os
import threading
import zlib
from typing import Any

import pydyf
import weasyprint
from jinja2 import FileSystemLoader, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment
from weasyprint.formatting_structure.boxes import LineBox, MarginBox
from weasyprint.pdf import fonts as pdf_fonts
from weasyprint.text.fonts import FontConfiguration, get_hb_object_data

from service.render import STATIC_DIR, TEMPLATE_DIR, compact, fonts
from service.render.fetcher import StaticOnlyFetcher

_env = SandboxedEnvironment(
    loader=FileSystemLoader(TEMPLATE_DIR / "html"),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_fetcher = StaticOnlyFetcher(STATIC_DIR)
_base_url = STATIC_DIR.as_uri() + "/"
# WeasyPrint keeps fonts and caches in these objects; they are built once per process and
# used by one render at a time.
_lock = threading.Lock()
_font_config: FontConfiguration | None = None
_stylesheet: weasyprint.CSS | None = None
_tighter: list[weasyprint.CSS] = []
# GB/T 9704 7.3.5.4: when the signature or 版记 would go over to a page of its own, close
# up the line spacing rather than print that page: 24, then 25.5 lines instead of 22.
TIGHTER_PITCHES = (26.5, 25.0)
TYPE_AREA_HEIGHT_PT = 225 / 25.4 * 72


def _warm() -> tuple[FontConfiguration, weasyprint.CSS]:
    global _font_config, _stylesheet
    if _font_config is None or _stylesheet is None:
        _tune_weasyprint()
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


class _Zlib:
    """pydyf's zlib at level 6 instead of 9: half the compression time, PDFs 0.3 % larger."""

    compress = staticmethod(lambda data, level=6: zlib.compress(data, 6))
    compressobj = staticmethod(lambda level=6, *args, **kwargs: zlib.compressobj(6))


_DROPPED_TABLES = (b"BASE", b"DSIG", b"EBDT", b"EBLC", b"EBSC", b"GPOS", b"GSUB", b"JSTF",
                   b"LTSH", b"PCLT", b"SVG ")


def _subset_once(font: Any, to_unicode: dict[int, Any], hinting: bool) -> None:
    """WeasyPrint 70's HarfBuzz subsetting in one pass instead of two: its second pass only
    trims the glyphs after the last one used, which the first already leaves out, and drops
    hints; with the hints dropped in the first pass the font bytes are the same."""
    from weasyprint.text.ffi import ffi, harfbuzz
    from weasyprint.text.ffi import harfbuzz_subset as hbs

    plan = ffi.gc(hbs.hb_subset_input_create_or_fail(), hbs.hb_subset_input_destroy)
    for target, values in ((hbs.hb_subset_input_glyph_set(plan), sorted(to_unicode)), (
            hbs.hb_subset_input_set(plan, hbs.HB_SUBSET_SETS_DROP_TABLE_TAG),
            sorted(harfbuzz.hb_tag_from_string(tag, -1) for tag in _DROPPED_TABLES))):
        harfbuzz.hb_set_add_sorted_array(
            target, ffi.new(f"hb_codepoint_t[{len(values)}]", values), len(values))
    # No layout features: GSUB is dropped anyway, and WeasyPrint's second pass would trim
    # the glyphs its closure adds after the last one used.
    compact.clear_set(ffi.cast("uintptr_t", hbs.hb_subset_input_set(
        plan, hbs.HB_SUBSET_SETS_LAYOUT_FEATURE_TAG)))
    flags = (hbs.HB_SUBSET_FLAGS_RETAIN_GIDS | hbs.HB_SUBSET_FLAGS_DESUBROUTINIZE
             | hbs.HB_SUBSET_FLAGS_PASSTHROUGH_UNRECOGNIZED)
    flags |= 0 if hinting else hbs.HB_SUBSET_FLAGS_NO_HINTING
    flags |= hbs.HB_SUBSET_FLAGS_NOTDEF_OUTLINE if font.missing else 0
    hbs.hb_subset_input_set_flags(plan, flags)
    face = ffi.gc(hbs.hb_subset_or_fail(font.hb_face, plan), harfbuzz.hb_face_destroy)
    content = get_hb_object_data(face) if face else None
    if content:
        font.file_content = content
    else:
        _weasyprint_subset(font, to_unicode, hinting)


_weasyprint_subset = pdf_fonts.Font._harfbuzz_subset
_weasyprint_font = pdf_fonts.Font.__init__
_COMPACT = fonts.SUFFIX.replace(" ", "-").encode()


def _font_named_as_its_face(font: Any, *args: Any) -> None:
    """A compact copy of a face (service.render.fonts) is embedded under the face's own name,
    `Noto-Sans-CJK-SC`: what it is, a subset of that face (its subset tag differs)."""
    _weasyprint_font(font, *args)
    font.name = font.name.replace(_COMPACT, b"")


def _tune_weasyprint() -> None:
    """Install the changes above, on the WeasyPrint version they were checked with."""
    if weasyprint.__version__.split(".")[0] == "70":
        pdf_fonts.Font._harfbuzz_subset = _subset_once
        pdf_fonts.Font.__init__ = _font_named_as_its_face
        pydyf.zlib = _Zlib


def _lines(page: weasyprint.Page) -> int:
    """Lines of text on a page, page numbers and other margin boxes left out."""
    return sum(
        isinstance(box, LineBox)
        for child in page._page_box.children
        if not isinstance(child, MarginBox)
        for box in child.descendants()
    )


def render_html(kind: str, context: dict[str, Any]) -> str:
    """The HTML page for `kind` (also useful to inspect a layout in a browser)."""
    return _env.get_template(f"{kind}.html").render(context)


def render_pdf(kind: str, context: dict[str, Any]) -> bytes:
    """Render the PDF of one document."""
    html = render_html(kind, context)
    with _lock:
        font_config, stylesheet = _warm()
        source = weasyprint.HTML(string=html, base_url=_base_url, url_fetcher=_fetcher)
        document = source.render(stylesheets=[stylesheet], font_config=font_config)
        pages = len(document.pages)
        lines = sum(_lines(page) for page in document.pages)
        # Only short documents: a long one (or one of forced page breaks) cannot gain.
        if 1 < pages <= 3 and lines <= (pages - 1) * TYPE_AREA_HEIGHT_PT / TIGHTER_PITCHES[-1]:
            for tighter in _tighter:
                closer = source.render(stylesheets=[stylesheet, tighter], font_config=font_config)
                if len(closer.pages) < len(document.pages):
                    document = closer
                    break
        return document.write_pdf()
