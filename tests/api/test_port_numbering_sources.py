"""Each source of port numbers (check answers, each monitor path) has its own.

A device may answer ``check=1`` with the number it was asked for
(``input1=1``) and still number its monitor parts like the spec's example
(port 1 as ``IO0``, 5.5.1.1).  Also: bare check values in request order and
monitor lines written a little differently from the spec's.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator
import logging

import aiohttp
import pytest

from cgi_camera_api import (
    CameraClient,
    CameraResponseError,
    IoEvent,
    lines as lines_module,
)
from cgi_camera_api.io import (
    PortMapper,
    PortNumbering,
    parse_check,
    parse_monitor_part,
)
from cgi_camera_api.lines import forget_skipped_lines
from tests.api.conftest import ClientFactory
from tests.sim_fixtures import SimulatorFactory

from .helpers import RawDevice, served

PASSWORD = "s3cr3tpass"
TEXT_HEAD = b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\n"
STREAM_HEAD = (
    b"HTTP/1.0 200 OK\r\n"
    b"Content-Type: multipart/x-mixed-replace; boundary=ioboundary\r\n\r\n"
)
PART = b"--ioboundary\r\nContent-Type: text/plain\r\n\r\n"


def _stream(*states: bytes) -> bytes:
    """A monitor answer with one part per state line, then the device closes."""
    return (
        STREAM_HEAD + b"".join(PART + state for state in states) + b"--ioboundary\r\n"
    )


class IoDevice(RawDevice):
    """Canned answers: one for check requests, one for monitor requests."""

    def __init__(self, check: bytes, monitor: bytes) -> None:
        """Answer check requests with ``check``, monitors with ``monitor``."""
        super().__init__()
        self.check = check
        self.monitor = monitor

    def answer(self, target: str) -> bytes:
        """The canned answer for the kind of request."""
        return self.monitor if "monitor=" in target else TEXT_HEAD + self.check


@pytest.fixture
async def raw_client(
    session: aiohttp.ClientSession,
) -> AsyncIterator[tuple[IoDevice, CameraClient]]:
    """A raw device (one-based checks, zero-based monitor) and its client."""
    device = IoDevice(
        b"input1=active\r\ninput2=inactive\r\n",
        _stream(b"IO0:/\r\n", b"IO1:\\\r\n", b"IO1:/\r\n", b"IO0:\\\r\n"),
    )
    async with served(device, session, PASSWORD) as client:
        yield device, client


async def _all(events: AsyncGenerator[IoEvent]) -> list[IoEvent]:
    """Every event until the device closes the stream."""
    try:
        return [event async for event in events]
    finally:
        await events.aclose()


# -- numbering per source -------------------------------------------------------


async def test_io0_monitor_leaves_one_port_checks_readable(
    simulator_factory: SimulatorFactory, client_for: ClientFactory
) -> None:
    """One input, one relay; the monitor says IO0: checks still read port 1."""
    sim = await simulator_factory(inputs=1, outputs=1, io0_quirk=True)
    client = client_for(sim)
    assert await client.io.input_states([1]) == {1: False}
    sim.state.io.set("input", 1, True)
    events = client.io.monitor_inputs([1])
    try:
        assert await anext(events) == IoEvent(1, True)
    finally:
        await events.aclose()
    assert await client.io.input_states([1]) == {1: True}
    assert await client.io.output_states([1]) == {1: False}
    assert client.io.monitor_numbering("/io/input.cgi").saw_io0


async def test_zero_based_monitor_after_one_based_checks(
    raw_client: tuple[IoDevice, CameraClient],
) -> None:
    """Checks decide one-based; the monitor's IO0 and IO1 are still ports 1 and 2."""
    _, client = raw_client
    assert await client.io.input_states([1, 2]) == {1: True, 2: False}
    assert await _all(client.io.monitor_inputs([1, 2])) == [
        IoEvent(1, True),
        IoEvent(2, False),
        IoEvent(2, True),
        IoEvent(1, False),
    ]
    assert client.io.report["numbering"] == "one-based"
    assert client.io.report["monitor_numbering"] == {"/io/input.cgi": "zero-based"}


async def test_checks_after_a_zero_based_monitor(
    raw_client: tuple[IoDevice, CameraClient],
) -> None:
    """The other order: a zero-based monitor first leaves the checks one-based."""
    _, client = raw_client
    assert len(await _all(client.io.monitor_inputs([1, 2]))) == 4
    assert await client.io.input_states([1, 2]) == {1: True, 2: False}


