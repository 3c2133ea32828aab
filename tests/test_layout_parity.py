"""The DOCX paginates like the PDF: LibreOffice, with the fonts and aliases `make run`
installs and no configuration of its own, makes as many pages of each fixture's DOCX as
the PDF has (scripts/compare_layout.py, `make layout`, shows them side by side)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from scripts.compare_layout import FIXTURES, kind_of, libreoffice_pdf, pages, render_both
from tests.conftest import load_fixture

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not shutil.which("soffice"), reason="needs LibreOffice")]

HARD = {  # payloads of our own that close up, spill, or run long
    "notice-15-attachments": ("transfer-notice", {
        **load_fixture("transfer-notice"),
        "attachments": [f"材料{i}：现场检查记录及照片" for i in range(1, 16)]}),
    "notice-long-issuer": ("transfer-notice", {
        **load_fixture("transfer-notice-government"),
        "issuer": "东岭县安全生产委员会“百日攻坚”集中行动领导小组办公室"}),
}


@pytest.mark.parametrize("fixture", sorted(p.stem for p in FIXTURES.glob("*.json")))
def test_libreoffice_makes_as_many_pages_of_the_docx_as_the_pdf_has(
        fixture: str, tmp_path: Path) -> None:
    pdf, docx = render_both(load_fixture(fixture), kind_of(FIXTURES / f"{fixture}.json"),
                            tmp_path, fixture)
    assert pages(libreoffice_pdf(docx, tmp_path)) == pages(pdf)


@pytest.mark.parametrize("name", sorted(HARD))
def test_hard_payloads_paginate_alike(name: str, tmp_path: Path) -> None:
    kind, data = HARD[name]
    pdf, docx = render_both(data, kind, tmp_path, name)
    assert pages(libreoffice_pdf(docx, tmp_path)) == pages(pdf)


def first_lines(pdf: Path) -> list[str]:
    """The first line of text of each page."""
    from pypdf import PdfReader

    return [(page.extract_text() or "").strip().split("\n")[0] for page in PdfReader(pdf).pages]


def test_a_long_bulletin_breaks_its_pages_alike(tmp_path: Path) -> None:
    """Over five pages, the page breaks fall within a page of each other: the same page
    count within one, and each case opens its page in both."""
    from fixtures.make_bulletin import bulletin

    pdf, docx = render_both(bulletin(4), "bulletin", tmp_path, "bulletin-4")
    lo = libreoffice_pdf(docx, tmp_path)
    assert pages(pdf) > 5 and abs(pages(lo) - pages(pdf)) <= 1
    def case_pages(lines: list[str]) -> list[int]:
        return [n for n, line in enumerate(lines) if line.startswith("【标题】")]

    assert len(case_pages(first_lines(pdf))) == 4
    assert case_pages(first_lines(lo)) == case_pages(first_lines(pdf))
