"""audio/receive.cgi (G.711 u-law, 240-byte blocks in real time) and transmit.cgi."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field
import math
from typing import Any

from aiohttp import web

from ..faults import GARBAGE
from ..respond import arguments, bad_request, no_content, not_found, sim_of

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


@dataclass
class AudioTransmit:
    """What one ``POST /audio/transmit.cgi`` brought, as the device saw it."""

    #: The request's HTTP version, ``"1.0"`` or ``"1.1"``.
    version: str
    #: The ``Content-Length`` header (``None`` without one).
    content_length: int | None
    #: The ``Transfer-Encoding`` header (``None`` without one, e.g. ``chunked``).
    transfer_encoding: str | None
    content_type: str | None
    #: The body as received (its first ``MAX_RECORDED_BYTES``).
    body: bytearray = field(default_factory=bytearray)
    #: Body bytes received.
    received: int = 0
    #: The body ended as declared (False while it arrives, or if it was cut).
    complete: bool = False
    #: The request is over (complete or cut).
    ended: bool = False
    _waiters: list[tuple[int, asyncio.Future[None]]] = field(
        default_factory=list, repr=False
    )

    def add(self, chunk: bytes) -> None:
        """Take a chunk of the body."""
        self.received += len(chunk)
        room = MAX_RECORDED_BYTES - len(self.body)
        self.body += chunk[: max(0, room)]
        self._notify()

    def finish(self, complete: bool) -> None:
        """The request is over."""
        self.complete = complete
        self.ended = True
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

    def _notify(self) -> None:
        for count, future in self._waiters:
            if not future.done() and (self.received >= count or self.ended):
                future.set_result(None)

    def snapshot(self) -> dict[str, Any]:
        """JSON-friendly view (without the body)."""
        return {
            "version": self.version,
            "content_length": self.content_length,
            "transfer_encoding": self.transfer_encoding,
            "content_type": self.content_type,
            "received": self.received,
            "complete": self.complete,
            "ended": self.ended,
        }


async def transmit_cgi(request: web.Request) -> web.Response:
    """Accept audio, count the bytes and record the request (``audio_transmits``)."""
    sim = sim_of(request)
    if not sim.config.audio:
        return not_found()
    if request.method != "POST":
        return bad_request("transmit requires POST")
    record = AudioTransmit(
        version=f"{request.version.major}.{request.version.minor}",
        content_length=request.content_length,
        transfer_encoding=request.headers.get("Transfer-Encoding"),
        content_type=request.headers.get("Content-Type"),
    )
    sim.audio_transmits.append(record)
    del sim.audio_transmits[:-MAX_RECORDED_TRANSMITS]
    async with sim.streams.open("audio"):
        complete = False
        try:
            async for chunk in request.content.iter_any():
                sim.counters.audio_bytes_received += len(chunk)
                sim.state.audio_bytes_received += len(chunk)
                record.add(chunk)
            complete = True
        finally:
            record.finish(complete)
    return no_content()
