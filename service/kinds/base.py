"""Building blocks shared by the kinds' models: strict base model, text, dates, persons."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from service.text import clean

# Generous limits: a 10,000-character allegation must print, but a client cannot post
# megabytes into one field unnoticed.
LONG_TEXT = 20_000
SHORT_TEXT = 500
MAX_ITEMS = 200


def _cleaned(value: str) -> str:
    return clean(value).strip()


def _nonblank(value: str) -> str:
    if not value:
        from pydantic_core import PydanticCustomError

        raise PydanticCustomError("blank", "不能为空")
    return value


# A limit is checked on the value as sent, before cleaning: the published schema's maxLength
# is what a client sees, so a value one control character over it is refused, not trimmed.
Cleaned = AfterValidator(_cleaned)
NonBlank = AfterValidator(_nonblank)
Text = Annotated[str, StringConstraints(max_length=LONG_TEXT), Cleaned, NonBlank]
ShortText = Annotated[str, StringConstraints(max_length=SHORT_TEXT), Cleaned, NonBlank]
# A tighter limit is spelled out the same way: nested after the cleaning it would count the
# cleaned value.
Name = Annotated[str, StringConstraints(max_length=50), Cleaned, NonBlank]
Day = Annotated[date, Field(strict=True, json_schema_extra={"format": "date"})]


class Strict(BaseModel):
    """Base of every payload model: unknown keys are an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid", strict=True, populate_by_name=False)


class Person(Strict):
    """A contact person printed as `姓名  联系方式：电话`."""

    model_config = ConfigDict(title="Person")

    name: Name = Field(title="姓名")
    phone: Name | None = Field(default=None, title="联系方式")


@dataclass(frozen=True)
class Series:
    """A numbering sequence: serials run per (key, year) and print through `pattern`."""

    key: str
    year: int
    pattern: str  # contains "{serial}"
    fixed: int | None = None  # a number the caller chose (a bulletin's 期号), not the next

    def text(self, serial: int | None) -> str:
        """The printed number; a draft (no serial yet) leaves the serial blank."""
        # Not str.format: the pattern holds the caller's text (a unit, a code), which may
        # contain braces, even "{serial}"; the serial's place is the last one.
        head, _, tail = self.pattern.rpartition("{serial}")
        return f"{head}{chr(0x3000) if serial is None else serial}{tail}"


@dataclass(frozen=True)
class Kind:
    """Everything the service needs to know about one document kind."""

    name: str  # URL and file stem: templates/docx/<name>.docx, templates/html/<name>.html
    title: str  # full Chinese name, shown in listings
    short: str  # short Chinese name used in download file names
    description: str
    model: type[BaseModel]
    # (document, serial) -> context; a context may carry "warnings": [中文, …] for the caller
    build: Callable[[Any, int | None], dict[str, Any]]
    series: Callable[[Any], Series | None]  # the numbering series, or None if not numbered
    dated: Callable[[Any], date]  # the date whose year files the document in the register
    label: Callable[[Any], str]  # one line that identifies the document in the register
    numbered: bool = False  # True when issuing assigns a serial (series never None)
