"""The record_clip action: real clips from the simulator, through real ffmpeg."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
import errno
import json
import os
from pathlib import Path
import stat
import subprocess
import threading
import time
from typing import Any
from unittest.mock import patch

from homeassistant.components import media_source
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import async_capture_events
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.cgi_camera import clip_retention, recorder
from custom_components.cgi_camera.const import (
    CONF_CLIP_CODEC,
    CONF_CLIP_RETENTION_DAYS,
    DOMAIN,
    EVENT_CLIP_SAVED,
    MAX_CLIP_SECONDS,
)
from custom_components.cgi_camera.live_stream import (
    LOOKBACK_RETRY_SECONDS,
    LiveStreamHub,
)
from custom_components.cgi_camera.lookback import MAX_LOOKBACK_BYTES, FrameRing
from simulator import Simulator
from simulator.handlers.video import frame_number
from tests.conftest import SimulatorFactory
from tests.helpers import WAIT_TIMEOUT, SetupIntegration, fire_time, sim_mac
from tests.test_live_stream import wait_stream

CAMERA = "camera.cgi_camera"


def device_folder(sim: Simulator, name: str = "cgi_camera") -> str:
    """The device's folder under <media>/cgi_camera: its name, then its MAC."""
    return f"{name}_{sim_mac(sim).replace(':', '')}"


@pytest.fixture
def media(hass: HomeAssistant, tmp_path: Path) -> Path:
    """A media folder of this test's own (not in allowlist_external_dirs)."""
    folder = tmp_path / "media"
    folder.mkdir()
    hass.config.media_dirs = {"local": str(folder)}
    return folder


@dataclass
class FfmpegWatch:
    """The ffmpeg processes of recordings, and their written frames."""

    processes: list[asyncio.subprocess.Process] = field(default_factory=list)
    frames: int = 0
    _waiters: list[tuple[int, asyncio.Future[None]]] = field(default_factory=list)

    def wrote(self) -> None:
        self.frames += 1
        for count, future in self._waiters:
            if self.frames >= count and not future.done():
                future.set_result(None)

    async def wait_frames(self, count: int) -> None:
        """Wait until ``count`` frames went to ffmpeg."""
        future = asyncio.get_running_loop().create_future()
        self._waiters.append((count, future))
        self.wrote() if self.frames >= count else None
        async with asyncio.timeout(WAIT_TIMEOUT):
            await future


@pytest.fixture
def ffmpeg_watch() -> AsyncIterator[FfmpegWatch]:
    """Follow what the recorder hands to ffmpeg (the real one still runs)."""
    watch = FfmpegWatch()
    start, write = (
        recorder.FfmpegClipWriter.async_start,
        recorder.FfmpegClipWriter.async_write,
    )

    async def watched_start(self: recorder.FfmpegClipWriter) -> None:
        await start(self)
        assert self.process is not None
        watch.processes.append(self.process)

    async def watched_write(self: recorder.FfmpegClipWriter, frame: bytes) -> None:
        await write(self, frame)
        watch.wrote()

    with (
        patch.object(recorder.FfmpegClipWriter, "async_start", watched_start),
        patch.object(recorder.FfmpegClipWriter, "async_write", watched_write),
    ):
        yield watch


