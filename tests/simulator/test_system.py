"""System CGIs: restart, defaults, backup/restore, firmware, log, date, OSD."""

import asyncio
import datetime as dt
import io
import tarfile

import aiohttp
import pytest

from simulator import Simulator

from .helpers import ROOT, Factory, drain, get, stream


async def wait_down(sim: Simulator) -> None:
    await sim.wait_until_down()


async def test_restart_cuts_streams_and_refuses(
    simulator_factory: Factory, http: aiohttp.ClientSession
) -> None:
    sim = await simulator_factory(reboot_seconds=0.2, fps=20.0)
    port = sim.port
    async with (
        stream(http, sim, "/mjpg/video.mjpg") as video,
        stream(http, sim, "/io/input.cgi?monitor=1") as io_,
    ):
        await sim.counters.wait_for_connections("video", 1)
        await sim.counters.wait_for_connections("io", 1)
        assert await get(http, sim, "/restart.cgi") == (200, "OK\r\n")
        await sim.counters.wait_for_connections("video", 0)
        await sim.counters.wait_for_connections("io", 0)
        with pytest.raises(aiohttp.ClientError):
            await drain(video)
        with pytest.raises(aiohttp.ClientError):
            await drain(io_)
    assert not sim.is_up
    with pytest.raises(aiohttp.ClientConnectionError):
        await get(http, sim, "/param.cgi?action=list&group=Brand")
    await sim.wait_until_up()
    assert sim.port == port
    assert await get(http, sim, "/param.cgi?action=list&group=Brand.Brand") == (
        200,
        "Brand.Brand=CGI\n",
    )
    _, log = await get(http, sim, "/systemlog.cgi")
    assert "System restarting" in log


async def test_reboot_from_python_and_control(
    simulator_factory: Factory, http: aiohttp.ClientSession
) -> None:
    sim = await simulator_factory(reboot_seconds=5)
    await get(http, sim, "/io/output.cgi?action=1:/")
    await sim.reboot(0.05)
    assert not sim.output_state(1)
    await sim.wait_until_up()
    async with http.post(sim.url + "/_sim/reboot?seconds=0.05") as response:
        assert (await response.json())["ok"] is True
    await wait_down(sim)
    await sim.wait_until_up()
    async with http.post(sim.url + "/_sim/reboot?seconds=x") as response:
        assert response.status == 400
    # a second reboot while down replaces the first
    await sim.reboot(10)
    await sim.reboot(0.01)
    await sim.wait_until_up()


async def test_reboot_requires_start() -> None:
    with pytest.raises(RuntimeError):
        await Simulator().reboot()


async def test_stop_while_rebooting(simulator_factory: Factory) -> None:
    sim = await simulator_factory()
    await sim.reboot(30)
    await sim.stop()


async def test_context_manager(http: aiohttp.ClientSession) -> None:
    async with Simulator() as sim:
        status, _ = await get(http, sim, "/date.cgi?action=get")
        assert status == 200


async def test_factory_defaults(
    simulator_factory: Factory, http: aiohttp.ClientSession
) -> None:
    sim = await simulator_factory(reboot_seconds=0.01)
    await get(
        http,
        sim,
        "/param.cgi?action=update&Network.IPAddress=10.0.0.5&Network.HostName=x",
    )
    sim.add_user("joe", "foo")
    assert await get(http, sim, "/factorydefault.cgi") == (200, "OK\r\n")
    await wait_down(sim)
    await sim.wait_until_up()
    assert sim.params["Network.IPAddress"] == "10.0.0.5"
    assert sim.params["Network.HostName"] == "cgi-camera"
    assert "joe" not in sim.state.users.accounts
    assert await get(http, sim, "/hardfactorydefault.cgi") == (200, "OK\r\n")
    await wait_down(sim)
    await sim.wait_until_up()
    assert sim.params["Network.IPAddress"] == "192.168.0.90"
    assert sim.factory_defaults == ["soft", "hard"]


async def test_backup_and_restore(
    simulator: Simulator, http: aiohttp.ClientSession
) -> None:
    await get(http, simulator, "/param.cgi?action=update&Network.HostName=before")
    await get(http, simulator, "/param.cgi?action=add&group=Event&template=event")
    await get(http, simulator, "/com/ptzconfig.cgi?setserverpresetname=Door&home=yes")
    await get(http, simulator, "/ipfilter.cgi?action=add&ipaddress=127.0.0.1")
    simulator.add_user("joe", "foo", "admin")
    async with http.get(simulator.url + "/backup.cgi", headers=ROOT) as response:
        assert response.status == 200
        assert response.headers["Content-Type"] == "application/x-tar"
        assert (
            response.headers["Content-Disposition"]
            == "attachment; filename=backup_00408C123456.tar"
        )
        data = await response.read()
    assert data == simulator.backup_bytes() == simulator.last_backup
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        names = tar.getnames()
        params_file = tar.extractfile("etc/param.conf")
        assert params_file is not None
        assert b"Network.HostName=before\n" in params_file.read()
    assert names == ["etc/param.conf", "etc/simulator.json"]
    await get(http, simulator, "/param.cgi?action=update&Network.HostName=after")
    await get(http, simulator, "/param.cgi?action=remove&group=Event.E0")
    simulator.state.users.remove("joe")
    simulator.state.ptz[1].presets.clear()
    form = aiohttp.FormData()
    form.add_field(
        "backup.tar",
        data,
        filename="backup_00408C123456.tar",
        content_type="application/x-tar",
    )
    async with http.post(
        simulator.url + "/restore.cgi", data=form, headers=ROOT
    ) as response:
        assert await response.text() == "OK\r\n"
    assert simulator.params["Network.HostName"] == "before"
    assert "Event.E0.Name" in simulator.params
    assert "joe" in simulator.state.users.accounts
    assert simulator.ptz_presets(1) == {1: "Door"}
    assert simulator.ptz_position(1)["home"] == 1
    assert simulator.restored == [data]


