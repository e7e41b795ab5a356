"""com/ptz.cgi and com/ptzconfig.cgi through real HTTP."""

import aiohttp
import pytest

from simulator import Simulator

from .helpers import Factory, get

POSITION0 = (
    "pan=0.0000\r\ntilt=0.0000\r\nzoom=1\r\nfocus=5000\r\niris=5000\r\n"
    "autofocus=on\r\nautoiris=on\r\n"
)


async def ptz(
    http: aiohttp.ClientSession, sim: Simulator, query: str
) -> tuple[int, str]:
    return await get(http, sim, f"/com/ptz.cgi?{query}")


async def test_query_position_and_speed(
    simulator: Simulator, http: aiohttp.ClientSession
) -> None:
    assert await ptz(http, simulator, "query=position") == (200, POSITION0)
    assert await ptz(http, simulator, "query=speed") == (200, "speed=50\r\n")
    assert await ptz(http, simulator, "speed=80") == (204, "")
    assert await ptz(http, simulator, "query=speed&camera=1") == (200, "speed=80\r\n")


async def test_absolute_and_relative(
    simulator: Simulator, http: aiohttp.ClientSession
) -> None:
    assert await ptz(
        http, simulator, "pan=10.5&tilt=-20&zoom=5000&focus=100&iris=200"
    ) == (204, "")
    pos = simulator.ptz_position()
    assert (pos["pan"], pos["tilt"], pos["zoom"], pos["focus"], pos["iris"]) == (
        10.5,
        -20.0,
        5000,
        100,
        200,
    )
    assert pos["autofocus"] is False
    assert pos["autoiris"] is False
    assert await ptz(
        http, simulator, "rpan=-20.5&rtilt=5&rzoom=-1000&rfocus=50&riris=-100"
    ) == (204, "")
    pos = simulator.ptz_position()
    assert (pos["pan"], pos["tilt"], pos["zoom"], pos["focus"], pos["iris"]) == (
        -10.0,
        -15.0,
        4000,
        150,
        100,
    )
    await ptz(http, simulator, "rpan=360")
    assert simulator.ptz_position()["pan"] == 180.0
    await ptz(http, simulator, "rzoom=-9999")
    assert simulator.ptz_position()["zoom"] == 1
    _, body = await ptz(http, simulator, "query=position")
    assert body.startswith(
        "pan=180.0000\r\ntilt=-15.0000\r\nzoom=1\r\nfocus=150\r\niris=100\r\nautofocus=off"
    )
    assert await ptz(http, simulator, "autofocus=on&autoiris=on") == (204, "")
    assert simulator.ptz_position()["autofocus"] is True


@pytest.mark.parametrize(
    ("query", "error"),
    [
        ("pan=180.1", "Error: pan out of range\r\n"),
        ("pan=-181", "Error: pan out of range\r\n"),
        ("tilt=200", "Error: tilt out of range\r\n"),
        ("zoom=0", "Error: zoom out of range\r\n"),
        ("zoom=10000", "Error: zoom out of range\r\n"),
        ("focus=0", "Error: focus out of range\r\n"),
        ("iris=10000", "Error: iris out of range\r\n"),
        ("rpan=361", "Error: rpan out of range\r\n"),
        ("rtilt=-361", "Error: rtilt out of range\r\n"),
        ("rzoom=10000", "Error: rzoom out of range\r\n"),
        ("rfocus=-10000", "Error: rfocus out of range\r\n"),
        ("riris=10000", "Error: riris out of range\r\n"),
        ("speed=0", "Error: speed out of range\r\n"),
        ("speed=101", "Error: speed out of range\r\n"),
        (
            "continuouspantiltmove=101,0",
            "Error: continuouspantiltmove out of range\r\n",
        ),
        (
            "continuouspantiltmove=1",
            "Error: invalid value for continuouspantiltmove\r\n",
        ),
        ("continuouszoommove=-101", "Error: continuouszoommove out of range\r\n"),
        ("continuousfocusmove=200", "Error: continuousfocusmove out of range\r\n"),
        ("continuousirismove=-200", "Error: continuousirismove out of range\r\n"),
        ("pan=abc", "Error: invalid value for pan\r\n"),
        ("zoom=1.5", "Error: invalid value for zoom\r\n"),
        ("move=sideways", "Error: invalid value for move\r\n"),
        ("autofocus=maybe", "Error: invalid value for autofocus\r\n"),
        ("autoiris=1", "Error: invalid value for autoiris\r\n"),
        ("imagerotation=45", "Error: invalid value for imagerotation\r\n"),
        ("query=everything", "Error: invalid value for query\r\n"),
        ("auxiliary=", "Error: invalid value for auxiliary\r\n"),
        ("areazoom=1,2,0", "Error: areazoom out of range\r\n"),
        ("center=1", "Error: invalid value for center\r\n"),
        ("gotodevicepreset=99", "Error: gotodevicepreset out of range\r\n"),
        ("gotoserverpresetname=Nowhere", 'Error: preset "Nowhere" not found\r\n'),
        ("gotoserverpresetno=7", "Error: preset 7 not found\r\n"),
        ("move=home", "Error: no home position set\r\n"),
        ("camera=2&pan=1", "Error: invalid camera 2\r\n"),
        ("fly=1", "Error: unknown command fly\r\n"),
    ],
)
async def test_errors(
    simulator: Simulator, http: aiohttp.ClientSession, query: str, error: str
) -> None:
    assert await ptz(http, simulator, query) == (200, error)
    assert simulator.ptz_position()["pan"] == 0.0