def probe(path: Path) -> dict[str, Any]:
    """Return ffprobe's view of the clip's video stream."""
    output = subprocess.run(
        [
            "ffprobe",
            "-v",
            "error",
            "-count_frames",
            "-select_streams",
            "v:0",
            "-show_entries",
            "stream=codec_name,nb_read_frames,duration",
            "-of",
            "json",
            str(path),
        ],
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    return dict(json.loads(output)["streams"][0])


def first_frame(path: Path) -> bytes:
    """Return the first frame of an MJPEG clip, as it is stored."""
    return subprocess.run(
        [
            *("ffmpeg", "-v", "error", "-i", str(path), "-c:v", "copy"),
            *("-frames:v", "1", "-f", "image2", "pipe:1"),
        ],
        capture_output=True,
        check=True,
    ).stdout


async def record(hass: HomeAssistant, **data: Any) -> dict[str, Any]:
    """Call record_clip on the camera and return its response."""
    response = await hass.services.async_call(
        DOMAIN,
        "record_clip",
        {"entity_id": CAMERA, **data},
        blocking=True,
        return_response=True,
    )
    assert response is not None
    result = response[CAMERA]
    assert isinstance(result, dict)
    return result


async def use_ffmpeg_script(hass: HomeAssistant, folder: Path, script: str) -> None:
    """Make Home Assistant's ffmpeg a shell script (it answers the version check)."""
    binary = folder / "ffmpeg-script"
    binary.write_text(
        f'#!/bin/sh\n[ "$1" = "-version" ] && exec ffmpeg -version\n{script}\n'
    )
    binary.chmod(0o755)
    assert await async_setup_component(
        hass, "ffmpeg", {"ffmpeg": {"ffmpeg_bin": str(binary)}}
    )


def clip_files(folder: Path) -> list[Path]:
    """Every file under ``folder`` (hidden temporary files included)."""
    return sorted(path for path in folder.rglob("*") if path.is_file())


def hub_of(hass: HomeAssistant) -> LiveStreamHub:
    """Return the live-stream hub of the only entry."""
    entry = hass.config_entries.async_entries(DOMAIN)[0]
    hub = entry.runtime_data.live_streams
    assert hub is not None
    return hub


async def test_three_second_clip_is_h264(
    hass: HomeAssistant,
    simulator: Simulator,
    setup: SetupIntegration,
    media: Path,
) -> None:
    """A 3 s clip at 10 fps: H.264 MP4 of 3 s, 27-33 frames, mode 0600, an event."""
    await setup(simulator, platforms=[Platform.CAMERA])
    events = async_capture_events(hass, EVENT_CLIP_SAVED)
    response = await record(hass, duration=3)

    path = Path(response["path"])
    info = probe(path)
    assert info["codec_name"] == "h264"
    assert 2.7 <= float(info["duration"]) <= 3.3
    assert 27 <= int(info["nb_read_frames"]) <= 33
    assert response["frames"] == int(info["nb_read_frames"])
    assert response["duration"] == pytest.approx(float(info["duration"]), abs=0.05)
    assert response["interrupted"] is False
    assert response["reason"] is None
    # <media>/cgi_camera/<device>/<camera>/<YYYY-MM-DD>/<HH-MM-SS>.mp4
    relative = path.relative_to(media)
    assert relative.parts[:3] == ("cgi_camera", device_folder(simulator), "camera_1")
    assert len(relative.parts[3]) == len("2026-01-31")
    assert len(relative.stem) == len("12-00-00")
    mode = (await hass.async_add_executor_job(path.stat)).st_mode
    assert stat.S_IMODE(mode) == 0o600
    assert clip_files(media) == [path]  # no temporary file left
    assert response["media_content_id"] == (
        f"media-source://media_source/local/{relative.as_posix()}"
    )
    assert [event.data for event in events] == [{"entity_id": CAMERA, **response}]


async def test_mjpeg_clip_is_copied_with_lookback(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    simulator_factory: SimulatorFactory,
    setup: SetupIntegration,
    media: Path,
) -> None:
    """Lookback 2 s: the clip's first frame is the device's from ~2 s before the call.

    The codec option mjpeg copies the device's frames as they are, so the
    frame number the simulator embeds is still in the clip.
    """
    sim = await simulator_factory(frame_counter=True)
    entry = await setup(
        sim,
        platforms=[Platform.CAMERA],
        options={"lookback_1": 2, CONF_CLIP_CODEC: "mjpeg"},
    )
    stream = hub_of(hass).stream(1)
    ring = stream.lookback
    assert isinstance(ring, FrameRing)
    # The lookback keeps the stream open by itself: wait for 2 s of frames.
    while len(ring) < 21:
        assert stream.run is not None
        await stream.run.wait_newer(stream.run.seq)
    assert sim.counters.open_connections["video"] == 1

    called = round(asyncio.get_running_loop().time() * sim.config.fps)
    response = await record(hass, duration=1, lookback=2)

    path = Path(response["path"])
    assert probe(path)["codec_name"] == "mjpeg"
    first = frame_number(first_frame(path))
    assert first is not None
    assert called - 23 <= first <= called - 17
    assert 1.8 <= response["lookback"] <= 2.0
    assert 2.7 <= response["duration"] <= 3.1
    # The diagnostics show the lookback's memory and its cap.
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, entry)
    lookback = diagnostics["live_streams"]["streams"]["1"]["lookback"]
    assert lookback["seconds"] == 2
    assert 18 <= lookback["frames"] <= 22
    assert lookback["bytes"] > 0
    assert lookback["max_bytes"] == MAX_LOOKBACK_BYTES


