"""Building blocks shared by the kinds' models: strict base model, text, dates, persons."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints
from pydantic_core import PydanticCustomError

from service.text import clean, is_blank

# Generous limits: a 10,000-character allegation must print, but a client cannot post
# megabytes into one field unnoticed.
LONG_TEXT = 20_000
SHORT_TEXT = 500
MAX_ITEMS = 200


def _cleaned(value: str) -> str:
    return clean(value).strip()


def _nonblank(value: str) -> str:
    # Only spaces, zero-width characters or fillers print as nothing: that is blank too.
    if is_blank(value):
        raise PydanticCustomError("blank", "不能为空")
    return value


# Dates a document of the People's Republic can carry: from its founding to the end of the
# century chinese-calendar and date arithmetic (a due date 7 days on) are safe with. Outside
# them a date is a typing error (0001-01-01, 9999-12-31), not a document.
FIRST_DAY = date(1949, 10, 1)
LAST_DAY = date(2100, 12, 31)
DAY_RANGE = "1949年10月1日至2100年12月31日"
# The same range as a pattern on the ISO text (the JSON Schema's `format: date` already
# requires a real date): 1949-10..1949-12, 1950..2099, 2100.
DAY_PATTERN = r"^(1949-1[0-2]|19[5-9][0-9]-[0-9]{2}|20[0-9]{2}-[0-9]{2}|2100-[0-9]{2})-[0-9]{2}$"


def _in_range(value: date) -> date:
    # The error type must not start with "date": service.validation reads those as a format
    # error (日期格式应为YYYY-MM-DD) and would hide this message.
    if not FIRST_DAY <= value <= LAST_DAY:
        raise PydanticCustomError("day_out_of_range", "应在{range}之间", {"range": DAY_RANGE})
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
Day = Annotated[
    date,
    Field(strict=True, json_schema_extra={"format": "date", "pattern": DAY_PATTERN,
                                          "formatMinimum": FIRST_DAY.isoformat(),
                                          "formatMaximum": LAST_DAY.isoformat()}),
    AfterValidator(_in_range),
]


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
    maximum: int | None = None  # the highest number the series may reach

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
    # context -> worksheets (service.render.xlsx.Sheet): a kind of tables is also an XLSX
    sheets: Callable[[dict[str, Any]], list[Any]] | None = None

    @property
    def formats(self) -> tuple[str, ...]:
        """The formats a document of this kind is rendered and stored in."""
        return ("docx", "pdf", "xlsx") if self.sheets else ("docx", "pdf")
