"""The integration's actions, registered once in async_setup."""

from __future__ import annotations

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant, SupportsResponse, callback
from homeassistant.helpers import config_validation as cv
import voluptuous as vol

from .action_support import ActionSchema, in_range, integer, number
from .compat import async_register_platform_entity_service
from .const import (
    ATTR_COUNT,
    ATTR_DURATION,
    ATTR_FILENAME,
    ATTR_LOOKBACK,
    ATTR_OFF_MS,
    ATTR_ON_MS,
    DOMAIN,
    MAX_CLIP_SECONDS,
    MAX_LOOKBACK_SECONDS,
    MAX_PULSE_COUNT,
    MAX_PULSE_MS,
    MIN_CLIP_SECONDS,
    MIN_PULSE_COUNT,
    MIN_PULSE_MS,
    SERVICE_PULSE_OUTPUT,
    SERVICE_RECORD_CLIP,
)
from .device_actions import async_setup_device_services
from .motion_windows import async_setup_motion_window_services
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

# Clips are of camera entities; the file name is a template (entity_id, device,
# camera and now are its variables), checked against the allowed folders.
RECORD_CLIP_SCHEMA = ActionSchema(
    cv.make_entity_service_schema(
        {
            vol.Required(ATTR_DURATION): vol.All(
                number, in_range(MIN_CLIP_SECONDS, MAX_CLIP_SECONDS)
            ),
            vol.Optional(ATTR_LOOKBACK, default=0): vol.All(
                number, in_range(0, MAX_LOOKBACK_SECONDS)
            ),
            vol.Optional(ATTR_FILENAME): cv.template,
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
    async_register_platform_entity_service(
        hass,
        DOMAIN,
        SERVICE_RECORD_CLIP,
        entity_domain=Platform.CAMERA,
        func="async_record_clip",
        schema=RECORD_CLIP_SCHEMA,
        supports_response=SupportsResponse.OPTIONAL,
    )
    async_setup_ptz_services(hass)
    async_setup_device_services(hass)
    async_setup_motion_window_services(hass)
