"""The register's search text: what an officer types and what is stored, both brought to one
form, so （煤）移〔2022〕3号, (煤)移[2022]3号 and 【煤】移［２０２２］３号 are the same words."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from typing import Any

# After NFKC (which already makes （）［］ into ()[]): every bracket, round or square, one
# pair, as officers type them at random: 【煤】移［2022］3号 is （煤）移〔2022〕3号.
_BRACKETS = str.maketrans({**dict.fromkeys("（﹙[〔【［〖〘﹝", "("),
                           **dict.fromkeys("）﹚]〕】］〗〙﹞", ")")})


def normalise(text: str) -> str:
    """One text in the search form: NFKC (full-width digits and letters to half-width), one
    pair of brackets for every kind, case folded."""
    return unicodedata.normalize("NFKC", text).translate(_BRACKETS).casefold()


def _strings(value: Any) -> Iterable[str]:
    """Every string in a JSON value, depth first (keys are field names, not content)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def search_text(*parts: Any) -> str:
    """The stored search text of a document: its number, label and every string of its data
    (pass them in that order; None is skipped), normalised and joined by newlines."""
    return "\n".join(normalise(s) for s in _strings(list(parts)) if s)


def words(query: str) -> list[str]:
    """The words of a query, normalised: split on any whitespace (U+3000 included, which
    NFKC turns into a space); a document must contain every one."""
    return normalise(query).split()
