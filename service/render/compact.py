"""Compact copies of big CJK faces (see service.render.fonts): HarfBuzz keeps the chosen
characters, fontTools names the copy and numbers its glyphs 0…n."""

from __future__ import annotations

import io
import struct
from functools import cache
from pathlib import Path
from typing import Any

from cffi import FFI
from fontTools.ttLib import TTFont
from fontTools.ttLib.reorderGlyphs import reorderGlyphs
from fontTools.ttLib.tables.DefaultTable import DefaultTable

_ffi = FFI()
_ffi.cdef("""
typedef struct hb_blob_t hb_blob_t; typedef struct hb_face_t hb_face_t;
typedef struct hb_set_t hb_set_t; typedef struct hb_subset_input_t hb_subset_input_t;
hb_blob_t *hb_blob_create (const char *data, unsigned int length, int mode,
                           void *user_data, void *destroy);
hb_face_t *hb_face_create (hb_blob_t *blob, unsigned int index);
hb_blob_t *hb_face_reference_blob (hb_face_t *face);
const char *hb_blob_get_data (hb_blob_t *blob, unsigned int *length);
void hb_blob_destroy (hb_blob_t *blob);
void hb_face_destroy (hb_face_t *face);
void hb_set_add (hb_set_t *set, uint32_t codepoint);
void hb_set_clear (hb_set_t *set);
uint32_t hb_tag_from_string (const char *str, int len);
hb_subset_input_t *hb_subset_input_create_or_fail (void);
void hb_subset_input_destroy (hb_subset_input_t *input);
hb_set_t *hb_subset_input_unicode_set (hb_subset_input_t *input);
hb_set_t *hb_subset_input_set (hb_subset_input_t *input, int set_type);
hb_face_t *hb_subset_or_fail (hb_face_t *source, const hb_subset_input_t *input);
""")
_LAYOUT_FEATURE_TAGS = 6  # HB_SUBSET_SETS_LAYOUT_FEATURE_TAG


@cache
def _harfbuzz() -> tuple[Any, Any]:
    return _ffi.dlopen("libharfbuzz.so.0"), _ffi.dlopen("libharfbuzz-subset.so.0")


def _subset(font: bytes, index: int, chars: set[int], features: tuple[str, ...]) -> bytes:
    """HarfBuzz's subset of face `index` of `font`: these characters, the glyphs the given
    layout features reach from them, glyph order kept, outlines untouched."""
    hb, hbs = _harfbuzz()
    blob = hb.hb_blob_create(_ffi.from_buffer(font), len(font), 0, _ffi.NULL, _ffi.NULL)
    face = hb.hb_face_create(blob, index)
    plan = hbs.hb_subset_input_create_or_fail()
    try:
        unicodes = hbs.hb_subset_input_unicode_set(plan)
        for char in sorted(chars):
            hb.hb_set_add(unicodes, char)
        tags = hbs.hb_subset_input_set(plan, _LAYOUT_FEATURE_TAGS)
        hb.hb_set_clear(tags)
        for tag in features:
            hb.hb_set_add(tags, hb.hb_tag_from_string(tag.encode(), -1))
        result = hbs.hb_subset_or_fail(face, plan)
        if result == _ffi.NULL:
            raise ValueError(f"HarfBuzz could not subset face {index}")
        out = hb.hb_face_reference_blob(result)
        length = _ffi.new("unsigned int *")
        data: bytes = _ffi.unpack(hb.hb_blob_get_data(out, length), length[0])
        hb.hb_blob_destroy(out)
        hb.hb_face_destroy(result)
        return data
    finally:
        hbs.hb_subset_input_destroy(plan)
        hb.hb_face_destroy(face)
        hb.hb_blob_destroy(blob)


