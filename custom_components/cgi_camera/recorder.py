"""Record a clip of a source: one more viewer of its shared live stream.

The frames go to Home Assistant's ffmpeg on its standard input (image2pipe,
MJPEG).  ffmpeg's image2pipe input knows no timestamps, so the frames are
laid on a constant-rate grid here from their arrival times
(:class:`ConstantRateFeeder`): a frame that came late is shown longer, a
frame that was skipped leaves the one before on screen.  The codec is H.264
(browsers play it) or the camera's own MJPEG, copied without transcoding.

ffmpeg writes a hidden temporary file next to the clip, created with mode
0600; only a finished clip gets its final name (a hard link that never
replaces a file, then the temporary name goes), so a failed one never lies
there half written, and two clips of the same second both stay.

ffmpeg's messages are read while it runs (a full pipe would stop it), and
an ffmpeg that stops reading its frames is killed: a recording always ends.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable
import contextlib
from dataclasses import dataclass
import logging
import os
from pathlib import Path
from typing import Any

from homeassistant.components.ffmpeg import get_ffmpeg_manager
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError

from .api import CameraError
from .clip_paths import temporary_path
from .const import DOMAIN
from .live_stream import LiveStreamHub, LiveViewer, Source
from .lookback import TimedFrame

_LOGGER = logging.getLogger(__name__)

# ffmpeg needs little time to close a file; a stuck one is killed after this.
FFMPEG_FINISH_TIMEOUT = 60.0
# ffmpeg takes a frame in far less; one that took none for this long is stuck.
FFMPEG_WRITE_TIMEOUT = 10.0
FFMPEG_STALLED = "ffmpeg stopped reading the frames"
# The last lines of ffmpeg's messages kept for the log of a failed clip.
FFMPEG_KEPT_LINES = 20
FILE_MODE = 0o600
DIRECTORY_MODE = 0o700

# Why a clip ended before its time (the event's "reason").
REASON_STREAM_ENDED = "stream_ended"
REASON_STREAM_ERROR = "stream_error"
REASON_UNLOADED = "unloaded"

_ENCODERS: dict[str, list[str]] = {
    # yuv420p: the pixel format every browser decodes (JPEG's is full-range).
    "h264": ["-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p"],
    "mjpeg": ["-c:v", "copy"],
}


@dataclass(frozen=True, slots=True)
class ClipResult:
    """What was recorded."""

    path: Path
    frames: int
    fps: float
    lookback: float
    interrupted: bool
    reason: str | None

    @property
    def duration(self) -> float:
        """Return the clip's length in seconds."""
        return round(self.frames / self.fps, 2)

    def as_dict(self) -> dict[str, Any]:
        """Return the response data and event data of the clip."""
        return {
            "path": str(self.path),
            "duration": self.duration,
            "frames": self.frames,
            "lookback": round(self.lookback, 2),
            "interrupted": self.interrupted,
            "reason": self.reason,
        }


class ConstantRateFeeder:
    """Lay frames that arrive at any time on a grid of ``fps`` frames a second.

    Slot ``k`` is at ``start + k / fps``; it shows the newest frame that
    arrived by half an interval after it, so a device that sends the same
    rate with jitter gets each frame exactly once.
    """

    def __init__(self, fps: float, write: Callable[[bytes], Awaitable[None]]) -> None:
        """Start empty; ``write`` takes each slot's frame."""
        self.interval = 1.0 / fps
        self.start: float | None = None
        self.frames = 0
        self._current: bytes | None = None
        self._write = write

    async def add(self, arrived: float, frame: bytes) -> None:
        """Take a frame that arrived at ``arrived`` (loop time)."""
        if self.start is None:
            self.start = arrived
        else:
            await self._fill(arrived - self.interval / 2)
        self._current = frame

    async def finish(self, end: float) -> None:
        """Fill the slots before ``end`` with the last frame."""
        await self._fill(end - self.interval)

    async def _fill(self, until: float) -> None:
        """Write the current frame into every slot at or before ``until``."""
        assert self.start is not None
        assert self._current is not None
        while self.start + self.frames * self.interval <= until + 1e-6:
            await self._write(self._current)
            self.frames += 1


