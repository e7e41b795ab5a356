"""Digital inputs, pushed by the device's input monitor stream."""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.components.binary_sensor import (
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import CgiCameraCoordinator
from .entity import CgiCameraBaseEntity
from .video_status import build_video_signal_sensors

if TYPE_CHECKING:
    from .runtime import CgiCameraConfigEntry

# Inputs come from the push stream, the video signal from the coordinator's
# poll: no entity sends requests of its own.
PARALLEL_UPDATES = 0

# No device class: an input is a contact the installer wires to anything (a
# door contact, a PIR detector, a doorbell, a tamper loop), and neither the API
# nor the device says what. A class chosen here would be wrong for most; users
# set the right one with "Show as" in the entity settings. The icons
# (icons.json) show an input that is inactive or active.
INPUT_DESCRIPTION = BinarySensorEntityDescription(key="input", translation_key="input")


async def async_setup_entry(
    hass: HomeAssistant,
    entry: CgiCameraConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add one binary sensor per digital input."""
    coordinator = entry.runtime_data.coordinator
    async_add_entities(
        CgiCameraInputSensor(coordinator, port) for port in coordinator.input_ports
    )
    # Video servers: a video_signal sensor per source (video_status.py).
    async_add_entities(build_video_signal_sensors(entry))


class CgiCameraInputSensor(CgiCameraBaseEntity, BinarySensorEntity):
    """One digital input; updated only by the stream and its resyncs."""

    def __init__(self, coordinator: CgiCameraCoordinator, port: int) -> None:
        """Initialise the input; the device's own port name wins when set."""
        super().__init__(coordinator, INPUT_DESCRIPTION, port)
        self.port = port
        self._name_port(coordinator.device.input_names, port)

    async def async_added_to_hass(self) -> None:
        """Follow the input stream."""
        await super().async_added_to_hass()
        self.async_on_remove(
            self.coordinator.async_add_input_listener(
                self.async_write_ha_state, self.port
            )
        )

    @property
    def available(self) -> bool:
        """Return whether the input state is live."""
        return (
            self.coordinator.inputs_available and self.port in self.coordinator.inputs
        )

    @property
    def is_on(self) -> bool | None:
        """Return whether the input is active."""
        return self.coordinator.inputs.get(self.port)
