"""The registry of document kinds: one module each, one line here to add a kind."""

from __future__ import annotations

from service.kinds.base import Kind


def _load() -> dict[str, Kind]:
    from service.kinds import transfer_notice

    kinds = [transfer_notice.KIND]
    return {k.name: k for k in kinds}


KINDS: dict[str, Kind] = _load()


def get_kind(name: str) -> Kind | None:
    """Return the kind called `name`, or None."""
    return KINDS.get(name)
