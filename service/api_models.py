"""The JSON answers of the API as pydantic models: they serialise the responses and are
the response schemas of /openapi.json, so the two cannot drift apart."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field


class Links(BaseModel):
    """Download links of an issued document."""

    docx: str
    pdf: str
    xlsx: str | None = Field(default=None, description="有表格的文书（统计表、线索清单）才有")


class Issued(BaseModel):
    """An issued document (the answer to an issue request and a row of the register)."""

    id: str
    kind: str
    number: int | None = Field(description="the serial, or null for kinds that are not numbered")
    number_text: str | None = Field(description="the printed number, e.g. （煤）移〔2022〕1号")
    label: str
    year: int
    issued_at: datetime
    issued_by: str | None
    sha256: dict[str, str]
    warnings: list[str] = Field(default_factory=list,
                                description="notes about the data, e.g. records left out")
    links: Links
    status: Literal["issued", "spoiled", "void"] = Field(
        default="issued",
        description="issued；spoiled：生成失败，文号作废；void：已作废（或已更正）")
    note: str | None = Field(default=None, description="作废的原因")
    voided_at: datetime | None = None
    voided_by: str | None = None
    replaces: str | None = Field(default=None, description="本文书更正的文书的id")
    replaced_by: str | None = Field(default=None, description="更正本文书的文书的id")


class DocumentList(BaseModel):
    """A page of the register, newest first."""

    documents: list[Issued]
    total: int
    limit: int
    offset: int


class KindInfo(BaseModel):
    """One document kind."""

    kind: str
    name: str
    description: str
    numbered: bool
    links: dict[str, str]


class KindList(BaseModel):
    """The document kinds this service renders."""

    kinds: list[KindInfo]


class FieldError(BaseModel):
    """What is wrong with one field."""

    path: str
    message: str


class ErrorBody(BaseModel):
    """Every error answer: a stable code, a Chinese message and per-field details."""

    error: str
    message: str
    fields: list[FieldError]


def response_models() -> dict[str, type[BaseModel]]:
    """The models of the API's JSON answers, for the OpenAPI document."""
    return {"Issued": Issued, "DocumentList": DocumentList, "KindList": KindList,
            "ErrorBody": ErrorBody}
