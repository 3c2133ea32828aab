"""The draft's text as HTML beside its PDF on the preview page (service/render/reading.py):
whole paragraphs to read, every value printed literally."""

from __future__ import annotations

from tests.conftest import load_fixture
from tests.test_web import csrf, form_data


def test_the_preview_page_shows_the_drafts_text_beside_its_pdf(client) -> None:  # type: ignore[no-untyped-def]
    data = load_fixture("transfer-notice")
    data["subject"] = "<b>东岭县鑫源煤业有限公司</b>"
    response = client.post("/new/transfer-notice", data=form_data(data, csrf(client)))
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'id="draft-pdf"' in page and 'id="draft-text"' in page
    text = page[page.index('id="draft-text"'):]
    # a sentence the PDF breaks over two grid lines is one paragraph here
    assert "根据《东岭县应急管理局关于印发" in text
    assert "&lt;b&gt;东岭县鑫源煤业有限公司&lt;/b&gt;" in text and "<b>" not in text
    assert "<h3" in text and "<h1" not in text and "督查检查或群众举报事项交办（移送）书" in text
