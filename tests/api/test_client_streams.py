"""I/O, monitor, snapshot, MJPEG, audio and backup/restore over HTTP."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import aclosing
import logging

import pytest

from cgi_camera_api import (
    CameraBusyError,
    CameraClient,
    CameraConnectionError,
    CameraError,
    CameraNotFoundError,
    CameraRequestRefusedError,
    CameraResponseError,
    CameraValueError,
    IoEvent,
    PulseSequence,
    lines,
    sanitise_filename,
)
from cgi_camera_api.lines import forget_skipped_lines
from simulator import Simulator

from .conftest import ClientFactory, SimulatorFactory


async def drain(stream: AsyncIterator[bytes]) -> None:
    """Read until the stream ends or raises."""
    async for _ in stream:
        pass


# -- I/O checks and outputs ----------------------------------------------------


async def test_checks_in_one_request(
    client: CameraClient, simulator: Simulator
) -> None:
    """check / checkactive / checkdirection, one request each."""
    await client.params.list(["Brand.Brand"])
    simulator.set_input(2, True)
    before = simulator.counters.total_requests
    assert await client.io.check_inputs([1, 2]) == {1: False, 2: True}
    assert simulator.counters.total_requests == before + 1
    assert await client.io.check_active_inputs([2]) == {2: True}
    simulator.set_output(1, True)
    assert await client.io.check_outputs([1, 2]) == {1: True, 2: False}
    assert await client.io.check_active_outputs([1, 2]) == {1: True, 2: False}
    assert await client.io.check_directions([1, 2, 3, 4]) == {
        1: "input",
        2: "input",
        3: "output",
        4: "output",
    }
    with pytest.raises(CameraRequestRefusedError, match="no such input"):
        await client.io.check_inputs([9])
    for bad in ([], [0], [1, 1]):
        with pytest.raises(CameraValueError):
            await client.io.check_inputs(bad)


async def test_outputs_and_pulses(client: CameraClient, simulator: Simulator) -> None:
    """set_output and a pulse sequence reach the relay."""
    await client.io.set_output(2, True)
    assert simulator.output_state(2)
    await client.io.set_output(2, False)
    assert not simulator.output_state(2)
    monitor = client.io.monitor_outputs([1])
    async with aclosing(monitor):
        assert await anext(monitor) == IoEvent(1, False, output=True)
        await client.io.pulse_output(1, PulseSequence.pulses(20, 20, 2))
        events = [await anext(monitor) for _ in range(4)]
    relay = [IoEvent(1, True, output=True), IoEvent(1, False, output=True)]
    assert events == relay * 2
    await client.io.pulse_output(1, PulseSequence.parse("1:/"))
    assert simulator.output_state(1)
    with pytest.raises(CameraValueError):
        await client.io.pulse_output(2, PulseSequence.parse("1:/"))
    with pytest.raises(CameraRequestRefusedError):
        await client.io.set_output(7, True)


# -- monitor ------------------------------------------------------------------------


async def test_monitor_inputs(client: CameraClient, simulator: Simulator) -> None:
    """Initial states, then changes; on_connect; closing drops the connection."""
    connected = asyncio.Event()
    monitor = client.io.monitor_inputs([1, 2], on_connect=connected.set)
    first = await anext(monitor)
    assert connected.is_set()
    second = await anext(monitor)
    assert {first, second} == {IoEvent(1, False), IoEvent(2, False)}
    assert simulator.counters.open_connections["io"] == 1
    simulator.set_input(2, True)
    assert await anext(monitor) == IoEvent(2, True)
    simulator.toggle_input(1)
    simulator.toggle_input(1)
    assert await anext(monitor) == IoEvent(1, True)
    assert await anext(monitor) == IoEvent(1, False)
    await monitor.aclose()
    await simulator.counters.wait_for_connections("io", 0)


async def test_monitor_break_closes_the_stream(
    client: CameraClient, simulator: Simulator
) -> None:
    """Leaving ``async for`` closes the response once the generator is closed."""
    async with aclosing(client.io.monitor_inputs([1])) as monitor:
        async for event in monitor:
            assert event == IoEvent(1, False)
            break
    await simulator.counters.wait_for_connections("io", 0)


async def test_monitor_io0_quirk(
    simulator_factory: SimulatorFactory, client_for: ClientFactory
) -> None:
    """A device reporting port 1 as IO0: events still name port 1."""
    sim = await simulator_factory(io0_quirk=True)
    client = client_for(sim)
    async with aclosing(client.io.monitor_inputs([1, 2])) as monitor:
        initial = {await anext(monitor), await anext(monitor)}
        assert initial == {IoEvent(1, False), IoEvent(2, False)}
        sim.set_input(1, True)
        assert await anext(monitor) == IoEvent(1, True)
        sim.set_input(2, True)
        assert await anext(monitor) == IoEvent(2, True)


async def test_monitor_ends_when_the_device_goes_away(
    simulator_factory: SimulatorFactory, client_for: ClientFactory
) -> None:
    """A reboot or cut ends the iteration (or raises CameraConnectionError)."""
    sim = await simulator_factory(reboot_seconds=0)
    client = client_for(sim)
    monitor = client.io.monitor_inputs([1])
    async with aclosing(monitor):
        await anext(monitor)
        sim.faults.cut_streams("io")
        with pytest.raises((StopAsyncIteration, CameraConnectionError)):
            await anext(monitor)


async def test_monitor_corrupt_part(
    client: CameraClient, simulator: Simulator, caplog: pytest.LogCaptureFixture
) -> None:
    """A corrupt monitor part (``IO`` alone) is skipped and logged; the stream goes on.

    (It used to raise CameraResponseError: one odd line must not end a stream.)
    The caller hears of it, and the next state is reported even if it equals
    the last one seen: the lost part may have changed it.
    """
    forget_skipped_lines()
    caplog.set_level(logging.DEBUG, logger=lines.__name__)
    unreadable: list[None] = []
    stream = client.io.monitor_inputs(
        [1], on_unreadable=lambda: unreadable.append(None)
    )
    async with aclosing(stream) as monitor:
        assert await anext(monitor) == IoEvent(1, False)
        simulator.faults.corrupt_streams("io", "truncate")
        simulator.set_input(1, True)  # its part arrives cut: "IO"
        simulator.set_input(1, False)
        simulator.set_input(1, True)
        assert await asyncio.wait_for(anext(monitor), 10) == IoEvent(1, False)
        assert unreadable == [None]
        assert await asyncio.wait_for(anext(monitor), 10) == IoEvent(1, True)
    assert "I/O monitor" in caplog.text


# -- snapshot and MJPEG -----------------------------------------------------------


async def test_snapshot(
    simulator_factory: SimulatorFactory, client_for: ClientFactory
) -> None:
    """JPEG bytes for a source and resolution, quad on a video server."""
    sim = await simulator_factory(sources=4)
    client = client_for(sim)
    for args in ((None, None), (2, "QCIF"), ("quad", "CIF"), ("3", "320x240")):
        data = await client.video.snapshot(*args)
        assert data.startswith(b"\xff\xd8")
    size = await client.video.image_size(1, "QCIF")
    assert (size.width, size.height) == (160, 120)
    assert (await client.video.image_size("quad")).width > 0
    assert await client.video.status([1, 2, 3, 4]) == dict.fromkeys((1, 2, 3, 4), True)
    sim.set_video_signal(2, False)
    assert (await client.video.status([2])) == {2: False}
    with pytest.raises(CameraValueError):
        await client.video.snapshot("five")
    with pytest.raises(CameraValueError):
        await client.video.snapshot(1, "huge")
    with pytest.raises(CameraValueError):
        await client.video.image_size(0)


async def test_mjpeg_frames_and_close(
    client: CameraClient, simulator: Simulator
) -> None:
    """Frames are JPEGs; aclose releases the connection."""
    frames = client.video.mjpeg_frames(resolution="QVGA")
    count = 0
    async for frame in frames:
        assert frame.startswith(b"\xff\xd8")
        assert frame.rstrip().endswith(b"\xff\xd9")
        count += 1
        if count == 3:
            break
    assert simulator.counters.open_connections["video"] == 1
    await frames.aclose()
    await simulator.counters.wait_for_connections("video", 0)


async def test_mjpeg_skips_truncated_frames(
    client: CameraClient, simulator: Simulator
) -> None:
    """A truncated frame is dropped; the stream goes on."""
    async with aclosing(client.video.mjpeg_frames()) as frames:
        await anext(frames)
        simulator.faults.corrupt_streams("video", "truncate")
        for _ in range(3):
            frame = await anext(frames)
            assert frame.rstrip().endswith(b"\xff\xd9")


async def test_mjpeg_cut_and_garbage(
    client: CameraClient, simulator: Simulator
) -> None:
    """A cut stream raises CameraConnectionError; garbage frames are skipped."""
    async with aclosing(client.video.mjpeg_frames()) as frames:
        await anext(frames)
        simulator.faults.corrupt_streams("video", "garbage")
        await anext(frames)
        simulator.faults.cut_streams("video")
        with pytest.raises(CameraConnectionError):
            await drain(frames)


async def test_mjpeg_frame_cap(client: CameraClient) -> None:
    """Frames above the cap raise CameraResponseError."""
    async with aclosing(client.video.mjpeg_frames(max_frame_bytes=100)) as frames:
        with pytest.raises(CameraResponseError, match="exceeds"):
            await anext(frames)


async def test_mjpeg_max_viewers(
    simulator_factory: SimulatorFactory, client_for: ClientFactory
) -> None:
    """The device's MaxViewers limit answers 503: CameraBusyError."""
    sim = await simulator_factory(max_viewers=1)
    client = client_for(sim)
    async with aclosing(client.video.mjpeg_frames(camera=1)) as first:
        await anext(first)
        with pytest.raises(CameraBusyError):
            await anext(client.video.mjpeg_frames())


