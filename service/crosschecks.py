"""Checks across fields (接报日期不能晚于成文日期 …) on data that also has other errors.

pydantic runs a model's `mode="after"` validators only when every field is valid, so a form
with a missing field would hide a wrong date order until the next submit. Here the fields
that are valid on their own are validated one by one and the model's after-validators run
on them; a check that needs a missing or wrong field is skipped."""

from __future__ import annotations

import json
from typing import Annotated, Any

from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic_core import PydanticCustomError


def _valid_fields(model: type[BaseModel], data: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        if name not in data:
            continue
        annotation: Any = info.annotation
        if info.metadata:
            annotation = Annotated[(annotation, *info.metadata)]
        try:
            adapter: TypeAdapter[Any] = TypeAdapter(annotation)
            out[name] = adapter.validate_json(json.dumps(data[name], ensure_ascii=False),
                                              strict=True)
        except (ValidationError, TypeError, ValueError):
            continue
    return out


def cross_field_errors(model: type[BaseModel], data: Any) -> list[dict[str, str]]:
    """[{"path", "message"}] from the model's checks across fields that hold on `data`'s
    valid fields; [] when there is nothing to say or data is not an object."""
    if not isinstance(data, dict):
        return []
    instance = model.model_construct(**_valid_fields(model, data))
    found: list[dict[str, str]] = []
    for decorator in model.__pydantic_decorators__.model_validators.values():
        if decorator.info.mode != "after":
            continue
        try:
            decorator.func(instance)
        except PydanticCustomError as err:
            field = str((err.context or {}).get("field", ""))
            found.append({"path": field, "message": err.message()})
        except Exception:  # noqa: BLE001 — the check needs a field that is missing or wrong
            continue
    return found
