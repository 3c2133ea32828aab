"""Web forms generated from a kind's JSON Schema, so no model field can be missing from its
form (service.form_posts turns their posts back into the payload)."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pydantic import BaseModel

from service.kinds import KINDS

LONG_TEXT = 500  # strings allowed longer than this get a textarea
# Rows of a list the model does not bound. A row index is checked against the list's limit
# before anything is built from it: `attachments.1000000=x` must not become a million rows.
DEFAULT_MAX_ROWS = 200
_LATIN = re.compile(r"[A-Za-z]")
TEMPLATE_ROW = "__i__"  # the row template's index (inert <template>, never a posted row)
LENGTH_KEY = "__len__"  # flatten()'s list lengths, among the values but never a row


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
    max_items: int = DEFAULT_MAX_ROWS  # a list's rows: indices 0 … max_items - 1
    default: Any = None  # "today", {"from": field, "days": n}, or a literal
    max_length: int | None = None  # a text's maxLength (a table sizes its column by it)
    # a list of choices (list of Literal): one checkbox per choice, the k-th named
    # `<list>.<k>` and posting its choice, so the parser reads it as any list's rows
    multi: bool = False

    @property
    def table(self) -> bool:
        """A list of flat records (groups of plain inputs and choice lists): entered as the
        rows of a table, one record a row."""
        item = self.item
        return (self.widget == "list" and item is not None and item.widget == "group"
                and bool(item.children)
                and all(c.widget not in ("group", "list") or c.multi for c in item.children))

    @property
    def columns(self) -> list[FormField]:
        """A table's columns: the record's fields, hidden ones left out."""
        assert self.item is not None
        return [c for c in self.item.children if c.widget != "hidden"]

    @property
    def hidden(self) -> list[FormField]:
        """A table row's hidden fields (carried in its 序号 cell)."""
        assert self.item is not None
        return [c for c in self.item.children if c.widget == "hidden"]


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
    if s.get("x-widget") == "hidden":  # carried by the page (a lead's id), never typed in
        return FormField(widget="hidden", **common)
    if kind == "object" or "properties" in s:
        req = set(s.get("required", []))
        children = [_field(f"{name}.{k}" if name else k, v, defs, k in req)
                    for k, v in s.get("properties", {}).items()]
        # a group's help is the field's own description, or its model's docstring when that
        # is written for officers (no Latin letters: not "A contact person printed as …")
        doc = s.get("description", "")
        common["help"] = schema.get("description") or ("" if _LATIN.search(doc) else doc)
        return FormField(widget="group", children=children, **common)
    if kind == "array":
        item = _field(f"{name}.__i__", s.get("items", {}), defs, True)
        item.label = ""
        limit = s.get("maxItems", DEFAULT_MAX_ROWS)
        multi = item.widget == "select"
        if multi:  # every choice has its checkbox, the k-th at row k: all rows must be valid
            limit = max(limit, len(item.choices))
        return FormField(widget="list", item=item, min_items=s.get("minItems", 0),
                         max_items=limit, multi=multi, choices=item.choices, **common)
    if "enum" in s:
        labels = s.get("x-labels", {})
        return FormField(widget="select", choices=[(v, labels.get(v, v)) for v in s["enum"]],
                         **common)
    widget = {"boolean": "checkbox", "integer": "integer", "number": "number"}.get(kind or "")
    if widget is None:
        widget = {"date": "date", "month": "month"}.get(s.get("format", ""), "")
    if not widget:
        widget = "textarea" if s.get("maxLength", LONG_TEXT + 1) > LONG_TEXT else "text"
    return FormField(widget=widget, max_length=s.get("maxLength"), **common)


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


@functools.cache
def widest_list() -> int:
    """The largest max_items of any list in any kind's form."""
    return max((f.max_items for kind in KINDS.values() for f in leaves(form_for(kind.model))
                if f.widget == "list"), default=DEFAULT_MAX_ROWS)
