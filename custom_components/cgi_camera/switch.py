"""Output relays, the IP filter and the device's event rules."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from homeassistant.components.switch import (
    SwitchDeviceClass,
    SwitchEntity,
    SwitchEntityDescription,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .api import CameraError, PulseSequence
from .const import (
    ATTR_COUNT,
    ATTR_OFF_MS,
    ATTR_ON_MS,
)
from .coordinator import CgiCameraCoordinator
from .entity import CgiCameraEntity
from .errors import device_error
from .event_rules import async_setup_event_rules
from .ip_filter import IpFilterSwitch

if TYPE_CHECKING:
    from .runtime import CgiCameraConfigEntry

# One request per relay action; the device handles one output per request.
PARALLEL_UPDATES = 1

# SWITCH, not OUTLET: an output is a relay contact (or an open-collector
# output) that can drive a door opener, a siren or a light, not a mains socket
# whose consumer is known. Its icons (relay contact open/closed) come from
# icons.json.
OUTPUT_DESCRIPTION = SwitchEntityDescription(
    key="output", translation_key="output", device_class=SwitchDeviceClass.SWITCH
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: CgiCameraConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add one switch per output relay, the IP filter's, one per event rule."""
    coordinator = entry.runtime_data.coordinator
    switches: list[SwitchEntity] = [
        CgiCameraOutputSwitch(coordinator, port) for port in coordinator.output_ports
    ]
    switches.append(IpFilterSwitch(coordinator))
    async_add_entities(switches)
    async_setup_event_rules(hass, entry, async_add_entities)


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
            await client.io.set_output(self.port, active)
            # Show what the device confirms, not what was asked.
            confirmed = await client.io.output_states([self.port])
        except CameraError as err:
            raise device_error(err, "set_output_failed", port=self.port) from err
        self.coordinator.async_set_outputs(confirmed)

    async def async_pulse_output(self, **data: Any) -> None:
        """Pulse the relay: ``count`` times on for ``on_ms``, off for ``off_ms``.

        ``data`` passed the registered schema (services.PULSE_OUTPUT_SCHEMA),
        whose ranges PulseSequence.pulses() never refuses.
        """
        sequence = PulseSequence.pulses(
            data[ATTR_ON_MS], data[ATTR_OFF_MS], data[ATTR_COUNT]
        )
        client = self.coordinator.client
        try:
            await client.io.pulse_output(self.port, sequence)
            confirmed = await client.io.output_states([self.port])
        except CameraError as err:
            raise device_error(err, "pulse_output_failed", port=self.port) from err
        self.coordinator.async_set_outputs(confirmed)