def test_frame_ring_is_capped_by_age_and_bytes() -> None:
    """The ring drops frames older than its seconds, and the oldest over its cap."""
    ring = FrameRing(2, max_bytes=50)
    for number in range(30):
        ring.push(number * 0.25, bytes(10))
    assert len(ring) == 5  # the cap: 5 frames of 10 bytes
    assert ring.size == 50
    aged = FrameRing(2)
    for number in range(30):
        aged.push(number * 0.25, bytes(10))
    # The newest arrived at 7.25: 5.25 .. 7.25 are kept.
    assert [frame.arrived for frame in aged.since(6)] == [6, 6.25, 6.5, 6.75, 7, 7.25]
    assert len(aged) == 9
    aged.clear()
    assert aged.diagnostics() == {
        "seconds": 2,
        "frames": 0,
        "bytes": 0,
        "max_bytes": aged.max_bytes,
    }


async def test_five_viewers_and_a_recording_share_one_connection(
    hass: HomeAssistant,
    simulator: Simulator,
    setup: SetupIntegration,
    media: Path,
    open_viewer: Callable[..., Any],
) -> None:
    """5 live viewers and a recording: 1 device connection; viewers lose no frame."""
    await setup(simulator, platforms=[Platform.CAMERA])
    viewers = [await open_viewer() for _ in range(5)]
    for viewer in viewers:
        await viewer.frames(1)
    sent_before = simulator.counters.frames_sent["video"]
    recording = asyncio.ensure_future(record(hass, duration=2))
    received = [0] * len(viewers)

    async def watch(index: int) -> None:
        while not recording.done():
            await viewers[index].frame()
            received[index] += 1

    await asyncio.gather(*(watch(index) for index in range(len(viewers))))
    response = await recording
    sent = simulator.counters.frames_sent["video"] - sent_before
    assert simulator.counters.total_connections["video"] == 1
    assert simulator.counters.open_connections["video"] == 1
    # Each viewer got every frame the device sent meanwhile (give or take
    # the frames in flight at the start and the end).
    assert all(count >= sent - 2 for count in received), (received, sent)
    assert 18 <= response["frames"] <= 22


async def test_device_restart_ends_the_clip_early(
    hass: HomeAssistant,
    simulator: Simulator,
    setup: SetupIntegration,
    media: Path,
    ffmpeg_watch: FfmpegWatch,
) -> None:
    """The device restarts: the clip keeps what was recorded; the event says why."""
    await setup(simulator, platforms=[Platform.CAMERA])
    events = async_capture_events(hass, EVENT_CLIP_SAVED)
    recording = asyncio.ensure_future(record(hass, duration=30))
    await ffmpeg_watch.wait_frames(5)
    await simulator.reboot(0.2)
    response = await recording

    # The restart cuts the connection: the stream fails or ends.
    assert response["interrupted"] is True
    assert response["reason"].startswith("stream_")
    info = probe(Path(response["path"]))
    assert info["codec_name"] == "h264"
    assert 5 <= int(info["nb_read_frames"]) < 100
    assert events[0].data["interrupted"] is True
    assert events[0].data["reason"] == response["reason"]


async def test_stream_error_ends_the_clip_early(
    hass: HomeAssistant,
    simulator: Simulator,
    setup: SetupIntegration,
    media: Path,
    ffmpeg_watch: FfmpegWatch,
) -> None:
    """The device cuts the stream: the clip is finalised and says stream_error."""
    await setup(simulator, platforms=[Platform.CAMERA])
    recording = asyncio.ensure_future(record(hass, duration=30))
    await ffmpeg_watch.wait_frames(5)
    assert simulator.faults.cut_streams("video") == 1
    response = await recording

    assert response["interrupted"] is True
    assert response["reason"].startswith(f"{recorder.REASON_STREAM_ERROR}: ")
    assert int(probe(Path(response["path"]))["nb_read_frames"]) >= 5


async def test_a_device_that_sends_nothing_gives_no_clip(
    hass: HomeAssistant,
    simulator: Simulator,
    setup: SetupIntegration,
    media: Path,
) -> None:
    """A device that refuses the stream: a translated error and no file."""
    await setup(simulator, platforms=[Platform.CAMERA])
    await simulator.reboot(30)
    with pytest.raises(HomeAssistantError) as raised:
        await record(hass, duration=3)
    assert raised.value.translation_key == "clip_no_frames"
    assert clip_files(media) == []


