"""Who may do what: API tokens for other systems, passwords for officers.

Tokens are stored as SHA-256 hashes (they are long random strings, so a fast hash is
enough) and can be revoked; passwords with Werkzeug's scrypt KDF. With AUTH_REQUIRED on
(everywhere but `make run`'s local mode) nothing is issued, listed or downloaded without
a token or a logged-in officer, and each issued document records who issued it.

Every token and officer belongs to one unit and sees only that unit's documents; `admin`
ones also manage the unit's profile, officers and tokens. A read-only one reads only."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from service import audit
from service.errors import Conflict, Invalid, NotFound
from service.register import Register
from service.tables import DEFAULT_UNIT, ApiToken, Unit, User


@dataclass(frozen=True)
class Principal:
    """Whoever makes a request: recorded as issued_by on what they issue."""

    kind: str  # "token", "user", or "local" (make run's local mode, no log-in)
    name: str
    unit: str = DEFAULT_UNIT
    read_only: bool = False
    admin: bool = False

    def __str__(self) -> str:
        return f"{self.kind}:{self.name}"

    @property
    def issued_by(self) -> str | None:
        """What the register records as issued_by (nothing in local mode)."""
        return None if self.kind == "local" else str(self)


LOCAL = Principal("local", "local", DEFAULT_UNIT, admin=True)
# Checked against when the user is unknown, so an unknown name takes as long as a wrong
# password and the answer time does not tell which names exist.
_DUMMY_HASH = generate_password_hash("never a password")


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _unit_must_exist(s: Session, unit: str) -> None:
    if s.get(Unit, unit) is None:
        raise NotFound(f"没有单位“{unit}”，请先用 unit create 建立", code="unknown_unit")


def create_token(register: Register, name: str, unit: str = DEFAULT_UNIT,
                 read_only: bool = False, admin: bool = False) -> str:
    """Make a token of `unit` called `name` and return it; only its hash is kept."""
    token = "gw_" + secrets.token_urlsafe(32)
    with Session(register.engine) as s, s.begin():
        _unit_must_exist(s, unit)
        if s.get(ApiToken, name) is not None:
            raise Conflict(f"令牌“{name}”已存在", code="token_exists")
        s.add(ApiToken(name=name, token_hash=_digest(token), unit=unit, read_only=read_only,
                       admin=admin and not read_only, created_at=datetime.now(UTC)))
        audit.add(s, unit=unit, action="token.create", target=name,
                  detail={"read_only": read_only, "admin": admin and not read_only})
    return token


def revoke_token(register: Register, name: str, unit: str | None = None) -> bool:
    """Revoke the token called `name` (of `unit`, when given); False if there is no such
    active token."""
    conditions = [ApiToken.name == name, ApiToken.revoked_at.is_(None)]
    if unit:
        conditions.append(ApiToken.unit == unit)
    with Session(register.engine) as s, s.begin():
        owner = s.execute(select(ApiToken.unit).where(*conditions)).scalar_one_or_none()
        result = s.execute(update(ApiToken).where(*conditions)
                           .values(revoked_at=datetime.now(UTC)))
        if owner is not None:
            audit.add(s, unit=owner, action="token.revoke", target=name)
        return bool(getattr(result, "rowcount", 0))


def list_tokens(register: Register, unit: str | None = None) -> list[ApiToken]:
    """Every token (of `unit`, when given), revoked ones included."""
    query = select(ApiToken).order_by(ApiToken.name)
    with Session(register.engine) as s:
        return list(s.execute(query.where(ApiToken.unit == unit) if unit else query).scalars())


def check_token(register: Register, token: str) -> Principal | None:
    """The principal of a valid, unrevoked token, or None."""
    with Session(register.engine) as s:
        row = s.execute(select(ApiToken).where(ApiToken.token_hash == _digest(token),
                                               ApiToken.revoked_at.is_(None))).scalar_one_or_none()
    return Principal("token", row.name, row.unit, row.read_only, row.admin) if row else None


def set_password(register: Register, username: str, password: str, *, unit: str | None = None,
                 admin: bool | None = None, read_only: bool | None = None) -> None:
    """Create the officer `username` of `unit`, or give them a new password (which re-enables
    them and ends every session they had)."""
    with Session(register.engine) as s, s.begin():
        user = s.get(User, username)
        hashed = generate_password_hash(password)
        if user is None:
            if unit is None:
                raise Invalid("新用户须指定单位（--unit）", fields=[{"path": "unit",
                                                                 "message": "不能为空"}])
            _unit_must_exist(s, unit)
            s.add(User(username=username, password_hash=hashed, unit=unit, active=True,
                       admin=bool(admin) and not read_only, read_only=bool(read_only),
                       session_epoch=0, created_at=datetime.now(UTC)))
            audit.add(s, unit=unit, action="user.set", target=username,
                      detail={"new": True, "admin": bool(admin), "read_only": bool(read_only)})
            return
        if unit is not None and unit != user.unit:
            raise Conflict(f"用户“{username}”属于单位“{user.unit}”", code="user_exists")
        user.password_hash, user.active = hashed, True
        user.session_epoch += 1
        if admin is not None:
            user.admin = admin
        if read_only is not None:
            user.read_only = read_only
        audit.add(s, unit=user.unit, action="user.set", target=username,
                  detail={"new": False, "admin": user.admin, "read_only": user.read_only})


def disable_user(register: Register, username: str, unit: str | None = None) -> bool:
    """Stop an officer from logging in and end their sessions; False if there is no such
    officer (in `unit`, when given)."""
    conditions = [User.username == username] + ([User.unit == unit] if unit else [])
    with Session(register.engine) as s, s.begin():
        owner = s.execute(select(User.unit).where(*conditions)).scalar_one_or_none()
        result = s.execute(update(User).where(*conditions).values(
            active=False, session_epoch=User.session_epoch + 1))
        if owner is not None:
            audit.add(s, unit=owner, action="user.disable", target=username)
        return bool(getattr(result, "rowcount", 0))


def end_sessions(register: Register, username: str) -> None:
    """End every session of `username` (log-out ends them all, not only this browser's)."""
    with Session(register.engine) as s, s.begin():
        s.execute(update(User).where(User.username == username)
                  .values(session_epoch=User.session_epoch + 1))


def list_users(register: Register, unit: str | None = None) -> list[User]:
    """Every officer (of `unit`, when given)."""
    query = select(User).order_by(User.username)
    with Session(register.engine) as s:
        return list(s.execute(query.where(User.unit == unit) if unit else query).scalars())


def check_password(register: Register, username: str, password: str
                   ) -> tuple[Principal, int] | None:
    """The principal of an active officer whose password matches, with the session epoch
    to keep in the session; or None, in the same time for unknown and known names."""
    with Session(register.engine) as s:
        user = s.get(User, username)
    matches = check_password_hash(user.password_hash if user else _DUMMY_HASH, password)
    if user is None or not user.active or not matches:
        return None
    return _principal(user), user.session_epoch


def session_user(register: Register, username: str, epoch: int) -> Principal | None:
    """The principal of a logged-in officer whose session is still valid: not disabled, no
    log-out or new password since it began."""
    with Session(register.engine) as s:
        user = s.get(User, username)
    if user is None or not user.active or user.session_epoch != epoch:
        return None
    return _principal(user)


def _principal(user: User) -> Principal:
    return Principal("user", user.username, user.unit, user.read_only, user.admin)
