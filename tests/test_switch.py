"""Relays: switched through output.cgi, state confirmed by the device."""

from __future__ import annotations

import json
from pathlib import Path
from unittest.mock import patch

from homeassistant.components.switch import (
    DOMAIN as SWITCH_DOMAIN,
    SERVICE_TURN_OFF,
    SERVICE_TURN_ON,
    SwitchDeviceClass,
)
from homeassistant.const import (
    ATTR_ENTITY_ID,
    CONF_PASSWORD,
    CONF_USERNAME,
    STATE_OFF,
    STATE_ON,
    Platform,
)
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import entity_registry as er
import pytest
from syrupy.assertion import SnapshotAssertion

from custom_components.cgi_camera.api import (
    CameraAuthenticationError,
    CameraForbiddenError,
    CameraRequestRefusedError,
)
from custom_components.cgi_camera.const import DOMAIN, SERVICE_PULSE_OUTPUT
from simulator import Simulator
from tests.helpers import (
    POLL_SECONDS,
    SetupIntegration,
    fire_time,
    snapshot_entities,
    wait_for_state,
)

OUTPUT_1 = "switch.cgi_camera_output_1"
OUTPUT_2 = "switch.cgi_camera_output_2"
API = "custom_components.cgi_camera.api"
ICONS = json.loads(
    (
        Path(__file__).parent.parent / "custom_components" / DOMAIN / "icons.json"
    ).read_text()
)["entity"]


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_entities(
    hass: HomeAssistant,
    simulator: Simulator,
    setup: SetupIntegration,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    """One switch per relay, and the IP filter's (disabled by default)."""
    entry = await setup(simulator, platforms=[Platform.SWITCH])
    await snapshot_entities(hass, entity_registry, snapshot, entry.entry_id, "switch")


async def test_device_class_and_icons(
    hass: HomeAssistant,
    simulator: Simulator,
    setup: SetupIntegration,
    entity_registry: er.EntityRegistry,
) -> None:
    """A relay is a switch (not an outlet) with its own icon per state.

    Its icons differ from the inputs' so that a relay and an input are told
    apart on a dashboard.
    """
    await setup(simulator, platforms=[Platform.SWITCH])
    assert hass.states.get(OUTPUT_1).attributes["device_class"] == "switch"
    entity = entity_registry.async_get(OUTPUT_1)
    assert entity is not None
    assert entity.original_device_class is SwitchDeviceClass.SWITCH
    relay = ICONS["switch"][entity.translation_key]
    relay_icons = {relay["default"], relay["state"]["on"]}
    assert len(relay_icons) == 2
    inputs = ICONS["binary_sensor"]["input"]
    assert relay_icons.isdisjoint({inputs["default"], inputs["state"]["on"]})


async def test_switch_reaches_device(
    hass: HomeAssistant, simulator: Simulator, setup: SetupIntegration
) -> None:
    """Switching from Home Assistant changes the simulator's relay."""
    await setup(simulator, platforms=[Platform.SWITCH])
    await hass.services.async_call(
        SWITCH_DOMAIN, SERVICE_TURN_ON, {ATTR_ENTITY_ID: OUTPUT_1}, blocking=True
    )
    assert simulator.output_state(1) is True
    assert hass.states.get(OUTPUT_1).state == STATE_ON
    await hass.services.async_call(
        SWITCH_DOMAIN, SERVICE_TURN_OFF, {ATTR_ENTITY_ID: OUTPUT_1}, blocking=True
    )
    assert simulator.output_state(1) is False
    assert hass.states.get(OUTPUT_1).state == STATE_OFF


async def test_relay_changed_on_device_is_polled(
    hass: HomeAssistant, simulator: Simulator, setup: SetupIntegration
) -> None:
    """A relay changed by the device itself shows after the next poll."""
    await setup(simulator, platforms=[Platform.SWITCH])
    simulator.set_output(2, True)
    fire_time(hass, POLL_SECONDS)
    await wait_for_state(hass, OUTPUT_2, STATE_ON)


async def test_shown_state_is_confirmed(
    hass: HomeAssistant, simulator: Simulator, setup: SetupIntegration
) -> None:
    """If the device does not switch, the entity does not pretend it did."""
    await setup(simulator, platforms=[Platform.SWITCH])
    with patch(f"{API}.IoApi.set_output", return_value=None):
        await hass.services.async_call(
            SWITCH_DOMAIN, SERVICE_TURN_ON, {ATTR_ENTITY_ID: OUTPUT_1}, blocking=True
        )
    assert hass.states.get(OUTPUT_1).state == STATE_OFF


async def test_refused_action_raises_translated_error(
    hass: HomeAssistant, simulator: Simulator, setup: SetupIntegration
) -> None:
    """A device refusal becomes a translated HomeAssistantError."""
    await setup(simulator, platforms=[Platform.SWITCH])
    with (
        patch(
            f"{API}.IoApi.set_output",
            side_effect=CameraRequestRefusedError("Request failed: busy"),
        ),
        pytest.raises(HomeAssistantError) as err,
    ):
        await hass.services.async_call(
            SWITCH_DOMAIN, SERVICE_TURN_ON, {ATTR_ENTITY_ID: OUTPUT_1}, blocking=True
        )
    assert err.value.translation_key == "request_refused"
    assert err.value.translation_domain == DOMAIN


@pytest.mark.parametrize(
    ("exception", "key"),
    [
        (CameraForbiddenError("403", "operator"), "action_forbidden_operator"),
        (CameraAuthenticationError("401"), "action_unauthorized"),
    ],
)
async def test_rights_errors(
    hass: HomeAssistant,
    simulator: Simulator,
    setup: SetupIntegration,
    exception: Exception,
    key: str,
) -> None:
    """403 and 401 on an action have their own messages."""
    await setup(simulator, platforms=[Platform.SWITCH])
    with (
        patch(f"{API}.IoApi.set_output", side_effect=exception),
        pytest.raises(HomeAssistantError) as err,
    ):
        await hass.services.async_call(
            SWITCH_DOMAIN, SERVICE_TURN_ON, {ATTR_ENTITY_ID: OUTPUT_1}, blocking=True
        )
    assert err.value.translation_key == key


async def test_unreachable_action_raises_translated_error(
    hass: HomeAssistant, simulator: Simulator, setup: SetupIntegration
) -> None:
    """A device that does not answer gives a translated error too."""
    await setup(simulator, platforms=[Platform.SWITCH])
    simulator.faults.refuse_next(1)
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            SWITCH_DOMAIN, SERVICE_TURN_OFF, {ATTR_ENTITY_ID: OUTPUT_2}, blocking=True
        )
    assert err.value.translation_key == "set_output_failed"
    assert err.value.translation_placeholders["port"] == "2"


