"""Device profiles: minimal tree, port numbering, Trig=open, PTZ per source."""

from __future__ import annotations

import io
import re
import tarfile

import aiohttp
import pytest

from simulator import PROFILES, Simulator, SimulatorConfig, profile_config
from simulator.__main__ import build_parser, config_from_args
from simulator.paramtree import EVENT_TEMPLATE, MOTION_TEMPLATE

from .helpers import ROOT, Factory, get, read_until, stream

LIST_ALL = "/param.cgi?action=list"
#: Every name the spec prints (the dynamic groups with their templates).
SPEC_NAMES = re.compile(
    r"Network\.(IPAddress|SubnetMask|BootProto|Broadcast|DefaultRouter)"
    r"|Image\.I\d\.Resolution|Image\.MaxViewers|Audiod\.HttpMessageType"
    rf"|Event\.E\d+\.({'|'.join(n for n, _ in EVENT_TEMPLATE)})"
    rf"|Motion\.M\d+\.({'|'.join(n for n, _ in MOTION_TEMPLATE)})"
)


async def start(factory: Factory, profile: str, **overrides: object) -> Simulator:
    return await factory(**{**PROFILES[profile], **overrides})


async def names(
    http: aiohttp.ClientSession, sim: Simulator, query: str = ""
) -> list[str]:
    status, body = await get(http, sim, LIST_ALL + query)
    assert status == 200
    return [line.split("=", 1)[0] for line in body.splitlines()]


# --- the profile table --------------------------------------------------------
def test_profile_table() -> None:
    assert set(PROFILES) >= {
        "default",
        "spec-literal",
        "minimal",
        "zero-based",
        "io0",
        "trig-open",
        "video-server-minimal",
    }
    assert profile_config("default") == SimulatorConfig()
    assert profile_config("spec-literal").wire == "spec-literal"
    assert profile_config("minimal").param_tree == "minimal"
    zero = profile_config("zero-based")
    assert (zero.numbering, zero.inputs) == ("zero", 4)
    io0 = profile_config("io0")
    assert (io0.numbering, io0.inputs) == ("io0", 4)
    trig = profile_config("trig-open")
    assert (trig.input_trig, trig.output_active) == ("open", "open")
    server = profile_config("video-server-minimal", fps=5.0)
    assert (server.sources, server.param_tree, server.fps) == (4, "minimal", 5.0)
    assert server.ptz_cameras == frozenset({2})
    with pytest.raises(ValueError, match="unknown profile 'nope'"):
        profile_config("nope")


@pytest.mark.parametrize(
    "options",
    [
        {"wire": "http2"},
        {"param_tree": "tiny"},
        {"numbering": "two"},
        {"input_trig": "high"},
        {"output_active": "low"},
        {"ptz_sources": (2,)},
        {"sources": 4, "ptz_sources": (0,)},
    ],
)
def test_new_options_are_validated(options: dict[str, object]) -> None:
    with pytest.raises(ValueError):  # noqa: PT011
        SimulatorConfig(**options)  # type: ignore[arg-type]


def test_ptz_cameras() -> None:
    assert SimulatorConfig(sources=4).ptz_cameras == frozenset({1, 2, 3, 4})
    assert SimulatorConfig(ptz=False).ptz_cameras == frozenset()


def test_cli_profile() -> None:
    config = config_from_args(["--profile", "minimal"])
    assert (config.param_tree, config.port, config.serial) == (
        "minimal",
        8080,
        "00408C123456",
    )
    config = config_from_args(["--profile", "zero-based", "--inputs", "3"])
    assert (config.numbering, config.inputs) == ("zero", 3)
    config = config_from_args(["--profile", "video-server-minimal"])
    assert (config.sources, config.ptz_sources) == (4, (2,))
    config = config_from_args(
        [
            "--sources",
            "4",
            "--ptz-sources",
            "1,3",
            "--wire",
            "spec-literal",
            "--param-tree",
            "minimal",
            "--numbering",
            "io0",
            "--input-trig",
            "open",
            "--output-active",
            "open",
        ]
    )
    assert config == SimulatorConfig(
        port=8080,
        sources=4,
        ptz_sources=(1, 3),
        wire="spec-literal",
        param_tree="minimal",
        numbering="io0",
        input_trig="open",
        output_active="open",
    )
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--ptz-sources", "two"])
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--profile", "nope"])


