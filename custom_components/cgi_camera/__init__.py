"""The CGI Camera integration."""

from __future__ import annotations

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryAuthFailed, ConfigEntryNotReady
from homeassistant.helpers import config_validation as cv, device_registry as dr
from homeassistant.helpers.typing import ConfigType

from .api import CameraAuthenticationError, CameraError, CameraForbiddenError
from .const import DOMAIN
from .coordinator import CgiCameraCoordinator
from .repairs import async_start_clock_check
from .runtime import CgiCameraConfigEntry, CgiCameraRuntimeData, create_client
from .services import async_setup_services

PLATFORMS: list[Platform] = [
    Platform.BINARY_SENSOR,
    Platform.BUTTON,
    Platform.CAMERA,
    Platform.MEDIA_PLAYER,
    Platform.EVENT,
    Platform.SELECT,
    Platform.SENSOR,
    Platform.SWITCH,
]

CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)

# Entry version 1.1 stored this option, which enabled or disabled the quad
# view in the entity registry; 1.2 drops it (the quad view is an entity that
# is disabled by default, like any other).
_LEGACY_QUAD_OPTION = "quad_camera"


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the integration's actions (available even without an entry)."""
    async_setup_services(hass)
    return True


async def async_setup_entry(hass: HomeAssistant, entry: CgiCameraConfigEntry) -> bool:
    """Test the device, then set up the coordinator and the platforms."""
    client = create_client(hass, dict(entry.data))
    try:
        device = await client.get_device_info()
    except CameraAuthenticationError as err:
        raise ConfigEntryAuthFailed(
            translation_domain=DOMAIN, translation_key="invalid_auth"
        ) from err
    except CameraForbiddenError as err:
        raise ConfigEntryAuthFailed(
            translation_domain=DOMAIN, translation_key="insufficient_rights"
        ) from err
    except CameraError as err:
        raise ConfigEntryNotReady(
            translation_domain=DOMAIN,
            translation_key="cannot_connect",
            translation_placeholders={"error": str(err)},
        ) from err

    coordinator = CgiCameraCoordinator(hass, entry, client, device)
    await coordinator.async_config_entry_first_refresh()

    device_registry = dr.async_get(hass)
    device_registry.async_get_or_create(
        config_entry_id=entry.entry_id,
        identifiers={(DOMAIN, device.unique_id)},
        connections={(dr.CONNECTION_NETWORK_MAC, device.mac)} if device.mac else set(),
        manufacturer=device.brand,
        model=device.model,
        name=device.title,
        sw_version=device.firmware,
        serial_number=device.serial,
        configuration_url=client.base_url,
    )

    entry.runtime_data = CgiCameraRuntimeData(
        client=client,
        coordinator=coordinator,
        device=device,
    )
    # Automatic stops of timed PTZ moves (camera entity actions) end with the entry.
    entry.async_on_unload(entry.runtime_data.ptz.async_cancel_timers)
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    coordinator.async_start_push()
    async_start_clock_check(hass, entry)
    # No update listener: every option is read live from entry.options where
    # it is used, and the flows that change the entry's data (reauth,
    # reconfigure, the user step and DHCP finding a known device) reload it
    # themselves. Home Assistant 2026.6 deprecates an update listener next to
    # those reloading flow helpers (an error from 2026.12).
    return True


async def async_migrate_entry(hass: HomeAssistant, entry: CgiCameraConfigEntry) -> bool:
    """Migrate an entry of an older version; refuse one of a newer version."""
    if entry.version > 1:
        return False
    if entry.minor_version < 2:
        options = {
            key: value
            for key, value in entry.options.items()
            if key != _LEGACY_QUAD_OPTION
        }
        hass.config_entries.async_update_entry(entry, options=options, minor_version=2)
    return True


async def async_unload_entry(hass: HomeAssistant, entry: CgiCameraConfigEntry) -> bool:
    """Unload the platforms; the entry's background tasks end with it."""
    return await hass.config_entries.async_unload_platforms(entry, PLATFORMS)
