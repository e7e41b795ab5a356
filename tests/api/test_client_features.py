"""System, PTZ, IP filter and storage requests over HTTP."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from cgi_camera_api import (
    CameraClient,
    CameraNotFoundError,
    CameraRequestRefusedError,
    CameraValueError,
)
from simulator import Simulator

from .conftest import ClientFactory, SimulatorFactory


async def test_system(
    simulator_factory: SimulatorFactory, client_for: ClientFactory
) -> None:
    """restart, factory defaults, system log, date, OSD."""
    sim = await simulator_factory(reboot_seconds=0)
    client = client_for(sim)
    await client.system.set_osd(
        text="Gate, 1 & 2", date=True, clock=False, text_enabled=True
    )
    await client.system.set_osd(text="x", commit=True)
    with pytest.raises(CameraValueError):
        await client.system.set_osd()
    assert "System" in await client.system.log()
    await client.system.set_date(
        datetime(2024, 5, 6, 7, 8, 9, tzinfo=timezone(timedelta(hours=2)))
    )
    device_time = await client.system.get_date()
    assert device_time.tzinfo is UTC
    assert abs(device_time - datetime(2024, 5, 6, 5, 8, 9, tzinfo=UTC)) < timedelta(
        seconds=5
    )
    await client.system.set_date(datetime(2024, 1, 1), gmt=False)
    with pytest.raises(CameraValueError):
        await client.system.set_date(datetime(2040, 1, 1))
    for call in (
        client.system.restart(),
        client.system.factory_default(),
        client.system.factory_default(hard=True),
    ):
        await call
        await sim.wait_until_up()


async def test_date_without_known_zone(
    client: CameraClient, simulator: Simulator
) -> None:
    """An unknown Time.TimeZone gives the naive local time."""
    simulator.state.params.values["Time.TimeZone"] = "CET-1CEST"
    assert (await client.system.get_date()).tzinfo is None


# -- PTZ -----------------------------------------------------------------------


async def test_ptz_moves(client: CameraClient, simulator: Simulator) -> None:
    """Absolute, relative, continuous, stop, center, speed, modes."""
    await client.ptz.absolute(pan=10.5, tilt=-20, zoom=100, focus=200, iris=300)
    position = await client.ptz.position()
    assert (position.pan, position.tilt, position.zoom) == (10.5, -20.0, 100.0)
    assert simulator.ptz_position()["pan"] == pytest.approx(10.5)
    await client.ptz.relative(pan=5, tilt=5, zoom=-50, focus=1, iris=-1)
    assert (await client.ptz.position()).pan == pytest.approx(15.5)
    with pytest.raises(CameraRequestRefusedError, match="no home"):
        await client.ptz.move("home")
    await client.ptz.move("left", image_rotation=180)
    await client.ptz.continuous(pan=50, zoom=-10, focus=5, iris=0)
    assert simulator.ptz_position()["moving"]
    await client.ptz.stop(commands=(await client.ptz.info()).commands)
    await client.ptz.stop()
    await client.ptz.stop(commands=set())
    assert not simulator.ptz_position()["moving"]
    await client.ptz.center(320, 240, image_width=640, image_height=480)
    await client.ptz.center(100, 100, zoom=200)
    await client.ptz.set_speed(42)
    assert await client.ptz.speed() == 42
    await client.ptz.autofocus(False)
    await client.ptz.autoiris(False)
    modes = await client.ptz.position()
    assert (modes.autofocus, modes.autoiris) == (False, False)
    await client.ptz.auxiliary("wiper")
    assert "wiper" in simulator.ptz_position()["auxiliary"]
    await client.ptz.goto_device_preset(3)
    assert await client.ptz.whoami()


async def test_ptz_presets(client: CameraClient, simulator: Simulator) -> None:
    """Set, list, go to and remove server presets by number and name."""
    await client.ptz.absolute(pan=30)
    await client.ptz.set_preset("Door, left", home=True)
    await client.ptz.absolute(pan=-30)
    await client.ptz.set_preset(5)
    presets = await client.ptz.presets()
    assert "Door, left" in {preset.name for preset in presets}
    assert 5 in {preset.number for preset in presets}
    await client.ptz.goto_preset("Door, left")
    assert (await client.ptz.position()).pan == pytest.approx(30)
    await client.ptz.goto_preset(5)
    assert (await client.ptz.position()).pan == pytest.approx(-30)
    await client.ptz.remove_preset("Door, left")
    await client.ptz.remove_preset(5)
    assert not await client.ptz.presets()
    with pytest.raises(CameraRequestRefusedError, match="not found"):
        await client.ptz.goto_preset("nowhere")
    await client.ptz.osd_menu("open")
    with pytest.raises(CameraValueError):
        await client.ptz.osd_menu("explode")


async def test_ptz_info(client: CameraClient) -> None:
    """info=1 lists the commands of the source."""
    info = await client.ptz.info(camera=1)
    assert {"move", "areazoom", "continuouspantiltmove", "whoami"} <= info.commands


@pytest.mark.parametrize(
    ("call", "argument", "bounds"),
    [
        (lambda c: c.ptz.absolute(pan=180.1), "pan", (-180, 180)),
        (lambda c: c.ptz.absolute(tilt=-181), "tilt", (-180, 180)),
        (lambda c: c.ptz.absolute(zoom=0), "zoom", (1, 9999)),
        (lambda c: c.ptz.absolute(focus=10000), "focus", (1, 9999)),
        (lambda c: c.ptz.absolute(iris=0), "iris", (1, 9999)),
        (lambda c: c.ptz.relative(pan=361), "pan", (-360, 360)),
        (lambda c: c.ptz.relative(tilt=-361), "tilt", (-360, 360)),
        (lambda c: c.ptz.relative(zoom=-10000), "zoom", (-9999, 9999)),
        (lambda c: c.ptz.relative(focus=10000), "focus", (-9999, 9999)),
        (lambda c: c.ptz.relative(iris=10000), "iris", (-9999, 9999)),
        (lambda c: c.ptz.continuous(pan=101), "pan", (-100, 100)),
        (lambda c: c.ptz.continuous(tilt=-101), "tilt", (-100, 100)),
        (lambda c: c.ptz.continuous(zoom=101), "zoom", (-100, 100)),
        (lambda c: c.ptz.set_speed(0), "speed", (1, 100)),
        (lambda c: c.ptz.set_speed(101), "speed", (1, 100)),
        (lambda c: c.ptz.center(1, 1, zoom=0), "zoom", (1, 9999)),
        (lambda c: c.ptz.center(-1, 1), "x", (0, 65535)),
        (lambda c: c.ptz.center(1, 1, image_width=0), "image_width", (1, 65535)),
        (lambda c: c.ptz.center(1, 1, image_height=0), "image_height", (1, 65535)),
        (lambda c: c.ptz.goto_preset(0), "preset", (1, 2**31 - 1)),
        (lambda c: c.ptz.goto_device_preset(0), "number", (1, 2**31 - 1)),
    ],
)
async def test_ptz_ranges_checked_before_sending(
    client: CameraClient,
    simulator: Simulator,
    call: object,
    argument: str,
    bounds: tuple[int, int],
) -> None:
    """Out of range: CameraValueError naming the argument and range; no request."""
    with pytest.raises(CameraValueError) as info:
        await call(client)  # type: ignore[operator]
    assert isinstance(info.value, ValueError)
    assert info.value.argument == argument
    assert (info.value.minimum, info.value.maximum) == bounds
    assert simulator.counters.total_requests == 0


@pytest.mark.parametrize(
    ("call", "argument"),
    [
        (lambda c: c.ptz.move("sideways"), "direction"),
        (lambda c: c.ptz.move("up", image_rotation=45), "image_rotation"),
        (lambda c: c.ptz.move("up", camera=0), "camera"),
        (lambda c: c.ptz.absolute(), "pan"),
        (lambda c: c.ptz.relative(), "pan"),
        (lambda c: c.ptz.continuous(), "pan"),
        (lambda c: c.ptz.auxiliary(""), "function"),
        (lambda c: c.ptz.goto_preset(True), "preset"),
        (lambda c: c.ptz.set_preset("a\nb"), "preset"),
        (lambda c: c.ptz.absolute(zoom=1.5), "zoom"),
    ],
)
async def test_ptz_arguments(
    client: CameraClient, simulator: Simulator, call: object, argument: str
) -> None:
    """Words, rotations, cameras and empty moves."""
    with pytest.raises(CameraValueError) as info:
        await call(client)  # type: ignore[operator]
    assert info.value.argument == argument
    assert simulator.counters.total_requests == 0


async def test_ptz_refused_on_source_without_ptz(
    simulator_factory: SimulatorFactory, client_for: ClientFactory
) -> None:
    """The device's ``Error:`` answer is a refusal."""
    sim = await simulator_factory(sources=4)
    sim.state.params.values["PTZ.ImageSource.I1.PTZEnabled"] = "false"
    client = client_for(sim)
    with pytest.raises(CameraRequestRefusedError, match="Error"):
        await client.ptz.move("up", camera=2)


