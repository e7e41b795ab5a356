"""One coordinator per device: what each poll asks, and what a failed part does.

The devices here have no inputs and no output monitor: the monitors are
streams, not polls, and without them every request left is the coordinator's
(relays polled). ``test_idle_requests_with_pushed_relays`` shows the poll of a
device whose relays are pushed.
"""

from __future__ import annotations

from collections import Counter
import logging
from unittest.mock import patch

from homeassistant.config_entries import SOURCE_REAUTH
from homeassistant.const import STATE_OFF, STATE_ON, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest

from custom_components.cgi_camera.api import CameraConnectionError
from custom_components.cgi_camera.const import DOMAIN, STORAGE_POLL_EVERY
from custom_components.cgi_camera.coordinator import CgiCameraCoordinator
from simulator import Simulator
from tests.conftest import SimulatorFactory
from tests.helpers import (
    POLL_SECONDS,
    SetupIntegration,
    fire_time,
    sim_mac,
    wait_for_state,
)
from tests.reliability.helpers import settle

API = "custom_components.cgi_camera.api"
OUTPUT_1 = "switch.cgi_camera_output_1"
VIDEO_SIGNAL = "binary_sensor.cgi_camera_video_signal_{}"
INTERVALS = 2 * STORAGE_POLL_EVERY


async def next_interval(hass: HomeAssistant, sim: Simulator) -> dict[str, int]:
    """Let one poll interval pass; return the requests it sent, per path.

    The scheduled poll runs in a background task of the entry: with no
    input monitor, the entry's background tasks are the polls.
    """
    before = Counter(sim.counters.requests)
    fire_time(hass, POLL_SECONDS)
    await hass.async_block_till_done(wait_background_tasks=True)
    sent = Counter(sim.counters.requests)
    sent.subtract(before)
    return {path: count for path, count in sent.items() if count}


def enable_ptz_sensors(
    entity_registry: er.EntityRegistry, sim: Simulator, source: int
) -> list[str]:
    """Enable the pan, tilt and zoom sensors of ``source`` before setup."""
    return [
        entity_registry.async_get_or_create(
            "sensor", DOMAIN, f"{sim_mac(sim)}-ptz_{axis}_{source}"
        ).entity_id
        for axis in ("pan", "tilt", "zoom")
    ]


def coordinator_of(hass: HomeAssistant) -> CgiCameraCoordinator:
    """Return the coordinator of the only entry."""
    return hass.config_entries.async_entries(DOMAIN)[0].runtime_data.coordinator


@pytest.mark.parametrize(
    ("sources", "per_poll"),
    [
        (1, {"/io/output.cgi": 1, "/param.cgi": 1}),
        (4, {"/io/output.cgi": 1, "/param.cgi": 1, "/videostatus.cgi": 1}),
    ],
    ids=["ptz_camera", "video_server"],
)
async def test_idle_requests_per_poll_interval(
    hass: HomeAssistant,
    simulator_factory: SimulatorFactory,
    setup: SetupIntegration,
    sources: int,
    per_poll: dict[str, int],
) -> None:
    """Default options: relays and video signal every poll, SD card every fifth.

    The PTZ position sensors are disabled by default: no ptz.cgi query.
    """
    sim = await simulator_factory(output_monitor=False, sources=sources, inputs=0)
    await setup(sim)
    for interval in range(1, INTERVALS + 1):
        expected = dict(per_poll)
        if interval % STORAGE_POLL_EVERY == 0:
            expected["/list.cgi"] = 1
        assert await next_interval(hass, sim) == expected, f"interval {interval}"


async def test_ptz_position_polled_per_enabled_source(
    hass: HomeAssistant,
    simulator_factory: SimulatorFactory,
    setup: SetupIntegration,
    entity_registry: er.EntityRegistry,
) -> None:
    """Only a source with an enabled position sensor is asked, once per poll.

    Its three sensors share the one query; with them disabled, no query.
    """
    sim = await simulator_factory(
        output_monitor=False, sources=4, inputs=0, sd_card=False
    )
    pan, tilt, zoom = enable_ptz_sensors(entity_registry, sim, 2)
    await setup(sim)
    assert hass.states.get(pan).state == "0.0"
    assert hass.states.get(zoom).state == "1.0"
    assert hass.states.get("sensor.cgi_camera_camera_1_ptz_pan") is None
    for _ in range(3):
        assert await next_interval(hass, sim) == {
            "/io/output.cgi": 1,
            "/param.cgi": 1,
            "/videostatus.cgi": 1,
            "/com/ptz.cgi": 1,
        }
    for entity_id in (pan, tilt, zoom):
        entity_registry.async_update_entity(
            entity_id, disabled_by=er.RegistryEntryDisabler.USER
        )
    await hass.async_block_till_done()
    assert hass.states.get(pan) is None
    assert not coordinator_of(hass).wants(2)
    assert "/com/ptz.cgi" not in await next_interval(hass, sim)


