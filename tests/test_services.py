"""Actions exist from async_setup on, with or without a loaded entry."""

from __future__ import annotations

from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.setup import async_setup_component
import pytest

from custom_components.cgi_camera.const import DOMAIN, SERVICE_PULSE_OUTPUT


async def test_actions_registered_without_entry(hass: HomeAssistant) -> None:
    """pulse_output exists before any entry and refuses an empty target."""
    assert await async_setup_component(hass, DOMAIN, {})
    assert hass.services.has_service(DOMAIN, SERVICE_PULSE_OUTPUT)
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN,
            SERVICE_PULSE_OUTPUT,
            {ATTR_ENTITY_ID: "switch.nothing", "on_ms": 100, "off_ms": 100},
            blocking=True,
        )
    assert err.value.translation_key == "no_target"
