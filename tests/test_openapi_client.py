"""/openapi.json as tools no one here wrote take it: openapi-spec-validator on the served
document written to a file, and a Python client generated from the served document by
openapi-python-client (with docs/openapi-python-client.yaml), installed with pip into a
temporary folder and used against a live server — no raw HTTP in the calls."""

from __future__ import annotations

import importlib
import json
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import jsonschema_rs
import pytest
from werkzeug.serving import make_server

from service.app import create_app
from service.gate.accounts import create_token
from service.openapi_style import escape_pattern, invisible
from tests.conftest import docx_text, load_fixture

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "docs" / "openapi-python-client.yaml"
PACKAGE = "gongwen_api_client"  # from info.title "Gongwen API"
# The only bodies openapi-python-client 0.29 cannot send (said in the config file): the CSV
# of an import and the images of a signed report; their XLSX and PDF are generated.
UNSENDABLE = {"text/csv", "image/png", "image/jpeg"}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """The app with authentication on, served by werkzeug on a loopback port: its address
    and a token of the default unit."""
    tmp = tmp_path_factory.mktemp("client-server")
    app = create_app({"TESTING": True, "AUTH_REQUIRED": True, "SECRET_KEY": "client-test",
                      "DATABASE_URL": f"sqlite:///{tmp / 'register.sqlite3'}"})
    token = create_token(app.extensions["register"], "generated-client")
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}", token
    httpd.shutdown()
    thread.join(10)
    app.extensions["register"].dispose()


@pytest.fixture(scope="module")
def generated(server: tuple[str, str], tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    """The client package generated from the served /openapi.json and pip-installed into a
    temporary folder (offline: no build isolation, no dependencies fetched)."""
    base, _ = server
    work = tmp_path_factory.mktemp("client")
    run = subprocess.run(
        [sys.executable, "-m", "openapi_python_client", "generate", "--url",
         base + "/openapi.json", "--config", str(CONFIG), "--meta", "setup"],
        cwd=work, capture_output=True, text=True, timeout=300)
    said = run.stdout + run.stderr
    assert run.returncode == 0, said
    unsent = re.findall(r"^Unsupported content type (.*)$", said, re.MULTILINE)
    assert said.count("WARNING") == len(unsent) and set(unsent) <= UNSENDABLE, said
    [project] = [p for p in work.iterdir() if p.is_dir()]
    assert project.name == "gongwen-api-client"
    names = [str(p.relative_to(project)) for p in project.rglob("*")]
    assert [n for n in names if not n.isascii()] == []  # modules and classes in ASCII
    target = work / "site"
    install = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-index", "--no-deps",
         "--no-build-isolation", "--target", str(target), str(project)],
        capture_output=True, text=True, timeout=300)
    assert install.returncode == 0, install.stdout + install.stderr
    sys.path.insert(0, str(target))
    try:
        return importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(target))


def _api(package: ModuleType, name: str) -> Any:
    return importlib.import_module(f"{package.__name__}.{name}")


def test_the_generated_client_issues_and_reads_back(server, generated) -> None:  # type: ignore[no-untyped-def]
    base, token = server
    kinds_api, previews, documents = (_api(generated, f"api.{tag}")
                                      for tag in ("kinds", "previews", "documents"))
    models = _api(generated, "models")
    client = generated.AuthenticatedClient(base_url=base, token=token, timeout=120,
                                           raise_on_unexpected_status=True)

    listed = _api(kinds_api, "list_kinds").sync(client=client)
    assert isinstance(listed, models.KindList)
    assert "transfer-notice" in [k.kind for k in listed.kinds]
    schema = _api(kinds_api, "get_kind_schema").sync(
        client=client, kind=models.Kind("transfer-notice"))
    assert "recipient_kind" in schema.to_dict()["properties"]

    notice = models.TransferNotice.from_dict(load_fixture("transfer-notice"))
    preview = _api(previews, "preview_transfer_notice_pdf").sync_detailed(client=client,
                                                                         body=notice)
    assert preview.status_code == 200
    assert isinstance(preview.parsed, generated.types.File)
    assert preview.parsed.payload.read().startswith(b"%PDF")

    issue = _api(documents, "issue_transfer_notice")
    first = issue.sync_detailed(client=client, body=notice, idempotency_key="client-test-1")
    assert first.status_code == 201 and isinstance(first.parsed, models.Issued)
    again = issue.sync_detailed(client=client, body=notice, idempotency_key="client-test-1")
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert again.parsed.id == first.parsed.id
    issued = first.parsed
    assert issued.number_text and issued.status == models.IssuedStatus.ISSUED

    entry = _api(documents, "get_document").sync(client=client, id=issued.id)
    assert isinstance(entry, models.Issued)
    assert (entry.number_text, entry.kind) == (issued.number_text, "transfer-notice")

    docx = _api(documents, "download_document_docx").sync_detailed(client=client, id=issued.id)
    assert docx.status_code == 200 and docx.headers["X-Document-Status"] == "issued"
    assert issued.number_text in docx_text(docx.parsed.payload.read())


