"""The registry of document kinds: one module each, one line in MODULES to add a kind."""

from __future__ import annotations

import importlib

from service.kinds.base import Kind

MODULES = [
    "transfer_notice",
    "commitment_letter",
    "typical_case",
    "bulletin",
    "summary",
    "lead_ledger",
    "daily_lists",
    "contacts",
]


def _load() -> dict[str, Kind]:
    kinds = [importlib.import_module(f"service.kinds.{name}").KIND for name in MODULES]
    return {k.name: k for k in kinds}


KINDS: dict[str, Kind] = _load()


def get_kind(name: str) -> Kind | None:
    """Return the kind called `name`, or None."""
    return KINDS.get(name)
