"""The accounts sensor: accounts per group, never their names."""

from __future__ import annotations

from collections import Counter
import json

from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er

from custom_components.cgi_camera.const import DOMAIN
from simulator import Simulator
from tests.helpers import SetupIntegration, sim_mac, wait_for_state

ACCOUNTS = "sensor.cgi_camera_accounts"


async def test_disabled_by_default(
    hass: HomeAssistant,
    simulator: Simulator,
    setup: SetupIntegration,
    entity_registry: er.EntityRegistry,
) -> None:
    """Diagnostic, disabled by default: no pwdgrp.cgi request."""
    await setup(simulator)
    registered = entity_registry.async_get(ACCOUNTS)
    assert registered is not None
    assert registered.disabled_by is er.RegistryEntryDisabler.INTEGRATION
    assert registered.entity_category == "diagnostic"
    assert simulator.counters.requests.get("/pwdgrp.cgi", 0) == 0


async def test_counts_per_group_without_names(
    hass: HomeAssistant,
    simulator: Simulator,
    setup: SetupIntegration,
    entity_registry: er.EntityRegistry,
) -> None:
    """The number of accounts; per group counts; polled; refused: unavailable."""
    entity_registry.async_get_or_create(
        "sensor",
        DOMAIN,
        f"{sim_mac(simulator)}-accounts",
        suggested_object_id="cgi_camera_accounts",
    )
    simulator.state.users.add("joe", "x1y2z3", "axuser", ("axview",), "")
    simulator.state.users.add("ann", "x1y2z3", "axuser", ("axadmin", "axview"), "")
    entry = await setup(simulator)
    state = hass.states.get(ACCOUNTS)
    assert state.state == "3"
    attributes = dict(state.attributes)
    assert {key: attributes[key] for key in ("root", "axuser", "axview")} == {
        "root": 1,
        "axuser": 2,
        "axview": 3,
    }
    counts = {
        key: value
        for key, value in attributes.items()
        if key not in ("state_class", "friendly_name")
    }
    assert set(counts) == {"root", "axuser", "axadmin", "axoper", "axview"}
    assert all(isinstance(value, int) for value in counts.values())  # no names
    assert "joe" not in json.dumps(attributes)

    coordinator = entry.runtime_data.coordinator
    simulator.state.users.remove("joe")
    before = Counter(simulator.counters.requests)
    await coordinator.async_refresh()
    assert simulator.counters.requests["/pwdgrp.cgi"] - before["/pwdgrp.cgi"] == 1
    await wait_for_state(hass, ACCOUNTS, "2")

    simulator.faults.status_next(403, path="/pwdgrp.cgi")
    await coordinator.async_refresh()
    await wait_for_state(hass, ACCOUNTS, STATE_UNAVAILABLE)
    await coordinator.async_refresh()
    await wait_for_state(hass, ACCOUNTS, "2")
