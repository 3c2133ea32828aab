"""The domain's errors: one small tree, with a stable code for programs and a Chinese
message for people. The web layer maps them to HTTP statuses (service.http_errors), the
command line to exit codes (service.cli); nothing here knows either."""

from __future__ import annotations

from typing import Any


class ServiceError(Exception):
    """Something a caller asked for cannot be done; `fields` names the data at fault."""

    code = "error"

    def __init__(self, message: str, *, code: str | None = None,
                 fields: list[dict[str, str]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or type(self).code
        self.fields = fields or []

    def body(self) -> dict[str, Any]:
        """The error as the API's JSON document: error, message, fields."""
        return {"error": self.code, "message": self.message, "fields": self.fields}


class Invalid(ServiceError):
    """The data is well-formed but wrong: each wrong field is named."""

    code = "invalid"


class Malformed(Invalid):
    """The request itself cannot be read (not JSON, a malformed header)."""

    code = "bad_request"


class NotFound(ServiceError):
    """No such document, kind, draft or job (or not one the caller may see)."""

    code = "not_found"


class Forbidden(ServiceError):
    """The caller may not do this (a read-only caller writing, an officer managing)."""

    code = "forbidden"


class Conflict(ServiceError):
    """The request clashes with the register: a number taken, a key reused, a job unfinished."""

    code = "conflict"


class RenderFailed(ServiceError):
    """A document could not be rendered."""

    code = "render_failed"


class RenderTimeout(RenderFailed):
    """Rendering took longer than the time limit and was stopped."""

    code = "render_timeout"


class StorageUnavailable(ServiceError):
    """The register cannot be written (disk full, database read-only): nothing was stored."""

    code = "storage_unavailable"
