"""Actions exist from async_setup on, with or without a loaded entry."""

from __future__ import annotations

from unittest.mock import Mock, patch

from homeassistant.const import ATTR_ENTITY_ID, STATE_OFF, STATE_ON, Platform
from homeassistant.core import HomeAssistant, SupportsResponse
from homeassistant.helpers import service as service_helper
from homeassistant.setup import async_setup_component
import pytest

from custom_components.cgi_camera.compat import async_register_platform_entity_service
from custom_components.cgi_camera.const import DOMAIN, SERVICE_PULSE_OUTPUT
from simulator import Simulator
from tests.helpers import SetupIntegration

OUTPUT_1 = "switch.cgi_camera_output_1"


async def test_actions_registered_without_entry(
    hass: HomeAssistant, caplog: pytest.LogCaptureFixture
) -> None:
    """The actions exist before any entry; a target without entity is logged."""
    assert await async_setup_component(hass, DOMAIN, {})
    assert hass.services.has_service(DOMAIN, SERVICE_PULSE_OUTPUT)
    assert hass.services.has_service(DOMAIN, "ptz_move")
    await hass.services.async_call(
        DOMAIN,
        SERVICE_PULSE_OUTPUT,
        {ATTR_ENTITY_ID: "switch.nothing", "on_ms": 100, "off_ms": 100},
        blocking=True,
    )
    assert "switch.nothing are missing" in caplog.text


async def test_compat_uses_home_assistant_helper(hass: HomeAssistant) -> None:
    """Where Home Assistant has the platform entity service helper, it is used."""
    helper = Mock()
    with patch.object(
        service_helper, "async_register_platform_entity_service", helper, create=True
    ):
        async_register_platform_entity_service(
            hass,
            DOMAIN,
            "test_action",
            entity_domain="switch",
            func="async_turn_on",
            schema=None,
        )
    helper.assert_called_once_with(
        hass,
        DOMAIN,
        "test_action",
        entity_domain="switch",
        func="async_turn_on",
        required_features=None,
        schema=None,
        supports_response=SupportsResponse.NONE,
    )
    assert not hass.services.has_service(DOMAIN, "test_action")


async def test_compat_fallback_shares_the_platform_dict(
    hass: HomeAssistant,
    simulator: Simulator,
    setup: SetupIntegration,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Without the helper, the action sees the entities the platform adds."""
    monkeypatch.delattr(
        service_helper, "async_register_platform_entity_service", raising=False
    )
    async_register_platform_entity_service(
        hass,
        DOMAIN,
        "test_action",
        entity_domain="switch",
        func="async_turn_on",
        schema=None,
    )
    await setup(simulator, platforms=[Platform.SWITCH])
    assert hass.states.get(OUTPUT_1).state == STATE_OFF
    await hass.services.async_call(
        DOMAIN, "test_action", {ATTR_ENTITY_ID: OUTPUT_1}, blocking=True
    )
    assert hass.states.get(OUTPUT_1).state == STATE_ON
