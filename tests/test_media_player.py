"""The speaker: real sounds through Home Assistant's ffmpeg to the simulator.

Sounds are WAV files in a local media folder, served by Home Assistant's own
HTTP server on a loopback port (ffmpeg reads them from there, as it reads
text-to-speech); what the device received is decoded and measured.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
import itertools
import logging
import os
from pathlib import Path
from typing import Any, ClassVar
from unittest.mock import PropertyMock, patch

from homeassistant.components.ffmpeg import FFmpegManager
from homeassistant.components.media_player import (
    ATTR_MEDIA_ANNOUNCE,
    ATTR_MEDIA_CONTENT_ID,
    ATTR_MEDIA_CONTENT_TYPE,
    ATTR_MEDIA_VOLUME_LEVEL,
    ATTR_MEDIA_VOLUME_MUTED,
    DOMAIN as MP_DOMAIN,
    SERVICE_PLAY_MEDIA,
)
from homeassistant.components.media_player.const import MediaPlayerEntityFeature
from homeassistant.components.tts import (
    DOMAIN as TTS_DOMAIN,
    TextToSpeechEntity,
    TtsAudioType,
)
from homeassistant.components.tts.const import DATA_COMPONENT
from homeassistant.const import (
    ATTR_ENTITY_ID,
    SERVICE_MEDIA_STOP,
    SERVICE_VOLUME_MUTE,
    SERVICE_VOLUME_SET,
    STATE_IDLE,
    STATE_PLAYING,
)
from homeassistant.core import HomeAssistant, State
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import entity_registry as er
from homeassistant.setup import async_setup_component
import numpy as np
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    mock_restore_cache,
)
from syrupy.assertion import SnapshotAssertion

from custom_components.cgi_camera import speaker as speaker_module
from custom_components.cgi_camera.api import G726_32, ULAW
from custom_components.cgi_camera.media_player import CgiCameraSpeaker
from simulator import Simulator
from simulator.handlers.audio import AudioTransmit
from simulator.sounds import tone_wav
from tests.helpers import (
    SetupIntegration,
    entity_object,
    snapshot_entities,
    wait_for_state,
)
from tests.sim_fixtures import SimulatorFactory

SPEAKER = "media_player.cgi_camera_speaker"
RATE = 8000
TONE_HZ = 440.0


def wav(seconds: float, frequency: float = TONE_HZ, amplitude: float = 0.5) -> bytes:
    """A 16 kHz mono 16-bit WAV of a sine tone."""
    return tone_wav(seconds, frequency=frequency, rate=16000, amplitude=amplitude)


def ulaw_decode(data: bytes) -> np.ndarray:
    """G.711 µ-law bytes to linear samples (audioop is gone from Python 3.13)."""
    code = ~np.frombuffer(data, np.uint8).astype(np.int32) & 0xFF
    exponent = (code >> 4) & 0x07
    magnitude = (((code & 0x0F) << 3) + 0x84 << exponent) - 0x84
    return np.where(code & 0x80, -magnitude, magnitude)


def dominant_frequency(samples: np.ndarray, rate: int = RATE) -> float:
    """The frequency of the strongest component of ``samples``."""
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(len(samples))))
    return float(np.argmax(spectrum) * rate / len(samples))


def rms(samples: np.ndarray) -> float:
    """Root mean square of ``samples``."""
    return float(np.sqrt(np.mean(samples.astype(np.float64) ** 2)))


def sounds(sim: Simulator) -> list[AudioTransmit]:
    """The transmits that carried sound (not discovery's empty probe)."""
    return [t for t in sim.audio_transmits if t.content_length]


def ffmpeg_children() -> list[int]:
    """Process ids of this process's ffmpeg children."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        name, rest = stat[stat.index("(") + 1 : stat.rindex(")")], stat.rsplit(")", 1)
        if name == "ffmpeg" and int(rest[1].split()[1]) == os.getpid():
            found.append(int(entry))
    return found


def speaker_of(hass: HomeAssistant) -> CgiCameraSpeaker:
    """The speaker entity object."""
    entity = entity_object(hass, SPEAKER)
    assert isinstance(entity, CgiCameraSpeaker)
    return entity


def assert_nothing_left(hass: HomeAssistant) -> None:
    """Idle, no playing task, no ffmpeg."""
    assert hass.states.get(SPEAKER).state == STATE_IDLE
    task = speaker_of(hass).speaker._task
    assert task is None or task.done()
    assert ffmpeg_children() == []


@pytest.fixture
def media_dir(hass: HomeAssistant, tmp_path: Path) -> Path:
    """The local media folder (set before media_source is set up)."""
    hass.config.media_dirs = {"local": str(tmp_path)}
    return tmp_path


@pytest.fixture
async def served(
    hass: HomeAssistant, aiohttp_client: Any
) -> Callable[[], Awaitable[None]]:
    """Serve Home Assistant's HTTP app on a loopback port, as its internal URL."""

    async def serve() -> None:
        client = await aiohttp_client(hass.http.app)
        await hass.config.async_update(
            internal_url=f"http://127.0.0.1:{client.server.port}"
        )

    return serve


@pytest.fixture
async def speaker_entry(
    hass: HomeAssistant,
    simulator: Simulator,
    setup: SetupIntegration,
    media_dir: Path,
    served: Callable[[], Awaitable[None]],
) -> MockConfigEntry:
    """The integration set up for the default simulator, media served."""
    entry = await setup(simulator)
    await served()
    return entry


async def play(hass: HomeAssistant, name: str, **extra: Any) -> None:
    """play_media of a local media file, waiting until it was played."""
    await hass.services.async_call(
        MP_DOMAIN,
        SERVICE_PLAY_MEDIA,
        {
            ATTR_ENTITY_ID: SPEAKER,
            ATTR_MEDIA_CONTENT_TYPE: "music",
            ATTR_MEDIA_CONTENT_ID: f"media-source://media_source/local/{name}",
            **extra,
        },
        blocking=True,
    )


async def call(hass: HomeAssistant, service: str, **data: Any) -> None:
    """A media_player action on the speaker."""
    await hass.services.async_call(
        MP_DOMAIN, service, {ATTR_ENTITY_ID: SPEAKER, **data}, blocking=True
    )


@pytest.mark.usefixtures("speaker_entry")
async def test_a_tone_arrives_as_8khz_ulaw(
    hass: HomeAssistant, simulator: Simulator, media_dir: Path
) -> None:
    """1 s of 440 Hz: 1 s of µ-law at 8 kHz whose strongest tone is 440 Hz."""
    (media_dir / "tone.wav").write_bytes(wav(1.0))
    state = hass.states.get(SPEAKER)
    assert state.state == STATE_IDLE
    assert state.attributes["supported_features"] == (
        MediaPlayerEntityFeature.PLAY_MEDIA
        | MediaPlayerEntityFeature.BROWSE_MEDIA
        | MediaPlayerEntityFeature.MEDIA_ANNOUNCE
        | MediaPlayerEntityFeature.STOP
        | MediaPlayerEntityFeature.VOLUME_SET
        | MediaPlayerEntityFeature.VOLUME_MUTE
    )
    states: list[str] = []
    hass.bus.async_listen(
        "state_changed",
        lambda event: (
            states.append(event.data["new_state"].state)
            if event.data["entity_id"] == SPEAKER
            else None
        ),
    )
    await play(hass, "tone.wav")
    [sound] = sounds(simulator)
    assert sound.complete
    assert sound.content_type == "audio/basic"
    assert sound.transfer_encoding is None
    assert sound.content_length == sound.received == len(sound.body)
    samples = ulaw_decode(bytes(sound.body))
    assert len(samples) / RATE == pytest.approx(1.0, rel=0.05)
    assert dominant_frequency(samples) == pytest.approx(TONE_HZ, abs=5)
    assert states == [STATE_PLAYING, STATE_IDLE]
    assert_nothing_left(hass)


@pytest.mark.usefixtures("speaker_entry")
async def test_volume_scales_the_samples_and_mute_sends_silence(
    hass: HomeAssistant, simulator: Simulator, media_dir: Path
) -> None:
    """Volume 0.5 halves the RMS; muted, the device gets silence of the same length."""
    (media_dir / "tone.wav").write_bytes(wav(1.0))
    await play(hass, "tone.wav")
    await call(hass, SERVICE_VOLUME_SET, **{ATTR_MEDIA_VOLUME_LEVEL: 0.5})
    await play(hass, "tone.wav")
    await call(hass, SERVICE_VOLUME_MUTE, **{ATTR_MEDIA_VOLUME_MUTED: True})
    await play(hass, "tone.wav")
    full, half, muted = (ulaw_decode(bytes(s.body)) for s in sounds(simulator))
    assert rms(half) / rms(full) == pytest.approx(0.5, rel=0.1)
    assert len(muted) == len(full)
    assert not muted.any()
    state = hass.states.get(SPEAKER)
    assert state.attributes[ATTR_MEDIA_VOLUME_LEVEL] == 0.5
    assert state.attributes[ATTR_MEDIA_VOLUME_MUTED] is True


async def test_a_device_that_takes_only_g726(
    hass: HomeAssistant,
    simulator_factory: SimulatorFactory,
    setup: SetupIntegration,
    media_dir: Path,
    served: Callable[[], Awaitable[None]],
) -> None:
    """G.726 at 32 kbit/s when that is all the device takes."""
    sim = await simulator_factory(speaker_types=("audio/32KADPCM",))
    await setup(sim)
    await served()
    (media_dir / "tone.wav").write_bytes(wav(1.0))
    await play(hass, "tone.wav")
    [sound] = sounds(sim)
    assert sound.content_type == G726_32.content_type
    assert sound.complete
    assert G726_32.seconds(sound.received) == pytest.approx(1.0, rel=0.05)
    decoded = await asyncio.create_subprocess_exec(
        "ffmpeg", "-loglevel", "error", "-f", "g726le", "-code_size", "4",
        "-ar", "8000", "-i", "pipe:0", "-f", "s16le", "pipe:1",
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    pcm, _ = await decoded.communicate(bytes(sound.body))
    samples = np.frombuffer(pcm, "<i2")
    assert dominant_frequency(samples) == pytest.approx(TONE_HZ, abs=5)


@pytest.mark.usefixtures("speaker_entry")
async def test_stop_ends_the_transfer_within_100_ms(
    hass: HomeAssistant, simulator: Simulator, media_dir: Path
) -> None:
    """Stop mid-play: the device's connection ends within 100 ms; idle again."""
    (media_dir / "long.wav").write_bytes(wav(5.0))
    playing = hass.async_create_task(play(hass, "long.wav"))
    await wait_for_state(hass, SPEAKER, STATE_PLAYING)
    await simulator.counters.wait_for_connections("audio", 1)
    [sound] = sounds(simulator)
    await sound.wait_for_bytes(ULAW.bytes_per_second // 2)
    loop = asyncio.get_running_loop()
    stopped_at = loop.time()
    await call(hass, SERVICE_MEDIA_STOP)
    await sound.wait_until_ended()
    assert sound.ended_at is not None
    assert sound.ended_at - stopped_at < 0.1
    assert not sound.complete
    await playing  # an interrupted play is no error
    # Paced: the device never held much more than it had played.
    assert sound.received < ULAW.bytes_per_second * (stopped_at - sound.opened_at + 0.2)
    assert_nothing_left(hass)


@pytest.mark.usefixtures("speaker_entry")
async def test_one_stream_at_a_time(
    hass: HomeAssistant, simulator: Simulator, media_dir: Path
) -> None:
    """Plays and an announcement at once: the device never gets two streams."""
    (media_dir / "long.wav").write_bytes(wav(5.0))
    (media_dir / "short.wav").write_bytes(wav(0.3))
    first = hass.async_create_task(play(hass, "long.wav"))
    await simulator.counters.wait_for_connections("audio", 1)
    await sounds(simulator)[0].wait_for_bytes(1200)
    others = [
        hass.async_create_task(play(hass, "long.wav")),
        hass.async_create_task(play(hass, "short.wav", **{ATTR_MEDIA_ANNOUNCE: True})),
    ]
    await asyncio.gather(first, *others)
    played = sounds(simulator)
    assert played[0].ended
    assert not played[0].complete  # interrupted, and never resumed
    for earlier, later in itertools.pairwise(played):
        assert earlier.ended_at is not None
        assert later.opened_at >= earlier.ended_at
    assert played[-1].complete
    assert sum(1 for sound in played if sound.complete) == 1
    assert_nothing_left(hass)


@pytest.mark.usefixtures("speaker_entry")
@pytest.mark.parametrize(
    ("code", "key"),
    [
        (401, "action_unauthorized"),
        (403, "action_forbidden_operator"),
        (503, "speaker_busy"),
    ],
)
async def test_device_refusals(
    hass: HomeAssistant, simulator: Simulator, media_dir: Path, code: int, key: str
) -> None:
    """401, 403, 503: a translated error, idle, nothing left running."""
    (media_dir / "tone.wav").write_bytes(wav(1.0))
    simulator.faults.refuse_transmit(code)
    with pytest.raises(HomeAssistantError) as err:
        await play(hass, "tone.wav")
    assert err.value.translation_key == key
    [sound] = sounds(simulator)
    assert sound.status == code
    assert sound.received == 0
    assert_nothing_left(hass)


@pytest.mark.usefixtures("speaker_entry")
async def test_connection_lost_mid_play(
    hass: HomeAssistant, simulator: Simulator, media_dir: Path
) -> None:
    """The device drops the connection: a translated error, idle, nothing left."""
    (media_dir / "tone.wav").write_bytes(wav(1.0))
    simulator.faults.cut_transmit(after=2400)
    with pytest.raises(HomeAssistantError) as err:
        await play(hass, "tone.wav")
    assert err.value.translation_key == "speaker_failed"
    [sound] = sounds(simulator)
    assert not sound.complete
    assert 2400 <= sound.received < 8000
    assert_nothing_left(hass)


@pytest.mark.usefixtures("speaker_entry")
async def test_ffmpeg_missing(
    hass: HomeAssistant, simulator: Simulator, media_dir: Path
) -> None:
    """No ffmpeg binary (a mock: the fault the simulator cannot make)."""
    (media_dir / "tone.wav").write_bytes(wav(1.0))
    with (
        patch.object(
            FFmpegManager,
            "binary",
            new_callable=PropertyMock,
            return_value="/nonexistent/ffmpeg",
        ),
        pytest.raises(HomeAssistantError) as err,
    ):
        await play(hass, "tone.wav")
    assert err.value.translation_key == "speaker_ffmpeg_missing"
    assert sounds(simulator) == []
    assert_nothing_left(hass)


@pytest.mark.usefixtures("speaker_entry")
async def test_unreadable_media(
    hass: HomeAssistant, simulator: Simulator, media_dir: Path
) -> None:
    """A file ffmpeg cannot read: a translated error; the device is not disturbed."""
    (media_dir / "broken.wav").write_bytes(b"RIFF\x00\x00\x00\x00WAVEnot sound")
    with pytest.raises(HomeAssistantError) as err:
        await play(hass, "broken.wav")
    assert err.value.translation_key == "speaker_media_unreadable"
    assert sounds(simulator) == []
    assert_nothing_left(hass)


@pytest.mark.usefixtures("speaker_entry")
async def test_unreadable_media_hides_credentials_and_signature(
    hass: HomeAssistant, simulator: Simulator, caplog: pytest.LogCaptureFixture
) -> None:
    """Where ffmpeg's error names the URL, it is without user, password and query."""
    caplog.set_level(logging.DEBUG, logger=speaker_module.__name__)
    url = f"http://user:secret@{simulator.host}:{simulator.port}/x.mp3?authSig=sig"
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            MP_DOMAIN,
            SERVICE_PLAY_MEDIA,
            {
                ATTR_ENTITY_ID: SPEAKER,
                ATTR_MEDIA_CONTENT_TYPE: "music",
                ATTR_MEDIA_CONTENT_ID: url,
            },
            blocking=True,
        )
    assert err.value.translation_key == "speaker_media_unreadable"
    error = err.value.translation_placeholders["error"]
    logged = " ".join(
        record.getMessage()
        for record in caplog.records
        if record.name == speaker_module.__name__
    )
    # ffmpeg 5 and 6 name the URL in the error, ffmpeg 7 and newer do not:
    # where it is named, it is without its user, password and query.
    cleaned = f"http://{simulator.host}:{simulator.port}/x.mp3"
    for text in (error, logged):
        assert "x.mp3" not in text or cleaned in text
    for secret in ("secret", "user", "authSig", "sig"):
        assert secret not in error
        assert secret not in logged
    assert sounds(simulator) == []
    assert_nothing_left(hass)


@pytest.mark.usefixtures("speaker_entry")
async def test_bad_media_is_refused_before_anything_runs(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    """An unknown media source or a non-HTTP URL: ServiceValidationError."""
    for media_id, key in (
        ("media-source://nowhere/thing", "speaker_media_not_found"),
        ("file:///etc/passwd", "speaker_media_unsupported"),
    ):
        with pytest.raises(ServiceValidationError) as err:
            await hass.services.async_call(
                MP_DOMAIN,
                SERVICE_PLAY_MEDIA,
                {
                    ATTR_ENTITY_ID: SPEAKER,
                    ATTR_MEDIA_CONTENT_TYPE: "music",
                    ATTR_MEDIA_CONTENT_ID: media_id,
                },
                blocking=True,
            )
        assert err.value.translation_key == key
    assert sounds(simulator) == []
    assert_nothing_left(hass)


async def test_browse_shows_audio_only(
    hass: HomeAssistant,
    simulator: Simulator,
    setup: SetupIntegration,
    media_dir: Path,
    hass_ws_client: Any,
) -> None:
    """Browsing a media folder shows its sounds, not its pictures."""
    await setup(simulator)
    (media_dir / "tone.wav").write_bytes(wav(0.1))
    (media_dir / "picture.jpg").write_bytes(b"\xff\xd8\xff")
    client = await hass_ws_client(hass)
    await client.send_json_auto_id(
        {
            "type": "media_player/browse_media",
            "entity_id": SPEAKER,
            "media_content_type": "app",
            "media_content_id": "media-source://media_source/local/.",
        }
    )
    result = await client.receive_json()
    assert result["success"], result
    titles = [child["title"] for child in result["result"]["children"]]
    assert titles == ["tone.wav"]


class StubSpeech(TextToSpeechEntity):
    """A text-to-speech engine that says every text as 0.5 s of 440 Hz."""

    _attr_name = "Stub speech"
    _attr_supported_languages: ClassVar[list[str]] = ["en"]
    _attr_default_language = "en"

    def get_tts_audio(
        self, message: str, language: str, options: dict[str, Any]
    ) -> TtsAudioType:
        """The tone, whatever the text."""
        return "wav", wav(0.5)


async def test_tts_speak(
    hass: HomeAssistant,
    simulator: Simulator,
    setup: SetupIntegration,
    served: Callable[[], Awaitable[None]],
) -> None:
    """tts.speak to the speaker: the device hears the engine's sound."""
    await setup(simulator)
    assert await async_setup_component(hass, TTS_DOMAIN, {})
    await hass.data[DATA_COMPONENT].async_add_entities([StubSpeech()])
    await served()
    await hass.services.async_call(
        TTS_DOMAIN,
        "speak",
        {
            ATTR_ENTITY_ID: "tts.stub_speech",
            "media_player_entity_id": SPEAKER,
            "message": "Someone is at the door",
        },
        blocking=True,
    )
    [sound] = sounds(simulator)
    assert sound.complete
    samples = ulaw_decode(bytes(sound.body))
    # Newer Home Assistant re-encodes a TTS engine's sound (to MP3), whose
    # encoder pads up to about a tenth of a second: the engine's 0.5 s, and
    # never less.
    assert 0.5 * 0.95 <= len(samples) / RATE <= 0.5 + 0.1
    assert dominant_frequency(samples) == pytest.approx(TONE_HZ, abs=5)


async def test_no_speaker_no_entity(
    hass: HomeAssistant, simulator_factory: SimulatorFactory, setup: SetupIntegration
) -> None:
    """A device without a speaker (transmit.cgi 404) or audio has no media player."""
    for options in ({"speaker_types": ()}, {"audio": False}):
        sim = await simulator_factory(**options)
        entry = await setup(sim)
        assert entry.runtime_data.device.capabilities.speaker is None
        assert hass.states.async_entity_ids(MP_DOMAIN) == []
        await hass.config_entries.async_unload(entry.entry_id)
        await hass.config_entries.async_remove(entry.entry_id)


async def test_volume_survives_a_restart(
    hass: HomeAssistant, simulator: Simulator, setup: SetupIntegration
) -> None:
    """Volume and mute come back after the entry reloads."""
    entry = await setup(simulator)
    await call(hass, SERVICE_VOLUME_SET, **{ATTR_MEDIA_VOLUME_LEVEL: 0.3})
    await call(hass, SERVICE_VOLUME_MUTE, **{ATTR_MEDIA_VOLUME_MUTED: True})
    await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    state = hass.states.get(SPEAKER)
    assert state.attributes[ATTR_MEDIA_VOLUME_LEVEL] == 0.3
    assert state.attributes[ATTR_MEDIA_VOLUME_MUTED] is True


async def test_restore_ignores_odd_values(
    hass: HomeAssistant, simulator: Simulator, setup: SetupIntegration
) -> None:
    """A stored volume or mute that is not one keeps the defaults."""
    mock_restore_cache(
        hass,
        [State(SPEAKER, STATE_IDLE, {"volume_level": "loud", "is_volume_muted": "no"})],
    )
    await setup(simulator)
    state = hass.states.get(SPEAKER)
    assert state.attributes[ATTR_MEDIA_VOLUME_LEVEL] == 1.0
    assert state.attributes[ATTR_MEDIA_VOLUME_MUTED] is False


@pytest.mark.usefixtures("speaker_entry")
async def test_an_empty_sound_is_unreadable(
    hass: HomeAssistant, simulator: Simulator, media_dir: Path
) -> None:
    """A WAV without samples: ffmpeg makes nothing, a translated error."""
    (media_dir / "empty.wav").write_bytes(wav(0.0))
    with pytest.raises(HomeAssistantError) as err:
        await play(hass, "empty.wav")
    assert err.value.translation_key == "speaker_media_unreadable"
    assert sounds(simulator) == []
    assert_nothing_left(hass)


@pytest.mark.usefixtures("speaker_entry")
async def test_a_long_sound_plays_its_start(
    hass: HomeAssistant,
    simulator: Simulator,
    media_dir: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Memory is bounded: past MAX_SECONDS the sound is cut, with a warning."""
    (media_dir / "tone.wav").write_bytes(wav(1.0))
    with patch.object(speaker_module, "MAX_SECONDS", 0.5):
        await play(hass, "tone.wav")
    [sound] = sounds(simulator)
    assert ULAW.seconds(sound.received) == pytest.approx(0.5, rel=0.05)
    assert "longer than 0.5 seconds" in caplog.text


async def hung_media(simulator: Simulator) -> str:
    """A URL whose server accepts the request and never answers."""
    simulator.faults.hang_next()
    return f"{simulator.url}/sound.wav"


@pytest.mark.usefixtures("speaker_entry")
async def test_stop_while_converting_ends_ffmpeg(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    """Stopped before a byte went out: ffmpeg is killed, the device untouched."""
    url = await hung_media(simulator)
    playing = hass.async_create_task(
        hass.services.async_call(
            MP_DOMAIN,
            SERVICE_PLAY_MEDIA,
            {
                ATTR_ENTITY_ID: SPEAKER,
                ATTR_MEDIA_CONTENT_TYPE: "music",
                ATTR_MEDIA_CONTENT_ID: url,
            },
            blocking=True,
        )
    )
    await simulator.counters.wait_for_requests("/sound.wav", 1)  # ffmpeg asks
    assert ffmpeg_children()
    await call(hass, SERVICE_MEDIA_STOP)
    await playing
    assert sounds(simulator) == []
    assert_nothing_left(hass)


@pytest.mark.usefixtures("speaker_entry")
async def test_media_that_never_comes_times_out(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    """A server that never answers: a translated error after the timeout."""
    url = await hung_media(simulator)
    with (
        patch.object(speaker_module, "TRANSCODE_TIMEOUT", 0.5),
        pytest.raises(HomeAssistantError) as err,
    ):
        await hass.services.async_call(
            MP_DOMAIN,
            SERVICE_PLAY_MEDIA,
            {
                ATTR_ENTITY_ID: SPEAKER,
                ATTR_MEDIA_CONTENT_TYPE: "music",
                ATTR_MEDIA_CONTENT_ID: url,
            },
            blocking=True,
        )
    assert err.value.translation_key == "speaker_media_unreadable"
    assert err.value.translation_placeholders == {"error": "timed out"}
    assert_nothing_left(hass)


@pytest.mark.usefixtures("speaker_entry")
async def test_a_caller_that_leaves_does_not_stop_the_sound(
    hass: HomeAssistant,
    simulator: Simulator,
    media_dir: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The sound plays on; how it failed is logged, as nobody waits for it."""
    (media_dir / "tone.wav").write_bytes(wav(1.0))
    simulator.faults.cut_transmit(after=4000)
    caller = hass.async_create_task(play(hass, "tone.wav"))
    await simulator.counters.wait_for_connections("audio", 1)
    [sound] = sounds(simulator)
    await sound.wait_for_bytes(1200)
    caller.cancel()
    with pytest.raises(asyncio.CancelledError):
        await caller
    assert hass.states.get(SPEAKER).state == STATE_PLAYING
    await sound.wait_until_ended()
    await wait_for_state(hass, SPEAKER, STATE_IDLE)
    await hass.async_block_till_done()
    assert sound.received >= 4000
    assert "could not play a sound" in caplog.text
    assert_nothing_left(hass)


async def test_unload_while_playing_leaves_the_device_silent(
    hass: HomeAssistant,
    simulator: Simulator,
    setup: SetupIntegration,
    media_dir: Path,
    served: Callable[[], Awaitable[None]],
) -> None:
    """Unloading the entry ends the sound, its task and ffmpeg."""
    entry = await setup(simulator)
    await served()
    (media_dir / "long.wav").write_bytes(wav(5.0))
    playing = hass.async_create_task(play(hass, "long.wav"))
    await simulator.counters.wait_for_connections("audio", 1)
    [sound] = sounds(simulator)
    await sound.wait_for_bytes(1200)
    assert await hass.config_entries.async_unload(entry.entry_id)
    await sound.wait_until_ended()
    assert not sound.complete
    await playing  # stopped, not failed
    assert ffmpeg_children() == []


async def test_entity(
    hass: HomeAssistant,
    simulator: Simulator,
    setup: SetupIntegration,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    """The speaker's registry entry and state."""
    entry = await setup(simulator)
    await snapshot_entities(hass, entity_registry, snapshot, entry.entry_id, MP_DOMAIN)
