"""An event entity per digital input: every pushed change, doorbells ring."""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.components.event import (
    EventDeviceClass,
    EventEntity,
    EventEntityDescription,
)
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .const import (
    CONF_DOORBELL_INPUTS,
    EVENT_TYPE_ACTIVATED,
    EVENT_TYPE_DEACTIVATED,
    EVENT_TYPE_RING,
)
from .coordinator import CgiCameraCoordinator
from .entity import CgiCameraBaseEntity

if TYPE_CHECKING:
    from .runtime import CgiCameraConfigEntry

# Events come from the push stream: no entity sends requests of its own.
PARALLEL_UPDATES = 0

# A press is an event, not a state (Home Assistant's guidance for buttons):
# a 20 ms press seen as "/" then "\" in one read fires both.
INPUT_EVENTS = EventEntityDescription(
    key="input_events",
    translation_key="input_events",
    event_types=[EVENT_TYPE_ACTIVATED, EVENT_TYPE_DEACTIVATED],
)
# Home Assistant's doorbells fire "ring"; the release is not an event.
DOORBELL = EventEntityDescription(
    key="input_events",
    translation_key="doorbell",
    device_class=EventDeviceClass.DOORBELL,
    event_types=[EVENT_TYPE_RING],
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: CgiCameraConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add one event entity per digital input."""
    coordinator = entry.runtime_data.coordinator
    doorbells = {int(port) for port in entry.options.get(CONF_DOORBELL_INPUTS, [])}
    async_add_entities(
        CgiCameraInputEvent(
            coordinator, port, DOORBELL if port in doorbells else INPUT_EVENTS
        )
        for port in coordinator.input_ports
    )


class CgiCameraInputEvent(CgiCameraBaseEntity, EventEntity):
    """Every change of one input that the monitor stream saw happen.

    A resync after a reconnect corrects the input's binary sensor but fires
    nothing here: that change was not seen happening.
    """

    def __init__(
        self,
        coordinator: CgiCameraCoordinator,
        port: int,
        description: EventEntityDescription,
    ) -> None:
        """Initialise; the unique id is the same for a doorbell or not."""
        super().__init__(coordinator, description, port)
        self.port = port
        self._name_port(coordinator.device.input_names, port)

    async def async_added_to_hass(self) -> None:
        """Follow the input's pushed changes and the stream's availability."""
        await super().async_added_to_hass()
        coordinator = self.coordinator
        self.async_on_remove(
            coordinator.async_add_input_event_listener(self.port, self._async_changed)
        )
        # Availability: the streams connected or lost.
        self.async_on_remove(
            coordinator.async_add_availability_listener(self.async_write_ha_state)
        )

    @callback
    def _async_changed(self, active: bool) -> None:
        if self.entity_description.device_class is EventDeviceClass.DOORBELL:
            if not active:
                return
            self._trigger_event(EVENT_TYPE_RING)
        else:
            self._trigger_event(
                EVENT_TYPE_ACTIVATED if active else EVENT_TYPE_DEACTIVATED
            )
        self.async_write_ha_state()

    @property
    def available(self) -> bool:
        """Return whether the input's changes reach Home Assistant."""
        return self.coordinator.inputs_available
