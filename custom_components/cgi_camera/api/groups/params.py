"""``param.cgi``: list, update, add and remove parameters."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..discovery import HINT_GROUPS
from ..encoding import QueryValue
from ..errors import CameraValueError
from ..params import parse_add_answer, parse_params, secret_values
from ..ptz import check_text
from ..transport import Params
from .base import ApiGroup


class ParamsApi(ApiGroup):
    """The device's parameters (``client.params``)."""

    async def list(self, groups: Sequence[str] | None = None) -> dict[str, str]:
        """``param.cgi?action=list[&group=a,b]`` as an ordered mapping."""
        params: list[tuple[str, QueryValue]] = [("action", "list")]
        if groups:
            params.append(("group", tuple(groups)))
        return parse_params(await self._text("/param.cgi", params))

    async def update(self, values: Mapping[str, str]) -> None:
        """``param.cgi?action=update&<name>=<value>...`` (many at once)."""
        if not values:
            raise CameraValueError("values", "nothing to update")
        params: list[tuple[str, QueryValue]] = [("action", "update")]
        params += [(name, str(value)) for name, value in values.items()]
        # A refusal may echo the request: never a password in the error.
        await self._command("/param.cgi", params, secrets=secret_values(values))

    async def add_group(
        self,
        group: str,
        template: str,
        values: Mapping[str, str] | None = None,
        *,
        force: bool = False,
    ) -> str:
        """``param.cgi?action=add``; returns the new group id (``"E7"``).

        A group created without its values raises
        :class:`~..errors.CameraGroupValuesNotSetError` (with its ``group_id``).
        """
        params: list[tuple[str, QueryValue]] = [
            ("action", "add"),
            ("group", check_text("group", group)),
            ("template", check_text("template", template)),
        ]
        params += [(name, str(value)) for name, value in (values or {}).items()]
        if force:
            params.append(("force", "yes"))
        text = await self._text("/param.cgi", params, refusals=False)
        secrets = secret_values(values or {})
        return parse_add_answer(
            text, group, redact=lambda answer: self._transport.redact(answer, secrets)
        )

    async def remove_groups(self, groups: Sequence[str]) -> None:
        """``param.cgi?action=remove&group=a,b``."""
        if isinstance(groups, str) or not groups:
            raise CameraValueError("groups", "a non-empty list of group names")
        await self._command(
            "/param.cgi", [("action", "remove"), ("group", tuple(groups))]
        )

    async def hints(self) -> dict[str, str]:
        """The parameters discovery reads as hints, whatever the device lacks.

        One list request for the hint groups; ``# Error:`` lines about groups
        the device does not have are skipped.  A device that refuses the whole
        request is asked for all its parameters (the spec's list without
        ``group``).
        """
        requests: list[Params] = [
            [("action", "list"), ("group", HINT_GROUPS)],
            [("action", "list")],
        ]
        for params in requests:
            text = await self._text("/param.cgi", params, refusals=False)
            if found := parse_params(text, skip_errors=True):
                return found
        return {}
