"""Form posts and payloads as the generated forms name them (service.forms): a post turned
into the JSON payload the one use case validates, a payload flattened back into the form's
values, list rows checked before anything is built from them, and errors placed at the
element that shows them."""

from __future__ import annotations

import re
from typing import Any

from werkzeug.datastructures import MultiDict

from service.errors import Malformed
from service.forms import LENGTH_KEY, TEMPLATE_ROW, FormField, widest_list

_ROW = re.compile(r"[0-9]+")  # ASCII digits only: int() would read "٣" too, and fail on "²"


def _shown(text: str) -> str:
    return text if len(text) <= 20 else text[:20] + "…"


def _bad_row(label: str, name: str, message: str) -> Malformed:
    return Malformed(f"表单中“{label or name}”的行号不正确：{message}", code="bad_row",
                     fields=[{"path": name, "message": message}])


def _row(head: str, limit: int, name: str, label: str = "") -> int:
    """The row index `head` of the list at `name`: ASCII digits below `limit`, else
    Malformed (a 400) naming the list."""
    if not _ROW.fullmatch(head):
        raise _bad_row(label, name, f"“{_shown(head)}”不是数字")
    if len(head) > len(str(limit)) or int(head) >= limit:  # no int() of 5,000 digits
        raise _bad_row(label, name, f"最多{limit}项，不能有行号{_shown(head)}")
    return int(head)


def _rows(data: Any, name: str, limit: int, label: str = "") -> list[int]:
    """The row indices that keys of `data` give the list at `name`, sorted and checked."""
    prefix = name + "."
    found = set()
    for key in data:
        if key.startswith(prefix):
            head = key[len(prefix):].split(".", 1)[0]
            if head not in (TEMPLATE_ROW, LENGTH_KEY):
                found.add(_row(head, limit, name, label))
    return sorted(found)


def _indices(data: MultiDict[str, str], lst: FormField, name: str) -> list[int]:
    return _rows(data, name, lst.max_items, lst.label)


def _value(f: FormField, data: MultiDict[str, str], name: str) -> Any:
    """The payload value of `f` at `name`, or None when the user left it empty."""
    if f.widget == "group":
        out = {}
        for child in f.children:
            key = child.key
            value = _value(child, data, f"{name}.{key}" if name else key)
            if value is not None:
                out[key] = value
        return out or None
    if f.widget == "list":
        assert f.item is not None
        items = [_value(f.item, data, f"{name}.{i}") for i in _indices(data, f, name)]
        return [v for v in items if v is not None and not _blank(v)] or None
    if f.widget == "checkbox":
        return name in data
    raw = data.get(name, "").strip()
    if raw == "":
        return None
    if f.widget in ("integer", "number"):
        try:
            return int(raw) if f.widget == "integer" else float(raw)
        except ValueError:
            return raw  # validation names the field: 应为数字
    return data.get(name, "")


def _blank(row: Any) -> bool:
    """A list row of nothing but unticked boxes: a table's empty row, not a record."""
    return isinstance(row, dict) and all(v is False for v in row.values())


def chosen(values: dict[str, Any], name: str) -> list[str]:
    """The choices of the choice list at `name` that `values` hold, in their rows' order
    (`measures.0` as flattened from a payload, `measures.4` as a checkbox posted it)."""
    prefix = name + "."
    rows = sorted((int(k[len(prefix):]), str(v)) for k, v in values.items()
                  if k.startswith(prefix) and k[len(prefix):].isascii()
                  and k[len(prefix):].isdigit() and len(k) - len(prefix) < 6 and v)
    return list(dict.fromkeys(v for _, v in rows))


def choice_boxes(f: FormField, values: dict[str, Any], name: str
                 ) -> list[tuple[int, str, str, bool]]:
    """The checkboxes of the choice list `f` at `name`, in the choices' order: (row, value,
    label, ticked). The ticked ones take rows 0, 1, … in the order `values` hold them, the
    others the rows after: a form shown again posts its list in the same order, and a box
    ticked later comes last."""
    picked = [v for v in chosen(values, name) if v in {c for c, _ in f.choices}]
    rest = [c for c, _ in f.choices if c not in picked]
    row = {v: i for i, v in enumerate([*picked, *rest])}
    return [(row[v], v, label, v in picked) for v, label in f.choices]


