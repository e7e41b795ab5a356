"""imagesize.cgi, videostatus.cgi, JPEG snapshots and MJPEG streams."""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING

from aiohttp import web

from ..config import EXTRA_RESOLUTIONS, RESOLUTIONS
from ..faults import GARBAGE
from ..frames import FrameKey
from ..respond import arguments, bad_request, not_found, sim_of, text
from ..state import format_date

if TYPE_CHECKING:
    from ..server import Simulator

BOUNDARY = b"--myboundary\r\n"
MJPEG_TYPE = "multipart/x-mixed-replace;boundary=myboundary"
#: The spec-literal wire's MJPEG type: its parts are still ``--myboundary`` lines.
SPEC_LITERAL_TYPE = "multipart/x-mixed-replace; boundary=--myboundary"


def numbered(data: bytes, number: int) -> bytes:
    """Return the JPEG ``data`` with a comment segment ``frame=<number>`` after SOI."""
    comment = f"frame={number}".encode()
    segment = b"\xff\xfe" + (len(comment) + 2).to_bytes(2, "big") + comment
    return data[:2] + segment + data[2:]


def frame_number(data: bytes) -> int | None:
    """Return the number :func:`numbered` put in a JPEG, if it has one."""
    if data[2:4] != b"\xff\xfe":
        return None
    length = int.from_bytes(data[4:6], "big")
    comment = data[6 : 4 + length].decode(errors="replace")
    return int(comment[6:]) if comment.startswith("frame=") else None


def _size(name: str) -> tuple[int, int]:
    return RESOLUTIONS.get(name) or EXTRA_RESOLUTIONS[name]


def _camera(sim: Simulator, value: str | None) -> int | str:
    """1..sources or "quad"; raises ValueError."""
    if value is None:
        return 1
    if value == "quad" and sim.config.sources == 4:
        return "quad"
    if value.isdigit() and 1 <= int(value) <= sim.config.sources:
        return int(value)
    raise ValueError(f"invalid camera '{value}'")


def _resolution(
    sim: Simulator, camera: int | str, value: str | None
) -> tuple[int, int]:
    if value is None:
        return _size(sim.state.resolution(1 if camera == "quad" else int(camera)))
    if value not in RESOLUTIONS:
        raise ValueError(f"invalid resolution '{value}'")
    return RESOLUTIONS[value]


def _quality(value: str | None, default: str) -> int:
    compression = int(value if value is not None else default)
    if not 0 <= compression <= 100:
        raise ValueError("compression must be 0-100")
    return max(5, 100 - compression)


def _osd_text(sim: Simulator, camera: int) -> str:
    osd = sim.state.osd(camera)
    now = format_date(sim.state.now())
    date, clock = now[:12], now[13:]
    parts = []
    if osd["DateEnabled"] == "yes":
        parts.append(date)
    if osd["ClockEnabled"] == "yes":
        parts.append(clock)
    if osd["TextEnabled"] == "yes" and osd["String"]:
        parts.append(osd["String"])
    return "  ".join(parts)


def _key(
    sim: Simulator, camera: int, width: int, height: int, quality: int
) -> FrameKey:
    position = sim.state.ptz[camera].current()
    signal = sim.state.video_signal.get(camera, False)
    return FrameKey(
        source=camera,
        width=width,
        height=height,
        pan=round(position["pan"], 1),
        tilt=round(position["tilt"], 1),
        zoom=round(position["zoom"]),
        iris=round(position["iris"], -2) if signal else 0.0,
        osd=_osd_text(sim, camera) if signal else "NO VIDEO",
        quality=quality,
    )


