"""The IP filter: its switch (polled while enabled) and its actions."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from homeassistant.components.switch import (
    DOMAIN as SWITCH_DOMAIN,
    SERVICE_TURN_OFF,
    SERVICE_TURN_ON,
)
from homeassistant.const import ATTR_ENTITY_ID, STATE_OFF, STATE_ON, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.cgi_camera.const import DOMAIN
from simulator import Simulator
from tests.helpers import (
    SetupIntegration,
    call_device_action,
    sim_mac,
    wait_for_state,
)

IP_FILTER = "switch.cgi_camera_ip_filter"
HOME_ASSISTANT = "127.0.0.1"  # the simulator sees Home Assistant's loopback address


async def switch(hass: HomeAssistant, on: bool) -> None:
    """Turn the IP filter switch on or off."""
    await hass.services.async_call(
        SWITCH_DOMAIN,
        SERVICE_TURN_ON if on else SERVICE_TURN_OFF,
        {ATTR_ENTITY_ID: IP_FILTER},
        blocking=True,
    )


@pytest.fixture
async def entry(
    hass: HomeAssistant,
    simulator: Simulator,
    setup: SetupIntegration,
    entity_registry: er.EntityRegistry,
    tmp_path: Path,
) -> MockConfigEntry:
    """A camera with the (disabled by default) IP filter switch enabled."""
    hass.config.config_dir = str(tmp_path)
    entity_registry.async_get_or_create(
        "switch",
        DOMAIN,
        f"{sim_mac(simulator)}-ip_filter",
        suggested_object_id="cgi_camera_ip_filter",
    )
    return await setup(simulator)


async def test_disabled_by_default(
    hass: HomeAssistant,
    simulator: Simulator,
    setup: SetupIntegration,
    entity_registry: er.EntityRegistry,
) -> None:
    """Disabled by default, configuration category: no ipfilter.cgi request."""
    await setup(simulator)
    entity_id = entity_registry.async_get_entity_id(
        "switch", DOMAIN, f"{sim_mac(simulator)}-ip_filter"
    )
    assert entity_id == IP_FILTER
    registered = entity_registry.async_get(IP_FILTER)
    assert registered is not None
    assert registered.disabled_by is er.RegistryEntryDisabler.INTEGRATION
    assert registered.entity_category == "config"
    assert hass.states.get(IP_FILTER) is None
    assert simulator.counters.requests.get("/ipfilter.cgi", 0) == 0


async def test_switch_polled_and_locked_to_home_assistant(
    hass: HomeAssistant, simulator: Simulator, entry: MockConfigEntry
) -> None:
    """Off, polled once per poll; on only once Home Assistant stays accepted."""
    assert hass.states.get(IP_FILTER).state == STATE_OFF
    before = Counter(simulator.counters.requests)
    await entry.runtime_data.coordinator.async_refresh()
    assert simulator.counters.requests["/ipfilter.cgi"] - before["/ipfilter.cgi"] == 1

    # The list is empty: the device's own verification refuses, nothing changes.
    with pytest.raises(HomeAssistantError) as err:
        await switch(hass, True)
    assert err.value.translation_key == "ip_filter_lockout"
    assert not simulator.state.ipfilter.enabled
    assert hass.states.get(IP_FILTER).state == STATE_OFF

    # The "Lock to Home Assistant" recipe: Home Assistant and an admin PC.
    await call_device_action(
        hass, entry, "ip_filter_add", addresses=[HOME_ASSISTANT, "10.0.0.5"]
    )
    assert simulator.state.ipfilter.addresses == [HOME_ASSISTANT, "10.0.0.5"]
    await switch(hass, True)
    assert simulator.state.ipfilter.enabled
    assert hass.states.get(IP_FILTER).state == STATE_ON
    listed = await call_device_action(hass, entry, "ip_filter_list")
    assert listed == {
        "enabled": True,
        "policy": "allow",
        "addresses": [HOME_ASSISTANT, "10.0.0.5"],
        "home_assistant_accepted": True,
    }

    # Removing Home Assistant's address while on: the device refuses.
    with pytest.raises(HomeAssistantError) as err:
        await call_device_action(
            hass, entry, "ip_filter_remove", addresses=HOME_ASSISTANT
        )
    assert err.value.translation_key == "ip_filter_lockout"
    assert HOME_ASSISTANT in simulator.state.ipfilter.addresses
    await call_device_action(hass, entry, "ip_filter_remove", addresses="10.0.0.5")
    assert simulator.state.ipfilter.addresses == [HOME_ASSISTANT]

    await switch(hass, False)
    assert not simulator.state.ipfilter.enabled
    assert hass.states.get(IP_FILTER).state == STATE_OFF


async def test_turn_on_refused_by_the_change_itself(
    hass: HomeAssistant, simulator: Simulator, entry: MockConfigEntry
) -> None:
    """The list verified, the update then failed verification: lockout error."""
    await call_device_action(hass, entry, "ip_filter_add", addresses=[HOME_ASSISTANT])
    simulator.faults.error_next(
        "/ipfilter.cgi",
        text='Verification failed: IP address "127.0.0.1" is not an accepted address',
    )
    # The first ipfilter.cgi request (the list) gets the failure here.
    with pytest.raises(HomeAssistantError) as err:
        await switch(hass, True)
    assert err.value.translation_key == "ip_filter_lockout"
    assert not simulator.state.ipfilter.enabled


async def test_device_refusals(
    hass: HomeAssistant, simulator: Simulator, entry: MockConfigEntry
) -> None:
    """Other failures: translated device errors; a failed read: unavailable."""
    simulator.faults.status_next(500)
    with pytest.raises(HomeAssistantError) as err:
        await switch(hass, True)
    assert err.value.translation_key == "ip_filter_failed"
    simulator.faults.status_next(500)
    with pytest.raises(HomeAssistantError) as err:
        await switch(hass, False)
    assert err.value.translation_key == "ip_filter_failed"
    simulator.faults.error_next("/ipfilter.cgi", text="# Error: not supported")
    with pytest.raises(HomeAssistantError) as err:
        await call_device_action(hass, entry, "ip_filter_add", addresses="10.0.0.0/8")
    assert err.value.translation_key == "request_refused"
    with pytest.raises(HomeAssistantError) as err:
        await call_device_action(hass, entry, "ip_filter_remove", addresses="10.9.9.9")
    assert err.value.translation_key == "request_refused"  # not in the list
    simulator.faults.status_next(500)
    with pytest.raises(HomeAssistantError) as err:
        await call_device_action(hass, entry, "ip_filter_list")
    assert err.value.translation_key == "ip_filter_failed"
    simulator.faults.error_next("/ipfilter.cgi", text="# Error: not supported")
    await entry.runtime_data.coordinator.async_refresh()
    await wait_for_state(hass, IP_FILTER, STATE_UNAVAILABLE)
    await entry.runtime_data.coordinator.async_refresh()
    await wait_for_state(hass, IP_FILTER, STATE_OFF)


async def test_actions_without_the_switch(
    hass: HomeAssistant, simulator: Simulator, setup: SetupIntegration
) -> None:
    """The switch disabled: the actions still work, nothing more is read."""
    entry = await setup(simulator)
    await call_device_action(
        hass, entry, "ip_filter_add", addresses="192.168.1.0/24, 10.0.0.1/32"
    )
    assert simulator.state.ipfilter.addresses == ["192.168.1.0/24", "10.0.0.1"]
    assert entry.runtime_data.coordinator.data.ip_filter is None
    listed = await call_device_action(hass, entry, "ip_filter_list")
    assert listed["home_assistant_accepted"] is False


@pytest.mark.parametrize(
    ("service", "data"),
    [
        ("ip_filter_add", {}),
        ("ip_filter_add", {"addresses": []}),
        ("ip_filter_add", {"addresses": ""}),
        ("ip_filter_add", {"addresses": ["300.1.1.1"]}),
        ("ip_filter_add", {"addresses": ["10.0.0.1/24"]}),  # host bits set
        ("ip_filter_add", {"addresses": ["fe80::1"]}),
        ("ip_filter_add", {"addresses": ["10.0.0.1&enable=no"]}),
        ("ip_filter_add", {"addresses": [5]}),
        ("ip_filter_add", {"addresses": {"a": 1}}),
        ("ip_filter_add", {"addresses": [f"10.0.0.{n}" for n in range(33)]}),
        ("ip_filter_remove", {"addresses": "host.example"}),
        ("ip_filter_list", {"addresses": "10.0.0.1"}),
    ],
)
async def test_invalid_values(
    hass: HomeAssistant,
    simulator: Simulator,
    entry: MockConfigEntry,
    service: str,
    data: dict[str, Any],
) -> None:
    """Wrong addresses: translated ServiceValidationError, no request."""
    before = simulator.counters.total_requests
    with pytest.raises(ServiceValidationError) as err:
        await call_device_action(hass, entry, service, **data)
    assert err.value.translation_key == "invalid_argument"
    assert simulator.counters.total_requests == before


async def test_duplicates_are_sent_once(
    hass: HomeAssistant, simulator: Simulator, entry: MockConfigEntry
) -> None:
    """The same address twice is one entry."""
    await call_device_action(
        hass, entry, "ip_filter_add", addresses=["10.0.0.1", "10.0.0.1/32"]
    )
    assert simulator.state.ipfilter.addresses == ["10.0.0.1"]
