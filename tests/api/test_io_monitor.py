"""How a device pushes its I/O: one port.cgi monitor, two monitors, or none."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Any

import pytest

from cgi_camera_api import (
    CameraClient,
    CameraResponseError,
    IoEvent,
    IoMonitor,
    PortLayout,
)
from cgi_camera_api.discovery import Discovery
from simulator import Simulator, SimulatorConfig
from simulator.profiles import PROFILES, profile_config
from tests.api.conftest import ClientFactory

LAYOUT = PortLayout(inputs=(1, 2), outputs=(3, 4))


async def _first(events: AsyncGenerator[IoEvent], count: int) -> list[IoEvent]:
    """The first ``count`` events, then close the stream."""
    seen: list[IoEvent] = []
    try:
        async for event in events:
            seen.append(event)
            if len(seen) == count:
                break
    finally:
        await events.aclose()
    return seen


def test_port_layout_maps_port_numbers_to_inputs_and_relays() -> None:
    """The n-th input port is input n, the n-th output port relay n."""
    layout = PortLayout(inputs=(2, 4), outputs=(1, 3))
    assert layout.ports == (1, 2, 3, 4)
    assert layout.event(4, True) == IoEvent(2, True)
    assert layout.event(1, False) == IoEvent(1, False, output=True)
    assert layout.event(9, True) is None


async def test_port_layout_from_checkdirection(client: CameraClient) -> None:
    """The simulator numbers the inputs first, then the relays."""
    assert await client.io.port_layout(2, 2) == LAYOUT


async def test_port_layout_that_does_not_add_up_is_none(client: CameraClient) -> None:
    """Directions that disagree with the counts are not trusted."""
    assert await client.io.port_layout(3, 1) is None


async def test_monitor_ports_names_inputs_and_relays(
    simulator: Simulator, client: CameraClient
) -> None:
    """One io/port.cgi stream: its events say input or relay, in their numbers."""
    connected: list[bool] = []
    events = client.io.monitor_ports(LAYOUT, on_connect=lambda: connected.append(True))
    initial = await _first_then(events, 4, simulator)
    assert connected == [True]
    assert initial[:4] == [
        IoEvent(1, False),
        IoEvent(2, False),
        IoEvent(1, False, output=True),
        IoEvent(2, False, output=True),
    ]
    assert initial[4:] == [IoEvent(2, True), IoEvent(1, True, output=True)]


async def _first_then(
    events: AsyncGenerator[IoEvent], initial: int, sim: Simulator
) -> list[IoEvent]:
    """The initial reports, then an input and a relay changed on the device."""
    seen: list[IoEvent] = []
    try:
        async for event in events:
            seen.append(event)
            if len(seen) == initial:
                sim.set_input(2, True)
                sim.set_output(1, True)
            if len(seen) == initial + 2:
                break
    finally:
        await events.aclose()
    return seen


async def test_monitor_outputs_marks_relay_events(
    simulator: Simulator, client: CameraClient
) -> None:
    """io/output.cgi's events are relay events."""
    events = client.io.monitor_outputs([1, 2])
    assert await _first(events, 2) == [
        IoEvent(1, False, output=True),
        IoEvent(2, False, output=True),
    ]


async def test_probe_monitor_refused_without_that_monitor(
    client_for: ClientFactory,
) -> None:
    """A device without io/port.cgi's monitor fails the probe."""
    async with Simulator(SimulatorConfig(port_monitor=False)) as sim:
        client = client_for(sim)
        await client.io.probe_monitor("/io/output.cgi", [1])
        with pytest.raises(CameraResponseError):
            await client.io.probe_monitor("/io/port.cgi", [1, 2, 3, 4])
        assert sim.counters.open_connections.get("io", 0) == 0


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ({}, IoMonitor(port_layout=LAYOUT, outputs_pushed=True)),
        ({"port_monitor": False}, IoMonitor(outputs_pushed=True)),
        ({"port_monitor": False, "output_monitor": False}, IoMonitor()),
        ({"inputs": 0}, IoMonitor(outputs_pushed=True)),
        ({"outputs": 0}, IoMonitor()),
        ({"port_monitor_relays": False}, IoMonitor(outputs_pushed=True)),
    ],
    ids=[
        "port",
        "input_and_output",
        "relays_polled",
        "no_inputs",
        "no_relays",
        "port_monitor_without_relays",
    ],
)
async def test_discovery_picks_the_fewest_monitor_connections(
    client_for: ClientFactory, config: dict[str, Any], expected: IoMonitor
) -> None:
    """One connection where io/port.cgi monitors; two, or relays polled, otherwise."""
    async with Simulator(SimulatorConfig(**config)) as sim:
        info = await client_for(sim).get_device_info()
    assert info.capabilities.io_monitor == expected


@pytest.mark.parametrize("profile", sorted(PROFILES))
async def test_every_profile_pushes_its_relays(
    client_for: ClientFactory, profile: str
) -> None:
    """Every simulated device pushes its relays, in whichever numbering.

    Each offers io/port.cgi's monitor with its relays, so each gets one
    connection for both: a numbering misread (IO0 beside IO2 as the spec's
    example and the io0 profile have it) would leave a port out of the
    monitor's first report and fall back to two connections.
    """
    async with Simulator(profile_config(profile)) as sim:
        info = await client_for(sim).get_device_info()
    monitor = info.capabilities.io_monitor
    assert monitor.outputs_pushed
    assert monitor.port_layout is not None
    assert monitor.description


async def test_a_port_monitor_that_leaves_relays_out_is_refused(
    client_for: ClientFactory,
) -> None:
    """io/port.cgi's monitor is used only when its first report names every port."""
    async with Simulator(SimulatorConfig(port_monitor_relays=False)) as sim:
        client = client_for(sim, timeout=0.5)
        await client.io.probe_monitor("/io/port.cgi", [1, 2, 3, 4])
        with pytest.raises(CameraResponseError, match=r"port\(s\) \[3, 4\]"):
            await client.io.probe_monitor(
                "/io/port.cgi", [1, 2, 3, 4], reports_all=True
            )


async def test_probes_that_get_no_answer_find_nothing(
    client_for: ClientFactory,
) -> None:
    """An optional probe left unanswered: no port monitor; setup goes on.

    (audio/transmit.cgi left unanswered is a speaker waiting for sound, spec
    5.8.5: tests/api/test_audio_speaker.py.)
    """
    async with Simulator(SimulatorConfig()) as sim:
        discovery = Discovery(client_for(sim, timeout=0.2), {})
        sim.faults.hang_next(1)  # io/port.cgi?checkdirection
        assert await discovery._io_monitor(2, 2) == IoMonitor(outputs_pushed=True)
        sim.faults.hang_next(1)  # audio/transmit.cgi
        assert await discovery._speaker() == "audio/basic"
