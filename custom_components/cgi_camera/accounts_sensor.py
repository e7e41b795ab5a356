"""The device's accounts: how many there are, and how many in each group.

From ``pwdgrp.cgi?action=get`` (spec 5.1.2; the device may require root
rights for it: refused, the sensor is unavailable). Polled with the
coordinator's other parts, only while the sensor is enabled; disabled by
default, so that it costs no request unless wanted.

The state is the number of accounts; the attributes give the number of
accounts in each of the device's groups, never the account names: the
diagnostics redact user names (redact.py), and what they hide an entity's
attributes (recorded, shown to every user) must not show either.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.components.sensor import (
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import EntityCategory

from .coordinator import USERS, CgiCameraCoordinator
from .entity import CgiCameraEntity

ACCOUNTS_DESCRIPTION = SensorEntityDescription(
    key="accounts",
    translation_key="accounts",
    entity_category=EntityCategory.DIAGNOSTIC,
    state_class=SensorStateClass.MEASUREMENT,
    entity_registry_enabled_default=False,
)


class AccountsSensor(CgiCameraEntity, SensorEntity):
    """The number of device accounts, with the count per group."""

    def __init__(self, coordinator: CgiCameraCoordinator) -> None:
        """Initialise the sensor of ``coordinator``'s device."""
        super().__init__(coordinator, ACCOUNTS_DESCRIPTION)

    async def async_added_to_hass(self) -> None:
        """Have the accounts polled while the sensor is enabled."""
        await super().async_added_to_hass()
        self.async_on_remove(self.coordinator.async_want(USERS))
        self.coordinator.async_read_part_soon(USERS)

    @property
    def available(self) -> bool:
        """Return whether the last read of the accounts answered."""
        return super().available and self.coordinator.data.users is not None

    def _groups(self) -> Mapping[str, tuple[str, ...]]:
        """The accounts per group (none while unavailable)."""
        users = self.coordinator.data.users
        return users.groups if users is not None else {}

    @property
    def native_value(self) -> int:
        """Return how many accounts the device has (each counted once)."""
        return len({name for names in self._groups().values() for name in names})

    @property
    def extra_state_attributes(self) -> dict[str, Any]:
        """Return the number of accounts per group (no names: see the module)."""
        return {group: len(names) for group, names in self._groups().items()}