async def test_unload_during_a_recording_finalises_it(
    hass: HomeAssistant,
    simulator: Simulator,
    setup: SetupIntegration,
    media: Path,
    ffmpeg_watch: FfmpegWatch,
) -> None:
    """Unloading finalises the clip, and no ffmpeg process outlives the unload."""
    entry = await setup(simulator, platforms=[Platform.CAMERA])
    recording = asyncio.ensure_future(record(hass, duration=60))
    await ffmpeg_watch.wait_frames(5)
    assert await hass.config_entries.async_unload(entry.entry_id)

    # The unload waited for the file: ffmpeg has exited and been reaped.
    assert recording.done()
    assert [process.returncode for process in ffmpeg_watch.processes] == [0]
    response = recording.result()
    assert response["interrupted"] is True
    assert response["reason"] == recorder.REASON_UNLOADED
    assert clip_files(media) == [Path(response["path"])]
    assert int(probe(Path(response["path"]))["nb_read_frames"]) >= 5
    assert entry.state is ConfigEntryState.NOT_LOADED


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"duration": 0}, "value_out_of_range"),
        ({"duration": 601}, "value_out_of_range"),
        ({"duration": 5, "lookback": 31}, "value_out_of_range"),
        ({"duration": "long"}, "invalid_argument"),
        ({"duration": 5, "filename": "/etc/clip.mp4"}, "clip_path_not_allowed"),
        ({"duration": 5, "filename": "../../outside.mp4"}, "clip_path_not_allowed"),
        ({"duration": 5, "filename": "{{ '' }}"}, "clip_path_invalid"),
        ({"duration": 5, "filename": "{{ 1 | no_such_filter }}"}, "invalid_argument"),
        ({"duration": 5, "filename": "{{ 1 / 0 }}"}, "clip_path_invalid"),
        # Names the file system refuses: a NUL, a file name over 255 bytes,
        # a folder name over 255 bytes (not created yet), and a name that
        # fits but whose temporary name (15 bytes longer) does not.
        ({"duration": 5, "filename": "{{ 'a\\x00' }}"}, "clip_path_invalid"),
        ({"duration": 5, "filename": "{{ 'x' * 300 }}"}, "clip_path_invalid"),
        ({"duration": 5, "filename": "{{ 'd' * 300 }}/clip"}, "clip_path_invalid"),
        ({"duration": 5, "filename": "{{ 'x' * 246 }}"}, "clip_path_invalid"),
    ],
)
async def test_bad_input_is_refused_before_any_request(
    hass: HomeAssistant,
    simulator: Simulator,
    setup: SetupIntegration,
    media: Path,
    data: dict[str, Any],
    key: str,
) -> None:
    """Out of range values and refused paths: ServiceValidationError, no stream."""
    await setup(simulator, platforms=[Platform.CAMERA])
    with pytest.raises(ServiceValidationError) as raised:
        await record(hass, **data)
    assert raised.value.translation_key == key
    assert simulator.counters.total_connections.get("video", 0) == 0
    assert clip_files(media) == []


async def test_file_name_template(
    hass: HomeAssistant,
    simulator: Simulator,
    setup: SetupIntegration,
    media: Path,
    tmp_path: Path,
) -> None:
    """A relative template lies in the media folder; a taken name gets a number.

    An absolute one may lie in allowlist_external_dirs (no media id then).
    """
    await setup(simulator, platforms=[Platform.CAMERA])
    template = "clips/{{ camera }}-{{ device | slugify }}"
    first = await record(hass, duration=1, filename=template)
    second = await record(hass, duration=1, filename=template)
    assert first["path"] == str(media / "clips" / "camera_1-cgi_camera.mp4")
    assert second["path"] == str(media / "clips" / "camera_1-cgi_camera_1.mp4")

    allowed = tmp_path / "allowed"
    allowed.mkdir()
    hass.config.allowlist_external_dirs = {str(allowed)}
    third = await record(hass, duration=1, filename=f"{allowed}/{{{{ entity_id }}}}")
    assert third["path"] == str(allowed / "camera.cgi_camera.mp4")
    assert "media_content_id" not in third
    assert probe(Path(third["path"]))["codec_name"] == "h264"


async def test_ffmpeg_missing(
    hass: HomeAssistant,
    simulator: Simulator,
    setup: SetupIntegration,
    media: Path,
    tmp_path: Path,
) -> None:
    """No ffmpeg where Home Assistant's ffmpeg setting says: a translated error."""
    assert await async_setup_component(
        hass, "ffmpeg", {"ffmpeg": {"ffmpeg_bin": str(tmp_path / "no-ffmpeg")}}
    )
    await setup(simulator, platforms=[Platform.CAMERA])
    with pytest.raises(HomeAssistantError) as raised:
        await record(hass, duration=2)
    assert raised.value.translation_key == "ffmpeg_missing"
    assert clip_files(media) == []


