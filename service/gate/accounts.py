"""Who may do what: API tokens for other systems, passwords for officers.

Tokens are stored as SHA-256 hashes (they are long random strings, so a fast hash is
enough) and can be revoked; passwords with Werkzeug's scrypt KDF. With AUTH_REQUIRED on
(everywhere but `make run`'s local mode) nothing is issued, listed or downloaded without
a token or a logged-in officer, and each issued document records who issued it."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from service.register import Register
from service.tables import ApiToken, User


@dataclass(frozen=True)
class Principal:
    """Whoever makes a request: recorded as issued_by on what they issue."""

    kind: str  # "token" or "user"
    name: str
    read_only: bool = False

    def __str__(self) -> str:
        return f"{self.kind}:{self.name}"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(register: Register, name: str, read_only: bool = False) -> str:
    """Make a token for `name` and return it; only its hash is kept."""
    token = "gw_" + secrets.token_urlsafe(32)
    with Session(register.engine) as s, s.begin():
        if s.get(ApiToken, name) is not None:
            raise ValueError(f"令牌“{name}”已存在")
        s.add(ApiToken(name=name, token_hash=_digest(token), read_only=read_only,
                       created_at=datetime.now(UTC)))
    return token


def revoke_token(register: Register, name: str) -> bool:
    """Revoke the token called `name`; False if there is no such active token."""
    with Session(register.engine) as s, s.begin():
        result = s.execute(update(ApiToken).where(ApiToken.name == name,
                                                  ApiToken.revoked_at.is_(None))
                           .values(revoked_at=datetime.now(UTC)))
        return bool(getattr(result, "rowcount", 0))


def list_tokens(register: Register) -> list[ApiToken]:
    """Every token, revoked ones included."""
    with Session(register.engine) as s:
        return list(s.execute(select(ApiToken).order_by(ApiToken.name)).scalars())


def check_token(register: Register, token: str) -> Principal | None:
    """The principal of a valid, unrevoked token, or None."""
    with Session(register.engine) as s:
        row = s.execute(select(ApiToken).where(ApiToken.token_hash == _digest(token),
                                               ApiToken.revoked_at.is_(None))).scalar_one_or_none()
    return Principal("token", row.name, row.read_only) if row else None


def set_password(register: Register, username: str, password: str) -> None:
    """Create the officer `username`, or change their password (and re-enable them)."""
    with Session(register.engine) as s, s.begin():
        user = s.get(User, username)
        hashed = generate_password_hash(password)
        if user is None:
            s.add(User(username=username, password_hash=hashed, active=True,
                       created_at=datetime.now(UTC)))
        else:
            user.password_hash, user.active = hashed, True


def disable_user(register: Register, username: str) -> bool:
    """Stop an officer from logging in; False if there is no such officer."""
    with Session(register.engine) as s, s.begin():
        result = s.execute(update(User).where(User.username == username).values(active=False))
        return bool(getattr(result, "rowcount", 0))


def check_password(register: Register, username: str, password: str) -> Principal | None:
    """The principal of an active officer whose password matches, or None."""
    with Session(register.engine) as s:
        user = s.get(User, username)
    if user is None or not user.active or not check_password_hash(user.password_hash, password):
        return None
    return Principal("user", username)


def user_is_active(register: Register, username: str) -> bool:
    """Whether a logged-in officer may still act (not disabled since logging in)."""
    with Session(register.engine) as s:
        user = s.get(User, username)
    return bool(user and user.active)
