"""Tagged PDFs (`pdf_tags`: headings, paragraphs, tables with header cells, the language
from <html lang>, for screen readers and archives), with two speed-ups and one name change
to WeasyPrint's PDF output, made only on the objects
WeasyPrint hands over for one document: no module, class or function of WeasyPrint or pydyf
is replaced or assigned to (tests/test_weasyprint_pin.py checks that, the versions, and the
internals relied on here).

1. The `finisher` of `Document.write_pdf` (public: it gets the `pydyf.PDF` just before
   pydyf writes it). `finish()` compresses the streams at zlib level 6 instead of pydyf's 9
   (half the compression time, ~4 ms of a one-page notice, nearly all of it the embedded
   fonts; PDFs 0.3 % larger), and names each compact copy of a face
   (service.render.fonts) after the face itself, `Noto-Sans-CJK-SC`: what it is, a subset of
   that face (its subset tag differs).
2. `Document.fonts` (documented: "a dict of fonts used by the document"). While it draws
   the PDF, WeasyPrint stores each font it embeds there (`fonts[key] = Font(...)`): no
   parameter takes a Font class. `write_pdf()` gives the document a `FontTable`, which
   makes each of these fonts a `OnePassFont` (a subclass of WeasyPrint's `Font` whose
   `subset()` makes the HarfBuzz subset in one pass instead of two: ~5 ms of a one-page
   notice, the same font bytes) by setting that font object's class: the one place this
   module reaches inside WeasyPrint.

Both are used only on the versions in PINNED (checked at import); on any other, PDFs are
WeasyPrint's own (slower, the same print) but for the names of the compact copies, with a
warning at import.
"""

from __future__ import annotations

import logging
import zlib
from typing import Any

import pydyf
import weasyprint
from weasyprint.pdf.fonts import Font
from weasyprint.text.ffi import ffi, harfbuzz, harfbuzz_subset
from weasyprint.text.fonts import get_hb_object_data

from service.render import fonts

log = logging.getLogger(__name__)

# The exact versions this module was checked with (pyproject.toml pins the same).
PINNED = {"weasyprint": "70.0", "pydyf": "0.13.0"}
INSTALLED = {"weasyprint": weasyprint.__version__, "pydyf": pydyf.__version__}
TUNED = INSTALLED == PINNED
if not TUNED:
    log.warning("WeasyPrint speed-ups off: made for %s, installed %s", PINNED, INSTALLED)

LEVEL = 6
_HEADER_END = b">>\nstream\n"
_TRAILER = b"\nendstream"
_COMPACT = fonts.SUFFIX.replace(" ", "-").encode()
_FONT_NAMES = ("BaseFont", "FontName")
# The tables WeasyPrint 70's Font._harfbuzz_subset drops.
_DROPPED_TABLES = (b"BASE", b"DSIG", b"EBDT", b"EBLC", b"EBSC", b"GPOS", b"GSUB", b"JSTF",
                   b"LTSH", b"PCLT", b"SVG ")