@pytest.mark.parametrize("profile", sorted(PROFILES))
async def test_every_profile_serves(
    simulator_factory: Factory, http: aiohttp.ClientSession, profile: str
) -> None:
    """Each profile answers the spec's requests through an HTTP client."""
    sim = await start(simulator_factory, profile)
    assert (await get(http, sim, "/param.cgi?action=list&group=Network.IPAddress")) == (
        200,
        "Network.IPAddress=192.168.0.90\n",
    )
    assert (await get(http, sim, "/io/input.cgi?checkactive=1"))[0] == 200
    async with http.get(sim.url + "/jpg/image.jpg", headers=ROOT) as response:
        assert (await response.read()).startswith(b"\xff\xd8")
    async with stream(http, sim, "/io/input.cgi?monitor=1") as response:
        await read_until(response, b"--ioboundary\r\n", bytearray())
    async with http.get(sim.url + "/_sim/state") as response:
        assert (await response.json())["up"] is True


# --- minimal tree -------------------------------------------------------------
#: What a minimal single-source camera with audio lists: only names the spec prints.
MINIMAL_CAMERA_NAMES = [
    "Network.BootProto",
    "Network.IPAddress",
    "Network.SubnetMask",
    "Network.Broadcast",
    "Network.DefaultRouter",
    "Image.MaxViewers",
    "Image.I0.Resolution",
    "Audiod.HttpMessageType",
]


async def test_minimal_tree_lists_only_spec_names(
    simulator_factory: Factory, http: aiohttp.ClientSession
) -> None:
    sim = await start(simulator_factory, "minimal")
    assert await names(http, sim) == MINIMAL_CAMERA_NAMES
    for query in (
        "/param.cgi?action=add&group=Event&template=event",
        "/param.cgi?action=add&group=Motion&template=motion",
    ):
        status, body = await get(http, sim, query)
        assert (status, body[-4:]) == (200, "OK\r\n")
    listed = await names(http, sim)
    assert len(listed) == 8 + len(EVENT_TEMPLATE) + len(MOTION_TEMPLATE)
    assert all(SPEC_NAMES.fullmatch(name) for name in listed)
    assert "Event.E0.Name" in listed
    assert "Motion.M0.Name" in listed


@pytest.mark.parametrize(
    "group",
    ["Brand", "Properties", "ImageSource", "Input", "Output", "PTZ", "Network.eth0"],
)
async def test_minimal_tree_has_no_other_groups(
    simulator_factory: Factory, http: aiohttp.ClientSession, group: str
) -> None:
    sim = await start(simulator_factory, "minimal")
    assert await get(http, sim, f"/param.cgi?action=list&group={group}") == (
        200,
        f"# Error: Error -1 getting param in group '{group}'\n",
    )
    assert await get(http, sim, f"/param.cgi?action=update&{group}.X=1") == (
        200,
        f"# Error: Error setting '{group}.X' to '1': no such parameter\n",
    )


async def test_minimal_tree_without_audio(
    simulator_factory: Factory, http: aiohttp.ClientSession
) -> None:
    sim = await start(simulator_factory, "minimal", audio=False, sources=4)
    assert await get(http, sim, "/param.cgi?action=list&group=Image,Audiod") == (
        200,
        "Image.MaxViewers=10\n"
        "Image.I0.Resolution=640x480\n"
        "Image.I1.Resolution=640x480\n"
        "Image.I2.Resolution=640x480\n"
        "Image.I3.Resolution=640x480\n"
        "# Error: Error -1 getting param in group 'Audiod'\n",
    )