async def test_ip_filter_polled_only_while_its_switch_is_enabled(
    hass: HomeAssistant,
    simulator_factory: SimulatorFactory,
    setup: SetupIntegration,
    entity_registry: er.EntityRegistry,
) -> None:
    """The IP filter switch (disabled by default) adds one list per poll."""
    sim = await simulator_factory(output_monitor=False, inputs=0, sd_card=False)
    entity_id = entity_registry.async_get_or_create(
        "switch", DOMAIN, f"{sim_mac(sim)}-ip_filter"
    ).entity_id
    await setup(sim)
    assert hass.states.get(entity_id).state == STATE_OFF
    for _ in range(2):
        assert await next_interval(hass, sim) == {
            "/io/output.cgi": 1,
            "/param.cgi": 1,
            "/ipfilter.cgi": 1,
        }
    entity_registry.async_update_entity(
        entity_id, disabled_by=er.RegistryEntryDisabler.USER
    )
    await hass.async_block_till_done()
    assert await next_interval(hass, sim) == {"/io/output.cgi": 1, "/param.cgi": 1}


async def test_a_failed_part_makes_only_its_entities_unavailable(
    hass: HomeAssistant,
    simulator_factory: SimulatorFactory,
    setup: SetupIntegration,
    entity_registry: er.EntityRegistry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A refused video status or position read: only its sensors; logged once."""
    sim = await simulator_factory(output_monitor=False, sources=4, inputs=0)
    pan = enable_ptz_sensors(entity_registry, sim, 1)[0]
    await setup(sim)
    coordinator = coordinator_of(hass)
    caplog.set_level(logging.INFO, logger="custom_components.cgi_camera")
    for _ in range(2):  # logged once however long it lasts
        sim.faults.error_next("/videostatus.cgi")
        await coordinator.async_refresh()
        await wait_for_state(hass, VIDEO_SIGNAL.format(1), STATE_UNAVAILABLE)
        assert hass.states.get(OUTPUT_1).state == STATE_OFF
        assert hass.states.get(pan).state == "0.0"
    sim.faults.error_next("/com/ptz.cgi")
    await coordinator.async_refresh()
    await wait_for_state(hass, pan, STATE_UNAVAILABLE)
    assert hass.states.get(VIDEO_SIGNAL.format(1)).state == STATE_ON
    await coordinator.async_refresh()
    await wait_for_state(hass, pan, "0.0")
    messages = [
        r.getMessage() for r in caplog.records if r.name.endswith(".coordinator")
    ]
    assert sum("Cannot read the video status" in m for m in messages) == 1
    assert sum("video status of" in m and "again" in m for m in messages) == 1
    assert sum("Cannot read the PTZ position of source 1" in m for m in messages) == 1
    assert all(
        r.levelno < logging.WARNING
        for r in caplog.records
        if r.name.endswith(".coordinator")
    )


async def test_a_lost_connection_on_a_later_request_fails_only_its_part(
    hass: HomeAssistant, simulator_factory: SimulatorFactory, setup: SetupIntegration
) -> None:
    """The relays answered: a connection lost on the video status is its own.

    (The simulator cannot reset the connection of one path: a mock does.)
    """
    sim = await simulator_factory(output_monitor=False, sources=4, inputs=0)
    await setup(sim)
    coordinator = coordinator_of(hass)
    with patch(f"{API}.VideoApi.status", side_effect=CameraConnectionError("reset")):
        await coordinator.async_refresh()
    assert coordinator.last_update_success
    await wait_for_state(hass, VIDEO_SIGNAL.format(2), STATE_UNAVAILABLE)
    assert hass.states.get(OUTPUT_1).state == STATE_OFF


async def test_a_part_as_the_only_request_tells_the_device_is_away(
    hass: HomeAssistant, simulator_factory: SimulatorFactory, setup: SetupIntegration
) -> None:
    """No relays, no SD card: the video status is the poll's probe, no ping.

    When it cannot connect the device is away; a 401 on it starts reauth.
    """
    sim = await simulator_factory(
        output_monitor=False, sources=4, inputs=0, outputs=0, sd_card=False
    )
    await setup(sim)
    coordinator = coordinator_of(hass)
    assert await next_interval(hass, sim) == {"/param.cgi": 1, "/videostatus.cgi": 1}
    await sim.reboot(60)  # away for longer than the test
    await coordinator.async_refresh()
    assert not coordinator.last_update_success
    await wait_for_state(hass, "camera.cgi_camera_camera_1", STATE_UNAVAILABLE)
    await sim.reboot(0)
    await sim.wait_until_up()
    sim.change_password("root", "changed")
    await coordinator.async_refresh()
    await hass.async_block_till_done()
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]


async def test_a_part_wanted_during_a_poll_is_kept(
    hass: HomeAssistant, simulator_factory: SimulatorFactory, setup: SetupIntegration
) -> None:
    """A sensor added while a poll reads its last part keeps what it read.

    The poll's answer does not drop the part it did not ask for. (A wrapper
    adds the sensor at that moment of the poll.)
    """
    sim = await simulator_factory(
        output_monitor=False, sources=4, inputs=0, sd_card=False
    )
    await setup(sim)
    coordinator = coordinator_of(hass)
    client = coordinator.client
    read_video = client.video.status
    releases = []

    async def video_then_new_sensor(sources: tuple[int, ...]) -> dict[int, bool]:
        releases.append(coordinator.async_want(2))
        await coordinator.async_read_part_once(2)
        return await read_video(sources)

    queries = sim.counters.requests["/com/ptz.cgi"]
    with patch.object(client.video, "status", side_effect=video_then_new_sensor):
        await coordinator.async_refresh()
    assert coordinator.data.ptz_positions[2].pan == 0
    assert coordinator.data.video == dict.fromkeys((1, 2, 3, 4), True)
    assert sim.counters.requests["/com/ptz.cgi"] == queries + 1
    releases[0]()
    assert not coordinator.wants(2)


async def test_a_refused_first_read_is_not_repeated_per_sensor(
    hass: HomeAssistant, simulator_factory: SimulatorFactory, setup: SetupIntegration
) -> None:
    """Four video signal sensors, one refused read at setup; the poll retries."""
    sim = await simulator_factory(output_monitor=False, sources=4, inputs=0)
    sim.faults.error_next("/videostatus.cgi")
    await setup(sim)
    assert sim.counters.requests["/videostatus.cgi"] == 1
    for source in range(1, 5):
        assert hass.states.get(VIDEO_SIGNAL.format(source)).state == STATE_UNAVAILABLE
    await coordinator_of(hass).async_refresh()
    for source in range(1, 5):
        await wait_for_state(hass, VIDEO_SIGNAL.format(source), STATE_ON)


async def test_a_refresh_of_a_part_nobody_shows_sends_nothing(
    hass: HomeAssistant, simulator_factory: SimulatorFactory, setup: SetupIntegration
) -> None:
    """A PTZ command's position refresh after its sensors went: no request."""
    sim = await simulator_factory(output_monitor=False, inputs=0)
    await setup(sim)
    coordinator = coordinator_of(hass)
    queries = sim.counters.requests["/com/ptz.cgi"]
    coordinator.async_refresh_part_soon(1)
    await hass.async_block_till_done()
    assert sim.counters.requests["/com/ptz.cgi"] == queries
    assert 1 not in coordinator.data.ptz_positions


