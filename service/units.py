"""Units: the offices that own documents, series, drafts, jobs, tokens and officers, and
the profile that fills their officers' forms (name, 文号代字, 督办人/承办人, 抄送)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import Field, StringConstraints
from sqlalchemy import select
from sqlalchemy.orm import Session

from service import audit
from service.errors import Conflict, Invalid, NotFound
from service.kinds.base import Cleaned, NonBlank, Person, ShortText, Strict
from service.kinds.contacts import Address, ContactPerson, Phone, Postcode
from service.kinds.transfer_notice import Code
from service.register import Register
from service.tables import Unit
from service.validation import validate_json

CODE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")
NAME_MAX = 60  # a bulletin's 编发单位 is at most 60 characters
MAX_CONTACTS = 20
UnitName = Annotated[str, StringConstraints(max_length=NAME_MAX), Cleaned, NonBlank]


class Profile(Strict):
    """What a unit's officers find filled in on a new form."""

    name: UnitName = Field(title="单位名称", description="发文机关、交办单位、承诺单位等的默认值")
    codes: list[Code] = Field(default_factory=list, title="文号代字", max_length=20)
    supervisor: Person | None = Field(default=None, title="督办人")
    handler: Person | None = Field(default=None, title="承办人")
    cc: list[ShortText] = Field(default_factory=list, title="抄送", max_length=20)
    # 集中行动联络人 (seed 000 附件6): what the contacts table needs besides the name; all
    # optional, so a profile saved before them stays valid.
    address: Address | None = Field(default=None, title="单位地址")
    postcode: Postcode | None = Field(default=None, title="邮编")
    fax: Phone | None = Field(default=None, title="传真")
    contacts: list[ContactPerson] = Field(default_factory=list, title="联络人",
                                          max_length=MAX_CONTACTS)


@dataclass(frozen=True)
class UnitInfo:
    """A unit with its profile."""

    code: str
    profile: Profile

    @property
    def name(self) -> str:
        """The unit's name."""
        return self.profile.name


def _info(row: Unit) -> UnitInfo:
    return UnitInfo(row.code, Profile.model_validate({**json.loads(row.profile or "{}"),
                                                       "name": row.name}))


def _check_code(code: str) -> None:
    if not CODE.match(code):
        raise Invalid("单位代码应为1至32个小写字母、数字、-或_，以字母或数字开头",
                      fields=[{"path": "code", "message": "格式不对"}])


def create(register: Register, code: str, name: str) -> UnitInfo:
    """Add a unit; Conflict if the code is taken."""
    _check_code(code)
    profile = validate_json(Profile, {"name": name})
    with Session(register.engine) as s, s.begin():
        if s.get(Unit, code) is not None:
            raise Conflict(f"单位“{code}”已存在", code="unit_exists")
        s.add(Unit(code=code, name=profile.name, profile="{}", created_at=datetime.now(UTC)))
    return UnitInfo(code, profile)


def get(register: Register, code: str) -> UnitInfo:
    """The unit `code`, or NotFound."""
    with Session(register.engine) as s:
        row = s.get(Unit, code)
        if row is None:
            raise NotFound(f"没有单位“{code}”", code="unknown_unit")
        return _info(row)


def all_units(register: Register) -> list[UnitInfo]:
    """Every unit, by code."""
    with Session(register.engine) as s:
        return [_info(row) for row in s.execute(select(Unit).order_by(Unit.code)).scalars()]


def update(register: Register, code: str, payload: bytes | str | dict[str, Any]) -> UnitInfo:
    """Replace a unit's profile (its name included) with a validated one."""
    profile = validate_json(Profile, payload)
    with Session(register.engine) as s, s.begin():
        row = s.get(Unit, code)
        if row is None:
            raise NotFound(f"没有单位“{code}”", code="unknown_unit")
        row.name = profile.name
        row.profile = json.dumps(profile.model_dump(mode="json", exclude={"name"}),
                                 ensure_ascii=False)
        audit.add(s, unit=code, action="unit.profile", target=code,
                  detail=profile.model_dump(mode="json"))
    return UnitInfo(code, profile)


def rename(register: Register, code: str, name: str) -> UnitInfo:
    """Change a unit's name, keeping the rest of its profile."""
    current = get(register, code)
    return update(register, code, {**current.profile.model_dump(mode="json"), "name": name})


def prefill(profile: Profile) -> dict[str, str]:
    """Flat form values from a profile, by field name: any kind with a field of that name
    (issuer, unit, code, supervisor, handler, cc, contacts) gets it, so adding a kind needs nothing
    here."""
    values = {"issuer": profile.name, "unit": profile.name}
    if profile.codes:
        values["code"] = profile.codes[0]
    for role in ("supervisor", "handler"):
        person: Person | None = getattr(profile, role)
        if person is not None:
            values[f"{role}.name"] = person.name
            values[f"{role}.phone"] = person.phone or ""
    values.update({f"cc.{i}": name for i, name in enumerate(profile.cc)})
    for i, row in enumerate(contact_rows(profile)):
        values.update({f"contacts.{i}.{k}": v for k, v in row.items()})
    return values


def contact_rows(profile: Profile) -> list[dict[str, str]]:
    """The profile's contact people as rows of the 集中行动联络人 table (kind contacts)."""
    unit = {"unit": profile.name, "fax": profile.fax, "address": profile.address,
            "postcode": profile.postcode}
    return [{k: v for k, v in {**person.model_dump(), **unit}.items() if v}
            for person in profile.contacts]
