"""Body text on the GB/T 9704 character grid (5.2.2: 28 characters a line filling the
版心), broken into lines here because WeasyPrint justifies only at spaces.

Each paragraph is broken into lines of at most 28 full-width characters (Chinese line-start
and line-end rules kept: no closing mark opens a line, no opening mark ends one, a Latin
word is not split unless it is longer than a line); every line but a paragraph's last gets
the letter spacing that makes it fill the 版心 exactly. The HTML templates print the lines
with service.render.grid_html.grid_paragraph; the Word renderer counts them with
`line_count` to choose the line pitch a short document needs (service.render.pitch).
"""

from __future__ import annotations

import re
import subprocess
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from service.render import fonts

TYPE_AREA_PT = 156 / 25.4 * 72  # 版心 width, 442.2 pt
SIZE_PT = 16.0  # 三号
CHARS = 28
OPENING = "“‘《（〔【「『〈([{"
CLOSING = "”’》）〕】」』〉)]}、，。；：！？…—,.;:!?%％·"
MAX_SQUEEZE_PT = 1.6  # how much a gap may close up to keep a closing mark on the line
MAX_STRETCH_PT = 6.0  # beyond this a line is left ragged rather than spread thin


def _face(pattern: str) -> tuple[dict[int, float], str]:
    """Advance widths in em of each character of the face Fontconfig gives for `pattern`,
    and that face's family names."""
    from fontTools.ttLib import TTFont

    found = subprocess.run(["fc-match", "--format", "%{file}\t%{index}\t%{family}", pattern],
                           capture_output=True, text=True, timeout=60, check=False
                           ).stdout.split("\t")
    if len(found) != 3:
        return {}, ""
    font = TTFont(found[0], fontNumber=int(found[1] or 0), lazy=True)
    upem, metrics = font["head"].unitsPerEm, font["hmtx"].metrics
    return {c: metrics[g][0] / upem for c, g in font.getBestCmap().items() if c < 0x100}, found[2]


@cache
def _latin_advances() -> dict[int, float]:
    """Advance widths in em of what the PDF prints below U+0100: digits and letters in the
    Latin face (the first of fonts.LATIN_FACES Fontconfig finds), spaces in the body's
    Chinese face (fonts.LATIN_RANGES leaves them to it)."""
    fonts.configure()
    widths: dict[int, float] = {}
    chinese, _ = _face(fonts.LATIN_FAMILIES[0][1].split(",")[0] + ":lang=zh-cn")
    for name in fonts.LATIN_FACES:
        latin, family = _face(f"{name}:style=Regular")
        if name in family.split(","):
            widths = {c: w for c, w in latin.items()
                      if any(lo <= c <= hi for lo, hi in fonts.LATIN_RANGES)}
            break
    for space in (0x20, 0xA0, 0xB7):
        if space in chinese:
            widths[space] = chinese[space]
    return widths


def advance(char: str) -> float:
    """The width of one character in em: the Latin face's for Latin, else one em."""
    code = ord(char)
    if code < 0x100:
        return _latin_advances().get(code, 0.5)
    return 1.0


def _in_word(char: str) -> bool:
    """A letter, digit or mark of an alphabetic script: words of those break at spaces."""
    return unicodedata.east_asian_width(char) not in ("W", "F") and (
        char.isalnum() or unicodedata.category(char).startswith("M"))


def _breakable(text: str, i: int) -> bool:
    """Whether a line may end before text[i]."""
    before, after = text[i - 1], text[i]
    if after in CLOSING or before in OPENING or after == " ":
        return False
    if _in_word(before) and _in_word(after):
        return False
    return not (before.isascii() and after.isascii() and before != " ")


def _shaped(line: str) -> bool:
    """Whether a line holds text whose shaping letter spacing would break (Arabic, Hebrew,
    combining marks): it is then set without spacing."""
    return any(unicodedata.bidirectional(c) in ("R", "AL")
               or unicodedata.category(c) in ("Mn", "Mc", "Me") for c in line)


@dataclass(frozen=True)
class Line:
    """One printed line: its text and its letter spacing in pt."""

    text: str
    spacing: float


def _width(text: str, size: float) -> float:
    return sum(advance(c) for c in text) * size


def _lines(text: str, first: float, rest: float, size: float, width: float) -> Iterator[Line]:
    """The lines of one hard line of text: `first` and `rest` are the indents in em of its
    first and following lines."""
    # the spacing that puts a whole number of full-width characters in a line: 28 at 三号
    chars = round(width / size)
    grid = (width - chars * size) / (chars - 1) - 0.001
    start, indent = 0, first
    while start < len(text):
        avail = width - indent * size
        end, used = start, 0.0
        while end < len(text):
            step = advance(text[end]) * size + (grid if end > start else 0.0)
            if used + step > avail + 0.01:
                break
            used += step
            end += 1
        if end >= len(text):
            yield Line(text[start:], 0.0 if _shaped(text[start:]) else round(grid, 3))
            return
        cut = _cut(text, start, end, avail, size)
        line = text[start:cut].rstrip(" ")
        natural = _width(line, size)
        gap = (avail - natural) / max(len(line) - 1, 1)
        spacing = gap if -MAX_SQUEEZE_PT <= gap <= MAX_STRETCH_PT else grid
        yield Line(line, 0.0 if _shaped(line) else round(spacing, 3))
        start, indent = cut, rest
        while start < len(text) and text[start] == " ":
            start += 1


def _cut(text: str, start: int, end: int, avail: float, size: float) -> int:
    """Where the line from `start` ends, `end` being the first character that does not fit:
    there if allowed; else a closing mark or two pulled up, closed up; else the last allowed
    place before; else anywhere (a word longer than the line)."""
    if end > start and _breakable(text, end):
        return end
    for pulled in (end + 1, end + 2):
        if pulled <= len(text) and all(c in CLOSING for c in text[end:pulled]) and (
                pulled == len(text) or _breakable(text, pulled)):
            line = text[start:pulled]
            if (avail - _width(line, size)) / max(len(line) - 1, 1) >= -MAX_SQUEEZE_PT:
                return pulled
    for cut in range(end - 1, start, -1):
        if _breakable(text, cut):
            return cut
    return max(end, start + 1)


def lines(text: str, first: float = 2, rest: float = 0, size: float = SIZE_PT,
          width: float = TYPE_AREA_PT) -> list[Line]:
    """`text` broken into printed lines (its own line breaks kept), each with its spacing."""
    out: list[Line] = []
    for hard in text.split("\n"):
        out.extend(_lines(hard, first, rest, size, width) if hard else [Line("", 0.0)])
        first = rest if out else first
    return out


def line_count(text: str, first: float = 2, rest: float = 0, size: float = SIZE_PT,
               width: float = TYPE_AREA_PT) -> int:
    """How many lines `text` takes on the grid."""
    return len(lines(text, first, rest, size, width))


_ITEM_NUMBER = re.compile(
    r"^(?:\d+[.．、]\s*|[（(][一二三四五六七八九十\d]+[）)]|[一二三四五六七八九十]+、)")


def hang(text: str) -> float:
    """The width in em of the item number `text` starts with (1. （一） 一、), 0 without one:
    where its wrapped lines hang (GB/T 9704 7.3.4, 7.4.2)."""
    found = _ITEM_NUMBER.match(text)
    return round(sum(advance(c) for c in found.group(0)), 3) if found else 0.0