async def test_move_directions_and_rotation(
    simulator: Simulator, http: aiohttp.ClientSession
) -> None:
    for direction, expected in [
        ("up", (0, 5)),
        ("down", (0, 0)),
        ("left", (-5, 0)),
        ("right", (0, 0)),
        ("upleft", (-5, 5)),
        ("downright", (0, 0)),
        ("upright", (5, 5)),
        ("downleft", (0, 0)),
    ]:
        assert await ptz(http, simulator, f"move={direction}") == (204, "")
        pos = simulator.ptz_position()
        assert (pos["pan"], pos["tilt"]) == expected, direction
    await ptz(http, simulator, "move=up&imagerotation=180")
    assert simulator.ptz_position()["tilt"] == -5
    await ptz(http, simulator, "move=up&imagerotation=90")
    assert simulator.ptz_position()["pan"] == 5
    await ptz(http, simulator, "move=up&imagerotation=270")
    assert simulator.ptz_position()["pan"] == 0


async def test_continuous_moves(
    simulator: Simulator, http: aiohttp.ClientSession
) -> None:
    now = [100.0]
    head = simulator.state.ptz[1]
    head.clock = lambda: now[0]
    head.since = now[0]
    assert await ptz(http, simulator, "continuouspantiltmove=50,-100") == (204, "")
    now[0] += 1.0
    pos = simulator.ptz_position()
    assert (pos["pan"], pos["tilt"], pos["moving"]) == (45.0, -90.0, True)
    assert pos["continuous"]["pan"] == 50
    await ptz(
        http,
        simulator,
        "continuouszoommove=100&continuousfocusmove=10&continuousirismove=-10",
    )
    now[0] += 1.0
    pos = simulator.ptz_position()
    assert pos["zoom"] == 2001
    assert pos["pan"] == 90.0
    await ptz(http, simulator, "continuouspantiltmove=0,0&continuouszoommove=0")
    now[0] += 1.0
    pos = simulator.ptz_position()
    assert (pos["pan"], pos["tilt"], pos["zoom"]) == (90.0, -180.0, 2001)
    # running into a limit stops the axis
    await ptz(http, simulator, "continuouspantiltmove=100,0")
    now[0] += 10.0
    assert simulator.ptz_position()["pan"] == 180.0
    assert simulator.ptz_position()["continuous"]["pan"] == 0
    await ptz(http, simulator, "continuousfocusmove=0&continuousirismove=0")
    assert simulator.ptz_position()["moving"] is False
    await ptz(http, simulator, "continuouspantiltmove=10,10&imagerotation=180")
    assert simulator.ptz_position()["continuous"]["pan"] == -10
    await ptz(http, simulator, "move=left")
    assert simulator.ptz_position()["moving"] is False


