"""Event rules: a switch per ``Event.E<n>`` group, following the device."""

from __future__ import annotations

from collections import Counter
import logging

from homeassistant.components.switch import (
    DOMAIN as SWITCH_DOMAIN,
    SERVICE_TURN_OFF,
    SERVICE_TURN_ON,
)
from homeassistant.const import (
    ATTR_ENTITY_ID,
    ATTR_FRIENDLY_NAME,
    STATE_OFF,
    STATE_ON,
    STATE_UNAVAILABLE,
    EntityCategory,
)
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.cgi_camera.const import DOMAIN
from custom_components.cgi_camera.coordinator import REFUSED_PART_RETRY_POLLS
from simulator import PROFILES, Simulator
from tests.conftest import SimulatorFactory
from tests.helpers import SetupIntegration, sim_mac

PART_LISTING = "/param.cgi"


def add_rule(sim: Simulator, name: str = "", enabled: str = "no") -> str:
    """Add an event rule on the device itself (as its web page would)."""
    values = [("Event.E.Name", name)] if name else []
    group, errors = sim.state.params.add(
        "Event", "event", [*values, ("Event.E.Enabled", enabled)], force=False
    )
    assert group is not None
    assert not errors
    return group


def rule_entity(
    entity_registry: er.EntityRegistry, sim: Simulator, group: str
) -> str | None:
    """The entity id of ``group``'s switch, if registered."""
    return entity_registry.async_get_entity_id(
        SWITCH_DOMAIN, DOMAIN, f"{sim_mac(sim)}-event_rule-{group}"
    )


