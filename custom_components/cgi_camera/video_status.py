"""Video signal of each source of a video server, from ``videostatus.cgi``.

Only video servers (more than one source) have it.  One request asks for
every source, at the interval of the main coordinator, and only while a
``video_signal`` entity is enabled (a coordinator without listeners does
not poll).
"""

from __future__ import annotations

from datetime import timedelta
import logging
from typing import TYPE_CHECKING

from homeassistant.components.binary_sensor import (
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.update_coordinator import (
    CoordinatorEntity,
    DataUpdateCoordinator,
    UpdateFailed,
)

from .api import CameraClient, CameraError
from .const import DOMAIN, SCAN_INTERVAL_SECONDS

if TYPE_CHECKING:
    from . import CgiCameraConfigEntry

_LOGGER = logging.getLogger(__name__)

VIDEO_SIGNAL_DESCRIPTION = BinarySensorEntityDescription(
    key="video_signal",
    translation_key="video_signal",
    entity_category=EntityCategory.DIAGNOSTIC,
)


class VideoStatusCoordinator(DataUpdateCoordinator[dict[int, bool]]):
    """Poll ``videostatus.cgi?status=1,2,3,4`` for every source at once."""

    config_entry: CgiCameraConfigEntry

    def __init__(
        self,
        hass: HomeAssistant,
        entry: CgiCameraConfigEntry,
        client: CameraClient,
        sources: tuple[int, ...],
    ) -> None:
        """Initialise the poller of ``sources``."""
        super().__init__(
            hass,
            _LOGGER,
            config_entry=entry,
            name=f"{DOMAIN} video status",
            update_interval=timedelta(seconds=SCAN_INTERVAL_SECONDS),
            always_update=False,
        )
        self.client = client
        self.sources = sources

    async def _async_update_data(self) -> dict[int, bool]:
        try:
            return await self.client.video_status(self.sources)
        except CameraError as err:
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="update_failed",
                translation_placeholders={"error": str(err) or type(err).__name__},
            ) from err


async def async_setup_video_signal(
    hass: HomeAssistant,
    entry: CgiCameraConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add a ``video_signal`` sensor per source on video servers."""
    data = entry.runtime_data
    count = data.device.capabilities.sources
    if count < 2:
        return
    coordinator = VideoStatusCoordinator(
        hass, entry, data.client, tuple(range(1, count + 1))
    )
    await coordinator.async_refresh()
    async_add_entities(
        VideoSignalSensor(coordinator, data.device.unique_id, source)
        for source in coordinator.sources
    )


class VideoSignalSensor(CoordinatorEntity[VideoStatusCoordinator], BinarySensorEntity):
    """Whether a source of the video server receives a video signal."""

    _attr_has_entity_name = True
    entity_description = VIDEO_SIGNAL_DESCRIPTION

    def __init__(
        self, coordinator: VideoStatusCoordinator, mac: str, source: int
    ) -> None:
        """Initialise the sensor of ``source``."""
        super().__init__(coordinator)
        self.source = source
        self._attr_unique_id = f"{mac}-video_signal_{source}"
        self._attr_device_info = DeviceInfo(identifiers={(DOMAIN, mac)})
        self._attr_translation_placeholders = {"number": str(source)}

    @property
    def available(self) -> bool:
        """Return whether the last poll answered for this source."""
        return super().available and self.source in (self.coordinator.data or {})

    @property
    def is_on(self) -> bool | None:
        """Return whether the source has a video signal."""
        return (self.coordinator.data or {}).get(self.source)
