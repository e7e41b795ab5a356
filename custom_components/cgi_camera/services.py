"""The integration's actions, registered once in async_setup."""

from __future__ import annotations

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.typing import VolDictType
import voluptuous as vol

from .compat import async_register_platform_entity_service
from .const import (
    ATTR_COUNT,
    ATTR_OFF_MS,
    ATTR_ON_MS,
    DOMAIN,
    SERVICE_PULSE_OUTPUT,
)
from .device_actions import async_setup_device_services
from .ptz import async_setup_ptz_services

# Any values: the switch validates them into translated errors (switch.py).
PULSE_OUTPUT_SCHEMA: VolDictType = {
    vol.Optional(ATTR_ON_MS): object,
    vol.Optional(ATTR_OFF_MS): object,
    vol.Optional(ATTR_COUNT): object,
}


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register every action of the integration."""
    async_register_platform_entity_service(
        hass,
        DOMAIN,
        SERVICE_PULSE_OUTPUT,
        entity_domain=Platform.SWITCH,
        func="async_pulse_output",
        schema=PULSE_OUTPUT_SCHEMA,
    )
    async_setup_ptz_services(hass)
    async_setup_device_services(hass)
