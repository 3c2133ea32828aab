"""Web forms generated from a kind's JSON Schema, so no model field can be missing from its
form, and form posts turned back into the JSON payload the one use case validates."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pydantic import BaseModel
from werkzeug.datastructures import MultiDict

LONG_TEXT = 500  # strings allowed longer than this get a textarea
_INDEX = re.compile(r"^(\d+)(?:\.|$)")


@dataclass
class FormField:
    """One input (or group, or repeatable list) of a generated form."""

    name: str  # dotted path in the schema: supervisor.name, attachments.__i__
    key: str  # the last part of the name: the JSON key (or "__i__" for a list item)
    label: str
    widget: str  # text textarea date month select checkbox number integer group list
    required: bool = False
    help: str = ""
    choices: list[tuple[str, str]] = field(default_factory=list)
    children: list[FormField] = field(default_factory=list)  # a group's fields
    item: FormField | None = None  # a list's item template (name ends with ".__i__")
    min_items: int = 0
    default: Any = None  # "today", {"from": field, "days": n}, or a literal


def _resolve(schema: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in schema:
        target = defs[schema["$ref"].rsplit("/", 1)[-1]]
        return {**target, **{k: v for k, v in schema.items() if k != "$ref"}}
    options = [s for s in schema.get("anyOf", []) if s.get("type") != "null"]
    if len(options) == 1:
        merged = {**schema, **_resolve(options[0], defs)}
        merged.pop("anyOf", None)
        return merged
    return schema


def _field(name: str, schema: dict[str, Any], defs: dict[str, Any], required: bool) -> FormField:
    s = _resolve(schema, defs)
    label = s.get("title") or name.rsplit(".", 1)[-1]
    common = {"name": name, "key": name.rsplit(".", 1)[-1], "label": label,
              "required": required,
              "help": s.get("description", ""), "default": s.get("x-default", s.get("default"))}
    kind = s.get("type")
    if kind == "object" or "properties" in s:
        req = set(s.get("required", []))
        children = [_field(f"{name}.{k}" if name else k, v, defs, k in req)
                    for k, v in s.get("properties", {}).items()]
        return FormField(widget="group", children=children, **common)
    if kind == "array":
        item = _field(f"{name}.__i__", s.get("items", {}), defs, True)
        item.label = ""
        return FormField(widget="list", item=item, min_items=s.get("minItems", 0), **common)
    if "enum" in s:
        labels = s.get("x-labels", {})
        return FormField(widget="select", choices=[(v, labels.get(v, v)) for v in s["enum"]],
                         **common)
    widget = {"boolean": "checkbox", "integer": "integer", "number": "number"}.get(kind or "")
    if widget is None:
        widget = {"date": "date", "month": "month"}.get(s.get("format", ""), "")
    if not widget:
        widget = "textarea" if s.get("maxLength", LONG_TEXT + 1) > LONG_TEXT else "text"
    return FormField(widget=widget, **common)


def form_for(model: type[BaseModel]) -> FormField:
    """The form of a kind: a group whose children follow the model's fields in order."""
    schema = model.model_json_schema()
    return _field("", schema, schema.get("$defs", {}), True)


def leaves(form: FormField) -> list[FormField]:
    """Every input of a form, list item templates included (for completeness checks)."""
    if form.widget == "group":
        return [leaf for child in form.children for leaf in leaves(child)]
    if form.widget == "list" and form.item is not None:
        return [form, *leaves(form.item)]
    return [form]


def _indices(data: MultiDict[str, str], prefix: str) -> list[int]:
    found = set()
    for key in data:
        if key.startswith(prefix) and (m := _INDEX.match(key[len(prefix):])):
            found.add(int(m.group(1)))
    return sorted(found)


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
        items = [_value(f.item, data, f"{name}.{i}") for i in _indices(data, f"{name}.")]
        return [v for v in items if v is not None] or None
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


def payload_from_form(form: FormField, data: MultiDict[str, str]) -> dict[str, Any]:
    """The JSON payload a form post stands for; empty inputs and empty list rows left out."""
    return _value(form, data, "") or {}


def initial_values(form: FormField, today: date) -> dict[str, Any]:
    """Values a new form starts with: defaults, and today's date where a field asks for it."""
    out: dict[str, Any] = {}
    for child in form.children:
        key = child.name
        if child.default == "today":
            out[key] = today.isoformat()
        elif child.default is not None and not isinstance(child.default, dict):
            out[key] = child.default
    return out


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


def row_count(values: dict[str, Any], name: str, minimum: int = 0) -> int:
    """How many rows a list input shows: its entered items, at least `minimum` and one."""
    prefix = name + "."
    indices = [int(k[len(prefix):].split(".")[0]) for k in values
               if k.startswith(prefix) and k[len(prefix):].split(".")[0].isdigit()]
    return max([*(i + 1 for i in indices), minimum, 1])
