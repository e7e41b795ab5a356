"""audio/receive.cgi (G.711 u-law, 240-byte blocks in real time) and transmit.cgi."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field
import math
import sys
from typing import Any, NoReturn

from aiohttp import web

from ..faults import GARBAGE
from ..respond import arguments, bad_request, no_content, not_found, sim_of, text

BLOCK = 240
BOUNDARY = b"--myboundary\r\n"
MULTIPART_TYPE = "multipart/x-mixed-replace;boundary=myboundary"
#: The spec's own multipart audio type (5.8.4); the parts stay ``--myboundary``.
SPEC_LITERAL_TYPE = "multipart/x-mixed-replace; boundary=--myboundary"
PART_HEAD = b"Content-Type: audio/basic\r\n\r\n"


def ulaw(sample: int) -> int:
    """Encode a 16-bit linear sample as G.711 u-law."""
    bias, clip = 0x84, 32635
    sign = 0x80 if sample < 0 else 0
    magnitude = min(abs(sample), clip) + bias
    exponent = max(0, magnitude.bit_length() - 8)
    mantissa = (magnitude >> (exponent + 3)) & 0x0F
    return ~(sign | (exponent << 4) | mantissa) & 0xFF


#: One block of a 400 Hz tone (exactly 12 periods at 8000 Hz).
TONE = bytes(
    ulaw(int(8000 * math.sin(2 * math.pi * 400 * n / 8000))) for n in range(BLOCK)
)


async def receive_cgi(request: web.Request) -> web.StreamResponse:
    """Stream the tone, single-part or multipart."""
    sim = sim_of(request)
    if not sim.config.audio:
        return not_found()
    args = await arguments(request)
    default = sim.state.setting("Audiod.HttpMessageType", "singlepart")
    httptype = args.get("httptype", default)
    if httptype not in ("singlepart", "multipart"):
        return bad_request(f"invalid httptype '{httptype}'")
    multipart = httptype == "multipart"
    loop = asyncio.get_running_loop()
    interval = sim.config.audio_block_interval
    async with sim.streams.open("audio") as stream:
        content_type = "audio/basic"
        if multipart:
            spec_literal = sim.config.wire == "spec-literal"
            content_type = SPEC_LITERAL_TYPE if spec_literal else MULTIPART_TYPE
        response = web.StreamResponse(headers={"Content-Type": content_type})
        await response.prepare(request)
        if multipart:
            await response.write(BOUNDARY)
        deadline = loop.time()
        # A client that leaves mid-write ends the stream, as on a device.
        with contextlib.suppress(ConnectionResetError):
            while True:
                block = TONE
                fault = stream.take_fault()
                if fault == "truncate":
                    block = TONE[: BLOCK // 2]
                elif fault == "garbage":
                    block = GARBAGE
                if multipart:
                    end = (
                        b"\r\n--wrongboundary\r\n"
                        if fault == "boundary"
                        else b"\r\n" + BOUNDARY
                    )
                    await response.write(PART_HEAD + block + end)
                else:
                    await response.write(block)
                sim.counters.frames_sent["audio"] += 1
                deadline += interval
                await asyncio.sleep(max(0.0, deadline - loop.time()))
        return response


#: transmit.cgi requests kept in ``Simulator.audio_transmits`` (the newest).
MAX_RECORDED_TRANSMITS = 20
#: Body bytes kept per transmit (``received`` counts them all).
MAX_RECORDED_BYTES = 1024 * 1024
#: Arrivals kept per transmit (enough for ten minutes of 240-byte blocks).
MAX_RECORDED_ARRIVALS = 20_000


@dataclass
class AudioTransmit:
    """What one ``POST /audio/transmit.cgi`` brought, as the device saw it.

    Times are the event loop's clock (``loop.time()``, seconds), so a test in
    the same loop can compare them with its own.
    """

    #: The request's HTTP version, ``"1.0"`` or ``"1.1"``.
    version: str
    #: The ``Content-Length`` header (``None`` without one).
    content_length: int | None
    #: The ``Transfer-Encoding`` header (``None`` without one, e.g. ``chunked``).
    transfer_encoding: str | None
    content_type: str | None
    #: When the request reached the handler.
    opened_at: float = 0.0
    #: The body as received (its first ``MAX_RECORDED_BYTES``).
    body: bytearray = field(default_factory=bytearray)
    #: Body bytes received.
    received: int = 0
    #: (time, bytes received so far) for each chunk, the first
    #: ``MAX_RECORDED_ARRIVALS``: how the sender paced the body.
    arrivals: list[tuple[float, int]] = field(default_factory=list)
    #: The answer's HTTP status (``None`` while it arrives, or when cut).
    status: int | None = None
    #: The body ended as declared (False while it arrives, or if it was cut).
    complete: bool = False
    #: The request is over (complete, refused or cut).
    ended: bool = False
    #: When it was over (``None`` until then).
    ended_at: float | None = None
    _waiters: list[tuple[int, asyncio.Future[None]]] = field(
        default_factory=list, repr=False
    )

    @property
    def first_byte_at(self) -> float | None:
        """When the first body bytes arrived."""
        return self.arrivals[0][0] if self.arrivals else None

    @property
    def last_byte_at(self) -> float | None:
        """When the latest body bytes arrived (of the recorded arrivals)."""
        return self.arrivals[-1][0] if self.arrivals else None

    def add(self, chunk: bytes) -> None:
        """Take a chunk of the body."""
        self.received += len(chunk)
        room = MAX_RECORDED_BYTES - len(self.body)
        self.body += chunk[: max(0, room)]
        if len(self.arrivals) < MAX_RECORDED_ARRIVALS:
            self.arrivals.append((asyncio.get_running_loop().time(), self.received))
        self._notify()

    def finish(self, complete: bool, status: int | None = None) -> None:
        """The request is over."""
        self.complete = complete
        self.status = status
        self.ended = True
        self.ended_at = asyncio.get_running_loop().time()
        self._notify()

    async def wait_for_bytes(self, count: int) -> None:
        """Wait until ``count`` body bytes arrived, or the request is over."""
        if self.received >= count or self.ended:
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append((count, future))
        try:
            await future
        finally:
            self._waiters.remove((count, future))

    async def wait_until_ended(self) -> None:
        """Wait until the request is over."""
        await self.wait_for_bytes(sys.maxsize)

    def _notify(self) -> None:
        for count, future in self._waiters:
            if not future.done() and (self.received >= count or self.ended):
                future.set_result(None)

    def snapshot(self) -> dict[str, Any]:
        """JSON-friendly view (without the body and the arrivals)."""
        return {
            "version": self.version,
            "content_length": self.content_length,
            "transfer_encoding": self.transfer_encoding,
            "content_type": self.content_type,
            "received": self.received,
            "complete": self.complete,
            "ended": self.ended,
            "status": self.status,
            "opened_at": self.opened_at,
            "first_byte_at": self.first_byte_at,
            "last_byte_at": self.last_byte_at,
            "ended_at": self.ended_at,
        }


def _refusal(request: web.Request, code: int) -> web.Response:
    """The answer of a device refusing its speaker with ``code``."""
    response = text(f"{code} {REFUSAL_REASONS[code]}\r\n", status=code)
    if code == 401:
        for value in sim_of(request).auth.challenges(stale=False):
            response.headers.add("WWW-Authenticate", value)
    return response


REFUSAL_REASONS = {401: "Unauthorized", 403: "Forbidden", 503: "Service Unavailable"}


async def transmit_cgi(request: web.Request) -> web.Response:
    """Play audio: count the bytes, record the request (``audio_transmits``).

    A single-part body whose type is not in ``config.speaker_types`` is
    refused (400) before
    a byte is read; so are the transmit faults (``Faults.refuse_transmit``),
    and ``Faults.cut_transmit`` resets the connection mid-body.  Without
    ``config.transmit_answer`` the body is read until the client closes the
    connection, and nothing is answered.
    """
    sim = sim_of(request)
    if not sim.config.audio or not sim.config.speaker_types:
        return not_found()
    if request.method != "POST":
        return bad_request("transmit requires POST")
    record = AudioTransmit(
        version=f"{request.version.major}.{request.version.minor}",
        content_length=request.content_length,
        transfer_encoding=request.headers.get("Transfer-Encoding"),
        content_type=request.headers.get("Content-Type"),
        opened_at=asyncio.get_running_loop().time(),
    )
    sim.audio_transmits.append(record)
    del sim.audio_transmits[:-MAX_RECORDED_TRANSMITS]
    # The spec's multipart transmit (5.8.5, example 2) names the audio type
    # in each part: only a single-part body's type is checked.
    # MIME types are case-insensitive (aiohttp gives them in lower case).
    media_type = request.content_type
    taken = {name.lower() for name in sim.config.speaker_types}
    if media_type != "multipart/x-mixed-replace" and media_type not in taken:
        record.finish(False, 400)
        return bad_request(f"unsupported audio type '{record.content_type}'")
    refusal, cut_after = sim.faults.take_transmit_fault()
    if refusal is not None:
        record.finish(False, refusal)
        return _refusal(request, refusal)
    async with sim.streams.open("audio"):
        complete = answered = False
        try:
            if cut_after == 0:
                _cut(request)
            async for chunk in request.content.iter_any():
                sim.counters.audio_bytes_received += len(chunk)
                sim.state.audio_bytes_received += len(chunk)
                record.add(chunk)
                if cut_after is not None and record.received >= cut_after:
                    _cut(request)
            complete = True
            if not sim.config.transmit_answer:
                # The client closing the connection cancels this handler.
                await asyncio.get_running_loop().create_future()
            answered = True
        finally:
            record.finish(complete, 204 if answered else None)
    return no_content()


def _cut(request: web.Request) -> NoReturn:
    """Drop the connection at once, as a device losing power would."""
    transport = request.transport
    if transport is not None:
        transport.abort()
    raise asyncio.CancelledError
