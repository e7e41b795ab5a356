"""Event rules, motion windows and relays a device-side rule switches."""

from __future__ import annotations

import aiohttp
import pytest

from simulator import PROFILES, SimulatorConfig

from .helpers import Factory, control, get, read_until, stream


def _shown(numbering: str, number: int) -> int:
    """The number a profile reports port ``number`` as (1-based requests)."""
    if numbering == "zero" or (numbering == "io0" and number == 1):
        return number - 1
    return number


@pytest.mark.parametrize("profile", sorted(PROFILES))
async def test_relay_switched_on_the_device_reaches_both_monitors(
    simulator_factory: Factory, http: aiohttp.ClientSession, profile: str
) -> None:
    """/_sim/output switches a relay as a device rule would: every monitor hears it."""
    sim = await simulator_factory(**PROFILES[profile])
    numbering, inputs = sim.config.numbering, sim.config.inputs
    relay_on_port = inputs + 2
    async with (
        stream(http, sim, "/io/output.cgi?monitor=1,2") as outputs,
        stream(http, sim, f"/io/port.cgi?monitor={relay_on_port}") as ports,
    ):
        output_buffer, port_buffer = bytearray(), bytearray()
        output_label = f"IO{_shown(numbering, 2)}".encode()
        port_label = f"IO{_shown(numbering, relay_on_port)}".encode()
        initial_end = b":L\n\r\n\r\n--ioboundary\r\n"
        await read_until(outputs, output_label + initial_end, output_buffer)
        await read_until(ports, port_label + initial_end, port_buffer)
        status, answer = await control(http, sim, "output/2?state=1")
        assert (status, answer["active"]) == (200, True)
        part = await read_until(outputs, b"--ioboundary\r\n", output_buffer)
        assert output_label + b":/\n" in part
        part = await read_until(ports, b"--ioboundary\r\n", port_buffer)
        assert port_label + b":/\n" in part


async def test_devices_without_output_or_port_monitor(
    simulator_factory: Factory, http: aiohttp.ClientSession
) -> None:
    sim = await simulator_factory(output_monitor=False, port_monitor=False)
    assert await get(http, sim, "/io/output.cgi?monitor=1") == (
        200,
        "Request failed: monitor is not supported by io/output.cgi\r\n",
    )
    assert await get(http, sim, "/io/port.cgi?monitor=1,3") == (
        200,
        "Request failed: monitor is not supported by io/port.cgi\r\n",
    )
    assert await get(http, sim, "/io/output.cgi?check=1") == (200, "output1=0\r\n")
    async with stream(http, sim, "/io/input.cgi?monitor=1") as response:
        await read_until(response, b"IO1:L", bytearray())


async def test_device_without_event_groups(
    simulator_factory: Factory, http: aiohttp.ClientSession
) -> None:
    sim = await simulator_factory(dynamic_groups=("Motion",))
    assert await get(http, sim, "/param.cgi?action=list&group=Event") == (
        200,
        "# Error: Error -1 getting param in group 'Event'\n",
    )
    assert await get(http, sim, "/param.cgi?action=add&group=Event&template=event") == (
        200,
        "# Request failed: group 'Event' does not accept dynamic groups\n",
    )
    assert await get(
        http, sim, "/param.cgi?action=add&group=Motion&template=motion"
    ) == (200, "M0 OK\r\n")


def test_dynamic_groups_are_event_and_motion_only() -> None:
    with pytest.raises(ValueError, match="dynamic_groups"):
        SimulatorConfig(dynamic_groups=("Event", "PTZ"))


async def test_values_the_device_cannot_set(
    simulator_factory: Factory, http: aiohttp.ClientSession
) -> None:
    """Created, values not set: coordinates past 9999, names past 64 characters."""
    sim = await simulator_factory()
    _, body = await get(
        http,
        sim,
        "/param.cgi?action=add&group=Motion&template=motion"
        "&Motion.M.Top=10000&Motion.M.Left=20",
    )
    assert body == (
        "M0 created\n# Error: Error setting 'Motion.M.Top' to '10000':"
        " out of range 0-9999\r\n"
    )
    assert (sim.params["Motion.M0.Top"], sim.params["Motion.M0.Left"]) == ("0", "20")
    name = "n" * 65
    add = "/param.cgi?action=add&group=Event&template=event"
    _, body = await get(http, sim, f"{add}&Event.E.Name={name}")
    assert (
        body == "E0 created\n# Error: Error setting 'Event.E.Name': longer than 64\r\n"
    )
    _, body = await get(
        http, sim, f"/param.cgi?action=update&Event.E0.Name={name[:64]}"
    )
    assert body == "OK\r\n"
    _, body = await get(http, sim, f"{add}&Event.E.Active=yes&Event.E.Enabled=yes")
    assert body == (
        "E1 created\n# Error: Error setting 'Event.E.Active' to 'yes':"
        " read-only parameter\r\n"
    )
    assert sim.params["Event.E1.Enabled"] == "yes"
