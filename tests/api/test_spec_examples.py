"""Every answer the spec prints, served byte for byte and read by the real client.

A raw asyncio TCP server (not aiohttp's: it would rewrite the head) writes an
example's exact bytes (status line, headers, body) and closes the connection,
as an HTTP/1.0 device does.  The examples are in :mod:`.spec_examples`; each
has one check here, and :func:`test_every_example_has_a_check` keeps it so.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable
from contextlib import aclosing
from datetime import UTC, datetime

import aiohttp
import pytest

from cgi_camera_api import (
    CameraClient,
    CameraConnectionError,
    CameraError,
    CameraNotFoundError,
    CameraRequestRefusedError,
    IoEvent,
    IpFilter,
)
from cgi_camera_api.errors import CameraGroupValuesNotSetError

from . import spec_examples as spec
from .helpers import RawDevice, served

PASSWORD = "s3cr3tpass"


class PathDevice(RawDevice):
    """Answers each request with the canned bytes for its path."""

    def __init__(self) -> None:
        """No answers yet."""
        super().__init__()
        self.answers: dict[str, bytes] = {}

    def answer(self, target: str) -> bytes:
        """The example for the target's path."""
        return self.answers[target.split("?", 1)[0]]


@pytest.fixture
async def device(
    session: aiohttp.ClientSession,
) -> AsyncIterator[tuple[PathDevice, CameraClient]]:
    """A raw device on loopback and a client for it."""
    raw = PathDevice()
    async with served(raw, session, PASSWORD) as client:
        yield raw, client


type Check = Callable[[PathDevice, CameraClient], Awaitable[None]]
CHECKS: dict[str, Check] = {}


def check(*names: str) -> Callable[[Check], Check]:
    """Register the check of the named examples."""

    def register(function: Check) -> Check:
        for name in names:
            CHECKS[name] = function
        return function

    return register


async def collect[T](stream: AsyncGenerator[T]) -> tuple[list[T], CameraError | None]:
    """Everything a stream yields, and the CameraError that ended it (if any)."""
    items: list[T] = []
    try:
        async with aclosing(stream) as items_stream:
            async for item in items_stream:
                items.append(item)
    except CameraError as err:
        return items, err
    return items, None


def test_every_example_has_a_check() -> None:
    """No printed answer is left out."""
    assert set(CHECKS) == set(spec.EXAMPLES)


@pytest.mark.parametrize("name", sorted(spec.EXAMPLES))
async def test_spec_example(name: str, device: tuple[PathDevice, CameraClient]) -> None:
    """The example, served as printed, reads to the right values."""
    raw, client = device
    example = spec.EXAMPLES[name]
    raw.answers[example.path] = example.raw
    await CHECKS[name](raw, client)
    assert raw.targets, "the client sent no request"


# -- 4.2.1 -----------------------------------------------------------------------------


@check("status_404")
async def _status_line_only(raw: PathDevice, client: CameraClient) -> None:
    # A head that never ends is not an HTTP answer: a CameraError, no crash.
    with pytest.raises(CameraError):
        await client.video.snapshot()


@check("status_404_ended")
async def _status_404(raw: PathDevice, client: CameraClient) -> None:
    with pytest.raises(CameraNotFoundError):
        await client.video.snapshot()


# -- 5.1.1 param.cgi -------------------------------------------------------------------


@check("param_rfc_format")
async def _param_rfc(raw: PathDevice, client: CameraClient) -> None:
    assert await client.params.list(["Network.IPAddress"]) == {
        "Network.IPAddress": "10.13.12.36"
    }


@check("param_list_network")
async def _param_network(raw: PathDevice, client: CameraClient) -> None:
    assert await client.params.list(["Network"]) == {
        "Network.IPAddress": "10.13.12.36",
        "Network.SubnetMask": "255.255.255.0",
    }
    assert raw.targets == ["/param.cgi?action=list&group=Network"]


@check("param_error")
async def _param_error(raw: PathDevice, client: CameraClient) -> None:
    with pytest.raises(CameraRequestRefusedError) as info:
        await client.params.list(["Network.Nope"])
    assert info.value.message == "# Error: <description>"


@check("event_e0_listing")
async def _event_listing(raw: PathDevice, client: CameraClient) -> None:
    params = await client.params.list(["Event.E0"])
    assert params == spec.EVENT_E0_VALUES
    assert list(params) == list(spec.EVENT_E0_VALUES)


