"""Live view: one device connection per source, shared by every viewer."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
import io
from typing import Any
from unittest.mock import AsyncMock, Mock, patch

from aiohttp import web
from aiohttp.test_utils import make_mocked_request
from homeassistant.components.camera import async_get_image
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant, callback
from PIL import Image
import pytest

from custom_components.cgi_camera.api import (
    CameraError,
)
from custom_components.cgi_camera.camera import CgiCameraCamera
from custom_components.cgi_camera.const import (
    CONF_FRAME_RATE,
    CONF_STREAM_RESOLUTION,
)
from custom_components.cgi_camera.live_stream import (
    LINGER_SECONDS,
    FramePacer,
    LiveStreamHub,
    LiveViewer,
    SourceStream,
)
from simulator import Simulator
from tests.conftest import SimulatorFactory
from tests.helpers import (
    STREAM_URL,
    WAIT_TIMEOUT,
    SetupIntegration,
    Viewer,
    entity_object,
    fire_time,
    no_cycle_garbage_of_ours,
    wait_for_state,
)

CAMERA = "camera.cgi_camera"
SERVER_CAMERA = "camera.cgi_camera_camera_{}"
QUAD_CAMERA = "camera.cgi_camera_quad_view"


def hub_of(hass: HomeAssistant) -> LiveStreamHub:
    """Return the live-stream hub of the only entry."""
    entry = hass.config_entries.async_entries("cgi_camera")[0]
    hub = entry.runtime_data.live_streams
    assert hub is not None
    return hub


async def wait_stream(
    stream: SourceStream, condition: Callable[[SourceStream], bool]
) -> None:
    """Wait (on the stream's notifications) until ``condition`` holds."""
    if condition(stream):
        return
    done = asyncio.Event()

    @callback
    def _changed() -> None:
        if condition(stream):
            done.set()

    remove = stream.async_add_listener(_changed)
    try:
        async with asyncio.timeout(WAIT_TIMEOUT):
            await done.wait()
    finally:
        remove()


async def test_ten_viewers_share_one_connection(
    hass: HomeAssistant,
    simulator_factory: SimulatorFactory,
    setup: SetupIntegration,
    open_viewer: Callable[..., Any],
) -> None:
    """Ten viewers: one device connection; it closes after the linger delay."""
    sim = await simulator_factory(fps=30)
    await setup(sim, platforms=[Platform.CAMERA], options={CONF_FRAME_RATE: 30})
    viewers = await asyncio.gather(*(open_viewer() for _ in range(10)))
    for frames in await asyncio.gather(*(v.frames(3) for v in viewers)):
        assert all(Image.open(io.BytesIO(f)).size == (640, 480) for f in frames)
    assert sim.counters.open_connections["video"] == 1
    assert sim.counters.total_connections["video"] == 1
    await wait_for_state(hass, CAMERA, "streaming")
    stream = hub_of(hass).stream(1)
    assert stream.viewers == 10

    # Nine leave: the others keep receiving over the same connection.
    for viewer in viewers[:9]:
        viewer.close()
    await wait_stream(stream, lambda s: s.viewers == 1)
    await viewers[9].frames(2)
    viewers[9].close()
    await wait_stream(stream, lambda s: s.viewers == 0)

    # Within the linger delay the connection stays, and a new viewer reuses it.
    fire_time(hass, LINGER_SECONDS - 1)
    await hass.async_block_till_done()
    assert sim.counters.open_connections["video"] == 1
    late = await open_viewer()
    await late.frames(1)
    assert sim.counters.total_connections["video"] == 1
    late.close()
    await wait_stream(stream, lambda s: s.viewers == 0)

    # The delay passes: the connection closes.
    fire_time(hass, LINGER_SECONDS + 1)
    await sim.counters.wait_for_connections("video", 0)
    await wait_for_state(hass, CAMERA, "idle")

    # The next viewer opens a new one.
    again = await open_viewer()
    await again.frames(1)
    assert sim.counters.total_connections["video"] == 2
    assert sim.counters.open_connections["video"] == 1


async def test_slow_viewer_does_not_hold_up_others(
    hass: HomeAssistant,
    simulator_factory: SimulatorFactory,
    setup: SetupIntegration,
    open_viewer: Callable[..., Any],
) -> None:
    """A viewer that stops reading skips frames; the others never wait for it.

    Frame rate 120 (beyond the options form's 30, to keep the test short)
    fills the socket buffers of the stalled viewer quickly.
    """
    sim = await simulator_factory(fps=120)
    await setup(
        sim,
        platforms=[Platform.CAMERA],
        options={CONF_FRAME_RATE: 120, CONF_STREAM_RESOLUTION: "1280x1024"},
    )
    live: list[LiveViewer] = []
    requests: list[web.Request] = []
    attach = SourceStream.async_attach
    handle = CgiCameraCamera.handle_async_mjpeg_stream

    def _attach(self: SourceStream) -> LiveViewer:
        live.append(attach(self))
        return live[-1]

    async def _handle(
        self: CgiCameraCamera, request: web.Request
    ) -> web.StreamResponse | None:
        requests.append(request)
        return await handle(self, request)

    with (
        patch.object(SourceStream, "async_attach", _attach),
        patch.object(CgiCameraCamera, "handle_async_mjpeg_stream", _handle),
    ):
        stalled = await open_viewer()
        first = await stalled.frame()  # then it stops reading
        assert first is not None
        fast = [await open_viewer() for _ in range(3)]
    stream = hub_of(hass).stream(1)
    run = stream.run
    assert run is not None
    stalled_viewer = live[0]

    # The others go on until the stalled one is far behind (its socket
    # buffers are full and its response blocks).
    async with asyncio.timeout(WAIT_TIMEOUT * 2):
        while run.seq - stalled_viewer.seq < 30:
            await asyncio.gather(*(viewer.frames(10) for viewer in fast))
    behind_at = stalled_viewer.seq
    assert all(run.seq - viewer.seq <= 2 for viewer in live[1:])
    assert stream.viewers == 4
    assert sim.counters.open_connections["video"] == 1
    # Memory stays bounded: the broadcaster keeps only the newest frame (no
    # per-viewer queue), and the stalled response buffers at most one part
    # above aiohttp's 64 KiB write limit.
    assert not [value for value in vars(run).values() if isinstance(value, list)]
    frame_size = len(first)
    assert requests[0].transport is not None
    assert requests[0].transport.get_write_buffer_size() <= 64 * 1024 + 2 * frame_size

    # When it reads again, it jumps to the newest frame instead of a backlog.
    async with asyncio.timeout(WAIT_TIMEOUT * 2):
        while stalled_viewer.seq == behind_at:
            assert await stalled.frame() is not None
    assert stalled_viewer.seq - behind_at > 1


async def test_snapshot_during_live_view_makes_no_request(
    hass: HomeAssistant,
    simulator: Simulator,
    setup: SetupIntegration,
    open_viewer: Callable[..., Any],
) -> None:
    """While the connection is open, snapshots come from its newest frame."""
    await setup(simulator, platforms=[Platform.CAMERA])
    viewer = await open_viewer()
    await viewer.frames(1)
    before = simulator.counters.total_requests
    for width in (None, 160, 1280):
        image = await async_get_image(hass, CAMERA, width=width)
        assert Image.open(io.BytesIO(image.content)).size == (640, 480)
    assert simulator.counters.total_requests == before
    assert "/image.cgi" not in simulator.counters.requests


async def test_stream_stops_on_unload_and_comes_back(
    hass: HomeAssistant,
    simulator: Simulator,
    setup: SetupIntegration,
    open_viewer: Callable[..., Any],
) -> None:
    """Unload ends viewers and the device connection; after setup it works."""
    entry = await setup(simulator, platforms=[Platform.CAMERA])
    viewer = await open_viewer()
    await viewer.frames(2)
    with patch("custom_components.cgi_camera.PLATFORMS", [Platform.CAMERA]):
        hub = hub_of(hass)
        assert await hass.config_entries.async_unload(entry.entry_id)
        await viewer.ended()
        await simulator.counters.wait_for_connections("video", 0)
        assert hub.open_connections == 0

        assert await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()
    again = await open_viewer()
    await again.frames(2)
    assert simulator.counters.open_connections["video"] == 1


async def test_stream_stops_on_reboot_and_comes_back(
    hass: HomeAssistant,
    simulator_factory: SimulatorFactory,
    setup: SetupIntegration,
    open_viewer: Callable[..., Any],
) -> None:
    """A device restart ends the stream; the next viewer opens a new one."""
    sim = await simulator_factory(reboot_seconds=0.05)
    await setup(sim, platforms=[Platform.CAMERA])
    viewers = [await open_viewer() for _ in range(2)]
    for viewer in viewers:
        await viewer.frames(1)
    await sim.reboot()
    for viewer in viewers:
        await viewer.ended()
    stream = hub_of(hass).stream(1)
    await wait_stream(stream, lambda s: not s.is_open and s.viewers == 0)
    assert sim.counters.open_connections["video"] == 0
    # No longer "streaming" (the device being away makes it unavailable).
    await wait_for_state(hass, CAMERA, lambda state: state.state != "streaming")

    await sim.wait_until_up()
    again = await open_viewer()
    await again.frames(2)
    assert sim.counters.open_connections["video"] == 1
    assert sim.counters.total_connections["video"] == 2


async def test_unexpected_error_is_logged_with_its_traceback(
    hass: HomeAssistant,
    simulator: Simulator,
    setup: SetupIntegration,
    open_viewer: Callable[..., Any],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A bug in the stream ends the viewers' responses and logs its traceback."""
    entry = await setup(simulator, platforms=[Platform.CAMERA])
    frame = b"\xff\xd8one\xff\xd9"
    go_on = asyncio.Event()

    def broken_frames(*args: Any, **kwargs: Any) -> AsyncIterator[bytes]:
        async def generate() -> AsyncIterator[bytes]:
            yield frame
            await go_on.wait()
            raise RuntimeError("bug")

        return generate()

    with patch.object(entry.runtime_data.client.video, "mjpeg_frames", broken_frames):
        viewer = await open_viewer()
        assert await viewer.frame() == frame
        go_on.set()
        await viewer.ended()
    logged = [r for r in caplog.records if "Unexpected error" in r.getMessage()]
    assert [r.exc_info[0] for r in logged if r.exc_info] == [RuntimeError]
    assert not hub_of(hass).stream(1).is_open
    viewer = await open_viewer()  # the next viewer opens a new stream
    await viewer.frames(1)


async def test_device_refusing_gives_bad_gateway(
    hass: HomeAssistant,
    simulator: Simulator,
    setup: SetupIntegration,
    open_viewer: Callable[..., Any],
) -> None:
    """A refused stream answers 502 and leaves nothing open; the next works."""
    await setup(simulator, platforms=[Platform.CAMERA])
    simulator.faults.status_next(503, 1)
    await open_viewer(status=502)
    stream = hub_of(hass).stream(1)
    assert not stream.is_open
    assert stream.viewers == 0
    viewer = await open_viewer()
    await viewer.frames(1)


async def test_max_viewers_across_sources(
    hass: HomeAssistant,
    simulator_factory: SimulatorFactory,
    setup: SetupIntegration,
    open_viewer: Callable[..., Any],
) -> None:
    """With MaxViewers=2 a third source is refused without asking the device."""
    sim = await simulator_factory(sources=4, max_viewers=2)
    await setup(sim, platforms=[Platform.CAMERA])
    first = await open_viewer(SERVER_CAMERA.format(1))
    second = await open_viewer(SERVER_CAMERA.format(2))
    await first.frames(1)
    await second.frames(1)
    # More viewers of open sources are fine: no new connection.
    more = await open_viewer(SERVER_CAMERA.format(1))
    await more.frames(1)
    before = sim.counters.requests.get("/mjpg/video.cgi", 0)
    await open_viewer(SERVER_CAMERA.format(3), status=502)
    assert sim.counters.requests.get("/mjpg/video.cgi", 0) == before
    assert sim.counters.open_connections["video"] == 2


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_video_server_sources_and_quad(
    hass: HomeAssistant,
    simulator_factory: SimulatorFactory,
    setup: SetupIntegration,
    open_viewer: Callable[..., Any],
) -> None:
    """Each source, and the quad view, has its own shared connection."""
    sim = await simulator_factory(sources=4)
    entry = await setup(sim, platforms=[Platform.CAMERA])
    client = entry.runtime_data.client
    with patch.object(
        client.video, "mjpeg_frames", wraps=client.video.mjpeg_frames
    ) as spy:
        a = await open_viewer(SERVER_CAMERA.format(2))
        b = await open_viewer(QUAD_CAMERA)
        await a.frames(1)
        await b.frames(1)
    assert {call.args for call in spy.call_args_list} == {(2, None), ("quad", None)}
    assert sim.counters.open_connections["video"] == 2


async def test_options_apply_live(
    hass: HomeAssistant,
    simulator_factory: SimulatorFactory,
    setup: SetupIntegration,
    open_viewer: Callable[..., Any],
) -> None:
    """A new resolution reconnects under the viewers; no reload needed."""
    sim = await simulator_factory(fps=30)
    entry = await setup(sim, platforms=[Platform.CAMERA])
    viewer = await open_viewer()
    frame = await viewer.frame()
    assert frame is not None
    assert Image.open(io.BytesIO(frame)).size == (640, 480)

    hass.config_entries.async_update_entry(
        entry, options={**entry.options, CONF_STREAM_RESOLUTION: "QVGA"}
    )
    async with asyncio.timeout(WAIT_TIMEOUT):
        while True:
            frame = await viewer.frame()
            assert frame is not None
            if Image.open(io.BytesIO(frame)).size == (320, 240):
                break
    await sim.counters.wait_for_connections("video", 1)
    assert sim.counters.total_connections["video"] == 2


def test_frame_pacer() -> None:
    """The pacer lets the wanted rate through, without halving it on jitter."""
    pacer = FramePacer()
    # A device at 30 fps, 10 wanted: every third frame.
    sent = [pacer.due(n / 30, 10) for n in range(30)]
    assert sum(sent) == 10
    # 10 fps with jitter, 10 wanted: all of them.
    pacer = FramePacer()
    times = [n / 10 + (0.01 if n % 2 else -0.01) for n in range(1, 21)]
    assert all(pacer.due(t, 10) for t in times)
    # After a gap the schedule restarts instead of bursting.
    assert pacer.due(100.0, 10)
    assert not pacer.due(100.01, 10)
    assert pacer.due(100.1, 10)


async def test_stream_that_ends(
    hass: HomeAssistant,
    simulator: Simulator,
    setup: SetupIntegration,
    open_viewer: Callable[..., Any],
) -> None:
    """A device stream that ends (closing boundary) ends the viewers' responses."""
    entry = await setup(simulator, platforms=[Platform.CAMERA])
    frames = [b"\xff\xd8one\xff\xd9", b"\xff\xd8two\xff\xd9"]
    go_on = asyncio.Event()

    def fake_frames(*args: Any, **kwargs: Any) -> AsyncIterator[bytes]:
        async def generate() -> AsyncIterator[bytes]:
            for frame in sent:
                yield frame
                await go_on.wait()

        return generate()

    sent: list[bytes] = []
    with patch.object(entry.runtime_data.client.video, "mjpeg_frames", fake_frames):
        # Ends before any frame: nothing to show, 502.
        await open_viewer(status=502)
        sent.extend(frames)
        viewer = await open_viewer()
        assert await viewer.frame() == frames[0]
        go_on.set()
        await viewer.ended()
    assert not hub_of(hass).stream(1).is_open


async def test_viewer_leaving_while_written_to(
    hass: HomeAssistant, simulator: Simulator, setup: SetupIntegration
) -> None:
    """A viewer whose connection resets mid-write leaves; the stream lingers."""
    await setup(simulator, platforms=[Platform.CAMERA])
    camera = entity_object(hass, CAMERA)
    assert isinstance(camera, CgiCameraCamera)
    writer = Mock()
    writer.write_headers = AsyncMock()
    writer.write = AsyncMock(side_effect=ConnectionResetError)
    writer.write_eof = AsyncMock()
    writer.drain = AsyncMock()
    request = make_mocked_request("GET", STREAM_URL.format(CAMERA), writer=writer)
    response = await camera.handle_async_mjpeg_stream(request)
    assert response is not None
    assert response.prepared
    stream = hub_of(hass).stream(1)
    assert stream.viewers == 0
    assert stream.is_open  # until the linger delay passes
    fire_time(hass, LINGER_SECONDS + 1)
    await simulator.counters.wait_for_connections("video", 0)


async def test_no_new_viewers_after_unload(
    hass: HomeAssistant, simulator: Simulator, setup: SetupIntegration
) -> None:
    """An unloaded entry's hub refuses new viewers."""
    entry = await setup(simulator, platforms=[Platform.CAMERA])
    hub = hub_of(hass)
    with patch("custom_components.cgi_camera.PLATFORMS", [Platform.CAMERA]):
        assert await hass.config_entries.async_unload(entry.entry_id)
    with pytest.raises(CameraError, match="unloading"):
        hub.stream(1).async_attach()


async def test_diagnostics_of_the_hub(
    hass: HomeAssistant,
    simulator: Simulator,
    setup: SetupIntegration,
    open_viewer: Callable[..., Any],
) -> None:
    """The hub reports its streams for the diagnostics."""
    await setup(simulator, platforms=[Platform.CAMERA])
    hub = hub_of(hass)
    assert hub.diagnostics()["streams"] == {
        "1": {"open": False, "viewers": 0, "frames_sent": 0, "lookback": None}
    }
    viewer = await open_viewer()
    await viewer.frames(1)
    diagnostics = hub.diagnostics()
    assert diagnostics["max_viewers"] == 10
    assert diagnostics["stream_resolution"] is None
    assert diagnostics["frame_rate"] == 10
    assert diagnostics["streams"]["1"]["open"] is True
    assert diagnostics["streams"]["1"]["viewers"] == 1
    assert diagnostics["streams"]["1"]["frames_sent"] >= 1


@dataclass
class _Ending:
    """What a way of ending a live stream acts on."""

    hass: HomeAssistant
    sim: Simulator
    viewer: Viewer
    stream: SourceStream
    open_viewer: Callable[..., Any]


async def _leave_and_linger(scene: _Ending) -> None:
    scene.viewer.close()
    await wait_stream(scene.stream, lambda s: s.viewers == 0)
    fire_time(scene.hass, LINGER_SECONDS + 1)
    await scene.sim.counters.wait_for_connections("video", 0)


async def _device_cuts(scene: _Ending) -> None:
    assert scene.sim.faults.cut_streams("video") == 1
    await scene.viewer.ended()


async def _device_reboots(scene: _Ending) -> None:
    await scene.sim.reboot(0.2)
    await scene.viewer.ended()
    await scene.open_viewer(status=502)  # while it is away: refused
    await scene.sim.wait_until_up()


@pytest.mark.parametrize("end", [_leave_and_linger, _device_cuts, _device_reboots])
async def test_an_ended_stream_leaves_no_reference_cycle(
    hass: HomeAssistant,
    simulator: Simulator,
    setup: SetupIntegration,
    open_viewer: Callable[..., Any],
    end: Callable[[_Ending], Awaitable[None]],
) -> None:
    """A run's task, readers and error are freed when it ends, not at a full GC.

    Under a dashboard that comes and goes they would otherwise pile up until
    Python's next full collection, with the buffers they hold.
    """
    await setup(simulator, platforms=[Platform.CAMERA])
    stream = hub_of(hass).stream(1)
    with no_cycle_garbage_of_ours():
        viewer = await open_viewer()
        await viewer.frames(2)
        await end(_Ending(hass, simulator, viewer, stream, open_viewer))
        await wait_stream(stream, lambda s: not s.is_open)
        # The next viewer's run replaces the ended one, which must be freed.
        await (await open_viewer()).frames(1)