async def test_center_and_areazoom(
    simulator: Simulator, http: aiohttp.ClientSession
) -> None:
    assert await ptz(http, simulator, "center=640,240") == (204, "")
    pos = simulator.ptz_position()
    assert pos["pan"] == pytest.approx(30.0)
    assert pos["tilt"] == pytest.approx(0.0)
    assert pos["last_center"] == (640, 240, None, 640, 480)
    await ptz(http, simulator, "center=0,0&imagewidth=320&imageheight=240")
    pos = simulator.ptz_position()
    assert pos["pan"] == pytest.approx(0.0)
    assert pos["tilt"] == pytest.approx(22.5)
    await ptz(http, simulator, "areazoom=160,120,300&imagewidth=320&imageheight=240")
    pos = simulator.ptz_position()
    assert pos["zoom"] == pytest.approx(1 + 2 / 17 * 9998)
    assert pos["last_center"] == (160, 120, 300, 320, 240)
    await ptz(http, simulator, "areazoom=160,120,50&imagewidth=320&imageheight=240")
    assert simulator.ptz_position()["zoom"] == pytest.approx(1 + 0.5 / 17 * 9998)
    await ptz(http, simulator, "areazoom=160,120,1&imagewidth=320&imageheight=240")
    assert simulator.ptz_position()["zoom"] == 1
    await ptz(http, simulator, "center=320,0&imagerotation=180")
    assert simulator.ptz_position()["tilt"] < 22.5


async def test_presets(simulator: Simulator, http: aiohttp.ClientSession) -> None:
    await ptz(http, simulator, "pan=10&tilt=20")
    assert await get(
        http, simulator, "/com/ptzconfig.cgi?setserverpresetname=Door&home=yes"
    ) == (204, "")
    await ptz(http, simulator, "pan=-50")
    assert await get(http, simulator, "/com/ptzconfig.cgi?setserverpresetno=5") == (
        204,
        "",
    )
    await ptz(http, simulator, "pan=60")
    assert await get(
        http, simulator, "/com/ptzconfig.cgi?setserverpresetname=Gate"
    ) == (204, "")
    assert simulator.ptz_presets() == {1: "Door", 2: "Gate", 5: "Preset 5"}
    assert await ptz(http, simulator, "query=presetposcam") == (
        200,
        "presetposno1=Door\r\npresetposno2=Gate\r\npresetposno5=Preset 5\r\n",
    )
    assert await ptz(http, simulator, "query=presetposall") == (
        200,
        "Preset Positions for camera 1\r\n"
        "presetposno1=Door\r\npresetposno2=Gate\r\npresetposno5=Preset 5\r\n",
    )
    assert await ptz(http, simulator, "gotoserverpresetno=5") == (204, "")
    assert simulator.ptz_position()["pan"] == -50
    assert await ptz(http, simulator, "gotoserverpresetname=Door") == (204, "")
    assert simulator.ptz_position()["tilt"] == 20
    await ptz(http, simulator, "pan=0")
    assert await ptz(http, simulator, "move=home") == (204, "")
    assert simulator.ptz_position()["pan"] == 10
    # overwrite by name keeps the number; by number keeps the name
    await ptz(http, simulator, "pan=99")
    await get(http, simulator, "/com/ptzconfig.cgi?setserverpresetname=Gate")
    await get(http, simulator, "/com/ptzconfig.cgi?setserverpresetno=5&home=yes")
    assert simulator.ptz_presets() == {1: "Door", 2: "Gate", 5: "Preset 5"}
    assert simulator.ptz_position()["home"] == 5
    assert await get(
        http, simulator, "/com/ptzconfig.cgi?removeserverpresetname=Door"
    ) == (204, "")
    assert await get(http, simulator, "/com/ptzconfig.cgi?removeserverpresetno=5") == (
        204,
        "",
    )
    assert simulator.ptz_position()["home"] is None
    assert simulator.ptz_presets() == {2: "Gate"}