async def poll(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Run the next poll, then what it starts (entities added or removed)."""
    await entry.runtime_data.coordinator.async_refresh()
    await hass.async_block_till_done()


async def switch(hass: HomeAssistant, entity_id: str, on: bool) -> None:
    """Turn a switch on or off."""
    await hass.services.async_call(
        SWITCH_DOMAIN,
        SERVICE_TURN_ON if on else SERVICE_TURN_OFF,
        {ATTR_ENTITY_ID: entity_id},
        blocking=True,
    )


async def test_rule_switches_named_from_the_device_and_switched(
    hass: HomeAssistant,
    simulator: Simulator,
    setup: SetupIntegration,
    entity_registry: er.EntityRegistry,
) -> None:
    door = add_rule(simulator, "Door bell", "yes")
    unnamed = add_rule(simulator)
    await setup(simulator)
    door_id = rule_entity(entity_registry, simulator, door)
    unnamed_id = rule_entity(entity_registry, simulator, unnamed)
    assert door_id is not None
    assert unnamed_id is not None
    registered = entity_registry.async_get(door_id)
    assert registered is not None
    assert registered.entity_category is EntityCategory.CONFIG
    assert registered.translation_key == "event_rule"
    door_state = hass.states.get(door_id)
    assert door_state is not None
    assert door_state.state == STATE_ON
    assert door_state.attributes[ATTR_FRIENDLY_NAME] == "cgi-camera Door bell"
    unnamed_state = hass.states.get(unnamed_id)
    assert unnamed_state is not None
    assert unnamed_state.state == STATE_OFF
    assert unnamed_state.attributes[ATTR_FRIENDLY_NAME] == (
        f"cgi-camera Event rule {unnamed}"
    )

    await switch(hass, door_id, False)
    assert simulator.params[f"Event.{door}.Enabled"] == "no"
    assert hass.states.get(door_id).state == STATE_OFF  # type: ignore[union-attr]
    await switch(hass, unnamed_id, True)
    assert simulator.params[f"Event.{unnamed}.Enabled"] == "yes"
    assert hass.states.get(unnamed_id).state == STATE_ON  # type: ignore[union-attr]


async def test_rules_come_and_go_at_the_next_poll(
    hass: HomeAssistant,
    simulator: Simulator,
    setup: SetupIntegration,
    entity_registry: er.EntityRegistry,
) -> None:
    """Added and removed on the device: no reload, no stale entity left."""
    kept = add_rule(simulator, "Kept")
    gone = add_rule(simulator, "Gone")
    entry = await setup(simulator)
    gone_id = rule_entity(entity_registry, simulator, gone)
    assert gone_id is not None
    assert simulator.state.params.remove([f"Event.{gone}"]) == []
    new = add_rule(simulator, "New", "yes")
    simulator.params[f"Event.{kept}.Name"] = "Renamed"
    await poll(hass, entry)
    assert rule_entity(entity_registry, simulator, gone) is None
    assert hass.states.get(gone_id) is None
    new_id = rule_entity(entity_registry, simulator, new)
    assert new_id is not None
    assert hass.states.get(new_id).state == STATE_ON  # type: ignore[union-attr]
    kept_id = rule_entity(entity_registry, simulator, kept)
    assert kept_id is not None
    kept_state = hass.states.get(kept_id)
    assert kept_state is not None
    assert kept_state.attributes[ATTR_FRIENDLY_NAME] == "cgi-camera Renamed"
    # A device that loses its name again: the translated name is back.
    simulator.params[f"Event.{kept}.Name"] = ""
    await poll(hass, entry)
    kept_state = hass.states.get(kept_id)
    assert kept_state is not None
    assert kept_state.attributes[ATTR_FRIENDLY_NAME] == (
        f"cgi-camera Event rule {kept}"
    )
    rules = [
        e
        for e in er.async_entries_for_config_entry(entity_registry, entry.entry_id)
        if "-event_rule-" in e.unique_id
    ]
    assert sorted(e.unique_id for e in rules) == [
        f"{sim_mac(simulator)}-event_rule-{kept}",
        f"{sim_mac(simulator)}-event_rule-{new}",
    ]


async def test_rule_removed_while_home_assistant_was_stopped(
    hass: HomeAssistant,
    simulator: Simulator,
    setup: SetupIntegration,
    entity_registry: er.EntityRegistry,
) -> None:
    """The switch of a rule the device lost meanwhile is removed at setup."""
    group = add_rule(simulator, "Old")
    entry = await setup(simulator)
    assert rule_entity(entity_registry, simulator, group) is not None
    assert await hass.config_entries.async_unload(entry.entry_id)
    assert simulator.state.params.remove([f"Event.{group}"]) == []
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert rule_entity(entity_registry, simulator, group) is None


async def test_unavailable_while_the_listing_fails_then_back(
    hass: HomeAssistant,
    simulator: Simulator,
    setup: SetupIntegration,
    entity_registry: er.EntityRegistry,
) -> None:
    """A failed read keeps the switch (unavailable); the next one shows it."""
    group = add_rule(simulator, "Door", "yes")
    entry = await setup(simulator)
    entity_id = rule_entity(entity_registry, simulator, group)
    assert entity_id is not None
    simulator.faults.error_next("/param.cgi", 1, "# Error: busy")
    await poll(hass, entry)
    assert hass.states.get(entity_id).state == STATE_UNAVAILABLE  # type: ignore[union-attr]
    assert rule_entity(entity_registry, simulator, group) == entity_id
    await poll(hass, entry)
    assert hass.states.get(entity_id).state == STATE_ON  # type: ignore[union-attr]


async def test_device_refusing_the_listing_has_no_rule_switches(
    hass: HomeAssistant,
    simulator_factory: SimulatorFactory,
    setup: SetupIntegration,
    entity_registry: er.EntityRegistry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """No switch, no error spam: the refusal is logged once, asked again hourly.

    A firmware upgrade that adds the Event group shows its rules within an
    hour's polls, with no reload.
    """
    caplog.set_level(logging.INFO, logger="custom_components.cgi_camera")
    sim = await simulator_factory(dynamic_groups=("Motion",))
    entry = await setup(sim)
    await poll(hass, entry)

    def asked() -> int:
        return len([q for path, q in sim.counters.log if q.get("group") == "Event"])

    before = asked()
    for _ in range(REFUSED_PART_RETRY_POLLS - 1):
        await poll(hass, entry)
    assert asked() == before
    await poll(hass, entry)
    assert asked() == before + 1  # an hour's polls later: asked again, refused
    for _ in range(REFUSED_PART_RETRY_POLLS - 1):
        await poll(hass, entry)
    assert asked() == before + 1

    sim.state.params.roots = {**sim.state.params.roots, "Event": "event"}
    group = add_rule(sim, "After the upgrade")
    await poll(hass, entry)
    assert asked() == before + 2
    entity_id = rule_entity(entity_registry, sim, group)
    assert entity_id is not None
    assert hass.states.get(entity_id) is not None
    for _ in range(3):
        await poll(hass, entry)
    assert asked() == before + 5  # read now: polled every time

    sim.state.params.remove([f"Event.{group}"])
    await poll(hass, entry)
    assert not [
        e
        for e in er.async_entries_for_config_entry(entity_registry, entry.entry_id)
        if "-event_rule-" in e.unique_id
    ]
    logged = [r for r in caplog.records if "event rules" in r.getMessage()]
    assert [r.getMessage().split(" of ")[0] for r in logged] == [
        "Cannot read the event rules",  # once, though refused twice
        "The event rules",
    ]
    assert {r.levelno for r in logged} == {logging.INFO}
    assert not [
        r
        for r in caplog.records
        if r.levelno >= logging.WARNING and r.name.startswith("custom_components")
    ]


async def test_switching_refused_by_the_device(
    hass: HomeAssistant,
    simulator: Simulator,
    setup: SetupIntegration,
    entity_registry: er.EntityRegistry,
) -> None:
    group = add_rule(simulator, "Door", "yes")
    await setup(simulator)
    entity_id = rule_entity(entity_registry, simulator, group)
    assert entity_id is not None
    simulator.faults.error_next("/param.cgi", 1, "# Error: not now")
    with pytest.raises(HomeAssistantError) as info:
        await switch(hass, entity_id, False)
    assert info.value.translation_key == "request_refused"
    assert simulator.params[f"Event.{group}.Enabled"] == "yes"
    simulator.faults.status_next(500)
    with pytest.raises(HomeAssistantError) as info:
        await switch(hass, entity_id, False)
    assert info.value.translation_key == "event_rule_failed"
    assert info.value.translation_placeholders["rule"] == group


async def test_one_listing_a_poll_released_on_unload(
    hass: HomeAssistant,
    simulator: Simulator,
    setup: SetupIntegration,
) -> None:
    """The rules cost one param.cgi listing a poll while the entry is loaded."""
    entry = await setup(simulator)
    before = Counter(simulator.counters.requests)
    await poll(hass, entry)
    sent = Counter(simulator.counters.requests)
    sent.subtract(before)
    assert sent[PART_LISTING] == 1
    coordinator = entry.runtime_data.coordinator
    assert coordinator.wants("event_rules")
    assert await hass.config_entries.async_unload(entry.entry_id)
    assert not coordinator.wants("event_rules")


@pytest.mark.parametrize("profile", sorted(PROFILES))
async def test_rule_switches_on_every_profile(
    hass: HomeAssistant,
    simulator_factory: SimulatorFactory,
    setup: SetupIntegration,
    entity_registry: er.EntityRegistry,
    profile: str,
) -> None:
    sim = await simulator_factory(**PROFILES[profile])
    group = add_rule(sim, "Gate & door", "no")
    await setup(sim)
    entity_id = rule_entity(entity_registry, sim, group)
    assert entity_id is not None
    await switch(hass, entity_id, True)
    assert sim.params[f"Event.{group}.Enabled"] == "yes"
    assert hass.states.get(entity_id).state == STATE_ON  # type: ignore[union-attr]