class FfmpegClipWriter:
    """An ffmpeg process that turns JPEG frames on its input into a clip file."""

    def __init__(self, binary: str, codec: str, fps: float, target: Path) -> None:
        """Prepare; nothing runs before :meth:`async_start`."""
        self._command = [
            binary,
            "-hide_banner",
            "-nostats",
            "-loglevel",
            "error",
            "-f",
            "image2pipe",
            "-framerate",
            f"{fps:g}",
            "-c:v",
            "mjpeg",
            "-i",
            "pipe:0",
            *_ENCODERS[codec],
            "-movflags",
            "+faststart",
            "-f",
            "mp4",
            "-y",
            str(target),
        ]
        self.process: asyncio.subprocess.Process | None = None
        # The last lines ffmpeg wrote, and the last of its own errors.
        self.lines: deque[str] = deque(maxlen=FFMPEG_KEPT_LINES)
        self.failure: str | None = None
        self._reader: asyncio.Task[None] | None = None
        self._stalled = False

    async def async_start(self) -> None:
        """Start ffmpeg; OSError when it cannot run."""
        self.process = await asyncio.create_subprocess_exec(
            *self._command,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        assert self.process.stderr is not None
        # A part of this writer, not a task of the entry: the unload cancels
        # those at once, while this one must read until ffmpeg has finished
        # the file.  async_finish and async_kill always end it.
        self._reader = asyncio.create_task(
            self._async_read_messages(self.process.stderr),
            name=f"{DOMAIN} ffmpeg messages",
        )

    async def _async_read_messages(self, stream: asyncio.StreamReader) -> None:
        """Read ffmpeg's messages until it exits, keeping the last ones."""
        while True:
            try:
                line = await stream.readline()
            except ValueError:  # longer than the stream's limit: dropped
                continue
            if not line:
                return
            text = line.decode(errors="replace").rstrip()
            if not text:
                continue
            self.lines.append(text)
            # Some ffmpeg versions exit with 0 when the file could not be
            # finished ("Error writing trailer ...: No space left on device");
            # its own errors start with "Error", a decoder's with "[mjpeg @ ...]".
            if text.startswith("Error"):
                self.failure = text

    async def async_write(self, frame: bytes) -> None:
        """Hand one frame to ffmpeg (waits while its input is full).

        An ffmpeg that takes nothing for FFMPEG_WRITE_TIMEOUT is killed, and
        its input is then a broken pipe.
        """
        assert self.process is not None
        assert self.process.stdin is not None
        self.process.stdin.write(frame)
        try:
            async with asyncio.timeout(FFMPEG_WRITE_TIMEOUT):
                await self.process.stdin.drain()
        except TimeoutError:
            self._stalled = True
            await self.async_kill()
            raise BrokenPipeError(FFMPEG_STALLED) from None

    async def async_finish(self) -> str | None:
        """End the input and wait for ffmpeg; return its error, None on success."""
        process = self.process
        assert process is not None
        assert process.stdin is not None
        assert self._reader is not None
        with contextlib.suppress(OSError):
            process.stdin.close()
        try:
            async with asyncio.timeout(FFMPEG_FINISH_TIMEOUT):
                await process.wait()
                await asyncio.wait([self._reader])  # its last messages
        except TimeoutError:
            await self.async_kill()
            return "ffmpeg did not finish the file"
        if self._stalled:
            return FFMPEG_STALLED
        if process.returncode == 0 and self.failure is None:
            return None
        if self.failure is not None:
            return self.failure
        return (
            self.lines[-1] if self.lines else f"ffmpeg exited with {process.returncode}"
        )

    async def async_kill(self) -> None:
        """Stop ffmpeg at once, reap it, and stop reading its messages."""
        if (process := self.process) is not None and process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            await process.wait()
        if self._reader is not None:
            self._reader.cancel()
            await asyncio.wait([self._reader])


def _create_private_file(path: Path) -> None:
    """Create the directories and an empty file only the owner may read."""
    path.parent.mkdir(mode=DIRECTORY_MODE, parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, FILE_MODE)
    os.close(descriptor)


def _publish(temporary: Path, path: Path) -> Path:
    """Give the finished clip its name, or a numbered one if that is taken.

    A hard link never replaces a file that another clip took meanwhile; a
    file system without hard links gets a rename.
    """
    candidate, number = path, 1
    while True:
        try:
            os.link(temporary, candidate)
        except FileExistsError:
            candidate = path.with_name(f"{path.stem}_{number}{path.suffix}")
            number += 1
            continue
        except OSError:
            if candidate.exists():
                raise
            os.replace(temporary, candidate)
            return candidate
        temporary.unlink()
        return candidate


def _no_frames(reason: str) -> HomeAssistantError:
    return HomeAssistantError(
        translation_domain=DOMAIN,
        translation_key="clip_no_frames",
        translation_placeholders={"reason": reason},
    )


def _write_failed(path: Path, error: str) -> HomeAssistantError:
    return HomeAssistantError(
        translation_domain=DOMAIN,
        translation_key="clip_write_failed",
        translation_placeholders={"path": str(path), "error": error},
    )


def _ffmpeg_missing(error: str) -> HomeAssistantError:
    return HomeAssistantError(
        translation_domain=DOMAIN,
        translation_key="ffmpeg_missing",
        translation_placeholders={"error": error},
    )


class ClipRecording:
    """One recording of a source into one file."""

    def __init__(
        self,
        hass: HomeAssistant,
        hub: LiveStreamHub,
        source: Source,
        *,
        path: Path,
        duration: float,
        lookback: float,
        codec: str,
    ) -> None:
        """Prepare the recording of ``duration`` s (plus ``lookback`` s before)."""
        self.hass = hass
        self.hub = hub
        self.source = source
        self.path = path
        self.temporary = temporary_path(path)
        self.duration = duration
        self.lookback = lookback
        self.codec = codec
        self.fps = hub.frame_rate

    async def async_record(self) -> ClipResult:
        """Record; raise a translated HomeAssistantError when no clip results."""
        done: asyncio.Future[None] = self.hass.loop.create_future()
        self.hub.recordings.add(done)
        try:
            return await self._async_record()
        finally:
            done.set_result(None)
            self.hub.recordings.discard(done)

    async def _async_record(self) -> ClipResult:
        binary = get_ffmpeg_manager(self.hass).binary
        writer = FfmpegClipWriter(binary, self.codec, self.fps, self.temporary)
        feeder = ConstantRateFeeder(self.fps, writer.async_write)
        try:
            async with self.hub.async_view(self.source) as viewer:
                called = self.hass.loop.time()
                held = self._lookback_frames(called)
                try:
                    await self._async_open(writer)
                    reason = await self._async_feed(viewer, feeder, called, held)
                except BaseException:
                    await self._async_discard(writer)
                    raise
        except CameraError as err:  # the stream could not be joined
            raise _no_frames(str(err)) from err
        try:
            path = await self._async_close(writer)
        except BaseException:
            await self._async_discard(writer)
            raise
        lookback = max(0.0, called - held[0].arrived) if held else 0.0
        return ClipResult(
            path,
            feeder.frames,
            self.fps,
            lookback,
            interrupted=reason is not None,
            reason=reason,
        )

    async def _async_feed(
        self,
        viewer: LiveViewer,
        feeder: ConstantRateFeeder,
        called: float,
        held: list[TimedFrame],
    ) -> str | None:
        """Feed the held and the live frames; return why the clip ended early."""
        try:
            for frame in held:
                await feeder.add(frame.arrived, frame.data)
            end, reason = await self._async_follow(viewer, feeder, called, bool(held))
            if feeder.start is not None:
                await feeder.finish(end)
        except (BrokenPipeError, ConnectionResetError):
            return None  # ffmpeg stopped reading: its error tells why
        if feeder.start is None:
            raise _no_frames(reason or REASON_STREAM_ENDED)
        return reason

    def _lookback_frames(self, called: float) -> list[TimedFrame]:
        ring = self.hub.stream(self.source).lookback
        if not self.lookback or ring is None:
            return []
        return ring.since(called - self.lookback)

    async def _async_open(self, writer: FfmpegClipWriter) -> None:
        """Create the temporary file and start ffmpeg on it.

        The caller removes the file when this fails or is cancelled.
        """
        try:
            creating = self.hass.async_add_executor_job(
                _create_private_file, self.temporary
            )
            # Shielded: a cancellation waits until the file exists, or it
            # could appear after the caller has removed it.
            await asyncio.shield(creating)
        except asyncio.CancelledError:
            with contextlib.suppress(OSError):
                await creating
            raise
        except OSError as err:
            raise _write_failed(self.path, _os_error(err)) from err
        try:
            await writer.async_start()
        except OSError as err:
            raise _ffmpeg_missing(_os_error(err)) from err

    async def _async_follow(
        self,
        viewer: LiveViewer,
        feeder: ConstantRateFeeder,
        called: float,
        from_call: bool,
    ) -> tuple[float, str | None]:
        """Feed live frames until the end; return the end and why it came early."""
        end = called + self.duration if from_call else None
        while True:
            try:
                async with asyncio.timeout_at(end):
                    frame = await viewer.next_frame()
            except TimeoutError:
                assert end is not None
                return end, None
            except CameraError as err:
                return self.hass.loop.time(), f"{REASON_STREAM_ERROR}: {err}"
            if frame is None:
                return self.hass.loop.time(), self._reason(viewer)
            if end is None:
                # No lookback: the clip starts with its first frame.
                end = viewer.arrived + self.duration
            await feeder.add(viewer.arrived, frame)

    def _reason(self, viewer: LiveViewer) -> str:
        if self.hub.shut_down:
            return REASON_UNLOADED
        if viewer.error is not None:
            return f"{REASON_STREAM_ERROR}: {viewer.error}"
        return REASON_STREAM_ENDED

    async def _async_close(self, writer: FfmpegClipWriter) -> Path:
        """Let ffmpeg finish, then give the clip its final name; return it."""
        error = await writer.async_finish()
        if error is not None and writer.lines:
            _LOGGER.debug("ffmpeg's last messages:\n%s", "\n".join(writer.lines))
        if error is None:
            try:
                return await self.hass.async_add_executor_job(
                    _publish, self.temporary, self.path
                )
            except OSError as err:
                error = _os_error(err)
        await self._async_remove_temporary()
        # The caller gets the translated error; the log keeps the details.
        _LOGGER.debug("Could not write the clip %s: %s", self.path, error)
        raise _write_failed(self.path, error)

    async def _async_discard(self, writer: FfmpegClipWriter) -> None:
        await writer.async_kill()
        await self._async_remove_temporary()

    async def _async_remove_temporary(self) -> None:
        await self.hass.async_add_executor_job(self._remove_temporary)

    def _remove_temporary(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.temporary.unlink()


def _os_error(err: OSError) -> str:
    """Return an OS error's reason without the file name it may repeat."""
    return err.strerror or type(err).__name__