@check("add_ok")
async def _add_ok(raw: PathDevice, client: CameraClient) -> None:
    assert (
        await client.params.add_group("Event", "event", {"Event.E.Name": "MyEvent"})
        == "E7"
    )


@check("motion_add_ok")
async def _motion_add_ok(raw: PathDevice, client: CameraClient) -> None:
    values = {"Motion.M.Name": "Entrance", "Motion.M.Top": "500"}
    assert await client.params.add_group("Motion", "motion", values) == "M3"


@check("remove_ok")
async def _remove_ok(raw: PathDevice, client: CameraClient) -> None:
    await client.params.remove_groups(["Event.E7"])
    assert raw.targets == ["/param.cgi?action=remove&group=Event.E7"]


@check("add_not_created")
async def _add_not_created(raw: PathDevice, client: CameraClient) -> None:
    with pytest.raises(CameraRequestRefusedError) as info:
        await client.params.add_group("Event", "event")
    assert not isinstance(info.value, CameraGroupValuesNotSetError)
    assert "# Request failed: <error message>" in info.value.message


@check("add_created_not_set")
async def _add_created_not_set(raw: PathDevice, client: CameraClient) -> None:
    with pytest.raises(CameraGroupValuesNotSetError) as info:
        await client.params.add_group("Event", "event", {"Event.E.Name": "x"})
    assert info.value.group_id is None  # the printed answer names no group
    assert info.value.message == (
        "<additional error information>\n# Error: <error message>"
    )


@check("remove_failed")
async def _remove_failed(raw: PathDevice, client: CameraClient) -> None:
    with pytest.raises(CameraRequestRefusedError) as info:
        await client.params.remove_groups(["Event.E2", "Event.E4"])
    assert info.value.message.startswith("# Request failed: <error message>")


# -- 5.1.5 / 5.1.10 --------------------------------------------------------------------


@check("backup")
async def _backup(raw: PathDevice, client: CameraClient) -> None:
    async with client.system.backup() as download:
        content = b"".join([chunk async for chunk in download])
    assert (download.filename, download.size) == (
        "backup_00408c123456.tar",
        len(spec.BACKUP_CONTENT),
    )
    assert content == spec.BACKUP_CONTENT


@check("system_log")
async def _system_log(raw: PathDevice, client: CameraClient) -> None:
    assert await client.system.log() == "<system log information>"


# -- 5.1.12 date.cgi -------------------------------------------------------------------


@check("date_get")
async def _date_get(raw: PathDevice, client: CameraClient) -> None:
    # the zone comes from Time.TimeZone (read once): refused (5.1.1.2's error)
    # -> naive; a GMT zone is tested in test_odd_device.py
    raw.answers["/param.cgi"] = spec.PARAM_ERROR
    assert await client.system.get_date() == datetime(2003, 4, 3, 15, 16, 4)


@check("date_set_ok")
async def _date_set_ok(raw: PathDevice, client: CameraClient) -> None:
    await client.system.set_date(datetime(2005, 4, 3, tzinfo=UTC))
    assert "year=2005&month=4&day=3" in raw.targets[-1]


@check("date_set_failed")
async def _date_set_failed(raw: PathDevice, client: CameraClient) -> None:
    with pytest.raises(CameraRequestRefusedError) as info:
        await client.system.set_date(datetime(2005, 4, 3, tzinfo=UTC))
    assert info.value.message == "Request failed: <error message>"


# -- 5.2 image and video ---------------------------------------------------------------


@check("imagesize_176")
async def _imagesize_176(raw: PathDevice, client: CameraClient) -> None:
    size = await client.video.image_size(1)
    assert (size.width, size.height) == (176, 144)


@check("imagesize_160")
async def _imagesize_160(raw: PathDevice, client: CameraClient) -> None:
    size = await client.video.image_size(1, "QCIF")
    assert (size.width, size.height) == (160, 120)


@check("videostatus")
async def _videostatus(raw: PathDevice, client: CameraClient) -> None:
    assert await client.video.status([1, 2, 3, 4]) == {
        1: True,
        2: False,
        3: False,
        4: True,
    }


@check("jpeg")
async def _jpeg(raw: PathDevice, client: CameraClient) -> None:
    assert await client.video.snapshot() == spec.JPEG_15656


@check("mjpeg")
async def _mjpeg(raw: PathDevice, client: CameraClient) -> None:
    frames, error = await collect(client.video.mjpeg_frames())
    assert frames == [spec.JPEG_15656, spec.JPEG_14978, spec.JPEG_15136]
    assert isinstance(error, CameraConnectionError)
    assert "ended" in str(error)


