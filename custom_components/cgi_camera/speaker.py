"""The device's speaker: a sound, converted by ffmpeg, paced to ``transmit.cgi``.

Why the whole sound is converted before a byte is sent: the spec's device
reads a body of ``Content-Length`` bytes (5.8.5), and a chunked body would
be played as noise, so the length must be known before the request starts.
ffmpeg converts hundreds of times faster than real time, so converting
first costs little of the start latency (``scripts/bench``: about 60 ms from
``play_media`` to the first sound at the device, mostly starting ffmpeg),
and the conversion's errors (an unreadable file) come before the device is
disturbed at all.  Memory stays bounded: ffmpeg stops
after :data:`MAX_SECONDS` of sound (4.8 MB of µ-law); a longer sound plays
its first ten minutes, with a warning.

Pacing (``client.audio.play``) keeps the device's buffer to a moment of
sound, so stopping, which closes the connection, silences the speaker at
once.  One sound at a time: a new one (an announcement too) stops the one
playing, which does not resume.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
import logging
import re

from homeassistant.components import media_source
from homeassistant.components.ffmpeg import get_ffmpeg_manager
from homeassistant.components.media_player.browse_media import (
    async_process_play_media_url,
)
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
import yarl

from .api import (
    G726_24,
    G726_32,
    SAMPLE_RATE,
    ULAW,
    AudioFormat,
    CameraBusyError,
    CameraClient,
    CameraError,
)
from .const import DOMAIN
from .errors import device_error
from .runtime import CgiCameraConfigEntry

_LOGGER = logging.getLogger(__name__)

MAX_SECONDS = 600
"""The longest sound played (ten minutes), which bounds the memory it takes."""

TRANSCODE_TIMEOUT = 60.0
"""Seconds ffmpeg may take to read and convert a whole sound."""

READ_TIMEOUT_US = 15_000_000
"""ffmpeg's own timeout (µs) for each read from the media's server."""

_ENCODERS: dict[AudioFormat, tuple[str, ...]] = {
    ULAW: ("-c:a", "pcm_mulaw", "-f", "mulaw"),
    # G.726 as RTP packs it (RFC 3551): the first sample in the low bits.
    G726_32: ("-c:a", "g726le", "-b:a", "32k", "-f", "g726le"),
    G726_24: ("-c:a", "g726le", "-b:a", "24k", "-f", "g726le"),
}

# ffmpeg names the media's URL in its errors: the user information may hold
# a password, the query a signature (authSig).  Only the scheme, host and
# path are kept (ffmpeg takes the last "@" before the path as the end of the
# user information, as the greedy match does).
_URL_RE = re.compile(r"(https?://)(?:[^\s/?#]*@)?([^\s?#]*)\S*")


def _unreadable(reason: str) -> HomeAssistantError:
    return HomeAssistantError(
        translation_domain=DOMAIN,
        translation_key="speaker_media_unreadable",
        translation_placeholders={"error": reason},
    )


async def async_resolve_media_url(
    hass: HomeAssistant, media_id: str, entity_id: str | None
) -> str:
    """The HTTP(S) URL ffmpeg reads ``media_id`` from.

    A media source (text-to-speech, local media) is resolved; a path of Home
    Assistant's gets its address and a signature.  Other schemes are refused
    before anything runs: ffmpeg could otherwise read local files.
    """
    if media_source.is_media_source_id(media_id):
        try:
            item = await media_source.async_resolve_media(hass, media_id, entity_id)
        except media_source.Unresolvable as err:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="speaker_media_not_found",
                translation_placeholders={"media": media_id},
            ) from err
        media_id = item.url
    url = async_process_play_media_url(hass, media_id)
    if yarl.URL(url).scheme not in ("http", "https"):
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="speaker_media_unsupported",
            translation_placeholders={"media": media_id},
        )
    return url


def ffmpeg_command(
    binary: str, url: str, audio_format: AudioFormat, volume: float
) -> list[str]:
    """The ffmpeg command: ``url`` to 8 kHz mono ``audio_format`` on stdout.

    The volume scales the samples before they are encoded (the spec has no
    volume parameter); only network protocols may be opened.
    """
    return [
        binary,
        "-nostdin",
        "-hide_banner",
        "-loglevel",
        "error",
        "-protocol_whitelist",
        "http,https,tcp,tls,crypto",
        "-rw_timeout",
        str(READ_TIMEOUT_US),
        "-i",
        url,
        "-vn",
        "-ac",
        "1",
        "-ar",
        str(SAMPLE_RATE),
        "-af",
        f"volume={volume:.3f}",
        "-t",
        str(MAX_SECONDS),
        *_ENCODERS[audio_format],
        "pipe:1",
    ]


async def async_transcode(
    binary: str, url: str, audio_format: AudioFormat, volume: float
) -> bytes:
    """The whole sound at ``url`` in ``audio_format``; ffmpeg never outlives this.

    Raises a translated error when ffmpeg cannot run or read the media.
    """
    command = ffmpeg_command(binary, url, audio_format, volume)
    try:
        process = await asyncio.create_subprocess_exec(
            *command,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
    except OSError as err:
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="speaker_ffmpeg_missing",
            translation_placeholders={"error": err.strerror or type(err).__name__},
        ) from err
    try:
        async with asyncio.timeout(TRANSCODE_TIMEOUT):
            audio, errors = await process.communicate()
    except TimeoutError as err:
        raise _unreadable("timed out") from err
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    message = _URL_RE.sub(r"\1\2", errors.decode(errors="replace")).strip()
    if process.returncode or not audio:
        _LOGGER.debug("ffmpeg could not convert the sound: %s", message)
        lines = message.splitlines()
        reason = lines[-1] if lines else f"ffmpeg exited with {process.returncode}"
        raise _unreadable(reason)
    if audio_format.seconds(len(audio)) >= MAX_SECONDS:
        _LOGGER.warning(
            "The sound is longer than %s seconds: only its start is played",
            MAX_SECONDS,
        )
    return audio


def _log_unwaited(task: asyncio.Task[None]) -> None:
    """Log how a sound whose caller stopped waiting failed."""
    if not task.cancelled() and (err := task.exception()) is not None:
        _LOGGER.warning("The speaker could not play a sound: %s", err)


class Speaker:
    """One device's speaker: plays one sound at a time.

    Each sound plays in a background task of the config entry (so unloading
    the entry ends it); :meth:`play` waits for it, and a caller that gives up
    waiting does not stop the sound.
    """

    def __init__(
        self,
        hass: HomeAssistant,
        entry: CgiCameraConfigEntry,
        client: CameraClient,
        audio_format: AudioFormat,
        on_change: Callable[[], None],
    ) -> None:
        """Play to ``client``'s device in ``audio_format``; tell ``on_change``."""
        self._hass = hass
        self._entry = entry
        self._client = client
        self.audio_format = audio_format
        self._on_change = on_change
        self._task: asyncio.Task[None] | None = None
        # Stopping the sound playing and starting the next are one step, so
        # two plays at once never reach the device together.
        self._lock = asyncio.Lock()
        self.playing = False

    async def play(self, url: str, volume: float) -> None:
        """Stop what plays, play the sound at ``url``; return when it ended.

        Returns normally when another play or :meth:`stop` interrupted it;
        raises a translated error when it could not play to the end.
        """
        async with self._lock:
            await self._stop_current()
            task = self._entry.async_create_background_task(
                self._hass,
                self._play(url, volume),
                f"{DOMAIN} speaker {self._entry.entry_id}",
            )
            self._task = task
        try:
            # Waiting does not cancel the task when the caller is cancelled.
            await asyncio.wait([task])
        except asyncio.CancelledError:
            task.add_done_callback(_log_unwaited)
            raise
        if not task.cancelled():
            task.result()

    async def stop(self) -> None:
        """Stop the sound playing, if any; returns once the device is left."""
        async with self._lock:
            await self._stop_current()

    async def _stop_current(self) -> None:
        task, self._task = self._task, None
        if task is not None and not task.done():
            task.cancel()
            await asyncio.wait([task])

    async def _play(self, url: str, volume: float) -> None:
        binary = get_ffmpeg_manager(self._hass).binary
        audio = await async_transcode(binary, url, self.audio_format, volume)
        self._set_playing(True)
        try:
            await self._client.audio.play(audio, self.audio_format)
        except CameraBusyError as err:
            raise HomeAssistantError(
                translation_domain=DOMAIN, translation_key="speaker_busy"
            ) from err
        except CameraError as err:
            raise device_error(err, "speaker_failed") from err
        finally:
            self._set_playing(False)

    def _set_playing(self, playing: bool) -> None:
        self.playing = playing
        self._on_change()