# -- audio ------------------------------------------------------------------------


@pytest.mark.parametrize("multipart", [None, True, False])
async def test_audio_receive(
    client: CameraClient, simulator: Simulator, multipart: bool | None
) -> None:
    """240-byte blocks, single-part and multipart."""
    async with aclosing(client.audio.receive(multipart=multipart)) as blocks:
        for _ in range(3):
            assert len(await anext(blocks)) == 240
    await simulator.counters.wait_for_connections("audio", 0)


async def test_audio_cut(client: CameraClient, simulator: Simulator) -> None:
    """A cut audio stream raises CameraConnectionError."""
    for multipart in (True, False):
        async with aclosing(client.audio.receive(multipart=multipart)) as blocks:
            await anext(blocks)
            simulator.faults.cut_streams("audio")
            with pytest.raises(CameraConnectionError):
                await drain(blocks)


async def test_audio_transmit(client: CameraClient, simulator: Simulator) -> None:
    """Blocks from an async iterable reach the device."""

    async def blocks():  # type: ignore[no-untyped-def]
        for index in range(5):
            yield bytes([index]) * 240

    await client.audio.transmit(blocks(), length=1200)
    assert simulator.state.audio_bytes_received == 1200
    with pytest.raises(CameraValueError):
        await client.audio.transmit(
            blocks(), length=1200, content_type="audio/basic\r\nX: y"
        )