class OnePassFont(Font):
    """WeasyPrint 70's `Font`, subset in one HarfBuzz pass instead of two.

    Its `_harfbuzz_subset` makes a first subset keeping the glyph numbers (RETAIN_GIDS), then
    a second one of that, of the glyphs up to the last one used, without hints. The first
    already keeps no glyph after the last one used; dropping the hints in it too gives the
    same bytes, without the second pass (1.5–3.5 ms a face, as it goes through every glyph
    number up to the last one used). With hints asked for, or without HarfBuzz-subset, or
    if HarfBuzz fails, this is WeasyPrint's own `subset`."""

    def subset(self, to_unicode: dict[int, Any], hinting: bool) -> None:
        if hinting or not to_unicode or not harfbuzz_subset or not harfbuzz.hb_version_atleast(
                4, 1, 0):
            super().subset(to_unicode, hinting)
            return
        hbs = harfbuzz_subset
        plan = ffi.gc(hbs.hb_subset_input_create_or_fail(), hbs.hb_subset_input_destroy)
        for target, values in ((hbs.hb_subset_input_glyph_set(plan), sorted(to_unicode)), (
                hbs.hb_subset_input_set(plan, hbs.HB_SUBSET_SETS_DROP_TABLE_TAG),
                sorted(harfbuzz.hb_tag_from_string(tag, -1) for tag in _DROPPED_TABLES))):
            harfbuzz.hb_set_add_sorted_array(
                target, ffi.new(f"hb_codepoint_t[{len(values)}]", values), len(values))
        flags = (hbs.HB_SUBSET_FLAGS_RETAIN_GIDS | hbs.HB_SUBSET_FLAGS_PASSTHROUGH_UNRECOGNIZED
                 | hbs.HB_SUBSET_FLAGS_DESUBROUTINIZE | hbs.HB_SUBSET_FLAGS_NO_HINTING)
        if self.missing:
            flags |= hbs.HB_SUBSET_FLAGS_NOTDEF_OUTLINE
        hbs.hb_subset_input_set_flags(plan, flags)
        face = ffi.gc(hbs.hb_subset_or_fail(self.hb_face, plan), harfbuzz.hb_face_destroy)
        content = get_hb_object_data(face) if face else None
        if content:
            self.file_content = content
        else:
            super().subset(to_unicode, hinting)


class FontTable(dict[Any, Any]):
    """`Document.fonts` for one PDF: WeasyPrint's drawing code stores each font it embeds in
    it (`fonts[key] = Font(...)`); it is kept as a `OnePassFont` (the same object, its class
    changed to the subclass: no other font, document or class is touched)."""

    def __setitem__(self, key: Any, font: Any) -> None:
        if type(font) is Font:
            font.__class__ = OnePassFont
        super().__setitem__(key, font)


def _raw(stream: pydyf.Stream) -> bytes:
    """The bytes of `stream` as pydyf joins them, uncompressed (through its public `data`,
    with no extra keys but the `Length` it adds)."""
    extra, compress = stream.extra, stream.compress
    stream.extra, stream.compress = {}, False
    try:
        data: bytes = stream.data
    finally:
        stream.extra, stream.compress = extra, compress
    return data[data.index(_HEADER_END) + len(_HEADER_END):-len(_TRAILER)]


def _compress(stream: pydyf.Stream) -> None:
    """Do what pydyf does to a stream it compresses (`Filter`, then `Length`), at LEVEL."""
    stream.stream = [zlib.compress(_raw(stream), LEVEL)]
    stream.extra = {**stream.extra, "Filter": "/FlateDecode"}
    stream.compress = False  # done: pydyf writes the bytes as they are


def _rename(dictionary: pydyf.Dictionary) -> None:
    for key in _FONT_NAMES:
        name = dictionary.get(key)
        if isinstance(name, bytes) and _COMPACT in name:
            dictionary[key] = name.replace(_COMPACT, b"")


def finish(document: weasyprint.Document, pdf: pydyf.PDF) -> None:
    """The finisher: see 1. in the module's docstring."""
    for obj in pdf.objects:
        if isinstance(obj, pydyf.Stream) and obj.compress:
            _compress(obj)
        elif isinstance(obj, pydyf.Dictionary):
            _rename(obj)


def _rename_only(document: weasyprint.Document, pdf: pydyf.PDF) -> None:
    """The finisher off the pinned versions: font names only (PDF dictionary keys)."""
    for obj in pdf.objects:
        if isinstance(obj, pydyf.Dictionary):
            _rename(obj)


def write_pdf(document: weasyprint.Document) -> bytes:
    """The PDF of a rendered document, made as the module's docstring says."""
    if not TUNED:
        plain: bytes = document.write_pdf(finisher=_rename_only, pdf_tags=True)
        return plain
    table = FontTable()
    for key, font in document.fonts.items():  # none unless written before
        table[key] = font
    document.fonts = table
    content: bytes = document.write_pdf(finisher=finish, pdf_tags=True)
    return content