@pytest.mark.parametrize(
    ("query", "error"),
    [
        (
            "home=yes",
            "Error: home requires setserverpresetname or setserverpresetno\r\n",
        ),
        ("home=no", "Error: invalid value for home\r\n"),
        ("removeserverpresetname=X", 'Error: preset "X" not found\r\n'),
        ("removeserverpresetno=3", "Error: preset 3 not found\r\n"),
        ("removeserverpresetno=x", "Error: invalid value for removeserverpresetno\r\n"),
        ("setserverpresetno=0", "Error: setserverpresetno out of range\r\n"),
        ("setserverpresetname=", "Error: invalid value for setserverpresetname\r\n"),
        ("osdmenu=dance", "Error: invalid value for osdmenu\r\n"),
        ("wipe=1", "Error: unknown command wipe\r\n"),
        ("camera=3&osdmenu=open", "Error: invalid camera 3\r\n"),
    ],
)
async def test_ptzconfig_errors(
    simulator: Simulator, http: aiohttp.ClientSession, query: str, error: str
) -> None:
    assert await get(http, simulator, f"/com/ptzconfig.cgi?{query}") == (200, error)


async def test_osdmenu_aux_device_presets(
    simulator: Simulator, http: aiohttp.ClientSession
) -> None:
    assert await get(http, simulator, "/com/ptzconfig.cgi?osdmenu=open") == (204, "")
    assert simulator.ptz_position()["osd_menu"] == ["open"]
    assert await ptz(http, simulator, "auxiliary=wiper_on") == (204, "")
    assert simulator.ptz_position()["last_auxiliary"] == "wiper_on"
    assert await ptz(http, simulator, "gotodevicepreset=3") == (204, "")
    assert simulator.ptz_position()["pan"] == -120


async def test_info_whoami_and_ignored_bars(
    simulator: Simulator, http: aiohttp.ClientSession
) -> None:
    status, body = await ptz(http, simulator, "info=1&camera=1")
    assert status == 200
    names = [line.split("=")[0] for line in body.split("\r\n") if line]
    assert {
        "move",
        "pan",
        "areazoom",
        "continuouspantiltmove",
        "query",
        "whoami",
        "gotodevicepreset",
    } <= set(names)
    assert await ptz(http, simulator, "whoami=1") == (200, "cgi-ptz-sim\r\n")
    assert await ptz(http, simulator, "barcoord=10,10&panbar=100,horisontal") == (
        204,
        "",
    )
    simulator.ptz_set_commands(1, {"pan", "tilt", "query"})
    _, body = await ptz(http, simulator, "info=1")
    assert [line.split("=")[0] for line in body.split("\r\n") if line] == [
        "camera",
        "imagewidth",
        "imageheight",
        "pan",
        "tilt",
        "imagerotation",
        "query",
        "info",
    ]
    assert await ptz(http, simulator, "zoom=5") == (
        200,
        "Error: unsupported command zoom\r\n",
    )
    assert await ptz(http, simulator, "pan=5") == (204, "")
    simulator.ptz_set_commands(1, None)
    assert await ptz(http, simulator, "zoom=5") == (204, "")


async def test_spec_info_example_on_video_server(
    simulator_factory: Factory, http: aiohttp.ClientSession
) -> None:
    sim = await simulator_factory(sources=4)
    status, body = await get(http, sim, "/com/ptz.cgi?info=1&camera=3")
    assert status == 200
    assert "pan=-180.0...180.0\r\n" in body
    await get(http, sim, "/com/ptz.cgi?camera=3&pan=33")
    assert sim.ptz_position(3)["pan"] == 33
    assert sim.ptz_position(1)["pan"] == 0
    sim.params["PTZ.ImageSource.I1.PTZEnabled"] = "false"
    assert await get(http, sim, "/com/ptz.cgi?camera=2&pan=1") == (
        200,
        "Error: PTZ is not enabled for camera 2\r\n",
    )
    await get(http, sim, "/com/ptzconfig.cgi?camera=3&setserverpresetname=A")
    _, body = await get(http, sim, "/com/ptz.cgi?query=presetposall")
    assert body == (
        "Preset Positions for camera 1\r\n"
        "Preset Positions for camera 3\r\npresetposno1=A\r\n"
        "Preset Positions for camera 4\r\n"
    )


async def test_no_ptz(simulator_factory: Factory, http: aiohttp.ClientSession) -> None:
    sim = await simulator_factory(ptz=False)
    assert (await get(http, sim, "/com/ptz.cgi?query=position"))[0] == 404
    assert (await get(http, sim, "/com/ptzconfig.cgi?osdmenu=open"))[0] == 404
