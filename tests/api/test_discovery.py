"""Discovery relies on the spec's requests; parameter names it lacks are hints."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
import contextlib

import aiohttp
from hypothesis import given, settings, strategies as st
import pytest

from cgi_camera_api import CameraClient, CameraError
from cgi_camera_api.discovery import Discovery
from simulator import Simulator, SimulatorConfig
from simulator.profiles import profile_config
from tests.api.conftest import ClientFactory

MAC = "00:40:8c:12:34:56"
PROPERTY = settings(max_examples=25, deadline=None)

# What a full firmware lists: every hint, some of them odd.
HINTS = {
    "Brand.Brand": "CGI",
    "Brand.ProdNbr": "CGI-211",
    "Properties.Firmware.Version": "4.40",
    "Properties.System.SerialNumber": "00408C123456",
    "Properties.PTZ.PTZ": "yes",
    "Properties.Audio.Audio": "no",
    "Properties.LocalStorage.SDCard": "yes",
    "Network.HostName": "cam",
    "Network.eth0.MACAddress": "00:40:8C:12:34:56",
    "ImageSource.NbrOfSources": "4",
    "Image.MaxViewers": "10",
    "Image.I0.Resolution": "640x480",
    "Input.NbrOfInputs": "2",
    "Input.I0.Name": "Door",
    "Input.I5.Name": "ignored",
    "Output.NbrOfOutputs": "1",
    "Output.O0.Name": " Siren ",
    "PTZ.ImageSource.I0.PTZEnabled": "true",
    "PTZ.ImageSource.I2.PTZEnabled": "true",
    "PTZ.ImageSource.I1.PTZEnabled": "false",
    "PTZ.ImageSource.I7.PTZEnabled": "true",
}


@pytest.fixture
async def minimal() -> AsyncIterator[Simulator]:
    """A device whose parameter tree holds only the names the spec prints."""
    sim = Simulator(profile_config("minimal"))
    await sim.start()
    yield sim
    await sim.stop()


def _drop(sim: Simulator, *prefixes: str) -> None:
    """Remove parameters from the device's tree (an older or other firmware)."""
    for name in [n for n in sim.params if n.startswith(prefixes)]:
        del sim.params[name]


async def test_minimal_device_sets_up_with_every_capability(
    minimal: Simulator, client_for: ClientFactory
) -> None:
    """Only the spec's requests: sources, PTZ, I/O, SD, audio and the MAC."""
    info = await client_for(minimal).get_device_info()
    caps = info.capabilities
    assert (caps.sources, caps.has_quad) == (1, False)
    assert caps.ptz_sources == frozenset({1})
    assert (caps.inputs, caps.outputs) == (2, 2)
    assert caps.sd_card
    assert caps.audio
    assert info.mac == info.unique_id == MAC
    assert (info.brand, info.model, info.firmware, info.serial) == (None,) * 4
    assert info.title == "CGI camera"
    assert info.discovery == {
        "audio": "parameter Audiod.HttpMessageType",
        "identity": "probe backup.cgi file name",
        "inputs": "probe /io/input.cgi?checkactive=1,2,...",
        "io_monitor": "probe io/port.cgi?checkdirection=... and monitor=...",
        "outputs": "probe /io/output.cgi?checkactive=1,2,...",
        "ptz": "probe com/ptz.cgi?info=1&camera=N",
        "sd_card": "probe list.cgi?diskid=all",
        "sources": "probe imagesize.cgi?camera=N",
        "speaker": "probe audio/transmit.cgi (empty body)",
    }


async def test_minimal_video_server_has_four_sources_and_ptz_on_one(
    client_for: ClientFactory,
) -> None:
    """Four sources and the quad view from imagesize.cgi, PTZ from ptz.cgi."""
    async with Simulator(profile_config("video-server-minimal")) as sim:
        info = await client_for(sim).get_device_info()
    assert info.capabilities.sources == 4
    assert info.capabilities.has_quad
    assert info.capabilities.ptz_sources == frozenset({2})


async def test_ptz_found_without_the_ptz_enabled_names(
    minimal: Simulator, client_for: ClientFactory
) -> None:
    """``Properties.PTZ.PTZ=yes`` without ``PTZ.ImageSource.*``: ptz.cgi decides."""
    minimal.params["Properties.PTZ.PTZ"] = "yes"
    info = await client_for(minimal).get_device_info()
    assert info.capabilities.ptz_sources == frozenset({1})
    assert info.discovery["ptz"] == "probe com/ptz.cgi?info=1&camera=N"


async def test_hints_are_read_when_present(client_for: ClientFactory) -> None:
    """Names 1-based and stripped, PTZ per source, odd entries ignored."""
    async with Simulator(SimulatorConfig(sources=4)) as sim:
        client = client_for(sim)
        info = await Discovery(client, HINTS).device_info()
    assert (info.brand, info.model, info.firmware, info.name) == (
        "CGI",
        "CGI-211",
        "4.40",
        "cam",
    )
    assert info.mac == info.unique_id == MAC
    assert info.serial == "00408C123456"
    assert info.capabilities.sources == 4
    assert info.capabilities.has_quad  # imagesize.cgi?camera=quad
    assert info.capabilities.ptz_sources == frozenset({1, 3})
    assert info.capabilities.sd_card
    assert not info.capabilities.audio
    assert info.input_names == {1: "Door", 2: ""}
    assert info.output_names == {1: "Siren"}
    assert info.max_viewers == 10
    assert info.default_resolution == "640x480"
    assert client.io.inverted_ports == {
        "/io/input.cgi": frozenset(),
        "/io/output.cgi": frozenset(),
    }