def test_a_422_reads_as_the_error_model(server, generated) -> None:  # type: ignore[no-untyped-def]
    base, token = server
    models = _api(generated, "models")
    client = generated.AuthenticatedClient(base_url=base, token=token, timeout=120)
    notice = models.TransferNotice.from_dict({**load_fixture("transfer-notice"),
                                              "code": "煤\u200b"})
    preview = _api(generated, "api.previews.preview_transfer_notice_pdf")
    answer = preview.sync_detailed(client=client, body=notice)
    assert answer.status_code == 422
    error = answer.parsed
    assert isinstance(error, models.ErrorBody)
    assert error.error == "invalid" and re.search(r"[\u4e00-\u9fff]", error.message)
    assert [f.path for f in error.fields] == ["code"]
    assert isinstance(error.fields[0], models.FieldError)


def test_a_batch_item_is_typed_by_kind(generated) -> None:  # type: ignore[no-untyped-def]
    models = _api(generated, "models")
    notice = models.TransferNotice.from_dict(load_fixture("transfer-notice"))
    item = models.BatchItemTransferNotice(kind="transfer-notice", data=notice, ref="案001")
    request = models.BatchRequest(items=[item])
    sent = request.to_dict()
    assert sent["items"][0]["data"] == load_fixture("transfer-notice")
    back = models.BatchRequest.from_dict(sent)
    assert isinstance(back.items[0], models.BatchItemTransferNotice)
    assert isinstance(back.items[0].data, models.TransferNotice)


def test_the_served_document_is_valid_as_a_file(client, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "openapi.json"
    path.write_text(json.dumps(client.get("/openapi.json").json, ensure_ascii=False),
                    encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "openapi_spec_validator", str(path)],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.strip().endswith("OK")


def test_published_patterns_mean_what_the_models_say(client) -> None:  # type: ignore[no-untyped-def]
    spec = client.get("/openapi.json").json
    published = spec["components"]["schemas"]["TransferNotice"]["properties"]["code"]["pattern"]
    own = client.get("/api/v1/kinds/transfer-notice/schema").json["properties"]["code"]
    assert own["pattern"] != published and escape_pattern(own["pattern"]) == published
    patterns = re.findall(r'"pattern": ("(?:[^"\\]|\\.)*")', json.dumps(spec, ensure_ascii=False))
    assert len(patterns) > 5
    assert [p for p in patterns if any(invisible(ch) for ch in json.loads(p))] == []
    mine, theirs = re.compile(own["pattern"]), re.compile(published)
    for point in range(0x10000):
        if 0xD800 <= point <= 0xDFFF:
            continue
        text = "煤" + chr(point)
        assert bool(mine.match(text)) == bool(theirs.match(text)), hex(point)
    rs_own = jsonschema_rs.validator_for({"type": "string", "pattern": own["pattern"]})
    rs_pub = jsonschema_rs.validator_for({"type": "string", "pattern": published})
    for text in ("煤", "煤\x7f", "煤\x85", "煤\x9f", "煤\u200b", "煤\u202e", "煤\ufeff", "煤 ",
                 "（煤）", "煤\u00a0", "煤\u2066", "a\\u200b"):
        assert rs_own.is_valid(text) == rs_pub.is_valid(text), repr(text)
    # escaped characters and an escaped backslash keep their meaning
    assert escape_pattern("a\\\x7f") == "a\\u007f" and escape_pattern("\\\\\u200b") == (
        "\\\\\\u200b")


def test_generators_get_ascii_names_and_one_kind_enum(client) -> None:  # type: ignore[no-untyped-def]
    spec = client.get("/openapi.json").json
    assert spec["info"]["title"].isascii() and "文书" in spec["info"]["x-title-zh"]
    schemas = spec["components"]["schemas"]
    assert all(name.isascii() and name.isidentifier() for name in schemas)
    assert all(tag["name"].isascii() for tag in spec["tags"])

    def classes(node: Any, member: bool = False) -> Iterator[str]:
        """Titles a generator names a class after: an enum's, an object's, a union member's."""
        if isinstance(node, list):
            for item in node:
                yield from classes(item, member)
        elif isinstance(node, dict):
            makes = {"enum", "properties", "additionalProperties"} & set(node) or (
                node.get("type") == "object")
            if isinstance(node.get("title"), str) and (makes or member):
                yield node["title"]
            for key, value in node.items():
                if key not in ("example", "examples", "default", "const", "enum"):
                    yield from classes(value, key in ("anyOf", "oneOf"))

    assert [t for t in classes(spec) if not t.isascii()] == []
    kinds = [p for item in spec["paths"].values() for op in item.values()
             for p in op.get("parameters", []) if p["name"] == "kind"]
    assert len(kinds) == 2 and all(p["schema"] == {"$ref": "#/components/schemas/Kind"}
                                   for p in kinds)
    flat = json.dumps(spec["paths"])
    assert '"enum": ["transfer-notice"' not in flat and "transfer-notice" in schemas["Kind"]["enum"]
    for path, item in spec["paths"].items():
        for op in item.values():
            for content in (r.get("content", {}) for r in op["responses"].values()):
                for media, body in content.items():
                    if media != "application/json":
                        assert body["schema"] == {"type": "string", "format": "binary"}, path