async def test_restore_spec_example_bytes(
    simulator: Simulator, http: aiohttp.ClientSession
) -> None:
    data = simulator.backup_bytes()
    body = (
        b"--AaBo3x\r\n"
        b'Content-Disposition: form-data; name="backup.tar"; '
        b'filename="backup_00408C123456.tar"\r\n'
        b"Content-Type: application/x-tar\r\n\r\n" + data + b"\r\n--AaBo3x--\r\n"
    )
    async with http.post(
        simulator.url + "/restore.cgi?",
        data=body,
        headers={"Content-Type": "multipart/form-data; boundary=AaBo3x", **ROOT},
    ) as response:
        assert await response.text() == "OK\r\n"


def tar_of(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for name, content in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            tar.addfile(info, io.BytesIO(content))
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (b"not a tar", "invalid backup file"),
        (tar_of({"etc/other": b"x"}), "invalid backup file"),
        (
            tar_of(
                {
                    "etc/param.conf": b"Network.eth0.MACAddress=00:11:22:33:44:55\n",
                    "etc/simulator.json": b"{}",
                }
            ),
            "another unit",
        ),
        (
            tar_of(
                {
                    "etc/param.conf": b"Network.eth0.MACAddress=00:40:8C:12:34:56\n",
                    "etc/simulator.json": b"{}",
                }
            ),
            "invalid backup file",
        ),
        (
            tar_of({"etc/param.conf": b"x", "etc/simulator.json": b"{nojson"}),
            "invalid backup file",
        ),
        (
            tar_of(
                {
                    "etc/param.conf": b"Network.eth0.MACAddress=00:40:8C:12:34:56\n",
                    "etc/simulator.json": (
                        b'{"counters": {}, "users": [], "ipfilter": {}, "presets": '
                        b'{"1": {"home": null, "presets": '
                        b'[{"number": 1, "name": "x", "position": 5}]}}}'
                    ),
                }
            ),
            "invalid backup file",
        ),
    ],
)
async def test_restore_bad_files(
    simulator: Simulator, http: aiohttp.ClientSession, payload: bytes, reason: str
) -> None:
    form = aiohttp.FormData()
    form.add_field("backup.tar", payload, filename="b.tar")
    async with http.post(
        simulator.url + "/restore.cgi", data=form, headers=ROOT
    ) as response:
        body = await response.text()
    assert body.startswith("Request failed: ")
    assert reason in body


async def test_restore_needs_post_and_file(
    simulator: Simulator, http: aiohttp.ClientSession
) -> None:
    assert (await get(http, simulator, "/restore.cgi"))[
        1
    ] == "Request failed: restore requires POST\r\n"
    async with http.post(
        simulator.url + "/restore.cgi", data=b"x", headers=ROOT
    ) as response:
        assert (await response.text()).startswith("Request failed: no backup file")
    form = aiohttp.FormData()
    form.add_field("field", "value")
    form.add_field("file", b"", filename="empty.tar")
    async with http.post(
        simulator.url + "/restore.cgi", data=form, headers=ROOT
    ) as response:
        assert (await response.text()).startswith("Request failed: invalid backup")


async def test_firmware_upgrade(
    simulator_factory: Factory, http: aiohttp.ClientSession
) -> None:
    sim = await simulator_factory(reboot_seconds=0.01)
    body = (
        b"--AsCg5y\r\n"
        b'Content-Disposition: form-data; name="firmware.bin"; '
        b'filename="firmware.bin"\r\n'
        b"Content-Type: application/octet-stream\r\n\r\n"
        b"CGIFW:4.50\nbinary\r\n--AsCg5y--\r\n"
    )
    async with http.post(
        sim.url + "/firmwareupgrade.cgi?type=normal",
        data=body,
        headers={"Content-Type": "multipart/form-data; boundary=AsCg5y", **ROOT},
    ) as response:
        assert await response.text() == "OK\r\n"
    await wait_down(sim)
    await sim.wait_until_up()
    assert sim.params["Properties.Firmware.Version"] == "4.50"
    await get(http, sim, "/param.cgi?action=update&Network.IPAddress=10.0.0.9")
    form = aiohttp.FormData()
    form.add_field("firmware.bin", b"plain image", filename="firmware.bin")
    async with http.post(
        sim.url + "/firmwareupgrade.cgi?type=factorydefault", data=form, headers=ROOT
    ) as response:
        assert await response.text() == "OK\r\n"
    await wait_down(sim)
    await sim.wait_until_up()
    assert sim.params["Network.IPAddress"] == "192.168.0.90"
    assert sim.factory_defaults == ["hard"]