async def test_disk_full(
    hass: HomeAssistant,
    simulator: Simulator,
    setup: SetupIntegration,
    media: Path,
    tmp_path: Path,
) -> None:
    """ffmpeg cannot write past a file size limit: an error, and no file left."""
    limited = tmp_path / "ffmpeg-limited"
    # Files of one block at most; writes past that fail (SIGXFSZ is ignored).
    limited.write_text("#!/bin/sh\ntrap '' XFSZ\nulimit -f 1\nexec ffmpeg \"$@\"\n")
    limited.chmod(0o755)
    assert await async_setup_component(
        hass, "ffmpeg", {"ffmpeg": {"ffmpeg_bin": str(limited)}}
    )
    await setup(simulator, platforms=[Platform.CAMERA])
    with pytest.raises(HomeAssistantError) as raised:
        await record(hass, duration=3)
    assert raised.value.translation_key == "clip_write_failed"
    assert clip_files(media) == []


@pytest.mark.parametrize(
    ("script", "error"),
    [
        ('echo "Error opening output: refused" >&2; exit 1', "Error opening output"),
        ("exit 3", "ffmpeg exited with 3"),
    ],
)
async def test_ffmpeg_that_fails_at_once(
    hass: HomeAssistant,
    simulator: Simulator,
    setup: SetupIntegration,
    media: Path,
    tmp_path: Path,
    script: str,
    error: str,
) -> None:
    """An ffmpeg that stops reading: its error, and no file left."""
    await use_ffmpeg_script(hass, tmp_path, script)
    await setup(simulator, platforms=[Platform.CAMERA])
    with pytest.raises(HomeAssistantError) as raised:
        await record(hass, duration=3)
    assert raised.value.translation_key == "clip_write_failed"
    assert raised.value.translation_placeholders["error"].startswith(error)
    assert clip_files(media) == []


# Far more messages than a pipe holds (64 KiB), as from an ffmpeg that
# complains about every frame, a blank line, and one line over the 64 KiB a
# line may have; only then does it read the frames.
FLOOD = (
    "yes '[mjpeg @ 0x55d0] unable to decode APP fields: Invalid data found when"
    " processing input' | head -n 4000 >&2\n"
    "echo >&2\n"
    "head -c 100000 /dev/zero | tr '\\0' x >&2; echo >&2\n"
)


@pytest.mark.parametrize(
    ("then", "error"),
    [
        ('exec ffmpeg "$@"', None),
        # Its own error, though it exits with 0: no clip.
        ('echo "Error writing trailer: No space left on device" >&2', "Error writing"),
    ],
)
async def test_ffmpeg_messages_never_stop_a_recording(
    hass: HomeAssistant,
    simulator: Simulator,
    setup: SetupIntegration,
    media: Path,
    tmp_path: Path,
    then: str,
    error: str | None,
) -> None:
    """ffmpeg's messages are read while it runs: a flood of them neither
    blocks ffmpeg nor the recording, and its error still counts."""
    await use_ffmpeg_script(hass, tmp_path, FLOOD + then)
    await setup(simulator, platforms=[Platform.CAMERA])
    async with asyncio.timeout(WAIT_TIMEOUT):
        if error is None:
            response = await record(hass, duration=2)
            assert probe(Path(response["path"]))["codec_name"] == "h264"
            assert clip_files(media) == [Path(response["path"])]
            return
        with pytest.raises(HomeAssistantError) as raised:
            await record(hass, duration=2)
    assert raised.value.translation_key == "clip_write_failed"
    assert raised.value.translation_placeholders["error"].startswith(error)
    assert clip_files(media) == []


