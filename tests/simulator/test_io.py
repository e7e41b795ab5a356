"""io/input.cgi, io/output.cgi and io/port.cgi through real HTTP."""

import asyncio
import itertools

import aiohttp
import pytest

from simulator import Simulator

from .helpers import Factory, basic_auth, control, get, read_until, stream

HEADER_TAIL = b"\r\n\r\n\r\n--ioboundary\r\n"


async def test_check_and_checkactive(
    simulator: Simulator, http: aiohttp.ClientSession
) -> None:
    simulator.set_input(2, True)
    assert await get(http, simulator, "/io/input.cgi?check=1,2") == (
        200,
        "input1=0\r\ninput2=1\r\n",
    )
    assert await get(http, simulator, "/io/input.cgi?checkactive=1,2") == (
        200,
        "input1=inactive\r\ninput2=active\r\n",
    )
    simulator.params["Input.I1.Trig"] = "open"
    assert await get(http, simulator, "/io/input.cgi?check=2") == (200, "input2=0\r\n")
    assert await get(http, simulator, "/io/output.cgi?check=1,2") == (
        200,
        "output1=0\r\noutput2=0\r\n",
    )
    assert await get(http, simulator, "/io/output.cgi?checkactive=1") == (
        200,
        "output1=inactive\r\n",
    )


async def test_port_cgi_numbering(
    simulator: Simulator, http: aiohttp.ClientSession
) -> None:
    simulator.set_input(1, True)
    _, body = await get(http, simulator, "/io/port.cgi?check=1,2,3,4")
    assert body == "port1=1\r\nport2=0\r\nport3=0\r\nport4=0\r\n"
    _, body = await get(http, simulator, "/io/port.cgi?checkdirection=1,3")
    assert body == "port1=input\r\nport3=output\r\n"
    _, body = await get(http, simulator, "/io/port.cgi?checkactive=1")
    assert body == "port1=active\r\n"
    assert await get(http, simulator, "/io/port.cgi?action=4:/") == (200, "OK\r\n")
    assert simulator.output_state(2)
    _, body = await get(http, simulator, "/io/port.cgi?action=1:/")
    assert body == "Request failed: port 1 is not an output\r\n"
    assert await get(http, simulator, "/io/port.cgi?action=/") == (200, "OK\r\n")
    assert simulator.output_state(1)


@pytest.mark.parametrize(
    "query",
    [
        "/io/input.cgi?check=3",
        "/io/input.cgi?check=x",
        "/io/input.cgi?checkdirection=1",
        "/io/input.cgi?action=1:/",
        "/io/output.cgi?action=3:/",
        "/io/output.cgi?action=1:x",
        "/io/output.cgi?action=1:300",
        "/io/output.cgi?action=1:/&action=2:/",
        "/io/output.cgi?action=1:/99999999\\",
        "/io/output.cgi",
        "/io/port.cgi?monitor=9",
    ],
)
async def test_io_errors(
    simulator: Simulator, http: aiohttp.ClientSession, query: str
) -> None:
    status, body = await get(http, simulator, query)
    assert status == 200
    assert body.startswith("Request failed: ")


async def test_output_spec_examples(
    simulator: Simulator, http: aiohttp.ClientSession
) -> None:
    assert await get(http, simulator, "/io/output.cgi?action=1:/") == (200, "OK\r\n")
    assert simulator.output_state(1)
    assert await get(http, simulator, "/io/output.cgi?action=1:\\") == (200, "OK\r\n")
    assert not simulator.output_state(1)


async def test_pulse_sequence_timing(
    simulator: Simulator, http: aiohttp.ClientSession
) -> None:
    """Spec: two 300 ms pulses with 500 ms between them."""
    loop = asyncio.get_running_loop()
    start = loop.time()
    assert await get(http, simulator, "/io/output.cgi?action=1:/300\\500/300\\") == (
        200,
        "OK\r\n",
    )
    assert simulator.output_state(1)
    await simulator.wait_output_idle(1)
    history = [(p, a, t) for k, p, a, t in simulator.state.io.history if k == "output"]
    assert [(p, a) for p, a, _ in history] == [
        (1, True),
        (1, False),
        (1, True),
        (1, False),
    ]
    times = [t for _, _, t in history]
    gaps = [b - a for a, b in itertools.pairwise(times)]
    for gap, expected in zip(gaps, (0.3, 0.5, 0.3), strict=True):
        assert expected - 0.01 <= gap <= expected + 0.1
    assert times[0] - start < 0.2


async def test_wait_before_activate(
    simulator: Simulator, http: aiohttp.ClientSession
) -> None:
    """Spec: wait before setting output 1 active (shortened to 50 ms)."""
    await get(http, simulator, "/io/output.cgi?action=1:50/")
    assert not simulator.output_state(1)
    await simulator.wait_output_idle(1)
    assert simulator.output_state(1)
    await simulator.wait_output_idle(1)  # idle: returns at once


async def test_new_action_replaces_running_sequence(
    simulator: Simulator, http: aiohttp.ClientSession
) -> None:
    await get(http, simulator, "/io/output.cgi?action=1:/5000\\")
    assert simulator.output_state(1)
    await get(http, simulator, "/io/output.cgi?action=1:\\")
    assert not simulator.output_state(1)
    await simulator.wait_output_idle(1)
    assert not simulator.output_state(1)


