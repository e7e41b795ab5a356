"""audio/receive.cgi (G.711 u-law, 240-byte blocks in real time) and transmit.cgi."""

from __future__ import annotations

import asyncio
import contextlib
import math

from aiohttp import web

from ..faults import GARBAGE
from ..respond import arguments, bad_request, no_content, not_found, sim_of

BLOCK = 240
BOUNDARY = b"--myboundary\r\n"
MULTIPART_TYPE = "multipart/x-mixed-replace;boundary=myboundary"
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
    default = sim.params.get("Audiod.HttpMessageType", "singlepart")
    httptype = args.get("httptype", default)
    if httptype not in ("singlepart", "multipart"):
        return bad_request(f"invalid httptype '{httptype}'")
    multipart = httptype == "multipart"
    loop = asyncio.get_running_loop()
    interval = sim.config.audio_block_interval
    async with sim.streams.open("audio") as stream:
        content_type = MULTIPART_TYPE if multipart else "audio/basic"
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


async def transmit_cgi(request: web.Request) -> web.Response:
    """Accept audio and count the bytes received."""
    sim = sim_of(request)
    if not sim.config.audio:
        return not_found()
    if request.method != "POST":
        return bad_request("transmit requires POST")
    async with sim.streams.open("audio"):
        async for chunk in request.content.iter_any():
            sim.counters.audio_bytes_received += len(chunk)
            sim.state.audio_bytes_received += len(chunk)
    return no_content()