async def test_minimal_tree_cgis_work_as_in_full(
    simulator_factory: Factory, http: aiohttp.ClientSession
) -> None:
    """Settings the tree does not list still shape the answers."""
    sim = await start(simulator_factory, "minimal", input_trig="open")
    assert "Input.I0.Trig" not in sim.params
    sim.set_input(1, True)
    assert await get(http, sim, "/io/input.cgi?check=1,2") == (
        200,
        "input1=0\r\ninput2=1\r\n",
    )
    assert await get(http, sim, "/io/port.cgi?checkdirection=3") == (
        200,
        "port3=output\r\n",
    )
    assert await get(http, sim, "/io/output.cgi?action=1:/") == (200, "OK\r\n")
    assert sim.output_state(1)
    assert (await get(http, sim, "/com/ptz.cgi?move=up"))[0] == 204
    assert (await get(http, sim, "/com/ptz.cgi?query=speed")) == (200, "speed=50\r\n")
    assert (await get(http, sim, "/list.cgi?diskid=SD_DISK"))[1].count(
        'status="OK"'
    ) == 1
    assert await get(http, sim, "/videostatus.cgi?status=1") == (
        200,
        "Video 1 = video\n",
    )
    assert await get(http, sim, "/imagesize.cgi?camera=1") == (
        200,
        "image width = 640\nimage height = 480\n",
    )
    async with stream(http, sim, "/audio/receive.cgi") as response:
        assert response.headers["Content-Type"] == "audio/basic"
    assert await get(
        http, sim, "/setosd.cgi?Commit=yes&TextEnabled=yes&String=Gate"
    ) == (
        200,
        "OK\r\n",
    )
    assert sim.osd["String"] == "Gate"
    assert sim.state.hidden["Image.I0.Text.String"] == "Gate"
    assert "Image.I0.Text.String" not in sim.params
    _, log = await get(http, sim, "/systemlog.cgi")
    assert " cgi-camera System started\r\n" in log
    update = "/param.cgi?action=update&Image.I0.Resolution=320x240&Image.MaxViewers=1"
    assert await get(http, sim, update) == (200, "OK\r\n")
    assert await get(http, sim, "/imagesize.cgi?camera=1") == (
        200,
        "image width = 320\nimage height = 240\n",
    )
    async with stream(http, sim, "/mjpg/video.mjpg"):
        await sim.counters.wait_for_connections("video", 1)
        assert (await get(http, sim, "/mjpg/video.mjpg"))[0] == 503


async def test_minimal_backup_restore_and_factory_default(
    simulator_factory: Factory, http: aiohttp.ClientSession
) -> None:
    sim = await start(simulator_factory, "minimal", input_trig="open")
    await get(http, sim, "/setosd.cgi?Commit=yes&String=Gate")
    async with http.get(sim.url + "/backup.cgi", headers=ROOT) as response:
        backup = await response.read()
    sim.state.hidden["Image.I0.Text.String"] = "changed"
    form = aiohttp.FormData()
    form.add_field("backup.tar", backup, filename="backup.tar")
    async with http.post(sim.url + "/restore.cgi", data=form, headers=ROOT) as response:
        assert await response.text() == "OK\r\n"
    assert sim.state.hidden["Image.I0.Text.String"] == "Gate"
    other = await start(simulator_factory, "minimal", mac="00:40:8C:00:00:01")
    form = aiohttp.FormData()
    form.add_field("backup.tar", backup, filename="backup.tar")
    async with http.post(
        other.url + "/restore.cgi", data=form, headers=ROOT
    ) as response:
        assert (
            await response.text()
            == "Request failed: backup belongs to another unit\r\n"
        )
    sim.state.factory_default(hard=True)
    assert sim.state.hidden["Image.I0.Text.String"] == ""
    assert sim.state.hidden["Input.I0.Trig"] == "open"
    assert await names(http, sim) == MINIMAL_CAMERA_NAMES


async def test_restore_needs_a_json_object(
    simulator_factory: Factory, http: aiohttp.ClientSession
) -> None:
    """A backup's etc/simulator.json must be an object (it names the unit)."""
    sim = await start(simulator_factory, "minimal")
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for name, data in (("etc/param.conf", b""), ("etc/simulator.json", b"[]")):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    form = aiohttp.FormData()
    form.add_field("backup.tar", buffer.getvalue(), filename="backup.tar")
    async with http.post(sim.url + "/restore.cgi", data=form, headers=ROOT) as response:
        assert await response.text() == "Request failed: invalid backup file\r\n"