async def frame(
    sim: Simulator, camera: int | str, size: tuple[int, int], quality: int
) -> bytes:
    """One JPEG of ``camera`` (or the quad view) at ``size``."""
    width, height = size
    if camera == "quad":
        tiles = tuple(
            _key(sim, n, width // 2, height // 2, quality) for n in range(1, 5)
        )
        return await sim.frames.get_quad(tiles, width, height, quality)
    return await sim.frames.get(_key(sim, int(camera), width, height, quality))


async def _options(
    request: web.Request, camera_arg: str | None
) -> tuple[int | str, tuple[int, int], int]:
    """Camera, size and quality of an image or video request; raises ValueError."""
    sim = sim_of(request)
    args = await arguments(request)
    camera = _camera(sim, camera_arg or args.get("camera"))
    size = _resolution(sim, camera, args.get("resolution"))
    index = 0 if camera == "quad" else int(camera) - 1
    default = sim.state.setting(f"Image.I{index}.Compression", "30")
    return camera, size, _quality(args.get("compression"), default)


def _unknown_path_camera(request: web.Request) -> bool:
    """Whether ``/jpg/<camera>/...`` or ``/mjpg/<camera>/...`` names no camera."""
    camera = request.match_info.get("camera")
    if camera is None:
        return False
    try:
        _camera(sim_of(request), camera)
    except ValueError:
        return True
    return False


async def imagesize_cgi(request: web.Request) -> web.Response:
    """imagesize.cgi?camera=...[&resolution=...]."""
    sim = sim_of(request)
    args = await arguments(request)
    if "camera" not in args:
        return bad_request("camera is required")
    try:
        camera = _camera(sim, args["camera"])
        width, height = _resolution(sim, camera, args.get("resolution"))
    except ValueError as err:
        return bad_request(str(err))
    return text(f"image width = {width}\nimage height = {height}\n")


async def videostatus_cgi(request: web.Request) -> web.Response:
    """videostatus.cgi?status=1,2,3,4."""
    sim = sim_of(request)
    args = await arguments(request)
    try:
        numbers = [int(n) for n in args.get("status", "").split(",")]
    except ValueError:
        return bad_request("status must be a list of numbers")
    lines = []
    for number in numbers:
        present = sim.state.video_signal.get(number, False)
        lines.append(f"Video {number} = {'video' if present else 'no video'}\n")
    return text("".join(lines))


async def _snapshot(request: web.Request, camera_arg: str | None) -> web.Response:
    try:
        camera, size, quality = await _options(request, camera_arg)
    except ValueError as err:
        return bad_request(str(err))
    data = await frame(sim_of(request), camera, size, quality)
    return web.Response(body=data, headers={"Content-Type": "image/jpeg"})


async def jpg_image(request: web.Request) -> web.Response:
    """/jpg[/<camera>]/image.jpg."""
    if _unknown_path_camera(request):
        return not_found()
    return await _snapshot(request, request.match_info.get("camera"))


async def image_cgi(request: web.Request) -> web.Response:
    """image.cgi?camera=...&resolution=..."""
    return await _snapshot(request, None)


async def _mjpeg(request: web.Request, camera_arg: str | None) -> web.StreamResponse:
    sim = sim_of(request)
    try:
        camera, size, quality = await _options(request, camera_arg)
    except ValueError as err:
        return bad_request(str(err))
    if sim.streams.count("video") >= sim.state.max_viewers:
        return text("503 Service Unavailable: too many viewers\r\n", status=503)
    loop = asyncio.get_running_loop()
    interval = 1.0 / sim.config.fps
    spec_literal = sim.config.wire == "spec-literal"
    async with sim.streams.open("video") as stream:
        response = web.StreamResponse(
            headers={
                "Content-Type": SPEC_LITERAL_TYPE if spec_literal else MJPEG_TYPE,
                "Cache-Control": "no-cache",
                "Pragma": "no-cache",
            }
        )
        await response.prepare(request)
        await response.write(BOUNDARY)
        deadline = loop.time()
        # A client that leaves mid-write ends the stream, as on a device.
        with contextlib.suppress(ConnectionResetError):
            while True:
                data = await frame(sim, camera, size, quality)
                if sim.config.frame_counter:
                    data = numbered(data, round(loop.time() * sim.config.fps))
                head = (
                    b"Content-Type: image/jpeg\r\n\r\n"
                    if spec_literal
                    else (
                        f"Content-Type: image/jpeg\r\n"
                        f"Content-Length: {len(data)}\r\n\r\n"
                    ).encode()
                )
                body, end = data, BOUNDARY
                fault = stream.take_fault()
                if fault == "truncate":
                    body = data[: len(data) // 2]
                elif fault == "boundary":
                    end = b"--wrongboundary\r\n"
                elif fault == "garbage":
                    head, body = b"", GARBAGE
                await response.write(head + body + b"\r\n" + end)
                sim.counters.frames_sent["video"] += 1
                deadline = max(deadline + interval, loop.time())
                await asyncio.sleep(deadline - loop.time())
        return response


async def mjpg_video(request: web.Request) -> web.StreamResponse:
    """/mjpg[/<camera>]/video.mjpg."""
    if _unknown_path_camera(request):
        return not_found()
    return await _mjpeg(request, request.match_info.get("camera"))


async def mjpg_video_cgi(request: web.Request) -> web.StreamResponse:
    """/mjpg/video.cgi?camera=...&resolution=..."""
    return await _mjpeg(request, None)