# -- 5.5.1.1 I/O monitor ---------------------------------------------------------------


@check("monitor")
async def _monitor(raw: PathDevice, client: CameraClient) -> None:
    events, error = await collect(client.io.monitor_inputs([1]))
    # IO0 is port 1; "/" and "H" are active (one event), "\" is inactive
    assert events == [IoEvent(1, True), IoEvent(1, False)]
    # the last printed part is cut by the end of the example: the stream was cut
    assert isinstance(error, CameraConnectionError)
    assert raw.targets == ["/io/input.cgi?monitor=1"]


# -- 5.7.2 ipfilter.cgi ----------------------------------------------------------------


@check("ipfilter_ok")
async def _ipfilter_ok(raw: PathDevice, client: CameraClient) -> None:
    await client.ip_filter.add(["10.13.10.12", "10.13.17.0/24"], enable=True)
    await client.ip_filter.remove(["10.13.10.12"])
    await client.ip_filter.update(enable=False, policy="allow")
    await client.ip_filter.remove_all()
    assert len(raw.targets) == 4


@check("ipfilter_list")
async def _ipfilter_list(raw: PathDevice, client: CameraClient) -> None:
    assert await client.ip_filter.list() == IpFilter(
        addresses=("10.13.10.12", "10.13.17.0/24"), enabled=True, policy="allow"
    )


@check("ipfilter_verification_failed")
async def _ipfilter_verification_failed(raw: PathDevice, client: CameraClient) -> None:
    with pytest.raises(CameraRequestRefusedError) as info:
        await client.ip_filter.add(["10.13.10.12"], enable=True, verify=True)
    assert info.value.message.startswith(
        'Verification failed: IP address "10.13.17.245" is not an'
    )
    # a list answer with the sentence and no settings: refused as well
    with pytest.raises(CameraRequestRefusedError, match="Verification failed"):
        await client.ip_filter.list(verify=True)


@check("ipfilter_list_verify")
async def _ipfilter_list_verify(raw: PathDevice, client: CameraClient) -> None:
    listed = await client.ip_filter.list(verify=True)
    assert listed == IpFilter(
        addresses=("10.13.10.12",),
        enabled=False,
        policy="allow",
        verified=False,
        rejected_address="10.13.17.245",
    )
    assert raw.targets == ["/ipfilter.cgi?action=list&verify=yes"]


# -- 5.8 audio -------------------------------------------------------------------------


async def _audio_blocks(client: CameraClient) -> list[bytes]:
    blocks, error = await collect(client.audio.receive())
    assert isinstance(error, CameraConnectionError)
    assert "ended" in str(error)
    return blocks


@check("audio_singlepart")
async def _audio_singlepart(raw: PathDevice, client: CameraClient) -> None:
    assert await _audio_blocks(client) == list(spec.AUDIO[:3])


@check("audio_multipart_format")
async def _audio_multipart_format(raw: PathDevice, client: CameraClient) -> None:
    assert await _audio_blocks(client) == [spec.AUDIO[0]]


@check("audio_multipart")
async def _audio_multipart(raw: PathDevice, client: CameraClient) -> None:
    # the third part lacks the blank line after its header: still one block
    assert await _audio_blocks(client) == list(spec.AUDIO)


# -- 5.9 storage -----------------------------------------------------------------------


@check("storage_disks")
async def _storage_disks(raw: PathDevice, client: CameraClient) -> None:
    (disk,) = await client.storage.disks()
    assert (disk.disk_id, disk.total_kib, disk.free_kib) == ("SD_DISK", 124048, 124032)
    assert (disk.cleanup_level, disk.cleanup_max_age, disk.cleanup_policy) == (
        95,
        1,
        "none",
    )
    assert (disk.locked, disk.full, disk.readonly, disk.status) == (
        False,
        False,
        False,
        "OK",
    )
    assert raw.targets == ["/list.cgi?diskid=all"]


@check("storage_recordings")
async def _storage_recordings(raw: PathDevice, client: CameraClient) -> None:
    (recording,) = await client.storage.recordings()
    assert recording.recording_id == "0237d4aa-506b-11d5-83d8-00408c903eb5"
    assert recording.disk_id == "SD_DISK"
    assert recording.start_time == datetime(2001, 5, 24, 17, 34, 20, 648568, UTC)
    assert recording.stop_time is None
    assert (recording.recording_type, recording.event_id) == ("scheduled", "sd")
    assert (recording.status, recording.locked) == ("active", False)
    assert raw.targets == ["/list.cgi?recordingid=all"]
