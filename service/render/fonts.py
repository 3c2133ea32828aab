"""Font set-up for PDF rendering: adds the configured font folders to Fontconfig.

`configure()` must run before WeasyPrint makes a FontConfiguration: Fontconfig reads
FONTCONFIG_FILE when a configuration is loaded.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from xml.sax.saxutils import escape

# Folders with extra font files: the Fandol fonts `make` unpacks, and any folder an office
# points at (e.g. licensed 方正小标宋简体 / 仿宋_GB2312) through GONGWEN_FONT_DIR.
DEFAULT_FONT_DIR = Path(__file__).resolve().parents[2] / "var" / "fonts"


def font_dirs() -> list[Path]:
    """The font folders in use: GONGWEN_FONT_DIR (os.pathsep-separated) and the default."""
    extra = [Path(p) for p in os.environ.get("GONGWEN_FONT_DIR", "").split(os.pathsep) if p]
    return [*extra, DEFAULT_FONT_DIR]


def configure() -> Path:
    """Write a Fontconfig file that adds our font folders, and point FONTCONFIG_FILE at it."""
    base = os.environ.get("GONGWEN_BASE_FONTCONFIG") or os.environ.get(
        "FONTCONFIG_FILE", "/etc/fonts/fonts.conf"
    )
    os.environ["GONGWEN_BASE_FONTCONFIG"] = base
    dirs = "".join(f"  <dir>{escape(str(d))}</dir>\n" for d in font_dirs() if d.is_dir())
    xml = (
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'
        f'<fontconfig>\n  <include ignore_missing="yes">{escape(base)}</include>\n{dirs}'
        "</fontconfig>\n"
    )
    digest = hashlib.sha256(xml.encode()).hexdigest()[:16]
    path = Path(tempfile.gettempdir()) / f"gongwen-fonts-{os.getuid()}-{digest}.conf"
    if not path.exists():
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(xml, encoding="utf-8")
        tmp.replace(path)
    os.environ["FONTCONFIG_FILE"] = str(path)
    return path