async def test_minimal_firmware_version_is_internal(
    simulator_factory: Factory, http: aiohttp.ClientSession
) -> None:
    sim = await start(simulator_factory, "minimal", reboot_seconds=0.0)
    form = aiohttp.FormData()
    form.add_field("firmware.bin", b"CGIFW:9.99", filename="firmware.bin")
    async with http.post(
        sim.url + "/firmwareupgrade.cgi", data=form, headers=ROOT
    ) as response:
        assert await response.text() == "OK\r\n"
    await sim.wait_until_down()
    await sim.wait_until_up()
    assert sim.state.setting("Properties.Firmware.Version") == "9.99"
    assert "Properties.Firmware.Version" not in sim.params


# --- video server with PTZ on one source --------------------------------------
async def test_video_server_minimal_ptz_per_source(
    simulator_factory: Factory, http: aiohttp.ClientSession
) -> None:
    sim = await start(simulator_factory, "video-server-minimal")
    assert await names(http, sim, "&group=Image") == [
        "Image.MaxViewers",
        "Image.I0.Resolution",
        "Image.I1.Resolution",
        "Image.I2.Resolution",
        "Image.I3.Resolution",
    ]
    status, info = await get(http, sim, "/com/ptz.cgi?info=1&camera=2")
    assert status == 200
    assert "move=home,up,down" in info
    for camera in (1, 3, 4):
        assert await get(http, sim, f"/com/ptz.cgi?info=1&camera={camera}") == (
            200,
            f"Error: PTZ is not enabled for camera {camera}\r\n",
        )
    assert (await get(http, sim, "/com/ptz.cgi?camera=2&pan=10"))[0] == 204
    assert sim.ptz_position(2)["pan"] == 10
    assert (await get(http, sim, "/com/ptzconfig.cgi?camera=2&setserverpresetname=A"))[
        0
    ] == 204
    assert await get(http, sim, "/com/ptz.cgi?camera=2&query=presetposall") == (
        200,
        "Preset Positions for camera 2\r\npresetposno1=A\r\n",
    )
    assert await get(http, sim, "/videostatus.cgi?status=1,2,3,4") == (
        200,
        "Video 1 = video\nVideo 2 = video\nVideo 3 = video\nVideo 4 = video\n",
    )
    async with http.get(sim.url + "/jpg/quad/image.jpg", headers=ROOT) as response:
        assert (await response.read()).startswith(b"\xff\xd8")


# --- numbering ----------------------------------------------------------------
async def monitor_parts(
    http: aiohttp.ClientSession, sim: Simulator, path: str, toggle: int, last: bytes
) -> tuple[bytes, bytes]:
    """The initial parts (up to ``last``) and the part after toggling ``toggle``."""
    async with stream(http, sim, path) as response:
        buffer = bytearray()
        initial = await read_until(
            response, last + b"\n\r\n\r\n--ioboundary\r\n", buffer
        )
        sim.toggle_input(toggle)
        change = await read_until(response, b"--ioboundary\r\n", buffer)
    return initial, change


NUMBERING_CASES = {
    # profile: (input set active, check answers, monitor labels, toggled, change)
    "zero-based": (
        4,
        {
            "/io/input.cgi?check=1,2,3,4": (
                "input0=0\r\ninput1=0\r\ninput2=0\r\ninput3=1\r\n"
            ),
            "/io/input.cgi?checkactive=4": "input3=active\r\n",
            "/io/output.cgi?check=1,2": "output0=0\r\noutput1=0\r\n",
            "/io/port.cgi?checkdirection=1,5": "port0=input\r\nport4=output\r\n",
        },
        [b"IO0:L", b"IO1:L", b"IO2:L", b"IO3:H"],
        1,
        b"IO0:/",
    ),
    "io0": (
        1,
        {
            "/io/input.cgi?check=1,2,3,4": (
                "input0=1\r\ninput2=0\r\ninput3=0\r\ninput4=0\r\n"
            ),
            "/io/input.cgi?checkactive=1,2": "input0=active\r\ninput2=inactive\r\n",
            "/io/output.cgi?checkactive=1": "output0=inactive\r\n",
        },
        [b"IO0:H", b"IO2:L", b"IO3:L", b"IO4:L"],
        4,
        b"IO4:/",
    ),
}


