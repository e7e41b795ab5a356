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

PULSE_OUTPUT_SCHEMA: VolDictType = {
    vol.Required(ATTR_ON_MS): vol.Coerce(int),
    vol.Required(ATTR_OFF_MS): vol.Coerce(int),
    vol.Optional(ATTR_COUNT, default=1): vol.Coerce(int),
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
