"""Video signal of each source of a video server, from ``videostatus.cgi``.

Only video servers (more than one source) have it.  The coordinator asks for
every source with one request in each poll, and only while a
``video_signal`` entity is enabled.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.components.binary_sensor import (
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.const import EntityCategory

from .coordinator import VIDEO, CgiCameraCoordinator
from .entity import CgiCameraEntity

if TYPE_CHECKING:
    from .runtime import CgiCameraConfigEntry

VIDEO_SIGNAL_DESCRIPTION = BinarySensorEntityDescription(
    key="video_signal",
    translation_key="video_signal",
    entity_category=EntityCategory.DIAGNOSTIC,
)


def build_video_signal_sensors(
    entry: CgiCameraConfigEntry,
) -> list[BinarySensorEntity]:
    """Return a ``video_signal`` sensor per source (none on a camera)."""
    coordinator = entry.runtime_data.coordinator
    return [
        VideoSignalSensor(coordinator, source) for source in coordinator.video_sources
    ]


class VideoSignalSensor(CgiCameraEntity, BinarySensorEntity):
    """Whether a source of the video server receives a video signal."""

    def __init__(self, coordinator: CgiCameraCoordinator, source: int) -> None:
        """Initialise the sensor of ``source``."""
        super().__init__(coordinator, VIDEO_SIGNAL_DESCRIPTION, source)
        self.source = source
        self._attr_translation_placeholders = {"number": str(source)}

    async def async_added_to_hass(self) -> None:
        """Have the video status polled while the sensor is enabled."""
        await super().async_added_to_hass()
        self.async_on_remove(self.coordinator.async_want(VIDEO))
        self.coordinator.async_read_part_soon(VIDEO)

    @property
    def available(self) -> bool:
        """Return whether the last read of the video status answered."""
        return super().available and self.source in self.coordinator.data.video

    @property
    def is_on(self) -> bool | None:
        """Return whether the source has a video signal."""
        return self.coordinator.data.video.get(self.source)
