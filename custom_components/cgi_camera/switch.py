"""Output relays."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from homeassistant.components.switch import SwitchEntity, SwitchEntityDescription
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .api import CameraError, CameraValueError, PulseSequence
from .const import (
    ATTR_COUNT,
    ATTR_OFF_MS,
    ATTR_ON_MS,
    DOMAIN,
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


def _check_range(name: str, value: int, minimum: int, maximum: int) -> None:
    if not minimum <= value <= maximum:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="value_out_of_range",
            translation_placeholders={
                "name": name,
                "value": str(value),
                "minimum": str(minimum),
                "maximum": str(maximum),
            },
        )


class CgiCameraOutputSwitch(CgiCameraEntity, SwitchEntity):
    """One output relay; shows the state the device confirmed."""

    def __init__(self, coordinator: CgiCameraCoordinator, port: int) -> None:
        """Initialise the relay; the device's own port name wins when set."""
        super().__init__(coordinator, OUTPUT_DESCRIPTION, port)
        self.port = port
        if name := (coordinator.device.output_names.get(port) or "").strip():
            self._attr_name = name
        else:
            self._attr_translation_placeholders = {"number": str(port)}

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
            confirmed = await client.check_outputs([self.port])
        except CameraError as err:
            raise device_error(err, "set_output_failed", port=self.port) from err
        self.coordinator.async_set_outputs(confirmed)

    async def async_pulse_output(self, on_ms: int, off_ms: int, count: int) -> None:
        """Pulse the relay: ``count`` times on for ``on_ms``, off for ``off_ms``."""
        _check_range(ATTR_ON_MS, on_ms, MIN_PULSE_MS, MAX_PULSE_MS)
        _check_range(ATTR_OFF_MS, off_ms, MIN_PULSE_MS, MAX_PULSE_MS)
        _check_range(ATTR_COUNT, count, MIN_PULSE_COUNT, MAX_PULSE_COUNT)
        try:
            sequence = PulseSequence.pulses(on_ms, off_ms, count)
        except CameraValueError as err:  # pragma: no cover - ranges above are narrower
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="invalid_pulse",
                translation_placeholders={"error": str(err)},
            ) from err
        client = self.coordinator.client
        try:
            await client.pulse_output(self.port, sequence)
            confirmed = await client.check_outputs([self.port])
        except CameraError as err:
            raise device_error(err, "pulse_output_failed", port=self.port) from err
        self.coordinator.async_set_outputs(confirmed)
