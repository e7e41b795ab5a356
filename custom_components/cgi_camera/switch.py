"""Output relays."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from homeassistant.components.switch import SwitchEntity, SwitchEntityDescription
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
import voluptuous as vol

from .action_support import check_range, integer, validate
from .api import CameraError, PulseSequence
from .const import (
    ATTR_COUNT,
    ATTR_OFF_MS,
    ATTR_ON_MS,
    MAX_PULSE_COUNT,
    MAX_PULSE_MS,
    MIN_PULSE_COUNT,
    MIN_PULSE_MS,
)
from .coordinator import CgiCameraCoordinator
from .entity import CgiCameraEntity
from .errors import device_error

if TYPE_CHECKING:
    from . import CgiCameraConfigEntry

# One request per relay action; the device handles one output per request.
PARALLEL_UPDATES = 1

OUTPUT_DESCRIPTION = SwitchEntityDescription(key="output", translation_key="output")


async def async_setup_entry(
    hass: HomeAssistant,
    entry: CgiCameraConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add one switch per output relay."""
    coordinator = entry.runtime_data.coordinator
    async_add_entities(
        CgiCameraOutputSwitch(coordinator, port) for port in coordinator.output_ports
    )


# Checked in the entity, not by the registered schema: Home Assistant 2025.4
# raises a schema's vol.Invalid untranslated, and bad input must become a
# translated ServiceValidationError before any request.
PULSE_SCHEMA = vol.Schema(
    {
        vol.Required(ATTR_ON_MS): integer,
        vol.Required(ATTR_OFF_MS): integer,
        vol.Optional(ATTR_COUNT, default=1): integer,
    }
)


class CgiCameraOutputSwitch(CgiCameraEntity, SwitchEntity):
    """One output relay; shows the state the device confirmed."""

    def __init__(self, coordinator: CgiCameraCoordinator, port: int) -> None:
        """Initialise the relay; the device's own port name wins when set."""
        super().__init__(coordinator, OUTPUT_DESCRIPTION, port)
        self.port = port
        self._name_port(coordinator.device.output_names, port)

    @property
    def available(self) -> bool:
        """Return whether the relay state is known."""
        return super().available and self.port in self.coordinator.data.outputs

    @property
    def is_on(self) -> bool | None:
        """Return whether the relay is active."""
        return self.coordinator.data.outputs.get(self.port)

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Activate the relay."""
        await self._async_set(True)

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Deactivate the relay."""
        await self._async_set(False)

    async def _async_set(self, active: bool) -> None:
        client = self.coordinator.client
        try:
            await client.set_output(self.port, active)
            # Show what the device confirms, not what was asked.
            confirmed = await client.output_states([self.port])
        except CameraError as err:
            raise device_error(err, "set_output_failed", port=self.port) from err
        self.coordinator.async_set_outputs(confirmed)

    async def async_pulse_output(self, **data: Any) -> None:
        """Pulse the relay: ``count`` times on for ``on_ms``, off for ``off_ms``."""
        values = validate(PULSE_SCHEMA, data)
        on_ms, off_ms, count = (
            values[k] for k in (ATTR_ON_MS, ATTR_OFF_MS, ATTR_COUNT)
        )
        check_range(ATTR_ON_MS, on_ms, MIN_PULSE_MS, MAX_PULSE_MS)
        check_range(ATTR_OFF_MS, off_ms, MIN_PULSE_MS, MAX_PULSE_MS)
        check_range(ATTR_COUNT, count, MIN_PULSE_COUNT, MAX_PULSE_COUNT)
        # Within these ranges PulseSequence.pulses() cannot refuse.
        sequence = PulseSequence.pulses(on_ms, off_ms, count)
        client = self.coordinator.client
        try:
            await client.pulse_output(self.port, sequence)
            confirmed = await client.output_states([self.port])
        except CameraError as err:
            raise device_error(err, "pulse_output_failed", port=self.port) from err
        self.coordinator.async_set_outputs(confirmed)
