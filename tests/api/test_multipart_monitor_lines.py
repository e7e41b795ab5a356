r"""Monitor parts whose ``IO<n>:`` line comes without a blank line before it.

Spec 5.5.1.1 ends a monitor part's headers with a blank line, but its own
5.8.4 example prints a part without one; ``IO0:/`` looks like a MIME header.
With ``body_line`` (the I/O monitor passes ``MONITOR_BODY_LINE``) such a
line starts the body; without it the reader stays generic.
"""

from __future__ import annotations

from contextlib import aclosing
import re

import aiohttp
import pytest

from cgi_camera_api import IoEvent, MultipartStreamReader
from cgi_camera_api.multipart import MONITOR_BODY_LINE

from .helpers import RawDevice, served, source, split

HEAD = (
    b"HTTP/1.0 200 OK\r\n"
    b"Content-Type: multipart/x-mixed-replace; boundary=ioboundary\r\n\r\n"
)
NO_BLANK_AFTER_TYPE = (
    b"--ioboundary\r\nContent-Type: text/plain\r\nIO0:/\r\n"
    b"--ioboundary\r\nContent-Type: text/plain\r\nIO0:\\\r\n--ioboundary\r\n"
)
NO_HEADERS = b"--ioboundary\r\nIO0:/\r\n--ioboundary\r\nIO0:\\\r\n--ioboundary\r\n"


async def _parts(
    data: bytes, cuts: list[int], body_line: re.Pattern[bytes] | None = None
) -> list[tuple[dict[str, str], bytes]]:
    reader = MultipartStreamReader(
        source(split(data, cuts)),
        "ioboundary",
        max_part_bytes=4096,
        body_line=body_line,
    )
    return [(dict(part.headers), part.body) async for part in reader]


@pytest.mark.parametrize("cuts", [[], [1, 17, 30, 41], list(range(0, 120, 3))])
async def test_a_body_line_ends_the_headers(cuts: list[int]) -> None:
    """Without a blank line, ``IO0:/`` is the body; the headers stay headers."""
    parts = await _parts(NO_BLANK_AFTER_TYPE, cuts, body_line=MONITOR_BODY_LINE)
    assert parts == [
        ({"content-type": "text/plain"}, b"IO0:/"),
        ({"content-type": "text/plain"}, b"IO0:\\"),
    ]


@pytest.mark.parametrize("cuts", [[], [5, 14], list(range(0, 60, 2))])
async def test_a_part_without_headers(cuts: list[int]) -> None:
    """A part that is only ``IO0:/``: no headers, the line is the body."""
    parts = await _parts(NO_HEADERS, cuts, body_line=MONITOR_BODY_LINE)
    assert parts == [({}, b"IO0:/"), ({}, b"IO0:\\")]


async def test_the_body_line_is_matched_loosely() -> None:
    """Any case, blanks around the number and the colon: still a body line."""
    data = b"--ioboundary\r\nContent-Type: text/plain\r\n  io12 :H\r\n--ioboundary\r\n"
    parts = await _parts(data, [], body_line=MONITOR_BODY_LINE)
    assert parts == [({"content-type": "text/plain"}, b"  io12 :H")]


async def test_without_the_option_the_reader_stays_generic() -> None:
    """Other streams keep reading ``token: value`` lines as headers."""
    parts = await _parts(NO_HEADERS, [])
    assert parts == [({"io0": "/"}, b""), ({"io0": "\\"}, b"")]


class _Monitor(RawDevice):
    def __init__(self, parts: bytes) -> None:
        super().__init__()
        self.parts = parts

    def answer(self, target: str) -> bytes:
        return HEAD + self.parts


@pytest.mark.parametrize(
    "parts", [NO_BLANK_AFTER_TYPE, NO_HEADERS], ids=["no-blank-line", "no-headers"]
)
async def test_the_monitor_keeps_the_state(
    session: aiohttp.ClientSession, parts: bytes
) -> None:
    """The I/O monitor reads these exact bytes as port 1 going on, then off."""
    device = _Monitor(parts)
    async with (
        served(device, session, "pw") as client,
        aclosing(client.io.monitor_inputs([1])) as stream,
    ):
        events = [event async for event in stream]
    assert [(e.port, e.active) for e in events] == [(1, True), (1, False)]
    assert all(isinstance(e, IoEvent) for e in events)
    assert device.targets == ["/io/input.cgi?monitor=1"]
