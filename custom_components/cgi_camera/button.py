"""Restart and backup buttons."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from homeassistant.components.button import (
    ButtonDeviceClass,
    ButtonEntity,
    ButtonEntityDescription,
)
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .action_buttons import async_build_buttons
from .api import CameraError
from .backup import async_save_backup
from .const import (
    CONF_BACKUPS_TO_KEEP,
    DEFAULT_BACKUPS_TO_KEEP,
    DOMAIN,
    EVENT_BACKUP_SAVED,
)
from .entity import CgiCameraEntity
from .errors import device_error

if TYPE_CHECKING:
    from .runtime import CgiCameraConfigEntry

# One device action at a time.
PARALLEL_UPDATES = 1


@dataclass(frozen=True, kw_only=True)
class CgiCameraButtonDescription(ButtonEntityDescription):
    """A button and what pressing it does."""

    press_fn: Callable[[CgiCameraButton], Awaitable[None]]


async def _restart(button: CgiCameraButton) -> None:
    try:
        await button.coordinator.client.system.restart()
    except CameraError as err:
        raise device_error(err, "restart_failed") from err


async def _backup(button: CgiCameraButton) -> None:
    coordinator = button.coordinator
    entry = coordinator.config_entry
    keep = int(entry.options.get(CONF_BACKUPS_TO_KEEP, DEFAULT_BACKUPS_TO_KEEP))
    fallback = "backup_" + coordinator.identity.replace(":", "")
    try:
        saved = await async_save_backup(
            button.hass, coordinator.client, fallback_stem=fallback, keep=keep
        )
    except CameraError as err:
        raise device_error(err, "backup_failed") from err
    except OSError as err:
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="backup_write_failed",
            translation_placeholders={"error": str(err)},
        ) from err
    button.hass.bus.async_fire(
        EVENT_BACKUP_SAVED,
        {
            "entry_id": entry.entry_id,
            "device_mac": coordinator.device.mac,
            "path": str(saved.path),
            "size": saved.size,
        },
    )


BUTTONS: tuple[CgiCameraButtonDescription, ...] = (
    CgiCameraButtonDescription(
        key="restart",
        translation_key="restart",
        device_class=ButtonDeviceClass.RESTART,
        entity_category=EntityCategory.CONFIG,
        press_fn=_restart,
    ),
    CgiCameraButtonDescription(
        key="backup",
        translation_key="backup",
        entity_category=EntityCategory.CONFIG,
        press_fn=_backup,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: CgiCameraConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the device's buttons."""
    coordinator = entry.runtime_data.coordinator
    async_add_entities(CgiCameraButton(coordinator, desc) for desc in BUTTONS)
    async_add_entities(await async_build_buttons(entry))  # PTZ, sync time


class CgiCameraButton(CgiCameraEntity, ButtonEntity):
    """A device action."""

    entity_description: CgiCameraButtonDescription

    async def async_press(self) -> None:
        """Run the action."""
        await self.entity_description.press_fn(self)
