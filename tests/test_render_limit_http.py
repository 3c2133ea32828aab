"""The render time limit in a real server: gunicorn with sync and with threaded workers.
The first request to a freshly started worker is limited like any other; the client gets
the JSON 503 within the limit plus a second, and the worker serves the next request."""

from __future__ import annotations

import json
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import load_fixture
from tests.test_load import Gunicorn

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fixtures"))
from make_bulletin import bulletin  # noqa: E402

pytestmark = pytest.mark.slow


def post(base: str, path: str, body: dict[str, Any]) -> tuple[int, bytes, float]:
    request = urllib.request.Request(base + path, data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
    began = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, response.read(), time.monotonic() - began
    except urllib.error.HTTPError as err:
        return err.code, err.read(), time.monotonic() - began


@pytest.mark.parametrize("extra", [(), ("--worker-class", "gthread", "--threads", "4")],
                         ids=["sync", "gthread"])
def test_a_runaway_render_is_a_503_within_the_limit_and_the_server_goes_on(
        extra: tuple[str, ...], tmp_path: Path) -> None:
    server = Gunicorn(tmp_path, f"sqlite:///{tmp_path / 'r.sqlite3'}", workers=1, extra=extra,
                      env={"GONGWEN_RENDER_TIMEOUT": "1"})
    try:
        # the worker's render process warms up (fonts, templates): a Word preview waits for it
        status, _, _ = post(server.base, "/api/v1/render/transfer-notice.docx",
                            load_fixture("transfer-notice"))
        assert status == 200
        status, body, took = post(server.base, "/api/v1/documents/bulletin", bulletin(100))
        assert status == 503 and json.loads(body)["error"] == "render_timeout", body[:300]
        assert took < 1 + 1.5, took
        status, body, _ = post(server.base, "/api/v1/render/transfer-notice.pdf",
                               load_fixture("transfer-notice"))
        assert status == 200 and body.startswith(b"%PDF")
        listed = json.loads(urllib.request.urlopen(server.base + "/api/v1/documents").read())
        assert listed["total"] == 0  # nothing half-written was kept
    finally:
        server.stop()
    assert "WORKER TIMEOUT" not in server.log.read_text()