async def test_monitor_exact_bytes(
    simulator: Simulator, http: aiohttp.ClientSession
) -> None:
    async with stream(http, simulator, "/io/input.cgi?monitor=1,2") as response:
        assert response.status == 200
        assert (
            response.headers["Content-Type"]
            == "multipart/x-mixed-replace; boundary=ioboundary"
        )
        await simulator.counters.wait_for_connections("io", 1)
        buffer = bytearray()
        head = await read_until(response, b"IO2:L\n\r\n\r\n--ioboundary\r\n", buffer)
        assert head == (
            HEADER_TAIL
            + b"Content-Type: text/plain\r\n\r\nIO1:L\n\r\n\r\n--ioboundary\r\n"
            + b"Content-Type: text/plain\r\n\r\nIO2:L\n\r\n\r\n--ioboundary\r\n"
        )
        simulator.set_input(1, True)
        part = await read_until(response, b"--ioboundary\r\n", buffer)
        assert part == b"Content-Type: text/plain\r\n\r\nIO1:/\n\r\n--ioboundary\r\n"
        simulator.set_input(1, False)
        part = await read_until(response, b"--ioboundary\r\n", buffer)
        assert part == b"Content-Type: text/plain\r\n\r\nIO1:\\\n\r\n--ioboundary\r\n"
    await simulator.counters.wait_for_connections("io", 0)


async def test_monitor_burst_in_order_to_every_stream(
    simulator: Simulator, http: aiohttp.ClientSession
) -> None:
    async with (
        stream(http, simulator, "/io/input.cgi?monitor=1") as first,
        stream(http, simulator, "/io/port.cgi?monitor=1,2") as second,
    ):
        await simulator.counters.wait_for_connections("io", 2)
        buffers = [bytearray(), bytearray()]
        await read_until(first, b"IO1:L\n\r\n\r\n--ioboundary\r\n", buffers[0])
        await read_until(second, b"IO2:L\n\r\n\r\n--ioboundary\r\n", buffers[1])
        status, data = await control(http, simulator, "input/1/burst?count=100")
        assert status == 200
        assert data["toggles"] == 100
        for response, buffer in zip((first, second), buffers, strict=True):
            chars = []
            for _ in range(100):
                part = await read_until(response, b"--ioboundary\r\n", buffer)
                chars.append(part.split(b"IO1:")[1][:1])
            assert chars == [b"/", b"\\"] * 50


async def test_monitor_outputs_and_quirk(
    simulator_factory: Factory, http: aiohttp.ClientSession
) -> None:
    sim = await simulator_factory(io0_quirk=True)
    async with stream(http, sim, "/io/output.cgi?monitor=1,2") as response:
        buffer = bytearray()
        head = await read_until(response, b"IO2:L\n\r\n\r\n--ioboundary\r\n", buffer)
        assert b"IO0:L\n" in head
        assert b"IO1:" not in head
        await get(http, sim, "/io/output.cgi?action=1:/")
        part = await read_until(response, b"--ioboundary\r\n", buffer)
        assert part == b"Content-Type: text/plain\r\n\r\nIO0:/\n\r\n--ioboundary\r\n"
        await get(http, sim, "/io/output.cgi?action=2:/")
        part = await read_until(response, b"--ioboundary\r\n", buffer)
        assert part == b"Content-Type: text/plain\r\n\r\nIO2:/\n\r\n--ioboundary\r\n"


async def test_monitor_quirk_initial(
    simulator_factory: Factory, http: aiohttp.ClientSession
) -> None:
    sim = await simulator_factory(io0_quirk=True)
    sim.set_input(1, True)
    async with stream(http, sim, "/io/input.cgi?monitor=1") as response:
        buffer = bytearray()
        head = await read_until(response, b"IO0:H\n\r\n\r\n--ioboundary\r\n", buffer)
        assert head.startswith(HEADER_TAIL)


async def test_monitor_keepalive(
    simulator_factory: Factory, http: aiohttp.ClientSession
) -> None:
    sim = await simulator_factory(monitor_keepalive=0.05)
    async with stream(http, sim, "/io/input.cgi?monitor=1") as response:
        buffer = bytearray()
        await read_until(response, b"IO1:L\n\r\n\r\n--ioboundary\r\n", buffer)
        part = await read_until(response, b"--ioboundary\r\n", buffer)
        assert part == b"Content-Type: text/plain\r\n\r\n\r\n\r\n\r\n--ioboundary\r\n"


async def test_operator_needed_for_action(
    simulator: Simulator, http: aiohttp.ClientSession
) -> None:
    simulator.state.users.add("viewer", "v1", "axuser", ("axview",), "")
    simulator.state.users.add("oper", "o1", "axuser", ("axoper", "axview"), "")
    status, _ = await get(
        http,
        simulator,
        "/io/output.cgi?action=1:/",
        headers=basic_auth("viewer", "v1"),
    )
    assert status == 403
    status, body = await get(
        http,
        simulator,
        "/io/output.cgi?check=1",
        headers=basic_auth("viewer", "v1"),
    )
    assert (status, body) == (200, "output1=0\r\n")
    status, body = await get(
        http,
        simulator,
        "/io/output.cgi?action=1:/",
        headers=basic_auth("oper", "o1"),
    )
    assert (status, body) == (200, "OK\r\n")
    status, _ = await get(http, simulator, "/io/output.cgi?action=1:/", auth=None)
    assert status == 401
