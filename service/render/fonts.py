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
BUILD = "12"  # bump when the copies are made differently
# What the copies keep: GB 2312, ASCII, Latin-1, punctuation, number forms, enclosed
# numerals, CJK symbols, full-width forms.
_RANGES = ((0x20, 0x7E), (0xA0, 0xFF), (0x2000, 0x206F), (0x2150, 0x218F), (0x2460, 0x24FF),
           (0x3000, 0x303F), (0x3200, 0x32FF), (0xFF00, 0xFFEF))
# The layout features Pango applies to horizontal text, for Simplified Chinese only (the
# Japanese, Korean and Traditional `locl` forms would add 5,500 glyphs).
_FEATURES = ("ccmp", "locl", "calt", "liga", "clig", "rlig", "kern", "mark", "mkmk")


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


def configure() -> Path:
    """Write a Fontconfig file that adds our font folders, and point FONTCONFIG_FILE at it."""
    path = _write_config(_dirs())
    os.environ["FONTCONFIG_FILE"] = str(path)
    return path


def compact_config() -> Path:
    """A Fontconfig file like configure()'s that also prefers the compact faces (built on
    first use), for WeasyPrint's FontConfiguration only: not exported, so programs started
    from here (LibreOffice, say) see the fonts as they are. GONGWEN_COMPACT_FONTS=0 or a
    failed build gives configure()'s file."""
    dirs = _dirs()
    path = _write_config(dirs)
    if os.environ.get("GONGWEN_COMPACT_FONTS", "1") == "0":
        return path
    folder, families = _compact(dirs)
    if not families:
        return path
    aliases = "".join(
        f'  <alias binding="same"><family>{escape(f)}</family>'
        f"<prefer><family>{escape(f + SUFFIX)}</family></prefer></alias>\n" for f in families)
    return _write_config(f"{dirs}  <dir>{escape(str(folder))}</dir>\n{aliases}")


@cache
def _compact(dirs: str) -> tuple[Path, tuple[str, ...]]:
    """The folder of compact faces for the fonts Fontconfig finds now, built if missing,
    and the families they stand in for (none if they cannot be built)."""
    try:
        listing = subprocess.run(
            ["fc-list", "--format", "%{file}\t%{index}\t%{family}\t%{style}\n"],
            capture_output=True, text=True, timeout=60, check=True).stdout
        sources: dict[tuple[str, str], tuple[str, int]] = {}
        for line in sorted(listing.splitlines()):
            file, index, family, style = (line.split("\t") + ["", "", ""])[:4]
            for face in COMPACT_FACES:
                if face[0] in family.split(",") and face[1] in style.split(","):
                    sources.setdefault(face, (file, int(index or 0)))
        stamp = repr([BUILD, sorted((f, s, os.stat(s[0]).st_size, os.stat(s[0]).st_mtime)
                                    for f, s in sources.items())])
        root = Path(os.environ.get("GONGWEN_FONT_CACHE", CACHE_DIR))
        folder = root / f"compact-{hashlib.sha256(stamp.encode()).hexdigest()[:16]}"
        done = folder / "done"
        if not done.exists():
            root.mkdir(parents=True, exist_ok=True)
            with (root / ".lock").open("w") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX)  # one process builds, the others wait
                if not done.exists():
                    _build(folder, sources)
                    done.write_text(stamp)
                    for old in root.glob("compact-*"):
                        if old != folder:
                            shutil.rmtree(old, ignore_errors=True)
        # a family is stood in for only when all its styles are: else a request for the
        # missing style would get the copy of another
        return folder, tuple(sorted({family for family, _ in COMPACT_FACES} - {
            family for face in COMPACT_FACES if face not in sources for family in face[:1]}))
    except Exception as exc:  # noqa: BLE001 - the full faces still work, only slower
        log.warning("compact fonts unavailable, PDFs embed the full faces: %s", exc)
        return Path(), ()


def _build(folder: Path, sources: dict[tuple[str, str], tuple[str, int]]) -> None:
    from service.render import compact

    folder.mkdir(parents=True, exist_ok=True)
    for (family, style), (file, index) in sources.items():
        data = compact.compact(file, index, _repertoire(), _FEATURES, "ZHS", family + SUFFIX,
                               style)
        target = folder / f"{(family + SUFFIX).replace(' ', '')}-{style}.otf"
        tmp = target.with_suffix(".tmp")
        tmp.write_bytes(data)
        tmp.replace(target)
        log.info("compact font %s (%d KB)", target.name, len(data) // 1024)


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
