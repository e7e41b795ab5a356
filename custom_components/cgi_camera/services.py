"""The integration's actions, registered once in async_setup."""

from __future__ import annotations

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import config_validation as cv
import voluptuous as vol

from .action_support import ActionSchema, in_range, integer
from .compat import async_register_platform_entity_service
from .const import (
    ATTR_COUNT,
    ATTR_OFF_MS,
    ATTR_ON_MS,
    DOMAIN,
    MAX_PULSE_COUNT,
    MAX_PULSE_MS,
    MIN_PULSE_COUNT,
    MIN_PULSE_MS,
    SERVICE_PULSE_OUTPUT,
)
from .device_actions import async_setup_device_services
from .ptz import async_setup_ptz_services

# Relays are entities: Home Assistant checks the caller's control of them.
PULSE_OUTPUT_SCHEMA = ActionSchema(
    cv.make_entity_service_schema(
        {
            vol.Required(ATTR_ON_MS): vol.All(
                integer, in_range(MIN_PULSE_MS, MAX_PULSE_MS)
            ),
            vol.Required(ATTR_OFF_MS): vol.All(
                integer, in_range(MIN_PULSE_MS, MAX_PULSE_MS)
            ),
            vol.Optional(ATTR_COUNT, default=1): vol.All(
                integer, in_range(MIN_PULSE_COUNT, MAX_PULSE_COUNT)
            ),
        }
    )
)


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
