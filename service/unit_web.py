"""The unit's page for officers: its profile (what their new forms are filled in with),
changed by the unit's admins."""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, redirect, render_template, request, url_for

from service import units
from service.db import get_register
from service.errors import Forbidden, ServiceError
from service.gate.login import current_principal, current_unit

bp = Blueprint("unit_web", __name__)
_LIST = re.compile(r"[\n、,，;；]+")


def _items(text: str) -> list[str]:
    return [part.strip() for part in _LIST.split(text) if part.strip()]


def _person(role: str) -> dict[str, str] | None:
    name = request.form.get(f"{role}.name", "").strip()
    phone = request.form.get(f"{role}.phone", "").strip()
    return {"name": name, **({"phone": phone} if phone else {})} if name or phone else None


def profile_from_form() -> dict[str, Any]:
    """The profile posted by the page: lists one item a line (or separated by 、)."""
    return {"name": request.form.get("name", ""), "codes": _items(request.form.get("codes", "")),
            "supervisor": _person("supervisor"), "handler": _person("handler"),
            "cc": _items(request.form.get("cc", ""))}


@bp.route("/unit", methods=["GET", "POST"])
def unit_page() -> Any:
    """本单位: the profile, editable by the unit's admins."""
    unit = units.get(get_register(), current_unit())
    admin = current_principal().admin
    values = unit.profile.model_dump(mode="json")
    errors: dict[str, str] = {}
    message, status = "", 200
    if request.method == "POST":
        if not admin:
            raise Forbidden("只有本单位的管理员才能修改单位资料", code="not_admin")
        values = profile_from_form()
        try:
            units.update(get_register(), unit.code, values)
            return redirect(url_for("unit_web.unit_page", saved=1))
        except ServiceError as err:
            errors = {f["path"].split(".")[0]: f["message"] for f in err.fields}
            message, status = err.message, 422
    return render_template("web/unit.html", unit=unit, values=values, admin=admin,
                           errors=errors, message=message,
                           saved=request.args.get("saved") == "1"), status
