"""Tagged PDFs (GB/T 37668 via PDF/UA's means): the language, a structure tree with the
title as H1, section headings as H2, paragraphs as P and tables with header cells, in
reading order."""

from __future__ import annotations

import io
from typing import Any

from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from service.issuing import get_kind, validate
from service.render import render
from tests.conftest import load_fixture


def pdf_of(kind: str, fixture: str) -> PdfReader:
    """The issued PDF of a fixture (serial 1), opened with pypdf."""
    found = get_kind(kind)
    assert found is not None
    context = {**found.build(validate(found, load_fixture(fixture)), 1), "draft": False}
    return PdfReader(io.BytesIO(render(kind, context, "pdf")))


def structure(reader: PdfReader) -> list[str]:
    """The structure types of the tree, depth first, in document (reading) order."""
    out: list[str] = []

    def walk(element: Any) -> None:
        element = element.get_object()
        if not isinstance(element, DictionaryObject) or "/S" not in element:
            return
        out.append(str(element["/S"]))
        kids = element.get("/K")
        for kid in (kids if isinstance(kids, list) else [kids] if kids is not None else []):
            if hasattr(kid, "get_object"):
                walk(kid)

    root = reader.trailer["/Root"]["/StructTreeRoot"].get_object()
    for kid in root["/K"]:
        walk(kid)
    return out


def test_a_notice_is_tagged_in_chinese_with_its_title_first() -> None:
    reader = pdf_of("transfer-notice", "transfer-notice")
    catalog = reader.trailer["/Root"]
    assert catalog["/Lang"] == "zh-CN"
    assert catalog["/MarkInfo"]["/Marked"]
    tree = structure(reader)
    assert tree[0] == "/Document"
    assert tree[1] == "/H1"  # the title comes first in reading order
    assert tree.count("/P") >= 8  # number, addressee, body, contacts, attachments, signature


def test_a_typical_case_has_its_seven_sections_as_headings() -> None:
    tree = structure(pdf_of("typical-case", "typical-case"))
    assert tree.count("/H1") == 1 and tree.count("/H2") == 7
    assert tree.index("/H1") < tree.index("/H2")


def test_a_statistics_table_has_header_cells() -> None:
    tree = structure(pdf_of("summary", "summary-weekly"))
    assert tree.count("/H2") == 2  # 一、汇总情况 and 二、逐条明细
    assert "/Table" in tree and tree.count("/TH") >= 11 and tree.count("/TD") > 20
    assert tree.index("/TH") < tree.index("/TD")  # the header row is read first


def test_the_four_lists_are_four_headed_tables() -> None:
    tree = structure(pdf_of("daily-lists", "daily-lists"))
    assert tree.count("/H2") == 4  # 1.…进展清单 … 4.…重大隐患挂牌督办清单
    assert tree.count("/Table") >= 4 and "/TH" in tree
