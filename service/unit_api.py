"""The caller's own unit over the API: its profile (read by anyone of the unit, changed by
its admins), and its officers and tokens (its admins only)."""

from __future__ import annotations

from typing import Annotated

from flask import Blueprint, Response, jsonify
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from service import units
from service.api import json_body
from service.db import get_register
from service.errors import Forbidden, NotFound
from service.gate import accounts
from service.gate.login import current_principal, current_unit
from service.validation import validate_json

bp = Blueprint("unit", __name__, url_prefix="/api/v1/unit")
AccountName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,79}$")]


class UnitOut(BaseModel):
    """A unit: its code and profile."""

    code: str
    profile: units.Profile


class TokenIn(BaseModel):
    """A new API token of the caller's unit."""

    model_config = ConfigDict(extra="forbid", strict=True)
    name: AccountName = Field(title="令牌名称")
    read_only: bool = Field(default=False, title="只读")
    admin: bool = Field(default=False, title="管理本单位")


class UserIn(BaseModel):
    """A new officer of the caller's unit, or a new password for one."""

    model_config = ConfigDict(extra="forbid", strict=True)
    username: AccountName = Field(title="用户名")
    password: Annotated[str, StringConstraints(min_length=8, max_length=200)] = Field(
        title="密码")
    read_only: bool = Field(default=False, title="只读")
    admin: bool = Field(default=False, title="管理本单位")


class TokenInfo(BaseModel):
    """A token of the unit: its name and rights (never the token itself)."""

    name: str
    read_only: bool
    admin: bool
    revoked: bool


class TokenList(BaseModel):
    """The unit's tokens."""

    tokens: list[TokenInfo]


class NewToken(BaseModel):
    """A token just made: shown this once."""

    name: str
    token: str


class UserInfo(BaseModel):
    """An officer of the unit."""

    username: str
    active: bool
    admin: bool
    read_only: bool


class UserList(BaseModel):
    """The unit's officers."""

    users: list[UserInfo]


class UserName(BaseModel):
    """The officer just created or given a new password."""

    username: str


MODELS: dict[str, tuple[type[BaseModel], str]] = {
    "Profile": (units.Profile, "validation"), "UnitOut": (UnitOut, "serialization"),
    "TokenIn": (TokenIn, "validation"), "TokenList": (TokenList, "serialization"),
    "NewToken": (NewToken, "serialization"), "UserIn": (UserIn, "validation"),
    "UserList": (UserList, "serialization"), "UserName": (UserName, "serialization")}


def _admin() -> str:
    principal = current_principal()
    if not principal.admin:
        raise Forbidden("只有本单位的管理员才能这样做", code="not_admin")
    return principal.unit


def _out(unit: units.UnitInfo) -> Response:
    return jsonify(UnitOut(code=unit.code, profile=unit.profile).model_dump(mode="json"))


@bp.get("")
def profile() -> Response:
    """The caller's unit and its profile."""
    return _out(units.get(get_register(), current_unit()))


@bp.put("")
def update_profile() -> Response:
    """Replace the unit's profile (admins)."""
    return _out(units.update(get_register(), _admin(), json_body()))


@bp.get("/tokens")
def tokens() -> Response:
    """The unit's tokens (names and rights, never the tokens)."""
    rows = accounts.list_tokens(get_register(), _admin())
    listing = TokenList(tokens=[TokenInfo(name=t.name, read_only=t.read_only, admin=t.admin,
                                          revoked=t.revoked_at is not None) for t in rows])
    return jsonify(listing.model_dump(mode="json"))


@bp.post("/tokens")
def create_token() -> tuple[Response, int]:
    """Create a token of the unit; the answer is the only time it is shown."""
    body: TokenIn = validate_json(TokenIn, json_body())
    token = accounts.create_token(get_register(), body.name, _admin(), body.read_only,
                                  body.admin)
    return jsonify(NewToken(name=body.name, token=token).model_dump(mode="json")), 201


@bp.delete("/tokens/<name>")
def revoke_token(name: str) -> tuple[str, int]:
    """Revoke one of the unit's tokens."""
    if not accounts.revoke_token(get_register(), name, _admin()):
        raise NotFound("本单位没有这个有效的令牌")
    return "", 204


@bp.get("/users")
def users() -> Response:
    """The unit's officers."""
    rows = accounts.list_users(get_register(), _admin())
    listing = UserList(users=[UserInfo(username=u.username, active=u.active, admin=u.admin,
                                       read_only=u.read_only) for u in rows])
    return jsonify(listing.model_dump(mode="json"))


@bp.post("/users")
def set_user() -> tuple[Response, int]:
    """Create an officer of the unit, or give one a new password (ending their sessions)."""
    body: UserIn = validate_json(UserIn, json_body())
    unit = _admin()
    known = {u.username: u.unit for u in accounts.list_users(get_register())}
    if body.username in known and known[body.username] != unit:
        raise NotFound("本单位没有这个用户")  # another unit's officer stays invisible
    accounts.set_password(get_register(), body.username, body.password, unit=unit,
                          admin=body.admin, read_only=body.read_only)
    return jsonify(UserName(username=body.username).model_dump(mode="json")), 201


@bp.post("/users/<username>/disable")
def disable_user(username: str) -> tuple[str, int]:
    """Stop an officer of the unit from logging in."""
    if not accounts.disable_user(get_register(), username, _admin()):
        raise NotFound("本单位没有这个用户")
    return "", 204
