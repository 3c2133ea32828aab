"""Font set-up for PDF rendering: our font folders in Fontconfig, and compact copies of the
big CJK faces.

WeasyPrint's FontConfiguration must be made with FONTCONFIG_FILE pointing at
`compact_config()`: Fontconfig reads it when a configuration is loaded.

Why compact copies: WeasyPrint embeds each face as a subset that keeps the glyph numbers of
the whole font, so an embedded face costs a little for every glyph up to the highest one
used: 64,000 for Noto CJK (130 KB and 30 ms a face, however few characters). So, once per
machine, each face below is copied with only GB 2312 and common symbols (~7,900 glyphs,
the common ones first, same outlines, same metrics), named "<family> GB2312", and
Fontconfig is told to prefer the copy wherever the family is asked for; any character the
copy lacks still comes from the full face, so nothing prints differently (the PDF names
the copy after its face: service.render.pdf).

Digits and letters: each stack of the stylesheet starts with a Latin family (LATIN_FAMILIES),
which WeasyPrint's Fontconfig file maps to the first of LATIN_FACES found (Times New Roman
where an office installs it, through GONGWEN_FONT_DIR, else Liberation Serif, metric-
compatible with it, from Debian's fonts-liberation2, else TeX Gyre Termes), cut to Latin
(LATIN_RANGES): the CJK face after it sets Chinese, and the punctuation Chinese shares with
Latin (“” ‘’ — … ·), as Word does with w:hint="eastAsia". That face too is copied, once per
machine, for each Latin family: Latin only, with the vertical metrics and BASE table of the
CJK face of its stack, so that a line holding digits is no taller than one without (Pango
sets a line's baseline by its first run: Liberation Serif's own 0.89 + 0.22 em against
FandolFang's 0.88 + 0.12 put every such line off the 22-line grid). The copy has the spaces,
which Pango sets in the font of the text around them, but Fontconfig is told it has not, so
a stack's strut (WeasyPrint measures it on a space) stays its CJK face's. These copies are
made with GONGWEN_COMPACT_FONTS=0 too (the layout depends on them); if they cannot be made,
the Latin face itself is used, cut to Latin by Fontconfig.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import shutil
import subprocess
import tempfile
import unicodedata
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

log = logging.getLogger(__name__)

# Folders with extra font files: the Fandol fonts `make` unpacks, and any folder an office
# points at (e.g. licensed 方正小标宋简体 / 仿宋_GB2312) through GONGWEN_FONT_DIR.
DEFAULT_FONT_DIR = Path(__file__).resolve().parents[2] / "var" / "fonts"
CACHE_DIR = Path(__file__).resolve().parents[2] / "var" / "cache" / "fonts"
# Not the Fandol faces: they hold little beyond GB 2312, in GB 2312 order, so their subsets
# are as small as a copy's would be.
COMPACT_FACES = (("Noto Serif CJK SC", "Bold"), ("Noto Serif CJK SC", "Regular"),
                 ("Noto Sans CJK SC", "Regular"), ("Noto Sans CJK SC", "Bold"))
SUFFIX = " GB2312"
BUILD = "15"  # bump when the copies are made differently
# What the copies keep: GB 2312, ASCII, Latin-1, punctuation, number forms, enclosed
# numerals, CJK symbols, full-width forms.
_RANGES = ((0x20, 0x7E), (0xA0, 0xFF), (0x2000, 0x206F), (0x2150, 0x218F), (0x2460, 0x24FF),
           (0x3000, 0x303F), (0x3200, 0x32FF), (0xFF00, 0xFFEF))
# The layout features Pango applies to horizontal text, for Simplified Chinese only (the
# Japanese, Korean and Traditional `locl` forms would add 5,500 glyphs).
_FEATURES = ("ccmp", "locl", "calt", "liga", "clig", "rlig", "kern", "mark", "mkmk")


# The Latin family each stack of gongwen.css starts with, and the CJK faces after it there
# (a Fontconfig pattern): its copy takes the vertical metrics of the first of those found.
LATIN_FAMILIES = (
    ("Gongwen Latin", "仿宋_GB2312,仿宋,FandolFang,Noto Serif CJK SC"),  # also 楷体 (same)
    ("Gongwen Latin Song", "方正小标宋简体,Noto Serif CJK SC:weight=bold"),  # the title
    ("Gongwen Latin Hei", "黑体,Noto Sans CJK SC"),
)
LATIN_FACES = ("Times New Roman", "Liberation Serif", "TeX Gyre Termes")
# ASCII and Latin-1 but for the spaces and ·
LATIN_RANGES = ((0x21, 0x7E), (0xA1, 0xB6), (0xB8, 0xFF))


def font_dirs() -> list[Path]:
    """The font folders in use: GONGWEN_FONT_DIR (os.pathsep-separated) and the default."""
    extra = [Path(p) for p in os.environ.get("GONGWEN_FONT_DIR", "").split(os.pathsep) if p]
    return [*extra, DEFAULT_FONT_DIR]


def _write_config(body: str) -> Path:
    """A Fontconfig file that includes the base configuration, then `body`."""
    base = os.environ.get("GONGWEN_BASE_FONTCONFIG") or os.environ.get(
        "FONTCONFIG_FILE", "/etc/fonts/fonts.conf"
    )
    os.environ["GONGWEN_BASE_FONTCONFIG"] = base
    xml = (
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'
        f'<fontconfig>\n  <include ignore_missing="yes">{escape(base)}</include>\n{body}'
        "</fontconfig>\n"
    )
    digest = hashlib.sha256(xml.encode()).hexdigest()[:16]
    path = Path(tempfile.gettempdir()) / f"gongwen-fonts-{os.getuid()}-{digest}.conf"
    if not path.exists():
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(xml, encoding="utf-8")
        tmp.replace(path)
    return path


def _dirs() -> str:
    return "".join(f"  <dir>{escape(str(d))}</dir>\n" for d in font_dirs() if d.is_dir())


def _latin(copies: dict[str, str]) -> str:
    """Fontconfig rules for each of LATIN_FAMILIES: its copy (`copies`, if made), then the
    LATIN_FACES, asked for in that order, each holding LATIN_RANGES only when a stack naming
    that Latin family gets it."""
    ranges = "".join(f"<range><int>{low:#x}</int><int>{high:#x}</int></range>"
                     for low, high in LATIN_RANGES)
    rules = []
    for latin, _ in LATIN_FAMILIES:
        names = ([copies[latin]] if latin in copies else []) + list(LATIN_FACES)
        faces = "".join(f"<family>{escape(f)}</family>" for f in names)
        rules.append(f'  <alias binding="same"><family>{escape(latin)}</family>'
                     f"<prefer>{faces}</prefer></alias>\n")
        rules.extend(
            '  <match target="font">\n'
            f'    <test target="pattern" name="family" qual="any"><string>{escape(latin)}'
            "</string></test>\n"
            f'    <test name="family" qual="any"><string>{escape(face)}</string></test>\n'
            f'    <edit name="charset" mode="assign"><charset>{ranges}</charset></edit>\n'
            "  </match>\n" for face in names)
    return "".join(rules)


def configure() -> Path:
    """Write a Fontconfig file that adds our font folders, and point FONTCONFIG_FILE at it."""
    path = _write_config(_dirs())
    os.environ["FONTCONFIG_FILE"] = str(path)
    return path


def compact_config() -> Path:
    """A Fontconfig file like configure()'s that also prefers the compact faces (built on
    first use) and the Latin families, for WeasyPrint's FontConfiguration only: not
    exported, so programs started from here (LibreOffice, say) see the fonts as they are.
    GONGWEN_COMPACT_FONTS=0 gives the Latin copies only, a failed build configure()'s file
    with the Latin rules."""
    dirs = _dirs()
    folder, families, copies = _compact(dirs, os.environ.get("GONGWEN_COMPACT_FONTS") != "0")
    if not families and not copies:
        return _write_config(dirs + _latin({}))
    aliases = "".join(
        f'  <alias binding="same"><family>{escape(f)}</family>'
        f"<prefer><family>{escape(f + SUFFIX)}</family></prefer></alias>\n" for f in families)
    return _write_config(f"{dirs}  <dir>{escape(str(folder))}</dir>\n{aliases}"
                         f"{_latin(copies)}")


@cache
def _compact(dirs: str, cjk: bool = True) -> tuple[Path, tuple[str, ...], dict[str, str]]:
    """The folder of compact faces for the fonts Fontconfig finds now (with `cjk` False,
    only the Latin ones), built if missing, the families they stand in for (none if they
    cannot be built) and the family of the copy of the Latin face (the first of LATIN_FACES
    found) for each of LATIN_FAMILIES."""
    try:
        listing = subprocess.run(
            ["fc-list", "--format", "%{file}\t%{index}\t%{family}\t%{style}\n"],
            capture_output=True, text=True, timeout=60, check=True).stdout
        sources: dict[tuple[str, str], tuple[str, int]] = {}
        for line in sorted(listing.splitlines()):
            file, index, family, style = (line.split("\t") + ["", "", ""])[:4]
            for face in COMPACT_FACES if cjk else ():
                if face[0] in family.split(",") and face[1] in style.split(","):
                    sources.setdefault(face, (file, int(index or 0)))
            for name in LATIN_FACES:
                for weight in ("Regular", "Bold"):
                    if name in family.split(",") and weight in style.split(","):
                        sources.setdefault((name, weight), (file, int(index or 0)))
        latin = next((name for name in LATIN_FACES if (name, "Regular") in sources), None)
        for name in LATIN_FACES:
            if name != latin:
                sources.pop((name, "Regular"), None)
                sources.pop((name, "Bold"), None)
        partners: dict[str, tuple[str, int]] = {}
        for family, pattern in LATIN_FAMILIES if latin else ():
            found = subprocess.run(
                ["fc-match", "--format", "%{file}\t%{index}", f"{pattern}:lang=zh-cn"],
                capture_output=True, text=True, timeout=60, check=True).stdout.split("\t")
            partners[family] = (found[0], int(found[1] or 0))
        stamp = repr([BUILD, *(sorted((f, s, os.stat(s[0]).st_size, os.stat(s[0]).st_mtime)
                                      for f, s in faces.items())
                               for faces in (sources, partners))])
        root = Path(os.environ.get("GONGWEN_FONT_CACHE", CACHE_DIR))
        kind = "compact" if cjk else "latin"  # each kind keeps one folder: the newest
        folder = root / f"{kind}-{hashlib.sha256(stamp.encode()).hexdigest()[:16]}"
        done = folder / "done"
        if not done.exists():
            root.mkdir(parents=True, exist_ok=True)
            with (root / ".lock").open("w") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX)  # one process builds, the others wait
                if not done.exists():
                    _build(folder, sources, partners)
                    done.write_text(stamp)
                    for old in root.glob(f"{kind}-*"):
                        if old != folder:
                            shutil.rmtree(old, ignore_errors=True)
        # a family is stood in for only when all its styles are: else a request for the
        # missing style would get the copy of another
        return folder, tuple(sorted({family for family, _ in COMPACT_FACES} - {
            family for face in COMPACT_FACES if face not in sources for family in face[:1]}
        ) if cjk else ()), {family: _copy_name(latin, family) for family in partners if latin}
    except Exception as exc:  # noqa: BLE001 - the full faces still work, only slower
        log.warning("compact fonts unavailable, PDFs embed the full faces: %s", exc)
        return Path(), (), {}


def _copy_name(face: str, latin_family: str) -> str:
    """The family of the copy of `face` for one of LATIN_FAMILIES: "Liberation Serif
    GB2312", "… Song GB2312", "… Hei GB2312" (PDFs name it Liberation-Serif(-Song/-Hei))."""
    return face + latin_family[len(LATIN_FAMILIES[0][0]):] + SUFFIX