@pytest.mark.parametrize(
    ("script", "limit", "duration", "error"),
    [
        # It never reads a frame: killed long before the clip's 60 s.
        ("exec sleep 600", "FFMPEG_WRITE_TIMEOUT", 60, recorder.FFMPEG_STALLED),
        # It reads every frame, but never finishes the file.
        (
            "cat >/dev/null; exec sleep 600",
            "FFMPEG_FINISH_TIMEOUT",
            1,
            "ffmpeg did not finish the file",
        ),
    ],
)
async def test_a_stuck_ffmpeg_is_killed(
    hass: HomeAssistant,
    simulator: Simulator,
    setup: SetupIntegration,
    media: Path,
    tmp_path: Path,
    ffmpeg_watch: FfmpegWatch,
    script: str,
    limit: str,
    duration: int,
    error: str,
) -> None:
    """An ffmpeg stuck for a while is killed: a translated error, no file and
    no process left."""
    await use_ffmpeg_script(hass, tmp_path, script)
    await setup(simulator, platforms=[Platform.CAMERA])
    with (
        patch.object(recorder, limit, 0.5),
        pytest.raises(HomeAssistantError) as raised,
    ):
        async with asyncio.timeout(WAIT_TIMEOUT):
            await record(hass, duration=duration)
    assert raised.value.translation_key == "clip_write_failed"
    assert raised.value.translation_placeholders["error"] == error
    assert clip_files(media) == []
    [process] = ffmpeg_watch.processes
    assert process.returncode is not None
    with pytest.raises(ProcessLookupError):
        os.kill(process.pid, 0)  # reaped: no such process any more


@pytest.mark.parametrize("stage", ["creating the file", "starting ffmpeg"])
async def test_a_cancelled_recording_leaves_no_file(
    hass: HomeAssistant,
    simulator: Simulator,
    setup: SetupIntegration,
    media: Path,
    stage: str,
) -> None:
    """Cancelled while its temporary file is created or ffmpeg starts: no file left."""
    await setup(simulator, platforms=[Platform.CAMERA])
    reached = hass.loop.create_future()
    release = threading.Event()
    create = recorder._create_private_file

    def slow_create(path: Path) -> None:
        hass.loop.call_soon_threadsafe(reached.set_result, None)
        release.wait(WAIT_TIMEOUT)  # the file appears after the cancellation
        create(path)

    async def stuck_start(self: recorder.FfmpegClipWriter) -> None:
        reached.set_result(None)
        await asyncio.Event().wait()

    target = (
        patch.object(recorder, "_create_private_file", slow_create)
        if stage == "creating the file"
        else patch.object(recorder.FfmpegClipWriter, "async_start", stuck_start)
    )
    with target:
        recording = asyncio.ensure_future(record(hass, duration=5))
        async with asyncio.timeout(WAIT_TIMEOUT):
            await reached
        recording.cancel()
        release.set()
        with pytest.raises(asyncio.CancelledError):
            await recording
    await hass.async_block_till_done()  # the executor's jobs have ended
    assert clip_files(media) == []


async def test_permission_denied(
    hass: HomeAssistant,
    simulator: Simulator,
    setup: SetupIntegration,
    media: Path,
) -> None:
    """A folder that may not be written: a translated error (tests run as root,
    which may write anywhere, so the refusal is simulated)."""
    await setup(simulator, platforms=[Platform.CAMERA])
    with (
        patch.object(
            recorder,
            "_create_private_file",
            side_effect=PermissionError(13, "Permission denied"),
        ),
        pytest.raises(HomeAssistantError) as raised,
    ):
        await record(hass, duration=2)
    assert raised.value.translation_key == "clip_write_failed"
    assert raised.value.translation_placeholders["error"] == "Permission denied"
    assert clip_files(media) == []


async def test_rename_failure_leaves_no_file(
    hass: HomeAssistant,
    simulator: Simulator,
    setup: SetupIntegration,
    media: Path,
) -> None:
    """The finished clip cannot take its name: an error, the temporary file goes."""
    await setup(simulator, platforms=[Platform.CAMERA])
    with (
        patch.object(
            recorder, "_publish", side_effect=OSError(28, "No space left on device")
        ),
        pytest.raises(HomeAssistantError) as raised,
    ):
        await record(hass, duration=1)
    assert raised.value.translation_key == "clip_write_failed"
    assert clip_files(media) == []


async def test_clips_show_in_the_media_browser(
    hass: HomeAssistant,
    simulator: Simulator,
    setup: SetupIntegration,
    media: Path,
) -> None:
    """The local media source shows clips by device, camera and day."""
    await setup(simulator, platforms=[Platform.CAMERA])
    response = await record(hass, duration=1)
    assert await async_setup_component(hass, "media_source", {})

    content_id = "media-source://media_source/local/cgi_camera"
    titles = []
    for _level in ("device", "camera", "day"):
        folder = await media_source.async_browse_media(hass, content_id)
        assert folder.children is not None
        assert len(folder.children) == 1
        child = folder.children[0]
        assert child.can_expand
        titles.append(child.title)
        content_id = child.media_content_id
    day = await media_source.async_browse_media(hass, content_id)
    assert day.children is not None
    clip = day.children[0]
    assert clip.media_content_id == response["media_content_id"]
    assert clip.media_class == "video"
    assert titles[:2] == [device_folder(simulator), "camera_1"]
    resolved = await media_source.async_resolve_media(hass, clip.media_content_id, None)
    assert resolved.mime_type == "video/mp4"


