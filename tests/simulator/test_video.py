"""Image and video requests through real HTTP."""

import io

import aiohttp
from PIL import Image
import pytest

from simulator import Simulator
from simulator.handlers.video import frame_number, numbered

from .helpers import ROOT, Factory, get, get_bytes, read_until, stream

BOUNDARY = b"--myboundary\r\n"


def size_of(data: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "JPEG"
        width, height = image.size
        return int(width), int(height)


async def test_imagesize_spec_examples(
    simulator: Simulator, http: aiohttp.ClientSession
) -> None:
    simulator.params["Image.I0.Resolution"] = "176x144"
    status, body = await get(http, simulator, "/imagesize.cgi?camera=1")
    assert (status, body) == (200, "image width = 176\nimage height = 144\n")
    _, body = await get(
        http, simulator, "/imagesize.cgi?camera=1&resolution=QCIF&compression=60"
    )
    assert body == "image width = 160\nimage height = 120\n"


@pytest.mark.parametrize(
    "query",
    [
        "/imagesize.cgi",
        "/imagesize.cgi?camera=2",
        "/imagesize.cgi?camera=1&resolution=HUGE",
    ],
)
async def test_imagesize_errors(
    simulator: Simulator, http: aiohttp.ClientSession, query: str
) -> None:
    status, _ = await get(http, simulator, query)
    assert status == 400


async def test_videostatus_spec_example(
    simulator_factory: Factory, http: aiohttp.ClientSession
) -> None:
    sim = await simulator_factory(sources=4)
    sim.set_video_signal(2, False)
    sim.set_video_signal(3, False)
    status, body = await get(http, sim, "/videostatus.cgi?status=1,2,3,4")
    assert (status, body) == (
        200,
        "Video 1 = video\nVideo 2 = no video\nVideo 3 = no video\nVideo 4 = video\n",
    )
    status, _ = await get(http, sim, "/videostatus.cgi?status=x")
    assert status == 400
    with pytest.raises(ValueError, match="no video source"):
        sim.set_video_signal(9, False)


async def test_jpeg_default(simulator: Simulator, http: aiohttp.ClientSession) -> None:
    response = await get_bytes(http, simulator, "/jpg/image.jpg")
    data = await response.read()
    assert response.status == 200
    assert response.headers["Content-Type"] == "image/jpeg"
    assert int(response.headers["Content-Length"]) == len(data)
    assert size_of(data) == (640, 480)


@pytest.mark.parametrize(
    ("resolution", "size"),
    [
        ("1280x1024", (1280, 1024)),
        ("1024x768", (1024, 768)),
        ("4CIF", (704, 576)),
        ("D1", (720, 576)),
        ("VGA", (640, 480)),
        ("640x480", (640, 480)),
        ("QVGA", (320, 240)),
        ("CIF", (352, 288)),
        ("320x240", (320, 240)),
        ("QQVGA", (160, 120)),
        ("QCIF", (160, 120)),
        ("160x120", (160, 120)),
    ],
)
async def test_image_cgi_resolutions(
    simulator: Simulator,
    http: aiohttp.ClientSession,
    resolution: str,
    size: tuple[int, int],
) -> None:
    response = await get_bytes(
        http, simulator, f"/image.cgi?camera=1&resolution={resolution}"
    )
    assert size_of(await response.read()) == size


async def test_image_cgi_spec_example_and_errors(
    simulator: Simulator, http: aiohttp.ClientSession
) -> None:
    response = await get_bytes(http, simulator, "/image.cgi?camera=1")
    assert response.status == 200
    for query in ("camera=2", "resolution=1x1", "compression=500", "camera=quad"):
        response = await get_bytes(http, simulator, f"/image.cgi?{query}")
        assert response.status == 400
    response = await get_bytes(http, simulator, "/mjpg/video.cgi?resolution=1x1")
    assert response.status == 400
    response = await get_bytes(http, simulator, "/jpg/2/image.jpg")
    assert response.status == 404
    response = await get_bytes(http, simulator, "/mjpg/2/video.mjpg")
    assert response.status == 404


async def test_video_server_cameras_and_quad(
    simulator_factory: Factory, http: aiohttp.ClientSession
) -> None:
    sim = await simulator_factory(sources=4)
    response = await get_bytes(http, sim, "/jpg/2/image.jpg")
    assert size_of(await response.read()) == (640, 480)
    response = await get_bytes(http, sim, "/jpg/quad/image.jpg")
    assert size_of(await response.read()) == (640, 480)
    response = await get_bytes(http, sim, "/image.cgi?camera=quad&resolution=QVGA")
    assert size_of(await response.read()) == (320, 240)
    _, body = await get(http, sim, "/imagesize.cgi?camera=quad")
    assert body == "image width = 640\nimage height = 480\n"
    async with stream(http, sim, "/mjpg/quad/video.mjpg") as response:
        buffer = bytearray()
        await read_until(response, BOUNDARY, buffer)
        part = await read_until(response, BOUNDARY, buffer)
        assert size_of(part.split(b"\r\n\r\n", 1)[1][: -len(b"\r\n" + BOUNDARY)]) == (
            640,
            480,
        )
    async with stream(http, sim, "/mjpg/2/video.mjpg") as response:
        assert response.status == 200


async def test_frames_follow_ptz(
    simulator: Simulator, http: aiohttp.ClientSession
) -> None:
    first = await (
        await get_bytes(http, simulator, "/jpg/image.jpg?resolution=QQVGA")
    ).read()
    again = await (
        await get_bytes(http, simulator, "/image.cgi?resolution=QQVGA")
    ).read()
    simulator.state.ptz[1].set("pan", 45.0)
    moved = await (
        await get_bytes(http, simulator, "/image.cgi?resolution=QQVGA")
    ).read()
    assert moved != first
    assert size_of(again) == (160, 120)


async def test_frame_cache_shared(
    simulator: Simulator, http: aiohttp.ClientSession
) -> None:
    simulator.params["Image.I0.Text.ClockEnabled"] = "no"
    simulator.params["Image.I0.Text.DateEnabled"] = "no"
    before = simulator.frames.renders
    for _ in range(5):
        await get_bytes(http, simulator, "/image.cgi?resolution=QVGA")
    assert simulator.frames.renders == before + 1


def parse_parts(data: bytes) -> list[bytes]:
    assert data.startswith(BOUNDARY)
    frames = []
    rest = data[len(BOUNDARY) :]
    while rest.startswith(b"Content-Type: image/jpeg\r\n"):
        head, rest = rest.split(b"\r\n\r\n", 1)
        length = int(head.split(b"Content-Length: ")[1])
        frames.append(rest[:length])
        assert rest[length : length + 2 + len(BOUNDARY)] == b"\r\n" + BOUNDARY
        rest = rest[length + 2 + len(BOUNDARY) :]
    return frames


@pytest.mark.parametrize(
    "path",
    [
        "/mjpg/video.mjpg",
        "/mjpg/1/video.mjpg",
        "/mjpg/video.cgi?camera=1",
        "/mjpg/video.cgi?resolution=QCIF",
    ],
)
async def test_mjpeg_format(
    simulator_factory: Factory, http: aiohttp.ClientSession, path: str
) -> None:
    sim = await simulator_factory(fps=50.0)
    async with stream(http, sim, path) as response:
        assert response.status == 200
        assert (
            response.headers["Content-Type"]
            == "multipart/x-mixed-replace;boundary=myboundary"
        )
        buffer = bytearray()
        data = bytearray()
        for _ in range(4):
            data += await read_until(response, BOUNDARY, buffer)
        frames = parse_parts(bytes(data))
        assert len(frames) == 3
        for frame in frames:
            size_of(frame)
        assert sim.counters.open_connections["video"] == 1
    await sim.counters.wait_for_connections("video", 0)


async def test_max_viewers(
    simulator_factory: Factory, http: aiohttp.ClientSession
) -> None:
    sim = await simulator_factory(max_viewers=2, fps=20.0)
    async with (
        stream(http, sim, "/mjpg/video.mjpg") as one,
        stream(http, sim, "/mjpg/video.mjpg") as two,
    ):
        assert one.status == two.status == 200
        await sim.counters.wait_for_connections("video", 2)
        async with http.get(sim.url + "/mjpg/video.mjpg", headers=ROOT) as three:
            assert three.status == 503
        sim.params["Image.MaxViewers"] = "3"
        async with stream(http, sim, "/mjpg/video.cgi") as three:
            assert three.status == 200
            await sim.counters.wait_for_connections("video", 3)
    await sim.counters.wait_for_connections("video", 0)
    assert sim.counters.total_connections["video"] == 3


async def test_no_video_signal_frame(
    simulator: Simulator, http: aiohttp.ClientSession
) -> None:
    simulator.set_video_signal(1, False)
    response = await get_bytes(http, simulator, "/image.cgi?resolution=QQVGA")
    assert size_of(await response.read()) == (160, 120)
    _, body = await get(http, simulator, "/videostatus.cgi?status=1")
    assert body == "Video 1 = no video\n"


async def test_frame_counter(
    simulator_factory: Factory, http: aiohttp.ClientSession
) -> None:
    """With frame_counter, each frame's JPEG comment numbers it by the loop's clock."""
    sim = await simulator_factory(fps=20.0, frame_counter=True)
    async with stream(http, sim, "/mjpg/video.cgi") as response:
        buffer = bytearray()
        data = bytearray()
        for _ in range(4):
            data += await read_until(response, BOUNDARY, buffer)
        numbers = [frame_number(frame) for frame in parse_parts(bytes(data))]
    assert all(number is not None for number in numbers)
    assert numbers == sorted(numbers)
    assert frame_number(numbered(b"\xff\xd8\xff\xe0", 7)) == 7
    assert frame_number(b"\xff\xd8\xff\xe0\x00\x10JFIF") is None
    assert frame_number(b"\xff\xd8\xff\xfe\x00\x07other\xff\xd9") is None
