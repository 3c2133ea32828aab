"""Issuing a batch's items: numbers are taken one after another in input order, then the
documents render in parallel; a matter that already has its document (the same `ref`, or
the same payload) is reported with its number and never numbered again."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from service import issuing
from service.batches.engine import TRANSIENT, Item, Result, log, unexpected
from service.errors import ServiceError
from service.kinds import KINDS
from service.register import Record, Register

Staged = Result | Record | issuing.Reserved


def _stage(register: Register, item: Item, unit: str, issued_by: str | None) -> Staged:
    """Validate the item and take its number (or find its matter's document)."""
    result = Result(item.line, item.key(), item.kind, error=item.error)
    if item.error:
        return result
    try:
        return issuing.reserve(register, item.kind, item.data, unit=unit, issued_by=issued_by,
                               ref=item.ref)
    except ServiceError as err:
        result.error = err.body()
    except TRANSIENT:
        raise
    except Exception as err:  # a bug met by this item must not stop (or loop) the batch
        log.exception("batch item %s (%s) failed", item.line, item.kind)
        result.error = unexpected(err)
    return result


def _finish(register: Register, item: Item, staged: Staged, formats: tuple[str, ...]
            ) -> Result:
    """Render a reserved item and collect its files from the register."""
    if isinstance(staged, Result):
        return staged
    result = Result(item.line, item.key(), item.kind)
    try:
        record = staged if isinstance(staged, Record) else issuing.fulfil(register, staged)
    except ServiceError as err:
        result.error = err.body()
        return result
    except TRANSIENT:
        raise
    except Exception as err:
        log.exception("batch item %s (%s) failed", item.line, item.kind)
        result.error = unexpected(err)
        return result
    result.number_text, result.document_id = record.number_text, record.id
    result.warnings, result.already_issued = record.warnings, record.replayed
    for fmt in formats:
        stored = register.content(record.id, fmt)
        if stored is None:
            continue
        name = issuing.file_name(KINDS[item.kind], record.number_text, record.label, fmt)
        result.files[fmt] = (name if record.number_text else f"{item.line:04d}-{name}",
                             stored[0])
    return result


def issue_items(items: list[Item], formats: tuple[str, ...], register: Register, *,
                unit: str, issued_by: str | None,
                threads: ThreadPoolExecutor | None = None) -> list[Result]:
    """Issue `items` of `unit`: numbers in input order, renders `threads` at a time. An item
    that repeats an earlier item's matter shares that item's outcome."""
    staged: list[Staged | int] = []  # an int: the index of the earlier item of its matter
    seen: dict[str, int] = {}
    for n, item in enumerate(items):
        twin = _matter(item, unit)
        if twin is not None and twin in seen:
            staged.append(seen[twin])
            continue
        if twin is not None:
            seen[twin] = n
        staged.append(_stage(register, item, unit, issued_by))
    mapper: Callable[..., Iterable[Result]] = threads.map if threads else map

    def finish(n: int) -> Result:
        return _finish(register, items[n], staged[n], formats)  # type: ignore[arg-type]

    first = [n for n, s in enumerate(staged) if not isinstance(s, int)]
    done = dict(zip(first, mapper(finish, first), strict=True))
    return [done[n] if n in done else _same_as(items[n], done[staged[n]])  # type: ignore[index]
            for n in range(len(items))]


def _matter(item: Item, unit: str) -> str | None:
    if item.error:
        return None
    try:
        return issuing.matter(item.kind, item.data, unit=unit, ref=item.ref)
    except ServiceError:
        return None  # its own error comes when it is staged


def _same_as(item: Item, earlier: Result) -> Result:
    """The outcome of an item that repeats the matter of an earlier one in the same run."""
    result = Result(item.line, item.key(), item.kind, earlier.number_text, earlier.document_id,
                    dict(earlier.files), list(earlier.warnings),
                    dict(earlier.error) if earlier.error else None,
                    already_issued=earlier.error is None)
    if result.error:
        result.error["message"] = f"与第{earlier.line}项是同一事项：{result.error['message']}"
    return result


def windows(items: Iterable[Item], size: int) -> Iterator[list[Item]]:
    """`items` in consecutive lists of `size`: each is numbered, then rendered, in turn."""
    window: list[Item] = []
    for item in items:
        window.append(item)
        if len(window) == size:
            yield window
            window = []
    if window:
        yield window


def summary(results: list[Result]) -> dict[str, Any]:
    """How many items were issued now, were issued before, or failed."""
    return {"issued": sum(1 for r in results if not r.error and not r.already_issued),
            "already_issued": sum(1 for r in results if r.already_issued),
            "failed": sum(1 for r in results if r.error)}
