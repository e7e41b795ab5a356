"""Input event entities: every pushed change in order, doorbells, no resync events."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any
from unittest.mock import patch

from homeassistant.components.event import ATTR_EVENT_TYPE, ATTR_EVENT_TYPES
from homeassistant.const import (
    ATTR_DEVICE_CLASS,
    EVENT_STATE_CHANGED,
    EVENT_STATE_REPORTED,
    STATE_OFF,
    STATE_ON,
    STATE_UNAVAILABLE,
    STATE_UNKNOWN,
    Platform,
)
from homeassistant.core import Event, EventStateChangedData, HomeAssistant, callback
from homeassistant.helpers.event import async_track_state_change_event

from custom_components.cgi_camera.const import CONF_DOORBELL_INPUTS
from simulator import Simulator
from tests.conftest import SimulatorFactory
from tests.helpers import (
    POLL_SECONDS,
    SetupIntegration,
    fire_time,
    wait_for_state,
)

EVENT_1 = "event.cgi_camera_input_1"
DOORBELL_1 = "event.cgi_camera_doorbell_1"
INPUT_1 = "binary_sensor.cgi_camera_input_1"
PLATFORMS = [Platform.BINARY_SENSOR, Platform.EVENT]
SLOW_BACKOFF = "custom_components.cgi_camera.coordinator.default_backoff"


@contextmanager
def recorded(
    hass: HomeAssistant, entity_id: str, key: str | None
) -> Iterator[list[str]]:
    """Record every new state of ``entity_id`` (or its attribute ``key``)."""
    seen: list[str] = []

    @callback
    def changed(event: Event[EventStateChangedData]) -> None:
        if (state := event.data["new_state"]) is not None:
            seen.append(state.state if key is None else state.attributes.get(key))

    unsub = async_track_state_change_event(hass, [entity_id], changed)
    try:
        yield seen
    finally:
        unsub()


async def _event_count(
    hass: HomeAssistant, entity_id: str, seen: list[str], n: int
) -> None:
    """Wait until ``n`` events were recorded (awaiting state changes)."""
    await wait_for_state(hass, entity_id, lambda _state: len(seen) >= n)


async def test_input_events_fire_activated_then_deactivated(
    hass: HomeAssistant, simulator: Simulator, setup: SetupIntegration
) -> None:
    """Each pushed change of an input fires its translated event type, in order."""
    await setup(simulator, platforms=PLATFORMS)
    state = hass.states.get(EVENT_1)
    assert state.state == STATE_UNKNOWN
    assert state.attributes[ATTR_EVENT_TYPES] == ["activated", "deactivated"]
    assert ATTR_DEVICE_CLASS not in state.attributes
    with recorded(hass, EVENT_1, ATTR_EVENT_TYPE) as types:
        simulator.set_input(1, True)
        await _event_count(hass, EVENT_1, types, 1)
        simulator.set_input(1, False)
        await _event_count(hass, EVENT_1, types, 2)
    assert types == ["activated", "deactivated"]


async def test_a_short_press_in_one_read_gives_two_events_and_two_states(
    hass: HomeAssistant, simulator: Simulator, setup: SetupIntegration
) -> None:
    r"""A press reported as "/" then "\" in one read is not collapsed.

    The simulator writes every change queued since its last write in one
    chunk: both changes arrive in one read.
    """
    await setup(simulator, platforms=PLATFORMS)
    with (
        recorded(hass, EVENT_1, ATTR_EVENT_TYPE) as types,
        recorded(hass, INPUT_1, None) as states,
    ):
        simulator.set_input(1, True)
        simulator.set_input(1, False)
        await _event_count(hass, EVENT_1, types, 2)
    assert types == ["activated", "deactivated"]
    assert states == [STATE_ON, STATE_OFF]


async def test_doorbell_input_rings_on_activation_only(
    hass: HomeAssistant, simulator: Simulator, setup: SetupIntegration
) -> None:
    """An input marked as a doorbell is a doorbell event entity firing "ring"."""
    await setup(simulator, platforms=PLATFORMS, options={CONF_DOORBELL_INPUTS: ["1"]})
    state = hass.states.get(DOORBELL_1)
    assert state.attributes[ATTR_DEVICE_CLASS] == "doorbell"
    assert state.attributes[ATTR_EVENT_TYPES] == ["ring"]
    assert hass.states.get("event.cgi_camera_input_2") is not None
    with recorded(hass, DOORBELL_1, ATTR_EVENT_TYPE) as types:
        simulator.set_input(1, True)
        await _event_count(hass, DOORBELL_1, types, 1)
        simulator.set_input(1, False)
        await wait_for_state(hass, INPUT_1, STATE_OFF)
        simulator.set_input(1, True)
        await _event_count(hass, DOORBELL_1, types, 2)
    assert types == ["ring", "ring"]


async def test_a_resync_corrects_the_sensor_but_fires_no_event(
    hass: HomeAssistant, simulator: Simulator, setup: SetupIntegration
) -> None:
    """A change made while the stream was away was not seen: no event."""
    with patch(SLOW_BACKOFF, lambda attempt: 30.0 if attempt else 0.0):
        await setup(simulator, platforms=PLATFORMS)
    with recorded(hass, EVENT_1, ATTR_EVENT_TYPE) as types:
        simulator.faults.cut_streams("io")
        await wait_for_state(hass, EVENT_1, STATE_UNAVAILABLE)
        await simulator.counters.wait_for_connections("io", 0)
        simulator.set_input(1, True)
        fire_time(hass, POLL_SECONDS)  # the backoff step
        await wait_for_state(hass, INPUT_1, STATE_ON)
        await wait_for_state(hass, EVENT_1, STATE_UNKNOWN)
    assert [t for t in types if t is not None] == []


async def test_event_entity_takes_the_device_port_name(
    hass: HomeAssistant, simulator_factory: SimulatorFactory, setup: SetupIntegration
) -> None:
    """The device's own input name names the event entity too."""
    sim = await simulator_factory(inputs=1, outputs=1)
    sim.params["Input.I0.Name"] = "Front door"
    await setup(sim, platforms=PLATFORMS)
    assert hass.states.get("event.cgi_camera_front_door") is not None


async def test_a_change_writes_only_its_own_entities(
    hass: HomeAssistant, simulator: Simulator, setup: SetupIntegration
) -> None:
    """Input 1 changing writes input 1's sensor and event entity, nothing else.

    (Every state written, changed or not, is an event on Home Assistant's bus:
    at hundreds of changes a second the others would cost the loop.)
    """
    await setup(simulator, platforms=PLATFORMS)
    written: list[str] = []

    @callback
    def record(event: Event) -> None:
        written.append(event.data["entity_id"])

    @callback
    def ours(data: Mapping[str, Any]) -> bool:
        return str(data["entity_id"]).split(".")[1].startswith("cgi_camera")

    unsubscribe = [
        hass.bus.async_listen(kind, record, event_filter=ours)
        for kind in (EVENT_STATE_CHANGED, EVENT_STATE_REPORTED)
    ]
    with recorded(hass, EVENT_1, ATTR_EVENT_TYPE) as types:
        simulator.set_input(1, True)
        await _event_count(hass, EVENT_1, types, 1)
    for unsub in unsubscribe:
        unsub()
    assert sorted(set(written)) == [INPUT_1, EVENT_1]
