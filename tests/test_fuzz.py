"""Schemathesis against /openapi.json: every operation, generated requests; no 5xx, and
every response matches what the document says (status codes, content types, schemas)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from service.app import create_app
from service.gate.accounts import create_token

pytestmark = pytest.mark.slow
# 20 an operation: with the fixtures as examples many cases render for real, and with some
# 70 operations 50 took six minutes of make test's 15; GONGWEN_FUZZ_EXAMPLES=1000 for a
# longer hunt.
EXAMPLES = int(os.environ.get("GONGWEN_FUZZ_EXAMPLES", "20"))

_tmp = Path(tempfile.mkdtemp(prefix="gongwen-fuzz-"))
app = create_app({"TESTING": True, "AUTH_REQUIRED": True, "SECRET_KEY": "fuzz",
                  "DATABASE_URL": f"sqlite:///{_tmp / 'register.sqlite3'}"})
TOKEN = create_token(app.extensions["register"], "fuzzer")
# The coverage phase sends up to some 700 boundary payloads to each operation. To a PDF
# preview they are the same requests, through the same validation, as to the kind's .docx
# and .xlsx previews, which render every one they accept; each would cost a PDF layout (the
# summary's took 80 s of make test). PDF previews keep the example and fuzzing phases, and
# the hostile corpus (tests/test_corpus.py) prints every awkward value into a PDF.
CONFIG = SchemathesisConfig.from_dict({"operations": [{
    "include-path-regex": r"^/api/v1/render/[a-z-]+\.pdf$",
    "phases": {"coverage": {"enabled": False}},
}]})
schema = schemathesis.openapi.from_wsgi("/openapi.json", app, config=CONFIG)


# An auth provider, not a header on each call: the ignored_auth check then knows which
# header is the credential it takes away (a header passed to each call came back on its
# probes now and then, and configured headers on every one).
@schema.auth()
class Bearer:
    """Our token on every generated request."""

    def get(self, case, context) -> str:  # type: ignore[no-untyped-def]
        return TOKEN

    def set(self, case, data: str, context) -> None:  # type: ignore[no-untyped-def]
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}
# A body over the size limit is refused with 413 before it is read: that is a rejection too.
_negative = schema.config.checks.negative_data_rejection
_negative.expected_statuses = [*_negative.expected_statuses, "413"]


# positive_data_acceptance is left out: rules across fields (a date after another, a
# fine only with 行政处罚, a title ending in 案 …) cannot be written in JSON Schema, so a
# schema-valid payload may rightly be a 422. Every other check runs, the negative-data
# one included (it found `"issue": 0` accepted as a bool).
EXCLUDED = [schemathesis.checks.positive_data_acceptance]


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_every_operation_answers_as_documented(case) -> None:  # type: ignore[no-untyped-def]
    case.call_and_validate(excluded_checks=EXCLUDED)
