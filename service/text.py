"""Text helpers shared by every kind: cleaning input, Chinese dates and numerals."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from babel.dates import format_date

# Line-like controls become line breaks; every other C0/C1 control, lone surrogates and
# the XML non-characters are removed: none can be printed, and several break DOCX XML.
# So are bidi embeddings, overrides and isolates: one left open in a value would reverse
# the document's own wording printed after it (（代章） as （章代））.
_LINE_BREAKS = re.compile(r"\r\n|[\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
_UNPRINTABLE = re.compile(
    r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff\u202a-\u202e\u2066-\u2069]"
)
_XML_INVALID = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Characters that print as nothing: whitespace (U+3000 included) and the Unicode "default
# ignorable" code points (zero-width spaces and joiners, word joiner and invisible operators,
# BOM, soft hyphen, variation selectors, tag characters, the Mongolian vowel separator) with
# the Hangul fillers and the blank Braille cell. A value of only these is blank; a value
# that merely contains one keeps it (a ZWJ binds an emoji sequence).
_INVISIBLE = re.compile(
    r"[\s\x00-\x1f\x7f-\x9f\xad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f"
    r"\u200b-\u200f\u202a-\u202e\u2060-\u206f\u2800\u3164\ufe00-\ufe0f\ufeff\uffa0"
    r"\ufff0-\ufff8\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e0fff]"
)

_DIGITS = "零一二三四五六七八九"


def clean(value: str) -> str:
    """Return `value` with line controls as `\\n` and unprintable characters removed."""
    return _UNPRINTABLE.sub("", _LINE_BREAKS.sub("\n", value))


def is_blank(value: str) -> bool:
    """Whether `value` prints as nothing: empty, or only whitespace and invisible characters."""
    return not _INVISIBLE.sub("", value)


def xml_safe(value: Any) -> Any:
    """`value` (nested dicts, lists, strings) without characters XML cannot hold: the last
    guard for a field that is not cleaned by its model."""
    if isinstance(value, str):
        return _XML_INVALID.sub("", value)
    if isinstance(value, dict):
        return {k: xml_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [xml_safe(v) for v in value]
    return value


def cn_date(day: date) -> str:
    """Format a date the GB/T 9704 way: `2022年1月7日` (Arabic numerals, no zero padding)."""
    return format_date(day, format="long", locale="zh_CN")


def cn_numeral(n: int) -> str:
    """Write 1–9999 in Chinese numerals as headings use them: 一, 十一, 二十, 一百零五."""
    if not 0 < n < 10000:
        raise ValueError(f"cn_numeral supports 1..9999, not {n}")
    units = ["", "十", "百", "千"]
    out: list[str] = []
    digits = [int(c) for c in str(n)]
    zero_pending = False
    for i, d in enumerate(digits):
        place = len(digits) - 1 - i
        if d == 0:
            zero_pending = bool(out)
            continue
        if zero_pending:
            out.append("零")
            zero_pending = False
        out.append(_DIGITS[d] + units[place])
    text = "".join(out)
    # 十一 rather than 一十一 when the number starts in the tens.
    return text[1:] if text.startswith("一十") else text


def text_width_em(text: str) -> float:
    """Approximate printed width in em: ASCII half width, everything else full width."""
    return sum(0.5 if ord(c) < 0x80 else 1.0 for c in text)