async def test_clips_of_one_name_at_once_each_get_their_own_media_id(
    hass: HomeAssistant,
    simulator: Simulator,
    setup: SetupIntegration,
    tmp_path: Path,
) -> None:
    """Two clips to one name at once: each id names its own file.

    The second clip's name gets ``_1`` when it is published; its media id
    follows it. The media folder lies behind a symbolic link, as on some
    installs: the ids are still given.
    """
    real = tmp_path / "real-media"
    real.mkdir()
    (tmp_path / "media").symlink_to(real)
    hass.config.media_dirs = {"local": str(tmp_path / "media")}
    await setup(simulator, platforms=[Platform.CAMERA])
    results = await asyncio.gather(
        record(hass, duration=1, filename="clips/same"),
        record(hass, duration=1, filename="clips/same"),
    )
    names = sorted(Path(result["path"]).name for result in results)
    assert names == ["same.mp4", "same_1.mp4"]
    for result in results:
        relative = Path(result["path"]).relative_to(real).as_posix()
        assert result["media_content_id"] == (
            f"media-source://media_source/local/{relative}"
        )


async def test_retention_prunes_old_clips_daily(
    hass: HomeAssistant,
    simulator: Simulator,
    setup: SetupIntegration,
    media: Path,
) -> None:
    """Clips older than the retention go at start and daily.

    A temporary file (a clip being written) goes only once it is a day older
    than any recording lasts: a crash left it.
    """
    day = media / "cgi_camera" / device_folder(simulator) / "camera_1" / "2026-01-01"
    day.mkdir(parents=True)
    old, fresh = day / "old.mp4", day / "fresh.mp4"
    writing, crashed = day / ".w.1.part.mp4", day / ".c.2.part.mp4"
    now = time.time()
    for path, age in (
        (old, 8 * 86400),
        (fresh, 2 * 86400),
        (writing, 86400),  # older than the retention below, still too young
        (crashed, MAX_CLIP_SECONDS + 86400 + 60),
    ):
        path.write_bytes(b"clip")
        os.utime(path, (now - age,) * 2)

    entry = await setup(simulator, platforms=[Platform.CAMERA])
    await hass.async_block_till_done()
    assert clip_files(media) == [writing, fresh]

    hass.config_entries.async_update_entry(
        entry, options={**entry.options, CONF_CLIP_RETENTION_DAYS: 1}
    )
    fire_time(hass, 86400 + 1)
    await hass.async_block_till_done()
    assert clip_files(media) == [writing]

    writing.unlink()
    fire_time(hass, 2 * 86400 + 1)
    await hass.async_block_till_done()
    assert clip_files(media) == []
    assert not (media / "cgi_camera" / device_folder(simulator) / "camera_1").exists()


async def test_retention_prunes_only_its_own_devices_clips(
    hass: HomeAssistant,
    simulator_factory: SimulatorFactory,
    setup: SetupIntegration,
    media: Path,
) -> None:
    """Two devices of one name have a folder each; one's retention leaves the other's.

    A device's clips under a name it had before (renamed since) are its own
    too: its retention prunes them.
    """
    first = await simulator_factory(mac="00:40:8C:00:00:01")
    second = await simulator_factory(mac="00:40:8C:00:00:02")
    assert device_folder(first) != device_folder(second)  # the same name
    three_days_old = time.time() - 3 * 86400
    clips = {
        folder: media / "cgi_camera" / folder / "camera_1" / "2026-01-01" / "a.mp4"
        for folder in (
            device_folder(first),
            device_folder(first, name="old_name"),
            device_folder(second),
        )
    }
    for clip in clips.values():
        clip.parent.mkdir(parents=True)
        clip.write_bytes(b"clip")
        os.utime(clip, (three_days_old,) * 2)

    await setup(
        first,
        platforms=[Platform.CAMERA],
        options={CONF_CLIP_RETENTION_DAYS: 1},
    )
    await setup(second, platforms=[Platform.CAMERA])  # keeps 7 days
    await hass.async_block_till_done()

    assert clip_files(media) == [clips[device_folder(second)]]