def _build(folder: Path, sources: dict[tuple[str, str], tuple[str, int]],
           partners: dict[str, tuple[str, int]]) -> None:
    from service.render import compact

    folder.mkdir(parents=True, exist_ok=True)
    made: list[tuple[str, str, bytes]] = []
    for (family, style), (file, index) in sources.items():
        if family in LATIN_FACES:
            for latin, partner in partners.items():
                name = _copy_name(family, latin)
                made.append((name, style, _latin_copy(file, index, name, style, partner)))
        else:
            made.append((family + SUFFIX, style, compact.compact(
                file, index, _repertoire(), _FEATURES, "ZHS", family + SUFFIX, style)))
    for name, style, data in made:
        ext = "otf" if data[:4] == b"OTTO" else "ttf"
        target = folder / f"{name.replace(' ', '')}-{style}.{ext}"
        tmp = target.with_suffix(".tmp")
        tmp.write_bytes(data)
        tmp.replace(target)
        log.info("compact font %s (%d KB)", target.name, len(data) // 1024)


def _latin_copy(file: str, index: int, family: str, style: str,
                partner: tuple[str, int]) -> bytes:
    """A copy of a Latin face with LATIN_RANGES and the spaces only (and the glyphs its
    layout features reach from them), named `family` `style`, with the ascent, descent
    and line gap and the BASE table of the CJK face `partner` (file, index)."""
    import copy
    import io

    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(file, fontNumber=index, recalcBBoxes=False, recalcTimestamp=False)
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[0x20, 0xA0, *(c for low, high in LATIN_RANGES
                                              for c in range(low, high + 1))])
    subsetter.subset(font)
    cjk = TTFont(partner[0], fontNumber=partner[1], lazy=True)
    scale = font["head"].unitsPerEm / cjk["head"].unitsPerEm

    def units(value: int) -> int:  # toward zero: never beyond the CJK face's
        return int(value * scale)

    hhea, os2 = font["hhea"], font["OS/2"]
    hhea.ascent, hhea.descent, hhea.lineGap = (
        units(v) for v in (cjk["hhea"].ascent, cjk["hhea"].descent, cjk["hhea"].lineGap))
    os2.sTypoAscender, os2.sTypoDescender, os2.sTypoLineGap = (units(v) for v in (
        cjk["OS/2"].sTypoAscender, cjk["OS/2"].sTypoDescender, cjk["OS/2"].sTypoLineGap))
    use_typo = 0x80  # fsSelection bit: the typo metrics are the ones in use
    os2.fsSelection = os2.fsSelection & ~use_typo | cjk["OS/2"].fsSelection & use_typo
    if "BASE" in cjk:  # Pango aligns the runs of a line by it
        base = copy.deepcopy(cjk["BASE"])
        for axis in (base.table.HorizAxis, base.table.VertAxis):
            for record in axis.BaseScriptList.BaseScriptRecord if axis else ():
                values = record.BaseScript.BaseValues
                for coord in values.BaseCoord if values else ():
                    coord.Coordinate = units(coord.Coordinate)
        font["BASE"] = base
    postscript = f"{family.replace(' ', '')}-{style}"
    for record in font["name"].names:
        if record.nameID in (1, 2, 3, 4, 6, 16, 17):
            record.string = {1: family, 2: style, 16: family, 17: style,
                             4: f"{family} {style}", 3: postscript, 6: postscript}[record.nameID]
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def _repertoire() -> list[int]:
    """The characters of the copies, most used first: ASCII, GB 2312 in its own order
    (symbols, the 3,755 common hanzi, the 3,008 others), then the rest of `_RANGES`. Left
    to the full faces: combining marks (shaped with their base) and kana, bopomofo and
    half-width forms (Pango shapes them as Japanese, Taiwanese or Korean text)."""
    gb2312 = []
    for pair in (bytes((a, b)) for a in range(0xA1, 0xF8) for b in range(0xA1, 0xFF)):
        try:
            gb2312.append(ord(pair.decode("gb2312")))
        except UnicodeDecodeError:
            continue
    # · and — as Chinese input methods type them (Python's GB 2312 has U+30FB and U+2015)
    chars = [*range(0x20, 0x7F), 0xB7, 0x2014, *gb2312,
             *(c for low, high in _RANGES for c in range(low, high + 1))]
    return [c for c in dict.fromkeys(chars)
            if not unicodedata.category(chr(c)).startswith("M")
            and not 0x3040 <= c <= 0x312F and not 0xFF61 <= c <= 0xFFDC]