@pytest.mark.parametrize("profile", sorted(NUMBERING_CASES))
async def test_numbering_in_answers_and_monitor_parts(
    simulator_factory: Factory, http: aiohttp.ClientSession, profile: str
) -> None:
    """Check answers and monitor parts use the profile's numbers; requests 1-based."""
    active, answers, labels, toggled, change_label = NUMBERING_CASES[profile]
    sim = await start(simulator_factory, profile)
    sim.set_input(active, True)
    for target, answer in answers.items():
        assert await get(http, sim, target) == (200, answer)
    initial, change = await monitor_parts(
        http, sim, "/io/input.cgi?monitor=1,2,3,4", toggled, labels[-1]
    )
    assert re.findall(rb"IO\d:[HL]", initial) == labels
    assert change == (
        b"Content-Type: text/plain\r\n\r\n" + change_label + b"\n\r\n--ioboundary\r\n"
    )


async def test_io0_quirk_keeps_check_answers_one_based(
    simulator_factory: Factory, http: aiohttp.ClientSession
) -> None:
    """The older option renames port 1 in monitor parts only."""
    sim = await simulator_factory(io0_quirk=True)
    assert await get(http, sim, "/io/input.cgi?check=1") == (200, "input1=0\r\n")
    initial, change = await monitor_parts(
        http, sim, "/io/input.cgi?monitor=1", 1, b"IO0:L"
    )
    assert b"IO0:L" in initial
    assert change.endswith(b"IO0:/\n\r\n--ioboundary\r\n")


# --- Trig=open ----------------------------------------------------------------
async def test_trig_open(
    simulator_factory: Factory, http: aiohttp.ClientSession
) -> None:
    """check answers the level, checkactive and the monitor the active state."""
    sim = await start(simulator_factory, "trig-open")
    assert await get(http, sim, "/param.cgi?action=list&group=Input.I0.Trig") == (
        200,
        "Input.I0.Trig=open\n",
    )
    assert await get(http, sim, "/param.cgi?action=list&group=Output.O0.Active") == (
        200,
        "Output.O0.Active=open\n",
    )
    sim.set_input(1, True)
    assert await get(http, sim, "/io/input.cgi?check=1,2") == (
        200,
        "input1=0\r\ninput2=1\r\n",
    )
    assert await get(http, sim, "/io/input.cgi?checkactive=1,2") == (
        200,
        "input1=active\r\ninput2=inactive\r\n",
    )
    initial, change = await monitor_parts(
        http, sim, "/io/input.cgi?monitor=1,2", 2, b"IO2:L"
    )
    assert re.findall(rb"IO\d:[HL]", initial) == [b"IO1:H", b"IO2:L"]
    assert change == b"Content-Type: text/plain\r\n\r\nIO2:/\n\r\n--ioboundary\r\n"
    assert await get(http, sim, "/io/output.cgi?action=1:/") == (200, "OK\r\n")
    assert await get(http, sim, "/io/output.cgi?check=1,2") == (
        200,
        "output1=0\r\noutput2=1\r\n",
    )
    assert await get(http, sim, "/io/output.cgi?checkactive=1") == (
        200,
        "output1=active\r\n",
    )


async def test_spec_strict_combines_everything(
    simulator_factory: Factory, http: aiohttp.ClientSession
) -> None:
    sim = await start(simulator_factory, "spec-strict")
    sim.set_input(1, True)
    async with http.get(sim.url + "/io/input.cgi?check=1,2", headers=ROOT) as response:
        assert response.version == aiohttp.HttpVersion10
        assert await response.text() == "input0=0\r\ninput2=1\r\n"
    assert await get(http, sim, "/param.cgi?action=list&group=Input") == (
        200,
        "# Error: Error -1 getting param in group 'Input'\n",
    )
