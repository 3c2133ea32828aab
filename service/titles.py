"""Titles broken into lines as GB/T 9704 7.3.1 asks: by words (jieba), into a trapezoid or
a diamond that fits the 版心, or set a quarter point tight rather than broken."""

from __future__ import annotations

import functools
import itertools
import logging
import math
from typing import Any

from service.text import text_width_em

_OPENING = "“‘《（〔【「(["
_STOPS = "、，。；：！？,.;:!?"
_CLOSING = "”’》）〕】」)]" + _STOPS
TYPE_AREA_PT = 156 / 25.4 * 72  # 版心 width, 442.2 pt
TITLE_PT = 22.0
# How far a title line may be set tight (Word's 紧缩) rather than broken: a quarter point,
# which Word and LibreOffice keep on the line (at 2 pt LibreOffice wraps it all the same).
MAX_TIGHTEN_PT = 0.25


# Title joints: a line may start with 关于/对/和 …, or end after 的 or an office or company
# name's last word.
_BEFORE = ("关于", "对于", "对", "和", "与", "及", "暨", "督查", "集中", "情况", "事项")
_AFTER = ("公司", "局", "所", "厂", "矿", "中心", "办公室", "委员会", "政府", "集团")


@functools.cache
def _segmenter() -> Any:
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba


def _word_ends(text: str) -> set[int]:
    """Where the words of `text` end (jieba's segmentation): a title breaks there, not
    inside a word."""
    return set(itertools.accumulate(len(w) for w in _segmenter().cut(text, HMM=False)))


def _breaks(text: str) -> dict[int, int]:
    """Allowed break positions in `text` with their cost: 0 at a bracket or quote, low
    around the joints of a title (对, 关于, 的), high inside a word or a quotation."""
    allowed: dict[int, int] = {}
    words = _word_ends(text)
    depth = 0
    for i in range(1, len(text)):
        before, after = text[i - 1], text[i]
        depth += (before in _OPENING) - (before in _CLOSING and before not in _STOPS)
        if after in _CLOSING or before in _OPENING or (before.isascii() and after.isascii()):
            continue
        if depth > 0:
            allowed[i] = 300
        elif after in _OPENING or before in _CLOSING:
            allowed[i] = 0
        elif text[i : i + 2] in _BEFORE or before == "的" or text[:i].endswith(_AFTER):
            allowed[i] = 10
        else:
            allowed[i] = 30 if i in words else 100
    return allowed


def _balanced(text: str, width: float) -> list[str]:
    """Split one over-long title part into as few, as even lines as its break points allow."""
    if len(text) > 120:  # a pathological title: plain greedy wrapping is enough
        return _greedy(text, width)
    breaks = {**_breaks(text), len(text): 0}
    total = text_width_em(text)
    for lines in range(2, len(text) + 1):
        target = total / lines
        # best[j][i]: cheapest way to lay text[:i] on j lines.
        best: list[dict[int, tuple[float, int]]] = [{0: (0.0, -1)}]
        for _ in range(lines):
            row: dict[int, tuple[float, int]] = {}
            for start, (cost, _prev) in best[-1].items():
                for end, penalty in breaks.items():
                    if end <= start:
                        continue
                    w = text_width_em(text[start:end])
                    if w > width:
                        break
                    c = cost + (w - target) ** 2 + penalty
                    if end not in row or c < row[end][0]:
                        row[end] = (c, start)
            best.append(row)
        if len(text) in best[-1]:
            cuts, end = [], len(text)
            for j in range(lines, 0, -1):
                start = best[j][end][1]
                cuts.append(text[start:end])
                end = start
            return cuts[::-1]
    return _greedy(text, width)


def _greedy(text: str, width: float) -> list[str]:
    lines, line = [], ""
    for ch in text:
        if line and text_width_em(line + ch) > width:
            lines.append(line)
            line = ""
        line += ch
    return [*lines, line] if line else lines


def _shaped(widths: list[float]) -> bool:
    """A trapezoid or a diamond (GB/T 9704 7.3.1), not an hourglass: no line more than one
    character shorter than both its neighbours."""
    return not any(widths[i] < min(widths[i - 1], widths[i + 1]) - 1
                   for i in range(1, len(widths) - 1))


def _shapely(text: str, width: float, bounds: set[int]) -> list[str] | None:
    """`text` in as few lines as fit `width`, evenly, at word joints, shaped as _shaped
    asks, no line of one or two characters; the `bounds` (where parts meet) are the
    preferred breaks. None when no such layout is found in up to four lines."""
    # where the parts meet is the best break of all
    breaks = {**_breaks(text), **dict.fromkeys(bounds, -30)}
    ends = sorted(breaks)
    edge = list(itertools.accumulate((text_width_em(c) for c in text), initial=0.0))
    least = min(0, *breaks.values())  # what a break may take off the cost (bounds: -30)
    total = edge[-1]
    found: list[tuple[float, list[str]]] = []
    for count in range(max(2, math.ceil(total / width)), 5):
        target = total / count
        best: tuple[float, list[int]] | None = None

        def walk(start: int, cuts: list[int], cost: float, count: int = count,
                 target: float = target) -> None:
            nonlocal best
            # no layout from here can beat the best found (a search of every joint took
            # 200 ms for a three-line title)
            if best is not None and cost + (count - 1 - len(cuts)) * least >= best[0]:
                return
            if len(cuts) == count - 1:
                w = edge[-1] - edge[start]
                if w > width or len(text) - start < 3:
                    return
                widths = [edge[b] - edge[a] for a, b in
                          zip([0, *cuts], [*cuts, len(text)], strict=True)]
                c = cost + (w - target) ** 2
                if _shaped(widths) and (best is None or c < best[0]):
                    best = (c, cuts)
                return
            for end in ends:
                if end - start < 3:
                    continue
                w = edge[end] - edge[start]
                if w > width:
                    break
                walk(end, [*cuts, end], cost + (w - target) ** 2 + breaks[end])

        walk(0, [], 0.0)
        if best is not None:
            cut_at = [0, *best[1], len(text)]
            # a further line costs a little less than a break inside a word
            found.append((best[0] + 60 * count,
                          [text[a:b] for a, b in zip(cut_at, cut_at[1:], strict=False)]))
    return min(found)[1] if found else None


def _tight(line: str, size_pt: float, width_pt: float) -> float:
    """The letter spacing (pt, ≤ 0) that fits `line` in `width_pt`."""
    width = text_width_em(line)
    return 0.0 if width * size_pt <= width_pt else round(width_pt / width - size_pt - 0.01, 2)


def title_lines(parts: list[str], size_pt: float = TITLE_PT,
                width_pt: float = TYPE_AREA_PT) -> list[tuple[str, float]]:
    """Lay a title out as (line, letter spacing in pt): each part on its own line where every
    part fits (set a quarter point tight at most); else the whole title broken by words into a
    trapezoid or a diamond of lines that fit the 版心 `width_pt` (GB/T 9704 7.3.1)."""
    fits = width_pt / size_pt
    if all(text_width_em(part) * (size_pt - MAX_TIGHTEN_PT) <= width_pt for part in parts):
        return [(part, _tight(part, size_pt, width_pt)) for part in parts]
    text = "".join(parts)
    bounds = set(itertools.accumulate(len(p) for p in parts[:-1]))
    if len(text) <= 80 and (shaped := _shapely(text, fits, bounds)):
        return [(line, 0.0) for line in shaped]
    out: list[tuple[str, float]] = []
    for part in parts:
        out.extend((line, 0.0) for line in (
            [part] if text_width_em(part) <= fits else _balanced(part, fits)))
    return out