async def test_pulse_output(
    hass: HomeAssistant, simulator: Simulator, setup: SetupIntegration
) -> None:
    """The pulse action sends the spec's sequence for the relay."""
    await setup(simulator, platforms=[Platform.SWITCH])
    requests = simulator.counters.requests.get("/io/output.cgi", 0)
    await hass.services.async_call(
        DOMAIN,
        SERVICE_PULSE_OUTPUT,
        {ATTR_ENTITY_ID: OUTPUT_2, "on_ms": 300, "off_ms": 500, "count": 2},
        blocking=True,
    )
    # One action request and one check.
    assert simulator.counters.requests["/io/output.cgi"] == requests + 2
    assert simulator.output_actions[-1] == "2:/300\\500/300\\"


@pytest.mark.parametrize(
    "data",
    [
        {"on_ms": "abc", "off_ms": 100},
        {"on_ms": 100},
        {"on_ms": 100, "off_ms": 1.5},
        {"on_ms": True, "off_ms": 100},
        {"on_ms": 100, "off_ms": 100, "count": None},
    ],
)
async def test_pulse_output_refuses_non_numbers(
    hass: HomeAssistant,
    simulator: Simulator,
    setup: SetupIntegration,
    data: dict[str, object],
) -> None:
    """Wrong types and missing fields give a translated error, and no request."""
    await setup(simulator, platforms=[Platform.SWITCH])
    before = simulator.counters.total_requests
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN,
            SERVICE_PULSE_OUTPUT,
            {ATTR_ENTITY_ID: OUTPUT_1, **data},
            blocking=True,
        )
    assert err.value.translation_key == "invalid_argument"
    assert simulator.counters.total_requests == before


async def test_pulse_output_refused_and_targets(
    hass: HomeAssistant,
    simulator: Simulator,
    setup: SetupIntegration,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A refused pulse gives a translated error; other targets are skipped.

    Like every entity action, a target that is not one of the integration's
    loaded relays is only logged by Home Assistant, and nothing is sent.
    """
    entry = await setup(simulator, platforms=[Platform.SWITCH])
    with (
        patch(f"{API}.IoApi.pulse_output", side_effect=CameraRequestRefusedError("no")),
        pytest.raises(HomeAssistantError) as err,
    ):
        await hass.services.async_call(
            DOMAIN,
            SERVICE_PULSE_OUTPUT,
            {ATTR_ENTITY_ID: OUTPUT_1, "on_ms": 100, "off_ms": 100},
            blocking=True,
        )
    assert err.value.translation_key == "request_refused"

    before = simulator.counters.total_requests
    await hass.services.async_call(
        DOMAIN,
        SERVICE_PULSE_OUTPUT,
        {ATTR_ENTITY_ID: "switch.not_ours", "on_ms": 100, "off_ms": 100},
        blocking=True,
    )
    assert "switch.not_ours are missing" in caplog.text
    assert simulator.counters.total_requests == before

    await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    caplog.clear()
    before = simulator.counters.total_requests
    await hass.services.async_call(
        DOMAIN,
        SERVICE_PULSE_OUTPUT,
        {ATTR_ENTITY_ID: OUTPUT_1, "on_ms": 100, "off_ms": 100},
        blocking=True,
    )
    assert f"{OUTPUT_1} are missing" in caplog.text
    assert simulator.counters.total_requests == before


async def test_a_viewer_account_is_told_it_needs_operator_rights(
    hass: HomeAssistant, simulator: Simulator, setup: SetupIntegration
) -> None:
    """A real 403 from the device names the right the relay needs."""
    simulator.add_user("watcher", "look1", "viewer")
    await setup(
        simulator,
        platforms=[Platform.SWITCH],
        data={CONF_USERNAME: "watcher", CONF_PASSWORD: "look1"},
    )
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            SWITCH_DOMAIN, SERVICE_TURN_ON, {ATTR_ENTITY_ID: OUTPUT_1}, blocking=True
        )
    assert err.value.translation_key == "action_forbidden_operator"
    assert simulator.output_state(1) is False
