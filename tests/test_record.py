"""The register as an official record: one number per matter (re-runs, refs, doubled
batch requests), numbers in input order, void and correct in the open."""

from __future__ import annotations

import getpass
import json
import threading
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import load_fixture

NOTICE = "/api/v1/documents/transfer-notice"


def notice(n: int) -> dict[str, Any]:
    data = load_fixture("transfer-notice")
    return {**data, "recipient": f"石门镇第{n}号煤业", "subject": f"石门镇第{n}号煤业"}


def jsonl(path: Path, lines: list[dict[str, Any] | str]) -> Path:
    path.write_text("".join((x if isinstance(x, str) else json.dumps(x, ensure_ascii=False))
                            + "\n" for x in lines), encoding="utf-8")
    return path


def numbers(out: Path) -> dict[str, str]:
    """Recipient → number, from a run's manifest."""
    manifest = json.loads((out / "manifest.json").read_text())
    return {e["files"]["pdf"]["name"].rsplit("-", 1)[-1][:-4]: e["number_text"]
            for e in manifest["items"]}


def test_a_clerks_rerun_after_deleting_reordering_and_fixing_lines(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    items = [{"kind": "transfer-notice", "data": notice(n)} for n in range(1, 7)]
    bad = {"kind": "transfer-notice", "data": {**notice(7), "issued_on": "2022-13-01"}}
    first = jsonl(tmp_path / "a.jsonl", [*items[:3], bad, *items[3:]])
    out = tmp_path / "out"
    run = runner.invoke(args=["batch", str(first), "-o", str(out), "--issue", "--format", "pdf"])
    assert run.exit_code == 1  # the bad line
    before = numbers(out)
    assert len(before) == 6 and before["石门镇第6号煤业"] == "（煤）移〔2022〕6号"
    # The clerk deletes two issued lines, reorders the rest and fixes the bad one.
    fixed = {"kind": "transfer-notice", "data": notice(7)}
    second = jsonl(tmp_path / "b.jsonl", [items[5], fixed, items[2], items[4]])
    again = runner.invoke(args=["batch", str(second), "-o", str(out), "--issue", "--format", "pdf"])
    assert again.exit_code == 0, again.output
    assert "3项此前已签发" in again.output
    manifest = json.loads((out / "manifest.json").read_text())
    after = {e["number_text"]: e["already_issued"] for e in manifest["items"]}
    assert after == {"（煤）移〔2022〕6号": True, "（煤）移〔2022〕7号": False,
                     "（煤）移〔2022〕3号": True, "（煤）移〔2022〕5号": True}


def test_a_ref_names_the_matter_even_when_its_data_changes(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "out"
    first = jsonl(tmp_path / "a.jsonl", [{"kind": "transfer-notice", "data": notice(1),
                                          "ref": "案-2022-001"}])
    assert runner.invoke(args=["batch", str(first), "-o", str(out), "--issue"]).exit_code == 0
    typo_fixed = jsonl(tmp_path / "b.jsonl", [{"kind": "transfer-notice", "ref": "案-2022-001",
                                               "data": {**notice(1), "allegation": "涉嫌瞒报事故"}}])
    assert runner.invoke(args=["batch", str(typo_fixed), "-o", str(out), "--issue"]).exit_code == 0
    manifest = json.loads((out / "manifest.json").read_text())
    assert [(e["number_text"], e["already_issued"]) for e in manifest["items"]] == [
        ("（煤）移〔2022〕1号", True)]


def test_numbers_follow_the_input_order_with_two_jobs(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    source = jsonl(tmp_path / "a.jsonl", [{"kind": "transfer-notice", "data": notice(n)}
                                          for n in range(1, 13)])
    out = tmp_path / "out"
    run = runner.invoke(args=["batch", str(source), "-o", str(out), "--issue", "-j", "2"])
    assert run.exit_code == 0, run.output
    manifest = json.loads((out / "manifest.json").read_text())
    assert [(e["line"], e["number_text"]) for e in manifest["items"]] == [
        (n, f"（煤）移〔2022〕{n}号") for n in range(1, 13)]


def test_a_doubled_batch_request_is_one_job(client) -> None:  # type: ignore[no-untyped-def]
    body = {"items": [{"kind": "transfer-notice", "data": notice(1)}], "formats": ["pdf"]}
    key = {"Idempotency-Key": "batch-2022-01-07"}
    first = client.post("/api/v1/batches", json=body, headers=key)
    again = client.post("/api/v1/batches", json=body, headers=key)
    assert first.status_code == again.status_code == 202
    assert again.json["id"] == first.json["id"] and again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    other = client.post("/api/v1/batches", json={**body, "formats": ["docx"]}, headers=key)
    assert other.status_code == 409 and other.json["error"] == "idempotency_conflict"
    assert client.post("/api/v1/batches", json=body).json["id"] != first.json["id"]


def test_void_marks_the_document_and_keeps_its_number_and_files(client) -> None:  # type: ignore[no-untyped-def]
    doc = client.post(NOTICE, json=notice(1)).json
    pdf = client.get(doc["links"]["pdf"]).data
    for reason, words in (({}, "reason"), ({"reason": "typo"}, "中文"), ({"reason": "错"}, "中文")):
        bad = client.post(f"/api/v1/documents/{doc['id']}/void", json=reason)
        assert bad.status_code == 422 and words in json.dumps(bad.json, ensure_ascii=False)
    voided = client.post(f"/api/v1/documents/{doc['id']}/void", json={"reason": "主送单位名称有误"})
    assert voided.status_code == 200
    assert voided.json["status"] == "void" and voided.json["note"] == "主送单位名称有误"
    assert voided.json["voided_at"]
    again = client.post(f"/api/v1/documents/{doc['id']}/void", json={"reason": "主送单位名称有误"})
    assert again.status_code == 409 and again.json["error"] == "not_issued"
    download = client.get(doc["links"]["pdf"])
    assert download.data == pdf and download.headers["X-Document-Status"] == "void"
    listed = client.get("/api/v1/documents").json["documents"]
    assert listed[0]["status"] == "void"
    assert client.post(NOTICE, json=notice(2)).json["number_text"] == "（煤）移〔2022〕2号"


def test_correct_issues_a_new_number_and_voids_the_old_one_with_links(client) -> None:  # type: ignore[no-untyped-def]
    old = client.post(NOTICE, json=notice(1)).json
    fixed = client.post(f"/api/v1/documents/{old['id']}/correct",
                        json={**notice(1), "allegation": "涉嫌瞒报事故"})
    assert fixed.status_code == 201, fixed.json
    assert fixed.json["number_text"] == "（煤）移〔2022〕2号"
    assert fixed.json["replaces"] == old["id"]
    now_old = client.get(f"/api/v1/documents/{old['id']}").json
    assert now_old["status"] == "void" and now_old["replaced_by"] == fixed.json["id"]
    assert "（煤）移〔2022〕2号" in now_old["note"]
    twice = client.post(f"/api/v1/documents/{old['id']}/correct", json=notice(1))
    assert twice.status_code == 409 and twice.json["error"] == "not_issued"
    wrong = client.post(f"/api/v1/documents/{fixed.json['id']}/correct",
                        json={**notice(1), "issued_on": "x"})
    assert wrong.status_code == 422
    assert client.get(f"/api/v1/documents/{fixed.json['id']}").json["status"] == "issued"


def test_another_unit_cannot_void_or_correct(tmp_path: Path) -> None:
    from service.app import create_app

    app = create_app({"TESTING": True, "AUTH_REQUIRED": True, "SECRET_KEY": "t",
                      "DATABASE_URL": f"sqlite:///{tmp_path / 'r.sqlite3'}"})
    runner = app.test_cli_runner()
    runner.invoke(args=["unit", "create", "east", "--name", "东"])
    runner.invoke(args=["unit", "create", "west", "--name", "西"])

    def bearer(name: str, unit: str) -> dict[str, str]:
        made = runner.invoke(args=["token", "create", name, "--unit", unit])
        return {"Authorization": "Bearer " + made.stdout.strip().splitlines()[0]}

    east, west = bearer("e", "east"), bearer("w", "west")
    client = app.test_client()
    doc = client.post(NOTICE, json=notice(1), headers=east).json
    assert client.post(f"/api/v1/documents/{doc['id']}/void", json={"reason": "重复签发"},
                       headers=west).status_code == 404
    assert client.post(f"/api/v1/documents/{doc['id']}/correct", json=notice(1),
                       headers=west).status_code == 404
    app.extensions["register"].dispose()


@pytest.mark.slow
def test_voided_numbers_are_never_handed_out_again_under_load(app) -> None:  # type: ignore[no-untyped-def]
    from service import corrections, issuing

    register = app.extensions["register"]
    issued: list[str] = []
    lock = threading.Lock()

    def work(n: int) -> None:
        record = issuing.issue(register, "transfer-notice", notice(n))
        if n % 3 == 0:
            corrections.void(register, record.id, {"reason": "测试作废"}, unit="default", by=None)
        with lock:
            issued.append(record.number_text or "")

    threads = [threading.Thread(target=work, args=(n,)) for n in range(100)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(issued) == len(set(issued)) == 100
    assert sorted(int(x.rsplit("〕", 1)[1][:-1]) for x in issued) == list(range(1, 101))


def test_every_action_leaves_an_audit_entry(tmp_path: Path) -> None:
    from service.app import create_app

    app = create_app({"TESTING": True, "AUTH_REQUIRED": True, "SECRET_KEY": "t",
                      "DATABASE_URL": f"sqlite:///{tmp_path / 'r.sqlite3'}"})
    runner = app.test_cli_runner()
    runner.invoke(args=["unit", "create", "east", "--name", "东岭县应急管理局"])

    def bearer(name: str, *flags: str) -> dict[str, str]:
        made = runner.invoke(args=["token", "create", name, "--unit", "east", *flags])
        return {"Authorization": "Bearer " + made.stdout.strip().splitlines()[0]}

    admin, clerk = bearer("boss", "--admin"), bearer("clerk")
    client = app.test_client()
    client.environ_base = {"REMOTE_ADDR": "10.1.2.3"}
    doc = client.post(NOTICE, json=notice(1), headers=clerk).json
    client.get(doc["links"]["pdf"], headers=clerk)
    fixed = client.post(f"/api/v1/documents/{doc['id']}/correct", json=notice(2),
                        headers=clerk).json
    client.post(f"/api/v1/documents/{fixed['id']}/void", json={"reason": "重复签发"},
                headers=clerk)
    client.put("/api/v1/unit", json={"name": "东岭县应急管理局", "codes": ["煤"]}, headers=admin)
    client.post("/api/v1/unit/users", json={"username": "li", "password": "12345678"},
                headers=admin)
    client.post("/api/v1/unit/users/li/disable", headers=admin)
    assert client.get("/api/v1/audit", headers=clerk).status_code == 403  # admins only
    client.delete("/api/v1/unit/tokens/clerk", headers=admin)
    trail = client.get("/api/v1/audit", headers=admin).json
    every = [(e["action"], e["actor"]) for e in reversed(trail["events"])]
    # issuing a notice makes its lead; correcting it moves the lead to the correction
    assert [e for e in every if e[0].startswith("lead_")] == [
        ("lead_registered", "token:clerk"), ("lead_transferred", "token:clerk"),
        ("lead_transferred", "token:clerk")]
    seen = [e for e in every if not e[0].startswith("lead_")]
    assert seen == [
        ("token.create", "cli:" + getpass.getuser()), ("token.create", "cli:" + getpass.getuser()),
        ("issue", "token:clerk"), ("download", "token:clerk"), ("correct", "token:clerk"),
        ("void", "token:clerk"), ("unit.profile", "token:boss"), ("user.set", "token:boss"),
        ("user.disable", "token:boss"), ("token.revoke", "token:boss")]
    void = next(e for e in trail["events"] if e["action"] == "void")
    assert void["detail"]["reason"] == "重复签发" and void["address"] == "10.1.2.3"
    voids = client.get("/api/v1/audit?action=void", headers=admin).json
    assert voids["total"] == 1
    page = client.get("/audit", headers=admin)
    assert page.status_code == 302  # the page is for logged-in officers, not tokens
    app.extensions["register"].dispose()
