"""Firmware upgrade (spec 5.1.7): upload, wait for the device, report.

The device takes the image, answers, and restarts; the coordinator shows
its entities unavailable and back as on any restart.  The action waits
until the device answers again (at most ``UPGRADE_BACK_SECONDS``), then
reads ``Properties.Firmware.Version``, updates the device registry and
fires ``cgi_camera_firmware_upgraded``.  A device that stays away raises
a translated error and a (not fixable) repair issue, removed as soon as
the coordinator reaches the device again.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Final

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import device_registry as dr, issue_registry as ir

from .action_support import camera_error
from .api import CameraError
from .const import DOMAIN, FIRMWARE_FOLDER

if TYPE_CHECKING:
    from .runtime import CgiCameraConfigEntry

_LOGGER = logging.getLogger(__name__)

EVENT_FIRMWARE_UPGRADED: Final = f"{DOMAIN}_firmware_upgraded"
VERSION_PARAMETER: Final = "Properties.Firmware.Version"
# How long the device may take to install the image and restart.
UPGRADE_BACK_SECONDS: float = 600.0
# How long a device that still answers is given to go away (restart).
UPGRADE_DOWN_SECONDS: float = 60.0
# Between two attempts to reach the device.
UPGRADE_POLL_SECONDS: float = 5.0


def firmware_folder(hass: HomeAssistant) -> Path:
    """Return the folder firmware images are taken from."""
    return Path(hass.config.path(FIRMWARE_FOLDER))


def issue_id(entry: CgiCameraConfigEntry) -> str:
    """Return the id of the "device did not come back" issue of an entry."""
    return f"firmware_not_back_{entry.entry_id}"


async def _read_version(entry: CgiCameraConfigEntry) -> str | None:
    hints = await entry.runtime_data.client.params.hints()
    return hints.get(VERSION_PARAMETER)


async def _wait_until_back(entry: CgiCameraConfigEntry, old: str | None) -> str | None:
    """Return the version the device reports once it is back; raise on timeout.

    Back means answering after it was seen away, or answering with another
    version, or still answering ``UPGRADE_DOWN_SECONDS`` after the upload.
    """
    loop = asyncio.get_running_loop()
    start = loop.time()
    went_away = False
    while True:
        try:
            version = await _read_version(entry)
        except CameraError:
            went_away = True
        else:
            if (
                went_away
                or version != old
                or loop.time() - start >= UPGRADE_DOWN_SECONDS
            ):
                return version
        if loop.time() - start >= UPGRADE_BACK_SECONDS:
            raise TimeoutError
        await asyncio.sleep(UPGRADE_POLL_SECONDS)


def _not_back_placeholders(entry: CgiCameraConfigEntry) -> dict[str, str]:
    """The issue's and the error's placeholders: the device, the time waited."""
    return {"name": entry.title, "minutes": str(round(UPGRADE_BACK_SECONDS / 60))}


@callback
def _async_raise_issue(hass: HomeAssistant, entry: CgiCameraConfigEntry) -> None:
    """Create the issue; remove it when the coordinator reaches the device."""
    ir.async_create_issue(
        hass,
        DOMAIN,
        issue_id(entry),
        is_fixable=False,
        severity=ir.IssueSeverity.ERROR,
        translation_key="firmware_not_back",
        translation_placeholders=_not_back_placeholders(entry),
    )
    coordinator = entry.runtime_data.coordinator

    @callback
    def check() -> None:
        if coordinator.last_update_success:
            ir.async_delete_issue(hass, DOMAIN, issue_id(entry))
            stop()

    remove: CALLBACK_TYPE | None = coordinator.async_add_listener(check)

    @callback
    def stop() -> None:
        # Once: when the device is back, or when the entry unloads before.
        nonlocal remove
        if remove is not None:
            remove()
            remove = None

    entry.async_on_unload(stop)


async def async_upgrade_firmware(
    hass: HomeAssistant,
    entry: CgiCameraConfigEntry,
    filename: str,
    image: bytes,
    *,
    factory_default: bool,
) -> None:
    """Upload ``image``, wait for the device, update the registry, fire the event."""
    runtime = entry.runtime_data
    old = runtime.device.firmware
    try:
        await runtime.client.system.firmware_upgrade(
            image, filename=filename, factory_default=factory_default
        )
    except CameraError as err:
        raise camera_error(err, "firmware_upgrade_failed") from err
    _LOGGER.info("%s accepted a firmware image (%s)", entry.title, filename)
    try:
        new = await _wait_until_back(entry, old)
    except TimeoutError:
        _async_raise_issue(hass, entry)
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="firmware_not_back",
            translation_placeholders=_not_back_placeholders(entry),
        ) from None
    ir.async_delete_issue(hass, DOMAIN, issue_id(entry))
    runtime.device = dataclasses.replace(runtime.device, firmware=new)
    registry = dr.async_get(hass)
    device = registry.async_get_device(identifiers={(DOMAIN, runtime.device.unique_id)})
    if device is not None:
        registry.async_update_device(device.id, sw_version=new)
    hass.bus.async_fire(
        EVENT_FIRMWARE_UPGRADED,
        {"entry_id": entry.entry_id, "old_version": old, "new_version": new},
    )
