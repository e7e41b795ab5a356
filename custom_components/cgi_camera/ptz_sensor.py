"""PTZ position sensors (pan, tilt, zoom); ``sensor.py`` adds them.

They are diagnostic and disabled by default. The position is polled only
while at least one of them is enabled, once a minute and right after every
PTZ command of this integration.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
import logging
from typing import cast

from homeassistant.components.sensor import SensorEntity, SensorEntityDescription
from homeassistant.const import DEGREE, EntityCategory
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed

from . import CgiCameraConfigEntry
from .api import CameraError, PtzPosition
from .const import DOMAIN
from .entity import CgiCameraBaseEntity
from .ptz import camera_arg, ptz_sources, source_translation

_LOGGER = logging.getLogger(__name__)

POSITION_INTERVAL = timedelta(seconds=60)


class PtzPositionCoordinator(DataUpdateCoordinator[PtzPosition]):
    """Polls ``query=position`` of one source, only while sensors listen."""

    config_entry: CgiCameraConfigEntry

    def __init__(
        self, hass: HomeAssistant, entry: CgiCameraConfigEntry, source: int
    ) -> None:
        """Initialise the coordinator of ``source``."""
        super().__init__(
            hass,
            _LOGGER,
            config_entry=entry,
            name=f"{DOMAIN} PTZ position {source}",
            update_interval=POSITION_INTERVAL,
            always_update=False,
        )
        self.source = source
        self.users = 0

    async def _async_update_data(self) -> PtzPosition:
        runtime = self.config_entry.runtime_data
        try:
            return await runtime.client.ptz_position(
                camera=camera_arg(runtime, self.source)
            )
        except CameraError as err:
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="update_failed",
                translation_placeholders={"error": str(err)},
            ) from err

    @callback
    def async_refresh_soon(self) -> None:
        """Refresh after a PTZ command (debounced)."""
        self.config_entry.async_create_task(
            self.hass, self.async_request_refresh(), f"{DOMAIN} PTZ position"
        )


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
    sensors: list[SensorEntity] = []
    for source in ptz_sources(runtime):
        coordinator = PtzPositionCoordinator(runtime.coordinator.hass, entry, source)
        sensors.extend(
            CgiCameraPtzSensor(coordinator, description)
            for description in POSITION_SENSORS
        )
    return sensors


class CgiCameraPtzSensor(CgiCameraBaseEntity, SensorEntity):
    """One position value of one PTZ source."""

    entity_description: PtzSensorDescription
    _attr_entity_category = EntityCategory.DIAGNOSTIC
    _attr_entity_registry_enabled_default = False

    def __init__(
        self, position: PtzPositionCoordinator, description: PtzSensorDescription
    ) -> None:
        """Initialise the sensor."""
        runtime = position.config_entry.runtime_data
        super().__init__(runtime.coordinator, description, position.source)
        self.position = position
        self._attr_translation_key, self._attr_translation_placeholders = (
            source_translation(runtime, description.key, position.source)
        )

    async def async_added_to_hass(self) -> None:
        """Poll the position while the sensor exists."""
        await super().async_added_to_hass()
        position = self.position
        state = position.config_entry.runtime_data.ptz.source(position.source)
        position.users += 1
        state.position_refresh = position.async_refresh_soon
        self.async_on_remove(position.async_add_listener(self.async_write_ha_state))
        self.async_on_remove(self._async_release)
        await position.async_request_refresh()

    @callback
    def _async_release(self) -> None:
        position = self.position
        position.users -= 1
        if not position.users:
            runtime = position.config_entry.runtime_data
            runtime.ptz.source(position.source).position_refresh = None

    @property
    def available(self) -> bool:
        """Return whether the last position poll succeeded."""
        return self.position.last_update_success and self.native_value is not None

    @property
    def native_value(self) -> float | None:
        """Return the value."""
        data = cast("PtzPosition | None", self.position.data)
        if data is None:
            return None
        return self.entity_description.value_fn(data)