async def test_a_refused_position_read_after_a_command(
    hass: HomeAssistant,
    simulator_factory: SimulatorFactory,
    setup: SetupIntegration,
    entity_registry: er.EntityRegistry,
) -> None:
    """The read a PTZ command asks for is refused: only the position is unavailable.

    The next poll reads it again.
    """
    sim = await simulator_factory(output_monitor=False, inputs=0)
    pan = enable_ptz_sensors(entity_registry, sim, 1)[0]
    await setup(sim)
    coordinator = coordinator_of(hass)
    sim.faults.error_next("/com/ptz.cgi")
    coordinator.async_refresh_part_soon(1)  # what a PTZ command calls
    await wait_for_state(hass, pan, STATE_UNAVAILABLE)
    assert coordinator.last_update_success
    assert hass.states.get(OUTPUT_1).state == STATE_OFF
    await coordinator.async_refresh()
    await wait_for_state(hass, pan, "0.0")


@pytest.mark.parametrize(
    ("sources", "per_poll"),
    [(1, {"/param.cgi": 1}), (4, {"/param.cgi": 1, "/videostatus.cgi": 1})],
    ids=["ptz_camera", "video_server"],
)
async def test_idle_requests_with_pushed_relays(
    hass: HomeAssistant,
    simulator_factory: SimulatorFactory,
    setup: SetupIntegration,
    sources: int,
    per_poll: dict[str, int],
) -> None:
    """Relays pushed: no relay check, and no more requests than before.

    The event rules' listing (``param.cgi``) takes the relay check's place;
    with it the poll needs no ``date.cgi`` for availability.
    """
    # No keep-alive parts: moving Home Assistant's timers also fires the
    # simulator's keep-alive timer (one loop), which would teach the stream
    # a keep-alive interval of a few milliseconds.
    sim = await simulator_factory(sources=sources, monitor_keepalive=0)
    await setup(sim)
    coordinator = coordinator_of(hass)
    assert coordinator.relays_pushed
    for interval in range(1, INTERVALS + 1):
        before = Counter(sim.counters.requests)
        fire_time(hass, POLL_SECONDS)
        await settle(hass)
        sent = Counter(sim.counters.requests)
        sent.subtract(before)
        expected = dict(per_poll)
        if interval % STORAGE_POLL_EVERY == 0:
            expected["/list.cgi"] = 1
        assert {p: n for p, n in sent.items() if n} == expected, f"interval {interval}"
