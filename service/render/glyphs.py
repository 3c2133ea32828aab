"""Characters the PDF fonts cannot print: reported to the caller instead of silent tofu.

The printable set is the union of the character maps of the fonts Fontconfig offers for the
font stacks of gongwen.css: the named fonts first, then every fallback Fontconfig sorts
behind them, which is where Pango takes a glyph none of the named fonts has.
"""

from __future__ import annotations

import bisect
import logging
import re
import subprocess
import unicodedata
from collections.abc import Iterator
from functools import cache
from typing import Any

from service.render import fonts
from service.render.formats import STATIC_DIR
from service.text import clean

log = logging.getLogger(__name__)

MAX_LISTED = 20  # characters named in one warning
LATIN_FAMILIES = ("Times New Roman", "Liberation ", "TeX Gyre ")
_FAMILY = re.compile(r"font-family\s*:\s*([^;}]+)")
_ESCAPE = re.compile(r"[\\\-:,]")  # special in a Fontconfig pattern
# Not printed at all, so never tofu: variation selectors and the Mongolian ones.
_SELECTORS = ((0xFE00, 0xFE0F), (0xE0100, 0xE01EF), (0x180B, 0x180D))


def font_stacks() -> list[str]:
    """The font-family lists of gongwen.css as Fontconfig patterns (`a,b,serif:lang=zh-cn`)."""
    css = (STATIC_DIR / "gongwen.css").read_text(encoding="utf-8")
    stacks = []
    for match in _FAMILY.finditer(css):
        names = [n.strip().strip("\"'") for n in match[1].split(",")]
        stacks.append(",".join(_ESCAPE.sub(r"\\\g<0>", n) for n in names if n) + ":lang=zh-cn")
    return list(dict.fromkeys(stacks))


def _charset_ranges(charset: str) -> Iterator[tuple[int, int]]:
    for token in charset.split():
        low, _, high = token.partition("-")
        yield int(low, 16), int(high or low, 16)


@cache
def _printable() -> tuple[list[int], list[int]] | None:
    """Merged code point ranges (starts, ends) of every font the stacks can reach, or None
    when Fontconfig cannot be asked (then nothing is reported)."""
    fonts.configure()
    ranges: list[tuple[int, int]] = []
    for stack in font_stacks():
        try:
            out = subprocess.run(
                ["fc-match", "--sort", "--format", "%{family[0]}\t%{charset}\n", stack],
                capture_output=True, text=True, timeout=30, check=True,
            ).stdout
        except (OSError, subprocess.SubprocessError) as exc:
            log.warning("cannot list the fonts' characters (%s): glyphs are not checked", exc)
            return None
        # The Latin faces (and their Sans and Mono sisters, fonts-liberation2) print only
        # through the copy cut to Latin (fonts.LATIN_RANGES): a combining mark only they
        # have still comes out as a box, so they do not count here.
        for line in out.splitlines():
            family, _, charset = line.partition("\t")
            if not family.startswith(LATIN_FAMILIES):
                ranges.extend(_charset_ranges(charset))
    starts: list[int] = []
    ends: list[int] = []
    for low, high in sorted(ranges):
        if ends and low <= ends[-1] + 1:
            ends[-1] = max(ends[-1], high)
        else:
            starts.append(low)
            ends.append(high)
    return starts, ends


def printable(char: str) -> bool:
    """True when some font of the PDF stacks has a glyph for `char` (or it prints nothing)."""
    code = ord(char)
    if char.isspace() or unicodedata.category(char) in ("Cc", "Cf", "Cs"):
        return True  # white space, controls the cleaner removed, invisible format characters
    if any(low <= code <= high for low, high in _SELECTORS):
        return True
    table = _printable()
    if table is None:
        return True
    starts, ends = table
    i = bisect.bisect_right(starts, code) - 1
    return i >= 0 and code <= ends[i]


# Context keys the PDF does not print: notes for the caller, and the workbook's raw records
# (service.kinds.summary_records; the ledger's typed values print as its rows).
NOT_PRINTED = frozenset({"warnings", "records", "values"})


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            if key not in NOT_PRINTED:
                yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def missing(context: Any) -> list[str]:
    """The characters of `context` (nested dicts/lists of strings) no font can print, each
    once, in the order they first appear."""
    text = clean("".join(_strings(context)))
    return [c for c in dict.fromkeys(text) if not printable(c)]


def warnings(context: Any) -> list[str]:
    """A Chinese warning naming the characters that would print as empty boxes, if any."""
    chars = missing(context)
    if not chars:
        return []
    listed = "、".join(f"{c}（U+{ord(c):04X}）" for c in chars[:MAX_LISTED])
    more = f"等{len(chars)}个字符" if len(chars) > MAX_LISTED else ""
    return [f"以下字符在所用字体中没有字形，打印时将显示为方框：{listed}{more}"]