def test_retention_keeps_a_folder_it_may_not_remove(tmp_path: Path) -> None:
    """A folder that cannot go (refused, or a recording just started in it) stays.

    Tests run as root, who may remove anything: the refusal is simulated.
    """
    day = tmp_path / "camera_1" / "2026-01-01"
    day.mkdir(parents=True)
    old = day / "old.mp4"
    old.write_bytes(b"clip")
    os.utime(old, (0, 0))
    refused = OSError(errno.ENOTEMPTY, "Directory not empty")
    with patch.object(Path, "rmdir", side_effect=refused) as rmdir:
        assert clip_retention.prune_clips(tmp_path, 1, time.time()) == [old]
    # The day folder stays, and so does the camera folder that holds it.
    assert rmdir.call_count == 1
    assert day.is_dir()


def test_retention_skips_what_it_cannot_remove(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A clip that cannot go is logged and kept; a folder named like a clip is
    not taken for one."""
    day = tmp_path / "camera_1" / "2026-01-01"
    named_like_a_clip = day / "folder.mp4"
    named_like_a_clip.mkdir(parents=True)
    (named_like_a_clip / "notes.txt").write_text("mine")
    old = day / "old.mp4"
    old.write_bytes(b"clip")
    for path in (old, named_like_a_clip):
        os.utime(path, (0, 0))
    refused = PermissionError(errno.EACCES, "Permission denied")
    with patch.object(Path, "unlink", side_effect=refused):
        assert clip_retention.prune_clips(tmp_path, 1, time.time()) == []
    assert old.is_file()
    assert named_like_a_clip.is_dir()
    assert caplog.text.count("Could not remove the old clip") == 1
    assert str(old) in caplog.text


async def test_lookback_reopens_the_stream_after_a_restart(
    hass: HomeAssistant,
    simulator: Simulator,
    setup: SetupIntegration,
    media: Path,
) -> None:
    """The lookback reconnects some seconds after its stream ended; not after unload.

    The frames from before the outage go with it: a clip must not show the
    last of them frozen across the gap.
    """
    entry = await setup(
        simulator, platforms=[Platform.CAMERA], options={"lookback_1": 2}
    )
    stream = hub_of(hass).stream(1)
    await simulator.counters.wait_for_connections("video", 1)
    ring = stream.lookback
    assert ring is not None
    await wait_stream(stream, lambda _s: ring.diagnostics()["frames"] > 0)

    async def stream_closed() -> None:
        await wait_stream(stream, lambda s: not s.is_open and s.viewers == 0)
        await hass.async_block_till_done()  # the lookback plans its retry

    await simulator.reboot(0.2)
    await stream_closed()
    assert ring.diagnostics()["frames"] == 0
    await simulator.wait_until_up()
    fire_time(hass, LOOKBACK_RETRY_SECONDS + 1)
    await simulator.counters.wait_for_connections("video", 1)
    assert simulator.counters.total_connections["video"] == 2
    assert stream.viewers == 1

    # A retry still waiting when the entry unloads never runs.
    await simulator.reboot(60)
    await stream_closed()
    assert await hass.config_entries.async_unload(entry.entry_id)
    fire_time(hass, LOOKBACK_RETRY_SECONDS + 1)
    await hass.async_block_till_done()
    assert not stream.is_open
    assert stream.viewers == 0


def test_a_finished_clip_never_replaces_a_file(tmp_path: Path) -> None:
    """A taken name gets a number; without hard links the clip is renamed."""
    clip = tmp_path / "clip.mp4"
    clip.write_bytes(b"first")
    temporary = tmp_path / ".clip.1.part.mp4"
    temporary.write_bytes(b"second")
    assert recorder._publish(temporary, clip) == tmp_path / "clip_1.mp4"
    assert clip.read_bytes() == b"first"
    assert (tmp_path / "clip_1.mp4").read_bytes() == b"second"
    assert not temporary.exists()

    temporary.write_bytes(b"third")
    other = tmp_path / "other.mp4"
    no_links = OSError(1, "Operation not permitted")
    with patch.object(recorder.os, "link", side_effect=no_links):
        assert recorder._publish(temporary, other) == other
        assert other.read_bytes() == b"third"
        temporary.write_bytes(b"fourth")
        with pytest.raises(OSError, match="not permitted"):
            recorder._publish(temporary, other)
    assert other.read_bytes() == b"third"
