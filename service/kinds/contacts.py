"""集中行动联络人 — seed 000 附件6 / seed 001 附件3: the contact people a unit reports with
its campaign plan, in the seeds' nine columns. Filled in from the units' profiles
(service.units: the unit's address, postcode, fax and its contact people), or posted."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, ConfigDict, Field, StringConstraints

from service.kinds.base import Cleaned, Day, Kind, NonBlank, Strict
from service.render.xlsx import Block, Sheet
from service.text import cn_date
from service.titles import title_lines

FORM_TITLE = "集中行动联络人"
MAX_ROWS = 200
LANDSCAPE_AREA_PT = 225 / 25.4 * 72  # the 版心 width on a turned page
GAP = "\u3000" * 4  # between the items of the header line
# (header, width in mm on the landscape 版心, key): the seeds' columns, in their order;
# the widths add up to the 225 mm 版心.
COLUMNS = [
    ("单位", 32, "unit"), ("姓名", 16, "name"), ("职务", 24, "title"),
    ("办公电话", 24, "office_phone"), ("传真", 24, "fax"), ("手机号", 24, "mobile"),
    ("电子邮箱", 32, "email"), ("单位地址", 35, "address"), ("邮编", 14, "postcode"),
]


def _one_line(value: str) -> str:
    return " ".join(value.split("\n"))


# A row is never split over two pages (Word would clip it), so every cell is bounded:
# 100 characters of 单位地址 take 10 lines of its 35 mm column at 9 pt. Limits count the
# value as sent (see base.Text); each type spells its own out.
_OneLine = AfterValidator(_one_line)
UnitCell = Annotated[str, StringConstraints(max_length=60), Cleaned, NonBlank, _OneLine]
NameCell = Annotated[str, StringConstraints(max_length=30), Cleaned, NonBlank, _OneLine]
Campaign = Annotated[str, StringConstraints(max_length=40), Cleaned, NonBlank, _OneLine]
Phone = Annotated[str, StringConstraints(max_length=40), Cleaned, NonBlank, _OneLine]
Email = Annotated[str, StringConstraints(max_length=60), Cleaned, NonBlank, _OneLine]
Address = Annotated[str, StringConstraints(max_length=100), Cleaned, NonBlank, _OneLine]
Postcode = Annotated[str, StringConstraints(max_length=20), Cleaned, NonBlank, _OneLine]


class ContactPerson(Strict):
    """A contact person of a unit, as its profile keeps them (联络人)."""

    model_config = ConfigDict(json_schema_extra={"description": "单位资料中的一名联络人。"})

    name: NameCell = Field(title="姓名")
    title: NameCell | None = Field(default=None, title="职务")
    office_phone: Phone | None = Field(default=None, title="办公电话")
    mobile: Phone | None = Field(default=None, title="手机号")
    email: Email | None = Field(default=None, title="电子邮箱")


class ContactRow(Strict):
    """One line of the table: a person with their unit's name, fax, address and postcode."""

    model_config = ConfigDict(json_schema_extra={
        "description": "联络人表中的一行：联络人及其单位名称、传真、地址和邮编。"})

    unit: UnitCell = Field(title="单位")
    name: NameCell = Field(title="姓名")
    title: NameCell | None = Field(default=None, title="职务")
    office_phone: Phone | None = Field(default=None, title="办公电话")
    fax: Phone | None = Field(default=None, title="传真")
    mobile: Phone | None = Field(default=None, title="手机号")
    email: Email | None = Field(default=None, title="电子邮箱")
    address: Address | None = Field(default=None, title="单位地址")
    postcode: Postcode | None = Field(default=None, title="邮编")


class Contacts(Strict):
    """集中行动联络人: one row per contact person."""

    campaign: Campaign | None = Field(
        default=None, title="专项行动名称",
        description="印在“集中行动联络人”之前（可不填），如：“百日攻坚”")
    unit: UnitCell = Field(title="填报单位")
    filled_by: NameCell | None = Field(default=None, title="填表人",
                                       description="不填则留空，由填表人手写")
    filled_on: Day = Field(title="填表日期", json_schema_extra={"x-default": "today"})
    contacts: list[ContactRow] = Field(default_factory=list, max_length=MAX_ROWS,
                                       title="联络人")


def columns() -> list[dict[str, Any]]:
    """The printed columns: header, width in mm, key."""
    return [{"header": h, "width": w, "key": k} for h, w, k in COLUMNS]


def build(doc: Contacts, serial: int | None) -> dict[str, Any]:
    """The printed text of the table, ready for the templates and the spreadsheet."""
    title = (doc.campaign or "") + FORM_TITLE
    rows = [{k: v or "" for k, v in row.model_dump().items()} for row in doc.contacts]
    return {
        "draft": False,  # not numbered: the list is the unit's contacts on a day
        "title_lines": [{"text": t, "tight": tight}
                        for t, tight in title_lines([title], 22.0, LANDSCAPE_AREA_PT)],
        "info": f"填报单位：{doc.unit}{GAP}填表人：{doc.filled_by or GAP}{GAP}"
                f"填表日期：{cn_date(doc.filled_on)}",
        "columns": columns(),
        "rows": rows,
        "warnings": [] if rows else ["没有联络人：请在“本单位”资料中填写联络人，或逐行填写"],
    }


def sheets(context: dict[str, Any]) -> list[Sheet]:
    """The table as one worksheet: the seed's nine columns, a row per person."""
    cols = context["columns"]
    # every column is text: a phone number or postcode is not a quantity (no 1.38E+10)
    block = Block([c["width"] for c in cols], [[(c["header"], 1, 1) for c in cols]],
                  [[row[c["key"]] for c in cols] for row in context["rows"]],
                  text_columns=set(range(len(cols))))
    title = "".join(line["text"] for line in context["title_lines"])
    return [Sheet("联络人", title, [context["info"]], [block])]


KIND = Kind(
    name="contacts",
    title="集中行动联络人",
    short="联络人",
    description="集中行动联络人表（单位、姓名、职务、办公电话、传真、手机号、电子邮箱、单位地址、"
                "邮编），由“本单位”资料中的联络人生成，或逐行填写。不编号。",
    model=Contacts,
    build=build,
    series=lambda doc: None,
    dated=lambda doc: doc.filled_on,
    label=lambda doc: f"{doc.unit}{cn_date(doc.filled_on)}",
    sheets=sheets,
)