async def test_firmware_errors(
    simulator: Simulator, http: aiohttp.ClientSession
) -> None:
    assert (await get(http, simulator, "/firmwareupgrade.cgi"))[1].startswith(
        "Request failed:"
    )
    async with http.post(
        simulator.url + "/firmwareupgrade.cgi?type=odd", headers=ROOT
    ) as response:
        assert (await response.text()).startswith("Request failed: invalid type")
    async with http.post(
        simulator.url + "/firmwareupgrade.cgi", data=b"x", headers=ROOT
    ) as response:
        assert (await response.text()).startswith("Request failed: no firmware")


async def test_date_get_format(
    simulator: Simulator, http: aiohttp.ClientSession
) -> None:
    simulator.state.set_clock(dt.datetime(2003, 4, 3, 15, 16, 4, tzinfo=dt.UTC))
    status, body = await get(http, simulator, "/date.cgi?action=get")
    assert status == 200
    assert body in ("Apr 03, 2003 15:16:04\r\n", "Apr 03, 2003 15:16:05\r\n")


async def test_date_set_spec_example(
    simulator: Simulator, http: aiohttp.ClientSession
) -> None:
    assert await get(
        http, simulator, "/date.cgi?action=set&year=2005&month=4&day=3"
    ) == (200, "OK\r\n")
    now = simulator.clock()
    assert (now.year, now.month, now.day) == (2005, 4, 3)
    assert await get(
        http,
        simulator,
        "/date.cgi?action=set&year=2010&month=1&day=2&hour=3&minute=4&second=5&timezone=GMT",
    ) == (200, "OK\r\n")
    assert simulator.clock().replace(microsecond=0) - dt.datetime(
        2010, 1, 2, 3, 4, 5, tzinfo=dt.UTC
    ) < dt.timedelta(seconds=2)


@pytest.mark.parametrize(
    "query",
    [
        "action=set&year=1969",
        "action=set&month=13",
        "action=set&hour=x",
        "action=set&month=2&day=30",
        "action=set&timezone=CET",
        "action=now",
    ],
)
async def test_date_errors(
    simulator: Simulator, http: aiohttp.ClientSession, query: str
) -> None:
    status, body = await get(http, simulator, f"/date.cgi?{query}")
    assert status == 200
    assert body.startswith("Request failed: ")
    assert body.endswith("\r\n")


async def test_setosd(simulator_factory: Factory, http: aiohttp.ClientSession) -> None:
    sim = await simulator_factory(reboot_seconds=0.01)
    assert await get(http, sim, "/setosd.cgi?TextEnabled=yes&String=Hello%20World") == (
        200,
        "OK\r\n",
    )
    assert sim.osd["String"] == "Hello World"
    assert sim.osd["committed"] is False
    assert sim.params["Image.I0.Text.String"] == ""
    frame = await (
        await http.get(sim.url + "/image.cgi?resolution=QQVGA", headers=ROOT)
    ).read()
    assert frame[:2] == b"\xff\xd8"
    await sim.reboot(0.01)
    await sim.wait_until_up()
    assert sim.osd["String"] == ""
    assert await get(
        http,
        sim,
        "/setosd.cgi?Commit=yes&DateEnabled=no&ClockEnabled=no&TextEnabled=yes&String=Door",
    ) == (200, "OK\r\n")
    assert sim.params["Image.I0.Text.String"] == "Door"
    assert sim.osd == {
        "DateEnabled": "no",
        "ClockEnabled": "no",
        "TextEnabled": "yes",
        "String": "Door",
        "committed": True,
    }
    for query in ("Commit=maybe", "DateEnabled=1", "Colour=red"):
        _, body = await get(http, sim, f"/setosd.cgi?{query}")
        assert body.startswith("Request failed: ")


async def test_systemlog(simulator: Simulator, http: aiohttp.ClientSession) -> None:
    await get(http, simulator, "/param.cgi?action=update&Network.HostName=cam")
    status, body = await get(http, simulator, "/systemlog.cgi")
    assert status == 200
    lines = body.split("\r\n")
    assert "System started" in lines[0]
    assert any("Parameters: update" in line for line in lines)


async def test_restart_via_post_is_fine(
    simulator_factory: Factory, http: aiohttp.ClientSession
) -> None:
    sim = await simulator_factory(reboot_seconds=0.01)
    async with http.post(sim.url + "/restart.cgi", headers=ROOT) as response:
        assert await response.text() == "OK\r\n"
    await wait_down(sim)
    await sim.wait_until_up()
    await asyncio.sleep(0)