async def test_each_monitor_path_learns_its_own_numbering(
    session: aiohttp.ClientSession,
) -> None:
    """io/output.cgi's monitor is not read with io/input.cgi's numbering."""
    device = IoDevice(b"", _stream(b"IO0:/\r\nIO1:/\r\n"))
    async with served(device, session, PASSWORD) as client:
        assert await _all(client.io.monitor_inputs([1, 2])) == [
            IoEvent(1, True),
            IoEvent(2, True),
        ]
        device.monitor = _stream(b"IO1:/\r\nIO2:\\\r\n")
        assert await _all(client.io.monitor_outputs([1, 2])) == [
            IoEvent(1, True, output=True),
            IoEvent(2, False, output=True),
        ]
    assert client.io.report["monitor_numbering"] == {
        "/io/input.cgi": "zero-based",
        "/io/output.cgi": "one-based",
    }


def test_an_undecided_monitor_falls_back_to_the_checks() -> None:
    """Until its own evidence, a monitor reads as the check answers decided."""
    checks = PortNumbering()
    PortMapper([1, 2], checks).learn([0, 1])
    assert checks.mode == "zero"
    monitor = PortMapper([1, 2], PortNumbering(checks))
    monitor.learn([1])
    assert monitor.numbering.mode == "undecided"
    assert monitor.port(1) == 2


def test_a_monitors_own_decision_wins_over_the_checks() -> None:
    """Checks decided one-based; a lone IO0 still reads as port 1 (IO2 as 2).

    That is the spec's example (port 1 as ``IO0``) beside numbers as
    requested. Once the monitor's own reports decide zero-based (``0`` and
    ``1``), that wins.
    """
    checks = PortNumbering()
    PortMapper([1, 2, 3], checks).learn([1, 3])
    assert checks.mode == "one"
    monitor = PortMapper([1, 2, 3], PortNumbering(checks))
    monitor.learn([0])
    assert (monitor.port(0), monitor.port(2)) == (1, 2)
    monitor.learn([1])
    assert monitor.numbering.mode == "zero"
    assert (monitor.port(0), monitor.port(1), monitor.port(2)) == (1, 2, 3)


# -- bare check values in request order -----------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1\r\n0\r\n", {1: "1", 2: "0"}),
        ("1,0", {1: "1", 2: "0"}),
        ("1, 0\r\n", {1: "1", 2: "0"}),
        ("active\r\ninactive\r\n", {1: "active", 2: "inactive"}),
        ("input\r\noutput\r\n", {1: "input", 2: "output"}),
    ],
)
def test_bare_values_answer_the_ports_in_request_order(
    text: str, expected: dict[int, str]
) -> None:
    """As many bare values as ports asked for, none numbered: request order."""
    assert parse_check(text, [1, 2]) == expected


def test_bare_values_skip_other_lines(caplog: pytest.LogCaptureFixture) -> None:
    """A banner beside the values is skipped and logged, as elsewhere."""
    forget_skipped_lines()
    with caplog.at_level(logging.DEBUG, logger=lines_module.__name__):
        assert parse_check("I/O status\r\n0\r\n1\r\n0\r\n", [2, 3, 4]) == {
            2: "0",
            3: "1",
            4: "0",
        }
    assert "I/O status" in caplog.text
    forget_skipped_lines()


@pytest.mark.parametrize("text", ["1\r\n", "1,0,1", "what?\nhuh", "1\r\n2=1\r\n"])
def test_bare_values_that_do_not_add_up_raise(text: str) -> None:
    """Too few or too many values, unknown words or a numbered line: no guess."""
    with pytest.raises(CameraResponseError, match="no state"):
        parse_check(text, [1, 2])


async def test_bare_active_values_through_a_device(
    session: aiohttp.ClientSession,
) -> None:
    """``checkactive=1,2`` answered ``active``/``inactive`` lines reads both."""
    device = IoDevice(b"active\r\ninactive\r\n", b"")
    async with served(device, session, PASSWORD) as client:
        assert await client.io.output_states([1, 2]) == {1: True, 2: False}
    assert device.targets == ["/io/output.cgi?checkactive=1,2"]


# -- monitor lines written differently --------------------------------------------


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b"io0:h\r\n", [(0, True)]),
        (b"io1:l\r\nIo2:/\r\n", [(1, False), (2, True)]),
        (b"IO0:\\\\\n", [(0, False)]),
        (b"IO0:\\\\\r\n", [(0, False)]),
    ],
)
def test_lower_case_and_doubled_backslash_monitor_lines(
    body: bytes, expected: list[tuple[int, bool]]
) -> None:
    r"""``io0:h`` and ``IO0:\\`` (the spec's printed text, copied) are states."""
    assert parse_monitor_part(body) == expected
