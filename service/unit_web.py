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


CONTACT_FIELDS = ("name", "title", "office_phone", "mobile", "email")
CONTACT_LABELS = {"name": "姓名", "title": "职务", "office_phone": "办公电话", "mobile": "手机号",
                  "email": "电子邮箱"}


def _optional(name: str) -> str | None:
    return request.form.get(name, "").strip() or None


def _contacts() -> list[dict[str, str]]:
    """The contact rows the page posted, in order; a row left wholly empty is no contact."""
    rows = []
    for i in range(units.MAX_CONTACTS):
        row = {k: request.form.get(f"contacts.{i}.{k}", "").strip() for k in CONTACT_FIELDS}
        if any(row.values()):
            rows.append({k: v for k, v in row.items() if v or k == "name"})
    return rows


def profile_from_form() -> dict[str, Any]:
    """The profile posted by the page: lists one item a line (or separated by 、)."""
    return {"name": request.form.get("name", ""), "codes": _items(request.form.get("codes", "")),
            "supervisor": _person("supervisor"), "handler": _person("handler"),
            "cc": _items(request.form.get("cc", "")), "address": _optional("address"),
            "postcode": _optional("postcode"), "fax": _optional("fax"),
            "contacts": _contacts()}


def error_links(errors: dict[str, str]) -> dict[str, str]:
    """The error summary's lines: id of the input that shows them → their text (several at
    one input joined); a field's first error is left out where its cells' errors are listed."""
    links: dict[str, str] = {}
    for path, text in errors.items():
        if any(other.startswith(path + ".") for other in errors):
            continue
        head, *rest = path.split(".")
        if head == "contacts":
            target = f"contact-{rest[0]}-{rest[1] if len(rest) > 1 else 'name'}" if rest \
                else "contact-0-name"
        elif head in ("supervisor", "handler"):
            target = f"{head}-{rest[0] if rest and rest[0] == 'phone' else 'name'}"
        else:
            target = head
        links[target] = f"{links[target]}；{text}" if target in links else text
    return links


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
            for f in err.fields:  # the field's first error, and each contact cell's own
                errors.setdefault(f["path"].split(".")[0], f["message"])
                errors[f["path"]] = f["message"]
            message, status = err.message, 422
    return render_template("web/unit.html", unit=unit, values=values, admin=admin,
                           summary=error_links(errors),
                           contact_fields=CONTACT_FIELDS, contact_labels=CONTACT_LABELS,
                           max_contacts=units.MAX_CONTACTS,
                           errors=errors, message=message,
                           saved=request.args.get("saved") == "1"), status
