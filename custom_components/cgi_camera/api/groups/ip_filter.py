"""``ipfilter.cgi``: the addresses the device accepts or denies."""

from __future__ import annotations

from collections.abc import Sequence
import ipaddress

from ..encoding import QueryValue
from ..errors import CameraValueError
from ..models import IpFilter
from ..parsers_text import parse_ip_filter
from ..ptz import check_choice
from .base import ApiGroup, yes_no


class IpFilterApi(ApiGroup):
    """The device's IP address filter (``client.ip_filter``)."""

    @staticmethod
    def _filter_params(
        action: str,
        addresses: Sequence[str] | None,
        enable: bool | None,
        policy: str | None,
        verify: bool | None,
    ) -> list[tuple[str, QueryValue]]:
        params: list[tuple[str, QueryValue]] = [("action", action)]
        if addresses is not None:
            if isinstance(addresses, str) or not addresses:
                raise CameraValueError("addresses", "a non-empty list of addresses")
            for address in addresses:
                try:
                    ipaddress.ip_network(address, strict=False)
                except ValueError:
                    raise CameraValueError(
                        "addresses", f"not an IP address or CIDR network: {address!r}"
                    ) from None
            params.append(("ipaddress", " ".join(addresses)))
        if enable is not None:
            params.append(("enable", yes_no(enable)))
        if policy is not None:
            params.append(("policy", check_choice("policy", policy, ("allow", "deny"))))
        if verify is not None:
            params.append(("verify", yes_no(verify)))
        return params

    async def list(self, *, verify: bool | None = None) -> IpFilter:
        """``ipfilter.cgi?action=list``.

        With ``verify=True`` a failed verification is not an error: the
        settings come back with ``verified=False`` and the rejected address.
        """
        text = await self._text(
            "/ipfilter.cgi",
            self._filter_params("list", None, None, None, verify),
            refusals=False,
        )
        return parse_ip_filter(text, verify=verify, redact=self._transport.redact)

    async def add(
        self,
        addresses: Sequence[str],
        *,
        enable: bool | None = None,
        policy: str | None = None,
        verify: bool | None = None,
    ) -> None:
        """``ipfilter.cgi?action=add&ipaddress=a%20b``."""
        await self._command(
            "/ipfilter.cgi",
            self._filter_params("add", addresses, enable, policy, verify),
        )

    async def remove(
        self,
        addresses: Sequence[str],
        *,
        enable: bool | None = None,
        policy: str | None = None,
        verify: bool | None = None,
    ) -> None:
        """``ipfilter.cgi?action=remove&ipaddress=...``."""
        await self._command(
            "/ipfilter.cgi",
            self._filter_params("remove", addresses, enable, policy, verify),
        )

    async def remove_all(self, *, verify: bool | None = None) -> None:
        """``ipfilter.cgi?action=removeall`` (also disables the filter)."""
        await self._command(
            "/ipfilter.cgi", self._filter_params("removeall", None, None, None, verify)
        )

    async def update(
        self,
        *,
        enable: bool | None = None,
        policy: str | None = None,
        verify: bool | None = None,
    ) -> None:
        """``ipfilter.cgi?action=update``."""
        await self._command(
            "/ipfilter.cgi", self._filter_params("update", None, enable, policy, verify)
        )
