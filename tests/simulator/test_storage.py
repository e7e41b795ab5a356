"""SD card CGIs through real HTTP."""

import xml.etree.ElementTree as ET

import aiohttp
import pytest

from simulator import Simulator

from .helpers import Factory, basic_auth, get

DISKS_SPEC = (
    '<?xml version="1.0" ?>\n'
    "  <root>\n"
    '  <disks numberofdisks="1">\n'
    '  <disk diskid="SD_DISK" totalsize="124048" freesize="124016" cleanuplevel="95" '
    'cleanupmaxage="1" cleanuppolicy="none"\n'
    '   locked="no" full="no" readonly="no" status="OK" />\n'
    "  </disks>\n"
    "  </root>\n"
)


def disk(body: str) -> dict[str, str]:
    root = ET.fromstring(body.strip())
    element = root.find("disks/disk")
    assert element is not None
    return dict(element.attrib)


async def test_list_disks(simulator: Simulator, http: aiohttp.ClientSession) -> None:
    async with http.get(
        simulator.url + "/list.cgi?diskid=SD_DISK",
        headers=basic_auth("root", "pass"),
    ) as response:
        assert response.headers["Content-Type"] == "text/xml"
        body = await response.text()
    assert body == DISKS_SPEC
    assert (await get(http, simulator, "/list.cgi?diskid=all"))[1] == DISKS_SPEC
    assert (await get(http, simulator, "/list.cgi"))[1] == DISKS_SPEC
    assert (await get(http, simulator, "/list.cgi?diskid=USB"))[1].startswith(
        "Request failed"
    )


@pytest.mark.parametrize(
    ("status", "attrs"),
    [
        ("full", {"full": "yes", "freesize": "0", "status": "full"}),
        ("readonly", {"readonly": "yes", "status": "OK"}),
        ("unmounted", {"status": "unmounted", "freesize": "0"}),
    ],
)
async def test_disk_states(
    simulator: Simulator,
    http: aiohttp.ClientSession,
    status: str,
    attrs: dict[str, str],
) -> None:
    simulator.set_sd(status)  # type: ignore[arg-type]
    _, body = await get(http, simulator, "/list.cgi?diskid=all")
    assert attrs.items() <= disk(body).items()


async def test_absent(simulator: Simulator, http: aiohttp.ClientSession) -> None:
    simulator.set_sd("absent")
    _, body = await get(http, simulator, "/list.cgi?diskid=all")
    assert '<disks numberofdisks="0">' in body
    ET.fromstring(body.strip())
    for path in (
        "/mount.cgi?diskid=SD_DISK&action=mount",
        "/format.cgi?diskid=SD_DISK",
        "/remove.cgi?recordingid=all",
    ):
        assert (await get(http, simulator, path))[1].startswith("Request failed")
    with pytest.raises(ValueError, match="status must be"):
        simulator.set_sd("wet")  # type: ignore[arg-type]


async def test_recordings_spec_format(
    simulator: Simulator, http: aiohttp.ClientSession
) -> None:
    _, body = await get(http, simulator, "/list.cgi?recordingid=all")
    root = ET.fromstring(body.strip())
    recordings = root.find("recordings")
    assert recordings is not None
    assert recordings.attrib == {
        "totalnumberofrecordings": "2",
        "numberofrecordings": "2",
    }
    first = recordings.findall("recording")[0]
    assert first.attrib["recordingid"] == "0237d4aa-506b-11d5-83d8-00408c903eb5"
    assert first.attrib["starttimelocal"] == "2001-05-24T17:34:20.648568+0000"
    assert first.attrib["recordingstatus"] == "active"
    video = first.find("video")
    assert video is not None
    assert video.attrib["resolution"] == "176x120"
    _, body = await get(
        http, simulator, "/list.cgi?recordingid=0237d4aa-506b-11d5-83d8-00408c903eb5"
    )
    assert 'numberofrecordings="1"' in body
    assert simulator.recordings[0] == "0237d4aa-506b-11d5-83d8-00408c903eb5"


async def test_mount_format_remove(
    simulator: Simulator, http: aiohttp.ClientSession
) -> None:
    assert await get(http, simulator, "/mount.cgi?diskid=SD_DISK&action=umount") == (
        200,
        "OK\r\n",
    )
    assert simulator.sd_status == "unmounted"
    _, body = await get(http, simulator, "/list.cgi?recordingid=all")
    assert 'totalnumberofrecordings="0"' in body
    assert (await get(http, simulator, "/format.cgi?diskid=SD_DISK"))[
        1
    ] == "Request failed: disk is not mounted\r\n"
    assert (await get(http, simulator, "/remove.cgi?recordingid=all"))[1].startswith(
        "Request failed"
    )
    assert await get(http, simulator, "/mount.cgi?diskid=SD_DISK&action=mount") == (
        200,
        "OK\r\n",
    )
    assert str(simulator.sd_status) == "ok"
    assert (await get(http, simulator, "/mount.cgi?diskid=SD_DISK&action=eject"))[
        1
    ].startswith("Request failed")
    assert (await get(http, simulator, "/mount.cgi?diskid=X&action=mount"))[
        1
    ].startswith("Request failed")
    assert await get(
        http, simulator, "/remove.cgi?recordingid=0237d4aa-506b-11d5-83d8-00408c903eb5"
    ) == (200, "OK\r\n")
    assert len(simulator.recordings) == 1
    assert (await get(http, simulator, "/remove.cgi?recordingid=nope"))[1].startswith(
        "Request failed"
    )
    assert (await get(http, simulator, "/remove.cgi"))[1].startswith("Request failed")
    simulator.set_sd("full")
    assert await get(http, simulator, "/remove.cgi?recordingid=all") == (200, "OK\r\n")
    assert str(simulator.sd_status) == "ok"
    simulator.set_sd("readonly")
    assert (await get(http, simulator, "/format.cgi?diskid=SD_DISK"))[
        1
    ] == "Request failed: disk is read-only\r\n"
    assert (await get(http, simulator, "/remove.cgi?recordingid=all"))[
        1
    ] == "Request failed: disk is read-only\r\n"
    simulator.set_sd("full")
    assert await get(http, simulator, "/format.cgi?diskid=SD_DISK") == (200, "OK\r\n")
    assert simulator.format_count == 1
    assert simulator.recordings == []


async def test_no_sd_card(
    simulator_factory: Factory, http: aiohttp.ClientSession
) -> None:
    sim = await simulator_factory(sd_card=False)
    for path in ("/list.cgi", "/mount.cgi", "/format.cgi", "/remove.cgi"):
        assert (await get(http, sim, path))[0] == 404
    assert sim.sd_status == "absent"