def _one_language(data: bytearray, index: int, language: bytes) -> None:
    """Point every GSUB language system of face `index` at the `language` one (or at the
    script's default), in place: HarfBuzz then keeps only the glyphs that language can
    reach, and shaping for it is unchanged."""
    base = struct.unpack_from(">I", data, 12 + 4 * index)[0] if data[:4] == b"ttcf" else 0
    tables = (struct.unpack_from(">4sIII", data, base + 12 + 16 * i)
              for i in range(struct.unpack_from(">H", data, base + 4)[0]))
    gsub = next((offset for tag, _, offset, _ in tables if tag == b"GSUB"), None)
    if gsub is None:
        return
    scripts = gsub + struct.unpack_from(">H", data, gsub + 4)[0]
    for s in range(struct.unpack_from(">H", data, scripts)[0]):
        script = scripts + struct.unpack_from(">H", data, scripts + 6 + 6 * s)[0]
        records = [script + 4 + 6 * r for r in range(struct.unpack_from(">H", data, script + 2)[0])]
        target = next((struct.unpack_from(">H", data, r + 4)[0] for r in records
                       if data[r:r + 4] == language), struct.unpack_from(">H", data, script)[0])
        if target:
            for r in records:
                struct.pack_into(">H", data, r + 4, target)


def _reorder(data: bytes, ranks: dict[int, int]) -> bytes:
    """The font with its glyphs in the order of their characters' `ranks` (a glyph that a
    substitution makes from another ranks with it), without variation sequences."""
    font = TTFont(io.BytesIO(data), recalcBBoxes=False, recalcTimestamp=False)
    # Without the variation sequences (format 14: 12 punctuation marks and ideographs with
    # FE00/FE01 forms): HarfBuzz would otherwise keep those forms in every subset.
    font["cmap"].tables = [t for t in font["cmap"].tables if t.format != 14]
    top = font["CFF "].cff.topDictIndex[0]
    order = font.getGlyphOrder()
    last = len(ranks)
    rank = {order[0]: -1}
    for char, name in font.getBestCmap().items():
        rank[name] = min(rank.get(name, last), ranks.get(char, last))
    for lookup in font["GSUB"].table.LookupList.Lookup if "GSUB" in font else ():
        for sub in lookup.SubTable:
            for source, target in (getattr(getattr(sub, "ExtSubTable", sub), "mapping", None)
                                   or {}).items():
                rank[target] = min(rank.get(target, last), rank.get(source, last))
    position = {name: i for i, name in enumerate(order)}
    new = sorted(order, key=lambda name: (rank.get(name, last), position[name]))
    fd_select = list(top.FDSelect.gidArray)
    for name in order:
        top.CharStrings[name]  # ties each outline to its FDSelect entry before the change
    reorderGlyphs(font, new)
    top.FDSelect.gidArray = [fd_select[position[name]] for name in new]
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def compact(path: str, index: int, chars: list[int], features: tuple[str, ...],
            language: str, family: str, style: str) -> bytes:
    """A copy of one CID-keyed CFF face with only `chars` (those it has), its glyphs in the
    order of `chars`, with the glyphs `features` reach from them for `language` (an
    OpenType tag such as `ZHS`), CIDs equal to glyph numbers, named `family` `style`."""
    source = bytearray(Path(path).read_bytes())
    _one_language(source, index, language.ljust(4).encode())
    data = _subset(bytes(source), index, set(chars), features)
    data = _reorder(data, {char: i for i, char in enumerate(chars)})
    font = TTFont(io.BytesIO(data), lazy=True, recalcBBoxes=False, recalcTimestamp=False)
    original = TTFont(path, fontNumber=index, lazy=True)
    if "BASE" in original and "BASE" not in font:  # HarfBuzz 6 drops it; Pango aligns by it
        font["BASE"] = DefaultTable("BASE")
        font["BASE"].data = original.reader["BASE"]
    order = font.getGlyphOrder()
    new = [".notdef", *(f"cid{i:05d}" for i in range(1, len(order)))]
    rename = dict(zip(order, new, strict=True))
    for table in font["cmap"].tables:
        table.cmap = {c: rename[g] for c, g in table.cmap.items()}
    top = font["CFF "].cff.topDictIndex[0]
    top.CharStrings.charStrings = {
        rename[name]: i for name, i in top.CharStrings.charStrings.items()}
    top.charset = new
    top.ROS = ("Adobe", "Identity", 0)
    top.CIDCount = len(new)
    font.setGlyphOrder(new)
    postscript = f"{family.replace(' ', '')}-{style}"
    font["CFF "].cff.fontNames = [postscript]
    for record in font["name"].names:
        record.string = {1: family, 16: family, 4: f"{family} {style}", 3: postscript,
                         6: postscript}.get(record.nameID, record.string)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()
