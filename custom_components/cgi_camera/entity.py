"""Base entities of the CGI Camera integration."""

from __future__ import annotations

from collections.abc import Mapping

from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import Entity, EntityDescription
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .const import DOMAIN
from .coordinator import CgiCameraCoordinator


class CgiCameraBaseEntity(Entity):
    """An entity of one device: named by translation, identified by MAC."""

    _attr_has_entity_name = True
    # Coordinators and push listeners write the state; nothing to poll.
    _attr_should_poll = False

    def __init__(
        self,
        coordinator: CgiCameraCoordinator,
        description: EntityDescription,
        key_suffix: str | int | None = None,
    ) -> None:
        """Initialise the entity; ``key_suffix`` tells ports/sources apart."""
        self.coordinator = coordinator
        self.entity_description = description
        key = (
            description.key if key_suffix is None else f"{description.key}_{key_suffix}"
        )
        self._attr_unique_id = f"{coordinator.identity}-{key}"
        self._attr_device_info = DeviceInfo(
            identifiers={(DOMAIN, coordinator.identity)}
        )

    def _name_port(self, names: Mapping[int, str], port: int) -> None:
        """Name an I/O port: the device's own name wins, else "<translation> <n>"."""
        if name := (names.get(port) or "").strip():
            self._attr_name = name
        else:
            self._attr_translation_placeholders = {"number": str(port)}


class CgiCameraEntity(CoordinatorEntity[CgiCameraCoordinator], CgiCameraBaseEntity):
    """An entity whose state comes from the coordinator's polling."""

    def __init__(
        self,
        coordinator: CgiCameraCoordinator,
        description: EntityDescription,
        key_suffix: str | int | None = None,
    ) -> None:
        """Initialise the entity."""
        CoordinatorEntity.__init__(self, coordinator)
        CgiCameraBaseEntity.__init__(self, coordinator, description, key_suffix)