# -- IP filter ----------------------------------------------------------------------


async def test_ip_filter(client: CameraClient, simulator: Simulator) -> None:
    """add (space separated), list, update, remove, removeall, verify."""
    await client.ip_filter.add(
        ["10.13.10.12", "10.13.17.0/24"], policy="allow", verify=False
    )
    listed = await client.ip_filter.list()
    assert listed.addresses == ("10.13.10.12", "10.13.17.0/24")
    assert not listed.enabled
    await client.ip_filter.add(["127.0.0.1"], enable=True)
    assert (await client.ip_filter.list()).enabled
    await client.ip_filter.remove(["10.13.10.12"])
    await client.ip_filter.update(enable=False, policy="allow")
    assert (await client.ip_filter.list()).addresses == ("10.13.17.0/24", "127.0.0.1")
    with pytest.raises(CameraRequestRefusedError, match="Verification failed"):
        await client.ip_filter.remove(["127.0.0.1"], enable=True, verify=True)
    await client.ip_filter.remove_all(verify=False)
    assert (await client.ip_filter.list()).addresses == ()
    with pytest.raises(CameraValueError):
        await client.ip_filter.add(["10.0.0.1&enable=yes"])
    with pytest.raises(CameraValueError):
        await client.ip_filter.add([])
    with pytest.raises(CameraValueError):
        await client.ip_filter.update(policy="maybe")


# -- storage ------------------------------------------------------------------------


async def test_storage(client: CameraClient, simulator: Simulator) -> None:
    """mount, umount, format, disks, recordings, remove."""
    (disk,) = await client.storage.disks()
    assert disk.disk_id == "SD_DISK"
    assert disk.total_kib > 0
    recordings = await client.storage.recordings()
    await client.storage.unmount()
    with pytest.raises(CameraRequestRefusedError):
        await client.storage.format()
    await client.storage.mount()
    if recordings:
        await client.storage.remove_recording(recordings[0].recording_id)
        assert len(await client.storage.recordings()) == len(recordings) - 1
    with pytest.raises(CameraRequestRefusedError, match="not found"):
        await client.storage.remove_recording("nope")
    await client.storage.format("SD_DISK")
    assert await client.storage.recordings() == ()
    with pytest.raises(CameraValueError):
        await client.storage.disks("")


async def test_storage_absent(
    simulator_factory: SimulatorFactory, client_for: ClientFactory
) -> None:
    """No SD card: 404."""
    sim = await simulator_factory(sd_card=False)
    with pytest.raises(CameraNotFoundError):
        await client_for(sim).storage.disks()
