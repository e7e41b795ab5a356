"""``pwdgrp.cgi``: the device's user accounts."""

from __future__ import annotations

from collections.abc import Sequence
import re

from ..encoding import QueryValue
from ..errors import CameraValueError
from ..models import UserGroups
from ..params import parse_user_groups
from .base import ApiGroup

_NAME_RE = re.compile(r"^[A-Za-z0-9]+$")
_GROUP_RE = re.compile(r"^[A-Za-z0-9_]+$")


def _check_name(argument: str, value: str, pattern: re.Pattern[str]) -> str:
    if not isinstance(value, str) or not pattern.match(value):
        raise CameraValueError(argument, "only letters a-z, A-Z and digits 0-9")
    return value


class UsersApi(ApiGroup):
    """User accounts and their groups (``client.users``)."""

    async def get(self) -> UserGroups:
        """``pwdgrp.cgi?action=get``: users per group."""
        return UserGroups(
            parse_user_groups(await self._text("/pwdgrp.cgi", [("action", "get")]))
        )

    async def add(
        self,
        user: str,
        password: str,
        group: str,
        secondary_groups: Sequence[str] = (),
        comment: str | None = None,
    ) -> None:
        """``pwdgrp.cgi?action=add``."""
        params: list[tuple[str, QueryValue]] = [
            ("action", "add"),
            ("user", _check_name("user", user, _NAME_RE)),
            ("pwd", _check_name("password", password, _NAME_RE)),
            ("grp", _check_name("group", group, _GROUP_RE)),
        ]
        if secondary_groups:
            groups = [
                _check_name("secondary_groups", g, _GROUP_RE) for g in secondary_groups
            ]
            params.append(("sgrp", ":".join(groups)))
        if comment is not None:
            params.append(("comment", comment))
        await self._command("/pwdgrp.cgi", params, secrets=[password])

    async def update(
        self,
        user: str,
        *,
        password: str | None = None,
        group: str | None = None,
        secondary_groups: Sequence[str] | None = None,
        comment: str | None = None,
    ) -> None:
        """``pwdgrp.cgi?action=update`` (only the given fields change)."""
        params: list[tuple[str, QueryValue]] = [
            ("action", "update"),
            ("user", _check_name("user", user, _NAME_RE)),
        ]
        if password is not None:
            params.append(("pwd", _check_name("password", password, _NAME_RE)))
        if group is not None:
            params.append(("grp", _check_name("group", group, _GROUP_RE)))
        if secondary_groups is not None:
            groups = [
                _check_name("secondary_groups", g, _GROUP_RE) for g in secondary_groups
            ]
            params.append(("sgrp", ":".join(groups)))
        if comment is not None:
            params.append(("comment", comment))
        if len(params) == 2:
            raise CameraValueError("user", "nothing to update")
        await self._command(
            "/pwdgrp.cgi", params, secrets=[password] if password else []
        )

    async def remove(self, user: str) -> None:
        """``pwdgrp.cgi?action=remove``."""
        await self._command(
            "/pwdgrp.cgi",
            [("action", "remove"), ("user", _check_name("user", user, _NAME_RE))],
        )