def payload_from_form(form: FormField, data: MultiDict[str, str]) -> dict[str, Any]:
    """The JSON payload a form post stands for; empty inputs and empty list rows left out.
    Malformed (400) when a list row key is not a number or at or beyond the list's limit."""
    return _value(form, data, "") or {}


def check_rows(form: FormField, data: MultiDict[str, str]) -> None:
    """Malformed (400) unless every list row key of a post (`attachments.3`,
    `findings.2.measures.0.text`) is a number below its list's max_items: for the paths
    that use the posted keys as they are (增加一行, 删除, an expired form shown again)."""
    payload_from_form(form, data)


def row_index(form: FormField, path: str) -> int:
    """The index of the row `path` names in `form`: `attachments.3` → 3,
    `findings.0.measures.2` → 2. Malformed (400) unless `path` is a list of the form
    followed by a row index of ASCII digits below that list's max_items. For 增加一行 on
    list `target`, check the new row: `row_index(form, f"{target}.{n}")`."""
    f, name, index = form, "", None
    for part in path.split("."):
        if f.widget == "list" and f.item is not None:
            index = _row(part, f.max_items, name, f.label)
            f = f.item
        elif f.widget == "group" and (child := next(
                (c for c in f.children if c.key == part), None)) is not None:
            f, index = child, None
        else:
            break
        name = f"{name}.{part}" if name else part
    else:
        if index is not None:
            return index
    raise Malformed(f"表单中没有“{_shown(path)}”这一行", code="bad_row",
                    fields=[{"path": _shown(path), "message": "没有这一行"}])


def flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    """A payload as dotted paths → values, the way the form names its inputs."""
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for k, v in value.items():
            out.update(flatten(v, f"{prefix}.{k}" if prefix else k))
        return out
    if isinstance(value, list):
        out = {}
        for i, v in enumerate(value):
            out.update(flatten(v, f"{prefix}.{i}"))
        out[f"{prefix}.__len__"] = len(value)
        return out
    return {prefix: value}


def row_count(values: dict[str, Any], name: str, minimum: int = 0,
              maximum: int | None = None) -> int:
    """How many rows a list input shows: its entered items, at least `minimum` and one.
    Malformed (400) for a row key that is not a number or at or beyond `maximum` (the
    list's max_items; by default the largest limit of any kind's list)."""
    limit = widest_list() if maximum is None else maximum
    indices = _rows(values, name, limit)
    return max([*(i + 1 for i in indices), minimum, 1])


def anchor(form: FormField, values: dict[str, Any], path: str) -> str:
    """The deepest part of the error path `path` that the form with `values` shows as an
    element of its own (an input, a group, a list, a table row): where the error is shown
    and what the error summary links to (`f-<anchor>`). "" when only the form itself fits
    (an error of the whole document): a choice list's boxes, a hidden field or a row the
    form does not show give their list or group."""
    f, name, shown = form, "", ""
    for part in path.split(".") if path else []:
        if f.widget == "list" and f.item is not None and not f.multi:
            if not _ROW.fullmatch(part) or len(part) > 6 or int(part) >= row_count(
                    values, name, f.min_items, f.max_items):
                break
            f = f.item
        elif f.widget == "group" and (child := next(
                (c for c in f.children if c.key == part), None)) is not None:
            f = child
        else:
            break
        name = f"{name}.{part}" if name else part
        if f.widget != "hidden":
            shown = name
    return shown


def anchored_errors(form: FormField, values: dict[str, Any],
                    fields: list[dict[str, Any]]) -> dict[str, str]:
    """The field errors of a failed submit keyed by the element that shows them (anchor):
    every error appears at an element of the page, and several at one are joined."""
    out: dict[str, str] = {}
    for item in fields:
        key = anchor(form, values, str(item.get("path", "")))
        message = str(item.get("message", ""))
        out[key] = f"{out[key]}；{message}" if key in out and message not in out[key] \
            else out.get(key, message)
    return out
