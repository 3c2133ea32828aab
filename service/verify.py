"""The integrity check of the whole register (`flask --app wsgi verify`): every stored file
against its recorded SHA-256, every series for gaps and duplicates, and the audit trail
against the documents (service.verify_audit). Voided and spoiled numbers count as used: a
number is used once it has a row, whatever became of its document. A number never used
because the caller chose a later one (a bulletin's 期号) is no gap."""

from __future__ import annotations

import hashlib
import json
from collections import Counter as Tally
from collections import defaultdict
from collections.abc import Callable
from functools import partial

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.kinds import KINDS
from service.register import Register
from service.tables import Counter, Document, File, Lead
from service.verify_audit import check_audit
from service.verify_report import Report


def _name(doc: Document) -> str:
    return doc.number_text or f"“{doc.label}”（未编号）"


def _check_files(s: Session, docs: dict[int, Document], report: Report) -> None:
    """Recompute every file's SHA-256 (streamed: never all files in memory); each issued or
    void document has its kind's formats, a spoiled or pending number none."""
    held: dict[int, set[str]] = defaultdict(set)
    rows = s.execute(select(File.document_seq, File.format, File.sha256, File.size, File.content)
                     .execution_options(yield_per=20))
    for seq, fmt, sha, size, content in rows:
        report.counts["files"] += 1
        held[seq].add(fmt)
        doc = docs.get(seq)
        if doc is None:
            report.problems.append(f"文件（{fmt}）所属的登记行（序号{seq}）不存在")
            continue
        if hashlib.sha256(bytes(content)).hexdigest() != sha or len(content) != size:
            report.problems.append(f"{_name(doc)}的{fmt}文件与登记的SHA-256不符（文件被改动或损坏）")
    for seq, doc in docs.items():
        kind = KINDS.get(doc.kind)
        want = set(kind.formats if kind else ("docx", "pdf"))
        if doc.status in ("issued", "void") and (missing := want - held[seq]):
            report.problems.append(f"{_name(doc)}缺少文件：{'、'.join(sorted(missing))}")
        elif doc.status in ("spoiled", "pending") and held[seq]:
            report.problems.append(f"{_name(doc)}已作废（生成失败），却存有文件")


def _chosen(s: Session, docs: list[Document]) -> set[int]:
    """The rows whose number the caller chose (a bulletin's issue_no), not the next one."""
    kinds = {k for k, kind in KINDS.items() if "issue_no" in kind.model.model_fields}
    seqs = [d.seq for d in docs if d.kind in kinds]
    if not seqs:
        return set()
    rows = s.execute(select(Document.seq, Document.serial, Document.data)
                     .where(Document.seq.in_(seqs)))
    return {seq for seq, serial, data in rows if json.loads(data).get("issue_no") == serial}


def _text_of(sample: Document, serial: int) -> str:
    """The printed number `serial` of sample's series (e.g. （煤）移〔2022〕3号)."""
    if not sample.number_text or sample.serial is None:
        return f"第{serial}号"
    head, _, tail = sample.number_text.rpartition(str(sample.serial))
    return f"{head}{serial}{tail}"


def _check_group(label: str, taken: list[tuple[int, bool]], last: int | None,
                 text: Callable[[int], str], report: Report) -> None:
    """One series: `taken` its (serial, chosen) in the order taken; `last` its counter."""
    report.counts["series"] += 1
    used = Tally(serial for serial, _ in taken)
    for serial, times in sorted(used.items()):
        if times > 1:
            report.problems.append(f"重号：{text(serial)}登记了{times}次")
    skipped: set[int] = set()
    high = 0
    for serial, chosen in taken:  # a chosen number skips what lies below it, unused
        if chosen and serial > high + 1:
            skipped.update(range(high + 1, serial))
        high = max(high, serial)
    if missing := sorted(set(range(1, high + 1)) - set(used) - skipped):
        shown = "、".join(text(n) for n in missing[:20])
        more = f"等{len(missing)}个" if len(missing) > 20 else ""
        report.problems.append(f"缺号：{label}的{shown}{more}不在登记簿中（登记行被删除？）")
    if unused := len(skipped - set(used)):
        report.notes.append(f"{label}有{unused}个期号因选定了更大的期号而未用")
    if last is not None and last != high:
        report.problems.append(f"{label}的计数器为{last}号，登记簿中最大为{high}号"
                               + ("（末尾的登记行被删除？）" if last > high else ""))


def _check_series(s: Session, docs: dict[int, Document], report: Report) -> None:
    """Each (series, year) of documents and of leads (线索编号): no serial twice, none
    missing below the last, the counter at the last one; no printed number twice in a unit."""
    series: dict[tuple[str, int], list[Document]] = defaultdict(list)
    for doc in docs.values():
        if doc.series is not None and doc.serial is not None:
            series[(doc.series, doc.year)].append(doc)
    counters = {(c.series, c.year): c.last for c in s.execute(select(Counter)).scalars()}
    chosen = _chosen(s, [d for group in series.values() for d in group])
    leads: dict[tuple[str, int], list[tuple[int, bool]]] = defaultdict(list)
    for unit, year, serial in s.execute(select(Lead.unit, Lead.year, Lead.serial)
                                        .order_by(Lead.created_at)):
        leads[(f"{unit}|线索", year)].append((serial, False))
    for key in sorted(set(series) | set(leads) | set(counters)):
        unit, _, name = key[0].partition("|")
        label = f"编号序列{name}（单位{unit}，{key[1]}年）"
        if key in leads or name == "线索":
            _check_group(label, leads.get(key, []), counters.get(key),
                         partial("线索〔{}〕{}号".format, key[1]), report)
            continue
        group = sorted(series.get(key, []), key=lambda d: d.seq)
        if not group:
            report.problems.append(f"{label}的计数器到{counters[key]}号，登记簿中却没有一份文书")
            continue
        taken = [(d.serial or 0, d.seq in chosen) for d in group]
        _check_group(label, taken, counters.get(key), partial(_text_of, group[0]), report)
    printed = Tally((d.unit, d.number_text) for d in docs.values() if d.number_text)
    for (unit, text), times in sorted(printed.items()):
        if times > 1:
            report.problems.append(f"重号：单位{unit}有{times}份文书印着同一个文号{text}")


def verify(register: Register) -> Report:
    """Check the whole register; the report says what is wrong, if anything."""
    report = Report()
    columns = [c for c in Document.__table__.columns if c.name not in ("data", "search")]
    with Session(register.engine) as s:
        rows = s.execute(select(*columns)).all()
        docs = {r.seq: Document(**r._asdict()) for r in rows}  # detached, light rows
        report.counts.update(documents=len(docs), **Tally(d.status for d in docs.values()))
        _check_files(s, docs, report)
        _check_series(s, docs, report)
        check_audit(s, docs, report)
        pending = sum(1 for d in docs.values() if d.status == "pending")
        if pending:
            report.notes.append(f"{pending}个文号正在签发或签发中断（计为已用，中断的"
                                "10分钟后标为作废）")
    return report
