"""PTZ position sensors (pan, tilt, zoom); ``sensor.py`` adds them.

They are diagnostic and disabled by default. The coordinator polls the
position of a source only while at least one of its sensors is enabled, in
each poll and right after every PTZ command of this integration.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from homeassistant.components.sensor import SensorEntity, SensorEntityDescription
from homeassistant.const import DEGREE, EntityCategory
from homeassistant.core import callback

from .api import PtzPosition
from .entity import CgiCameraEntity
from .ptz import ptz_sources, source_translation
from .runtime import CgiCameraConfigEntry, CgiCameraRuntimeData


@dataclass(frozen=True, kw_only=True)
class PtzSensorDescription(SensorEntityDescription):
    """A position value."""

    value_fn: Callable[[PtzPosition], float | None]


POSITION_SENSORS: tuple[PtzSensorDescription, ...] = (
    PtzSensorDescription(
        key="ptz_pan",
        native_unit_of_measurement=DEGREE,
        suggested_display_precision=1,
        value_fn=lambda position: position.pan,
    ),
    PtzSensorDescription(
        key="ptz_tilt",
        native_unit_of_measurement=DEGREE,
        suggested_display_precision=1,
        value_fn=lambda position: position.tilt,
    ),
    PtzSensorDescription(
        key="ptz_zoom",
        suggested_display_precision=0,
        value_fn=lambda position: position.zoom,
    ),
)


def build_ptz_sensors(entry: CgiCameraConfigEntry) -> list[SensorEntity]:
    """Return the position sensors of every PTZ source."""
    runtime = entry.runtime_data
    return [
        CgiCameraPtzSensor(runtime, source, description)
        for source in ptz_sources(runtime)
        for description in POSITION_SENSORS
    ]


class CgiCameraPtzSensor(CgiCameraEntity, SensorEntity):
    """One position value of one PTZ source."""

    entity_description: PtzSensorDescription
    _attr_entity_category = EntityCategory.DIAGNOSTIC
    _attr_entity_registry_enabled_default = False

    def __init__(
        self,
        runtime: CgiCameraRuntimeData,
        source: int,
        description: PtzSensorDescription,
    ) -> None:
        """Initialise the sensor."""
        super().__init__(runtime.coordinator, description, source)
        self.source = source
        self._ptz = runtime.ptz.source(source)
        self._attr_translation_key, self._attr_translation_placeholders = (
            source_translation(runtime, description.key, source)
        )

    async def async_added_to_hass(self) -> None:
        """Have the position polled while the sensor is enabled."""
        await super().async_added_to_hass()
        coordinator, source = self.coordinator, self.source
        unwant = coordinator.async_want(source)

        @callback
        def release() -> None:
            unwant()
            if not coordinator.wants(source):
                self._ptz.position_refresh = None

        self.async_on_remove(release)
        # PTZ commands of this integration re-read the position (ptz._send).
        refresh = partial(coordinator.async_refresh_part_soon, source)
        self._ptz.position_refresh = refresh
        coordinator.async_read_part_soon(source)

    @property
    def available(self) -> bool:
        """Return whether the last read of the position answered."""
        return super().available and self.native_value is not None

    @property
    def native_value(self) -> float | None:
        """Return the value."""
        position = self.coordinator.data.ptz_positions.get(self.source)
        if position is None:
            return None
        return self.entity_description.value_fn(position)
