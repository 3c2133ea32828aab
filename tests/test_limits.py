"""Limits a client can hit: body size (413), list lengths (422), render time (503)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.conftest import load_fixture

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fixtures"))
from make_bulletin import bulletin  # noqa: E402


@pytest.mark.parametrize("kind,field,make", [
    ("transfer-notice", "attachments", lambda d: {**d, "attachments": ["材料"] * 201}),
    ("transfer-notice", "cc", lambda d: {**d, "cc": ["单位"] * 201}),
    ("bulletin", "cases", lambda d: {**d, "cases": d["cases"] * 101}),
    ("summary", "findings", lambda d: {**d, "findings": d["findings"] * 800}),
])
def test_too_long_lists_are_422_naming_the_list(client, kind: str, field: str, make) -> None:  # type: ignore[no-untyped-def]
    fixture = {"summary": "summary-weekly"}.get(kind, kind)
    response = client.post(f"/api/v1/documents/{kind}", json=make(load_fixture(fixture)))
    assert response.status_code in (413, 422)
    if response.status_code == 422:
        assert any(f["path"] == field for f in response.json["fields"]), response.json


def test_a_runaway_render_is_stopped_with_a_json_503_and_the_worker_goes_on(
        client, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    for fmt in ("docx", "pdf"):  # a process's first render of a format is never cut short
        assert client.post(f"/api/v1/render/bulletin.{fmt}", json=bulletin(1)).status_code == 200
    monkeypatch.setenv("GONGWEN_RENDER_TIMEOUT", "0.3")
    slow = client.post("/api/v1/documents/bulletin", json=bulletin(60))
    assert slow.status_code == 503
    assert slow.json["error"] == "render_timeout" and "超时" in slow.json["message"]
    preview = client.post("/api/v1/render/bulletin.pdf", json=bulletin(60))
    assert preview.status_code == 503
    monkeypatch.setenv("GONGWEN_RENDER_TIMEOUT", "60")
    again = client.post("/api/v1/documents/bulletin", json=bulletin(2))
    assert again.status_code == 201
    assert again.json["number_text"].endswith("第1期")  # the stopped issue took no number
    assert client.get("/api/v1/documents").json["total"] == 1
