"""User accounts, groups and access levels (pwdgrp.cgi semantics)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
import re

VALID_NAME = re.compile(r"[A-Za-z0-9]+")
GROUPS = ("root", "axuser", "axadmin", "axoper", "axview")
PRIMARY_GROUPS = ("root", "axuser")
SECONDARY_GROUPS = ("axadmin", "axoper", "axview")


class Level(IntEnum):
    """Access levels, weakest first."""

    NONE = 0
    VIEWER = 1
    OPERATOR = 2
    ADMIN = 3
    ROOT = 4


@dataclass
class User:
    """One account."""

    name: str
    password: str
    group: str
    secondary: tuple[str, ...] = ()
    comment: str = ""

    @property
    def level(self) -> Level:
        """The strongest level the account's groups give."""
        if self.group == "root":
            return Level.ROOT
        if "axadmin" in self.secondary:
            return Level.ADMIN
        if "axoper" in self.secondary:
            return Level.OPERATOR
        if "axview" in self.secondary:
            return Level.VIEWER
        return Level.NONE


@dataclass
class Users:
    """The account database."""

    accounts: dict[str, User] = field(default_factory=dict)

    @classmethod
    def default(cls, username: str, password: str) -> Users:
        """A database holding the configured root account only."""
        root = User(username, password, "root", SECONDARY_GROUPS, "Administrator")
        return cls({username: root})

    def authenticate(self, name: str, password: str) -> User | None:
        """Return the user when the password matches."""
        user = self.accounts.get(name)
        if user is not None and user.password == password:
            return user
        return None

    def add(
        self,
        name: str,
        password: str,
        group: str,
        secondary: tuple[str, ...],
        comment: str,
    ) -> str | None:
        """Create an account; return an error text or None."""
        if not VALID_NAME.fullmatch(name):
            return f"invalid user name '{name}'"
        if name in self.accounts:
            return f"user '{name}' already exists"
        problem = _check(password, group, secondary)
        if problem:
            return problem
        self.accounts[name] = User(name, password, group, secondary, comment)
        return None

    def update(
        self,
        name: str,
        password: str | None,
        group: str | None,
        secondary: tuple[str, ...] | None,
        comment: str | None,
    ) -> str | None:
        """Change an account; return an error text or None."""
        user = self.accounts.get(name)
        if user is None:
            return f"user '{name}' does not exist"
        problem = _check(
            user.password if password is None else password,
            user.group if group is None else group,
            user.secondary if secondary is None else secondary,
        )
        if problem:
            return problem
        if password is not None:
            user.password = password
        if group is not None:
            user.group = group
        if secondary is not None:
            user.secondary = secondary
        if comment is not None:
            user.comment = comment
        return None

    def remove(self, name: str) -> str | None:
        """Delete an account; return an error text or None."""
        user = self.accounts.get(name)
        if user is None:
            return f"user '{name}' does not exist"
        if user.group == "root":
            return "the root account cannot be removed"
        del self.accounts[name]
        return None

    def groups(self) -> dict[str, list[str]]:
        """Members of each group, in account order."""
        out: dict[str, list[str]] = {group: [] for group in GROUPS}
        for user in self.accounts.values():
            out[user.group].append(user.name)
            for group in user.secondary:
                out[group].append(user.name)
        return out

    def to_json(self) -> list[dict[str, object]]:
        """Serialisable form (backup)."""
        return [
            {
                "name": u.name,
                "password": u.password,
                "group": u.group,
                "secondary": list(u.secondary),
                "comment": u.comment,
            }
            for u in self.accounts.values()
        ]

    @classmethod
    def from_json(cls, data: list[dict[str, object]]) -> Users:
        """Inverse of :meth:`to_json`."""
        accounts: dict[str, User] = {}
        for item in data:
            secondary = item.get("secondary", [])
            user = User(
                str(item["name"]),
                str(item["password"]),
                str(item["group"]),
                tuple(str(g) for g in secondary) if isinstance(secondary, list) else (),
                str(item.get("comment", "")),
            )
            accounts[user.name] = user
        return cls(accounts)


def _check(password: str, group: str, secondary: tuple[str, ...]) -> str | None:
    if not VALID_NAME.fullmatch(password):
        return "invalid password"
    if group not in PRIMARY_GROUPS:
        return f"unknown group '{group}'"
    for name in secondary:
        if name not in SECONDARY_GROUPS:
            return f"unknown group '{name}'"
    return None