async def test_audio_absent(
    simulator_factory: SimulatorFactory, client_for: ClientFactory
) -> None:
    """A device without audio answers 404."""
    sim = await simulator_factory(audio=False)
    client = client_for(sim)
    with pytest.raises(CameraNotFoundError):
        await anext(client.audio.receive())


# -- backup / restore / firmware ------------------------------------------------------


async def test_backup_restore(client: CameraClient, simulator: Simulator) -> None:
    """Backup yields the tar's chunks and its name; restore uploads it back."""
    async with client.system.backup() as download:
        assert download.filename == "backup_00408C123456.tar"
        content = b"".join([chunk async for chunk in download])
    assert download.size == len(content) > 0
    assert content == simulator.state.backup()
    assert repr(download) == (
        f"BackupDownload('backup_00408C123456.tar', size={len(content)})"
    )
    await client.system.restore(content, filename=download.filename)
    with pytest.raises(CameraRequestRefusedError, match="invalid backup"):
        await client.system.restore(b"not a tar")
    async with client.system.backup(max_bytes=10) as download:
        with pytest.raises(CameraResponseError, match="exceeds 10 bytes"):
            await anext(aiter(download))
    assert download.size > 10


async def test_backup_left_early(client: CameraClient, simulator: Simulator) -> None:
    """Leaving the block early closes the answer; the next backup works."""
    async with client.system.backup() as download:
        first = await anext(aiter(download))
    assert first
    assert [chunk async for chunk in download] == []
    async with client.system.backup() as download:
        content = b"".join([chunk async for chunk in download])
    assert content == simulator.state.backup()


async def test_firmware_upgrade(
    simulator_factory: SimulatorFactory, client_for: ClientFactory
) -> None:
    """The firmware is uploaded as form-data with type=..."""
    sim = await simulator_factory(reboot_seconds=0)
    client = client_for(sim)
    await client.system.firmware_upgrade(b"\x00firmware" * 100, factory_default=True)
    await sim.wait_until_up()


def test_sanitise_filename() -> None:
    """Directory parts and odd characters never survive."""
    assert sanitise_filename("../../etc/passwd") == "passwd"
    assert sanitise_filename("..\\x\\..backup 1.tar") == "backup_1.tar"
    assert sanitise_filename("") == "backup.tar"
    assert sanitise_filename("...") == "backup.tar"
    assert sanitise_filename("nul\x00byte.tar") == "nul_byte.tar"


async def test_stream_errors_are_camera_errors(
    client: CameraClient, simulator: Simulator
) -> None:
    """A garbage answer to a stream request."""
    simulator.faults.garbage_next(1)
    with pytest.raises(CameraError):
        async with aclosing(client.video.mjpeg_frames()) as frames:
            await anext(frames)