async def test_unreadable_hints_fall_back_to_the_spec(
    simulator: Simulator, client: CameraClient
) -> None:
    """A count that is not a number is a missing hint: probe the device.

    A hinted count the device refuses is probed too: the hints' ``Input.I5``
    says 6 inputs, the device has 2.
    """
    info = await Discovery(
        client, HINTS | {"Input.NbrOfInputs": "two", "ImageSource.NbrOfSources": ""}
    ).device_info()
    assert info.capabilities.inputs == 2
    assert info.discovery["inputs"] == (
        "parameters Input.I<n>.*, refused by /io/input.cgi: probed"
    )
    assert info.capabilities.sources == 1
    assert info.discovery["sources"] == "probe imagesize.cgi?camera=N"


@PROPERTY
@given(st.dictionaries(st.sampled_from(list(HINTS)), st.text(max_size=20)))
def test_random_hint_values_never_crash(values: dict[str, str]) -> None:
    """Whatever the hints say: a DeviceInfo or a CameraError, never a crash."""

    async def main() -> None:
        async with (
            Simulator(SimulatorConfig()) as sim,
            aiohttp.ClientSession() as session,
        ):
            client = CameraClient(
                session, sim.host, port=sim.port, username="root", password="pass"
            )
            with contextlib.suppress(CameraError):
                await Discovery(client, HINTS | values).device_info()

    asyncio.run(main())


async def test_no_ptz_when_the_source_answers_no_commands(
    client_for: ClientFactory,
) -> None:
    """A source whose ptz.cgi refuses is no PTZ source."""
    async with Simulator(profile_config("minimal", ptz=False)) as sim:
        info = await client_for(sim).get_device_info()
    assert info.capabilities.ptz_sources == frozenset()


async def test_hints_save_requests(simulator: Simulator, client: CameraClient) -> None:
    """With the full tree, the list request (and its 401 challenge) tells most.

    The port counts it hints are checked with one request each.
    """
    simulator.counters.reset()
    info = await client.get_device_info()
    # The spec names no speaker parameter: audio/transmit.cgi is probed; nor
    # how a device pushes its relays: io/port.cgi is asked (checkdirection,
    # and the monitor opened and closed).
    probes = {
        "/audio/transmit.cgi": 1,
        "/io/port.cgi": 2,
        "/io/input.cgi": 1,
        "/io/output.cgi": 1,
    }
    assert set(simulator.counters.requests) - set(probes) == {"/param.cgi"}
    assert {p: simulator.counters.requests[p] for p in probes} == probes
    assert info.discovery["inputs"] == "parameter Input.NbrOfInputs"
    assert info.discovery["identity"] == "parameter Network.eth0.MACAddress"


async def test_explicit_no_ptz_is_trusted(
    simulator: Simulator, client: CameraClient
) -> None:
    """``Properties.PTZ.PTZ=no`` is an answer, not a missing name: no probe."""
    simulator.params["Properties.PTZ.PTZ"] = "no"
    simulator.counters.reset()
    info = await client.get_device_info()
    assert info.capabilities.ptz_sources == frozenset()
    assert "/com/ptz.cgi" not in simulator.counters.requests


async def test_a_refused_group_list_falls_back_to_the_whole_tree(
    simulator: Simulator, client: CameraClient
) -> None:
    """A device that refuses the grouped list is asked for everything."""
    simulator.faults.error_next("/param.cgi")
    info = await client.get_device_info()
    assert info.capabilities.inputs == 2
    assert info.unique_id == MAC


async def test_identity_falls_back_to_the_serial_number(
    simulator: Simulator, client: CameraClient
) -> None:
    """No MAC parameter and a serial that is not a MAC: the serial."""
    _drop(simulator, "Network.eth0.MACAddress")
    simulator.params["Properties.System.SerialNumber"] = "ACCC8E-7"
    info = await client.get_device_info()
    assert (info.mac, info.serial, info.unique_id) == (
        None,
        "ACCC8E-7",
        "serial-ACCC8E-7",
    )


async def test_identity_falls_back_to_the_address(
    minimal: Simulator, client_for: ClientFactory
) -> None:
    """No MAC, no serial and no backup for this account: a hash of the address."""
    minimal.add_user("viewer", "view1", "viewer")
    first = await client_for(
        minimal, username="viewer", password="view1"
    ).get_device_info()
    again = await client_for(
        minimal, username="viewer", password="view1"
    ).get_device_info()
    assert first.unique_id.startswith("addr-")
    assert first.unique_id == again.unique_id
    assert first.mac is None
    assert first.discovery["identity"].startswith("address")
