"""The CGI Camera integration."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import (
    CONF_HOST,
    CONF_PASSWORD,
    CONF_PORT,
    CONF_USERNAME,
    CONF_VERIFY_SSL,
    Platform,
)
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryAuthFailed, ConfigEntryNotReady
from homeassistant.helpers import config_validation as cv, device_registry as dr
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.typing import ConfigType

from .api import (
    CameraAuthenticationError,
    CameraClient,
    CameraError,
    CameraForbiddenError,
    DeviceInfo,
)
from .const import CONF_HTTPS, CONF_QUAD_CAMERA, DOMAIN
from .coordinator import CgiCameraCoordinator
from .ptz import PtzData
from .repairs import async_start_clock_check
from .services import async_setup_services

if TYPE_CHECKING:
    from .live_stream import LiveStreamHub

PLATFORMS: list[Platform] = [
    Platform.BINARY_SENSOR,
    Platform.BUTTON,
    Platform.CAMERA,
    Platform.SELECT,
    Platform.SENSOR,
    Platform.SWITCH,
]

CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)


@dataclass(slots=True)
class CgiCameraRuntimeData:
    """What a loaded entry holds."""

    client: CameraClient
    coordinator: CgiCameraCoordinator
    device: DeviceInfo
    # The data and options the entry was set up with (some changes reload).
    options: dict[str, Any] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)
    # The shared live streams (camera platform), created on first use.
    live_streams: LiveStreamHub | None = None
    # PTZ commands, presets and timers per source (ptz.py).
    ptz: PtzData = field(default_factory=PtzData)


type CgiCameraConfigEntry = ConfigEntry[CgiCameraRuntimeData]


def create_client(hass: HomeAssistant, data: dict[str, Any]) -> CameraClient:
    """Create a client on Home Assistant's shared aiohttp session."""
    verify_ssl = bool(data.get(CONF_VERIFY_SSL, True))
    https = bool(data.get(CONF_HTTPS, False))
    session = async_get_clientsession(hass, verify_ssl=verify_ssl)
    return CameraClient(
        session,
        data[CONF_HOST],
        port=int(data[CONF_PORT]),
        https=https,
        verify_ssl=verify_ssl,
        username=data[CONF_USERNAME],
        password=data[CONF_PASSWORD],
    )


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
        options=dict(entry.options),
        data=dict(entry.data),
    )
    # Automatic stops of timed PTZ moves (camera entity actions) end with the entry.
    entry.async_on_unload(entry.runtime_data.ptz.async_cancel_timers)
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    coordinator.async_start_push()
    async_start_clock_check(hass, entry)
    entry.async_on_unload(entry.add_update_listener(_async_entry_updated))
    return True


async def _async_entry_updated(
    hass: HomeAssistant, entry: CgiCameraConfigEntry
) -> None:
    """Apply an updated entry without a restart.

    New connection data (reauth, reconfigure) or another set of cameras needs
    a reload; the other options are read live where they are used.
    """
    runtime = entry.runtime_data
    if dict(entry.data) != runtime.data or runtime.options.get(
        CONF_QUAD_CAMERA
    ) != entry.options.get(CONF_QUAD_CAMERA):
        hass.config_entries.async_schedule_reload(entry.entry_id)
        return
    runtime.options = dict(entry.options)


async def async_unload_entry(hass: HomeAssistant, entry: CgiCameraConfigEntry) -> bool:
    """Unload the platforms; the entry's background tasks end with it."""
    return await hass.config_entries.async_unload_platforms(entry, PLATFORMS)
