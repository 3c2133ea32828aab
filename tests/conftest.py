"""Shared fixtures: an app on a temporary SQLite register, its clients, and readers for
the rendered files (python-docx for DOCX, pdfplumber for PDF)."""

from __future__ import annotations

import io
import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any

# Tests never touch the repository's instance/ (register, job queue, secret key).
os.environ.setdefault("GONGWEN_INSTANCE", tempfile.mkdtemp(prefix="gongwen-test-"))

import docx
import pdfplumber
import pytest

from service.app import create_app
from tests.pg import pg_server, pg_url  # noqa: F401  (PostgreSQL fixtures, see tests/pg.py)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def pytest_collection_finish(session: pytest.Session) -> None:
    """Keep the test process's garbage collector off what collection loaded, and let it run
    as seldom as a render worker's (service.render.pool.settle_collector): full passes over
    a session's growing heap took a tenth of the in-process tests' time."""
    from service.render.pool import settle_collector

    settle_collector()


@pytest.fixture
def app(tmp_path: Path):  # type: ignore[no-untyped-def]
    """An app whose register is a fresh SQLite file."""
    app = create_app({"TESTING": True, "AUTH_REQUIRED": False,
                      "DATABASE_URL": f"sqlite:///{tmp_path / 'register.sqlite3'}"})
    yield app
    app.extensions["register"].dispose()


@pytest.fixture
def client(app):  # type: ignore[no-untyped-def]
    """A test client of `app`."""
    return app.test_client()


@pytest.fixture
def runner(app):  # type: ignore[no-untyped-def]
    """A CLI runner of `app`."""
    return app.test_cli_runner()


def load_fixture(name: str) -> dict[str, Any]:
    """The JSON payload in fixtures/<name>.json."""
    data: dict[str, Any] = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    return data


def docx_paragraphs(content: bytes) -> list[str]:
    """Every paragraph of a DOCX body (tables included), in order."""
    document = docx.Document(io.BytesIO(content))
    out: list[str] = []
    for block in document.element.body.iter():
        if block.tag.endswith("}p"):
            parts = []
            for el in block.iter():
                tag = el.tag.rsplit("}", 1)[-1]
                if tag == "t":
                    parts.append(el.text or "")
                elif tag in ("br", "cr"):
                    parts.append("\n")
                elif tag == "tab":
                    parts.append("\t")
            out.append("".join(parts))
    return out


def docx_text(content: bytes) -> str:
    """The body text of a DOCX, one paragraph a line."""
    return "\n".join(docx_paragraphs(content))


def pdf_text(content: bytes) -> str:
    """The text of every page of a PDF."""
    with pdfplumber.open(io.BytesIO(content)) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


def pdf_body_text(content: bytes) -> str:
    """The squeezed PDF text without its `— N —` page numbers (they exist only in the PDF)."""
    return re.sub(r"—\d+—", "", squeeze(pdf_text(content)))


def squeeze(text: str) -> str:
    """Text without any whitespace, to compare across line breaks and formats."""
    return "".join(text.split())
