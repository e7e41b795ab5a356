"""The device's IP filter (spec 5.7): its switch and what its actions share.

The switch shows whether the filter is enabled. It is polled with the
coordinator's other parts, and only while it is enabled; it is disabled by
default, so that a device whose filter nobody watches costs no request more
per poll (one ``ipfilter.cgi?action=list`` per poll when enabled).

Turning the filter on is refused unless the device's own check
(``ipfilter.cgi?action=list&verify=yes``) says Home Assistant's address stays
accepted; the change itself is sent with ``verify=yes`` too, so the device
refuses it rather than lock Home Assistant out.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from homeassistant.components.switch import SwitchEntity, SwitchEntityDescription
from homeassistant.const import EntityCategory
from homeassistant.exceptions import HomeAssistantError
import voluptuous as vol

from .action_support import camera_error
from .api import CameraError, CameraVerificationError
from .const import DOMAIN
from .coordinator import IP_FILTER, CgiCameraCoordinator
from .entity import CgiCameraEntity

# The longest list of addresses one action sends (one request, one URL).
MAX_FILTER_ADDRESSES = 32

IP_FILTER_DESCRIPTION = SwitchEntityDescription(
    key="ip_filter",
    translation_key="ip_filter",
    entity_category=EntityCategory.CONFIG,
    # One request per poll: off unless wanted (the idle request rate stays).
    entity_registry_enabled_default=False,
)


def _address(value: Any) -> str:
    """An IPv4 address or network in CIDR notation (no host bits set)."""
    if not isinstance(value, str):
        raise vol.Invalid("expected an IPv4 address or network")
    try:
        network = ipaddress.IPv4Network(value.strip(), strict=True)
    except ValueError:
        raise vol.Invalid(
            f"not an IPv4 address or CIDR network: {value[:60]!r}"
        ) from None
    if "/" not in value or network.prefixlen == 32:
        return str(network.network_address)
    return str(network)


def filter_addresses(value: Any) -> list[str]:
    """A list, or a text separated by spaces or commas, of IPv4 entries."""
    if isinstance(value, str):
        value = value.replace(",", " ").split()
    if not isinstance(value, list) or not value:
        raise vol.Invalid("expected one or more IPv4 addresses or networks")
    if len(value) > MAX_FILTER_ADDRESSES:
        raise vol.Invalid(f"more than {MAX_FILTER_ADDRESSES} addresses")
    result: list[str] = []
    for item in value:
        address = _address(item)
        if address not in result:
            result.append(address)
    return result


def ip_filter_error(err: CameraError, key: str) -> HomeAssistantError:
    """The translated error of a failed IP filter request."""
    if isinstance(err, CameraVerificationError):
        return lockout_error()
    return camera_error(err, key)


def lockout_error() -> HomeAssistantError:
    """Home Assistant's address would not be accepted: nothing changed."""
    return HomeAssistantError(
        translation_domain=DOMAIN, translation_key="ip_filter_lockout"
    )


class IpFilterSwitch(CgiCameraEntity, SwitchEntity):
    """Whether the device's IP filter is enabled."""

    def __init__(self, coordinator: CgiCameraCoordinator) -> None:
        """Initialise the switch of ``coordinator``'s device."""
        super().__init__(coordinator, IP_FILTER_DESCRIPTION)

    async def async_added_to_hass(self) -> None:
        """Have the filter's settings polled while the switch is enabled."""
        await super().async_added_to_hass()
        self.async_on_remove(self.coordinator.async_want(IP_FILTER))
        self.coordinator.async_read_part_soon(IP_FILTER)

    @property
    def available(self) -> bool:
        """Return whether the last read of the filter's settings answered."""
        return super().available and self.coordinator.data.ip_filter is not None

    @property
    def is_on(self) -> bool | None:
        """Return whether the filter is enabled."""
        settings = self.coordinator.data.ip_filter
        return None if settings is None else settings.enabled

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Enable the filter, only if Home Assistant's address stays accepted."""
        client = self.coordinator.client
        try:
            settings = await client.ip_filter.list(verify=True)
            if settings.verified is False:
                raise lockout_error()
            await client.ip_filter.update(enable=True, verify=True)
        except CameraError as err:
            raise ip_filter_error(err, "ip_filter_failed") from err
        await self.coordinator.async_read_part_now(IP_FILTER)

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Disable the filter (every address may reach the device again)."""
        try:
            await self.coordinator.client.ip_filter.update(enable=False)
        except CameraError as err:
            raise ip_filter_error(err, "ip_filter_failed") from err
        await self.coordinator.async_read_part_now(IP_FILTER)
