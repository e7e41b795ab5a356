"""What a loaded entry holds, its typed ConfigEntry and the client factory.

Every module below the package imports these from here, never from the
package's ``__init__`` (which sets the entry up and imports them too).
"""

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
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession

from .api import CameraClient, DeviceInfo
from .const import CONF_HTTPS
from .ptz import PtzData

if TYPE_CHECKING:
    from .coordinator import CgiCameraCoordinator
    from .live_stream import LiveStreamHub


@dataclass(slots=True)
class CgiCameraRuntimeData:
    """What a loaded entry holds."""

    client: CameraClient
    coordinator: CgiCameraCoordinator
    device: DeviceInfo
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
