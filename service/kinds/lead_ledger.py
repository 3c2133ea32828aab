"""每日举报问题线索清单 — seed 000 附件7: the unit's leads for a day or a period, with the
seed's 16 columns and note. Made from the register (service.ledger) or posted as a list.

The version for publication (三公开: 问题清单和查处进展, `public`) leaves out 举报人信息 and
备注, which may name the reporter or a referral."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from pydantic import AfterValidator, Field, StringConstraints, model_validator
from pydantic_core import PydanticCustomError

from service.kinds.base import Cleaned, Day, Kind, NonBlank, ShortText, Strict
from service.render.xlsx import Block, Sheet
from service.text import cn_date
from service.titles import title_lines

FORM_TITLE = "每日举报问题线索清单"
PUBLIC_TITLE = "举报问题线索清单（公开）"
MAX_ROWS = 1000
NOTE = ("注：本表由局“集中行动”办公室接收举报并建立清单，按照“保障机制”要求交办。举报来源根据"
        "举报线索渠道来源信息自行填写，举报类型分为“非法定生产经营活动、重大事故隐患、瞒报事故”"
        "等，办理结果分为“违法性质、停产整顿、关闭取缔、行政处罚、吊销证照、重大事故隐患整改率、"
        "提级核查、失信企业联合惩戒、党纪政纪处分、刑事责任追究”等10项内容，涉嫌犯罪、涉嫌失职渎职"
        "的情况在备注中加以说明移送情况。反馈情况要经部门主要负责人或党委、政府主要负责同志审核并"
        "签字确认。")
# (header, width in mm on the landscape 版心, key, kind of value); widths add up to 225
COLUMNS = [
    ("序号", 7, "no", "int"), ("举报来源", 12, "source", "text"),
    ("举报人信息", 14, "reporter", "text"), ("举报内容", 33, "content", "text"),
    ("举报类型", 12, "category", "text"), ("涉及企业", 17, "enterprise", "text"),
    ("属地政府", 12, "locality", "text"), ("交办文书文号", 14, "document_number", "text"),
    ("交办单位(部门或政府)", 14, "transferred_to", "text"),
    ("交办日期(7日内反馈)", 12, "transferred_on", "date"),
    ("实际反馈日期", 12, "feedback_on", "date"), ("是否属实", 8, "substantiated", "text"),
    ("办理结果", 22, "results", "text"), ("查出进展情况", 18, "progress", "text"),
    ("答复情况", 10, "reply", "text"), ("备注", 8, "note", "text"),
]
PRIVATE = {"reporter", "note"}
WIDER = {"content": 12, "progress": 10}  # what the public version gives the dropped width


# A row is never split over two pages (Word would clip a taller one, and a cell's text
# would come out in pieces), so the cells are bounded: 200 characters of 举报内容 take 20
# lines of its 33 mm column at 9 pt, 240 of the 330 pt below the title and header row.
# service.ledger cuts a longer lead's text to fit, with "…".
CONTENT_CHARS, RESULT_CHARS, CELL_CHARS = 200, 120, 60


def _one_line(value: str) -> str:
    return " ".join(value.split("\n"))


_OneLine = AfterValidator(_one_line)
Cell = Annotated[str, StringConstraints(max_length=CELL_CHARS), Cleaned, NonBlank, _OneLine]
Content = Annotated[str, StringConstraints(max_length=CONTENT_CHARS), Cleaned, NonBlank,
                    _OneLine]
Result = Annotated[str, StringConstraints(max_length=RESULT_CHARS), Cleaned, NonBlank, _OneLine]


class LedgerRow(Strict):
    """One lead as the ledger prints it."""

    source: Cell = Field(title="举报来源")
    reporter: Cell | None = Field(default=None, title="举报人信息")
    content: Content = Field(title="举报内容")
    category: Cell = Field(title="举报类型")
    enterprise: Cell | None = Field(default=None, title="涉及企业")
    locality: Cell | None = Field(default=None, title="属地政府")
    document_number: Cell | None = Field(default=None, title="交办文书文号")
    transferred_to: Cell | None = Field(default=None, title="交办单位")
    transferred_on: Day | None = Field(default=None, title="交办日期")
    feedback_on: Day | None = Field(default=None, title="实际反馈日期")
    substantiated: Cell | None = Field(default=None, title="是否属实")
    results: Result | None = Field(default=None, title="办理结果")
    progress: Result | None = Field(default=None, title="查出进展情况")
    reply: Cell | None = Field(default=None, title="答复情况")
    note: Cell | None = Field(default=None, title="备注")


class LeadLedger(Strict):
    """每日举报问题线索清单: the leads of one unit for a day or a period."""

    unit: ShortText = Field(title="填报单位")
    start: Day = Field(title="起始日期")
    end: Day = Field(title="截止日期", description="与起始日期相同即为当日清单")
    public: bool = Field(default=False, title="公开版",
                         description="供公开（三公开）：不含举报人信息和备注")
    rows: list[LedgerRow] = Field(default_factory=list, max_length=MAX_ROWS, title="线索")

    @model_validator(mode="after")
    def _period_in_order(self) -> LeadLedger:
        if self.end < self.start:
            raise PydanticCustomError("end_before_start", "截止日期不能早于起始日期",
                                      {"field": "end"})
        return self


def columns(public: bool) -> list[dict[str, Any]]:
    """The printed columns: all 16, or the 14 of the public version."""
    return [{"header": h, "width": w + (WIDER.get(k, 0) if public else 0), "key": k, "type": t}
            for h, w, k, t in COLUMNS if not (public and k in PRIVATE)]


def build(doc: LeadLedger, serial: int | None) -> dict[str, Any]:
    """The printed text of the ledger, ready for the templates and the spreadsheet."""
    period = (f"日期：{cn_date(doc.start)}" if doc.start == doc.end
              else f"统计期：{cn_date(doc.start)}至{cn_date(doc.end)}")
    rows = []
    for no, row in enumerate(doc.rows, 1):
        values = {**row.model_dump(), "no": no}
        rows.append({k: ("" if v is None else cn_date(v) if isinstance(v, date) else v)
                     for k, v in values.items()})
    title = PUBLIC_TITLE if doc.public else FORM_TITLE
    return {
        "draft": False,  # not numbered: the list is the register's state on a day
        "title_lines": [{"text": t, "tight": tight} for t, tight in title_lines([title])],
        "info": f"填报单位：{doc.unit}\u3000\u3000\u3000\u3000{period}",
        "public": doc.public,
        "columns": columns(doc.public),
        "rows": rows,
        "values": [{**row.model_dump(), "no": no} for no, row in enumerate(doc.rows, 1)],
        "note": NOTE,
    }


def sheets(context: dict[str, Any]) -> list[Sheet]:
    """The ledger as one worksheet: its columns, a row per lead, the note."""
    columns = context["columns"]
    rows = [[row.get(c["key"]) for c in columns] for row in context["values"]]
    block = Block([c["width"] for c in columns], [[(c["header"], 1, 1) for c in columns]], rows,
                  text_columns={i for i, c in enumerate(columns) if c["type"] == "text"})
    title = context["title_lines"][-1]["text"]
    return [Sheet(title, title, [context["info"]], [block], [context["note"]])]


KIND = Kind(
    name="lead-ledger",
    title=FORM_TITLE,
    short="线索清单",
    description="每日举报问题线索清单（16列及填表说明），由登记簿中的线索生成，或按清单数据生成；"
    "公开版不含举报人信息和备注。不编号。",
    model=LeadLedger,
    build=build,
    series=lambda doc: None,
    dated=lambda doc: doc.end,
    label=lambda doc: f"{doc.unit}{cn_date(doc.start)}至{cn_date(doc.end)}",
    sheets=sheets,
)
