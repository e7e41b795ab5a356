"""param.cgi through real HTTP, including every spec example URL."""

import aiohttp
import pytest

from simulator import Simulator

from .helpers import Factory, basic_auth, get


async def test_list_network_spec_example(
    simulator: Simulator, http: aiohttp.ClientSession
) -> None:
    async with http.get(
        simulator.url + "/param.cgi?action=list&group=Network",
        headers=basic_auth("root", "pass"),
    ) as response:
        assert response.status == 200
        assert response.headers["Content-Type"] == "text/plain"
        body = await response.text()
    assert "Network.IPAddress=192.168.0.90\nNetwork.SubnetMask=255.255.255.0\n" in body
    assert "Network.eth0.MACAddress=00:40:8C:12:34:56\n" in body
    assert all(line.startswith("Network.") for line in body.splitlines())


async def test_list_all_and_several_groups(
    simulator: Simulator, http: aiohttp.ClientSession
) -> None:
    status, body = await get(http, simulator, "/param.cgi?action=list")
    assert status == 200
    assert body.count("\n") == len(simulator.params)
    status, body = await get(
        http,
        simulator,
        "/param.cgi?action=list&group=Brand,Properties,Network,ImageSource,Image,Input,Output,PTZ.ImageSource",
    )
    assert "Brand.ProdNbr=CGI-211\n" in body
    assert "Properties.Firmware.Version=4.40\n" in body
    assert "Properties.System.SerialNumber=00408C123456\n" in body
    assert "ImageSource.NbrOfSources=1\n" in body
    assert "Image.MaxViewers=10\n" in body
    assert "Input.I0.Name=\n" in body
    assert "PTZ.ImageSource.I0.PTZEnabled=true\n" in body
    assert "# Error" not in body


async def test_list_single_param_and_rfc(
    simulator: Simulator, http: aiohttp.ClientSession
) -> None:
    _, body = await get(
        http, simulator, "/param.cgi?action=list&group=Network.IPAddress"
    )
    assert body == "Network.IPAddress=192.168.0.90\n"
    _, body = await get(
        http,
        simulator,
        "/param.cgi?action=list&group=Network.IPAddress&responseformat=rfc",
    )
    assert body == "Network.IPAddress=192.168.0.90\r\n"
    _, body = await get(
        http,
        simulator,
        "/param.cgi?action=list&group=Network.IPAddress&group=Brand.Brand",
    )
    assert body == "Network.IPAddress=192.168.0.90\nBrand.Brand=CGI\n"


async def test_list_unknown_group_is_error(
    simulator: Simulator, http: aiohttp.ClientSession
) -> None:
    status, body = await get(http, simulator, "/param.cgi?action=list&group=Nope")
    assert status == 200
    assert body == "# Error: Error -1 getting param in group 'Nope'\n"
    _, body = await get(http, simulator, "/param.cgi?action=list&group=Event")
    assert body == ""


async def test_invalid_action(
    simulator: Simulator, http: aiohttp.ClientSession
) -> None:
    _, body = await get(http, simulator, "/param.cgi?action=fly")
    assert body.startswith("# Error:")


async def test_update_spec_examples(
    simulator: Simulator, http: aiohttp.ClientSession
) -> None:
    status, body = await get(
        http, simulator, "/param.cgi?action=update&Image.I0.Resolution=320x240"
    )
    assert (status, body) == (200, "OK\r\n")
    assert simulator.params["Image.I0.Resolution"] == "320x240"
    _, body = await get(http, simulator, "/param.cgi?action=update&Image.MaxViewers=5")
    assert body == "OK\r\n"
    assert simulator.params["Image.MaxViewers"] == "5"


async def test_update_post_body(
    simulator: Simulator, http: aiohttp.ClientSession
) -> None:
    async with http.post(
        simulator.url + "/param.cgi",
        data={"action": "update", "Network.HostName": "My camera"},
        headers=basic_auth("root", "pass"),
    ) as response:
        assert await response.text() == "OK\r\n"
    assert simulator.params["Network.HostName"] == "My camera"


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ("Image.I0.Resolution=123x4", "unsupported resolution"),
        ("Image.MaxViewers=many", "expected an integer"),
        ("Image.MaxViewers=500", "out of range"),
        ("Image.I0.Text.DateEnabled=maybe", "expected yes or no"),
        ("PTZ.ImageSource.I0.PTZEnabled=maybe", "expected true or false"),
        ("Brand.Brand=Other", "read-only"),
        ("No.Such=1", "no such parameter"),
    ],
)
async def test_update_errors(
    simulator: Simulator, http: aiohttp.ClientSession, query: str, reason: str
) -> None:
    before = dict(simulator.params)
    _, body = await get(http, simulator, f"/param.cgi?action=update&{query}")
    assert body.startswith("# Error: ")
    assert reason in body
    assert body.endswith("\n")
    assert simulator.params == before


async def test_update_without_pairs(
    simulator: Simulator, http: aiohttp.ClientSession
) -> None:
    _, body = await get(http, simulator, "/param.cgi?action=update")
    assert body == "# Error: no parameter to update\n"


async def test_add_event_spec_example(
    simulator: Simulator, http: aiohttp.ClientSession
) -> None:
    status, body = await get(
        http,
        simulator,
        "/param.cgi?action=add&group=Event&template=event&Event.E.Name=MyEvent&Event.E.Enabled=yes",
    )
    assert (status, body) == (200, "E0 OK\r\n")
    _, listing = await get(http, simulator, "/param.cgi?action=list&group=Event.E0")
    lines = listing.splitlines()
    assert lines[:5] == [
        "Event.E0.Name=MyEvent",
        "Event.E0.Type=T",
        "Event.E0.Enabled=yes",
        "Event.E0.Active=no",
        "Event.E0.Priority=1",
    ]
    assert lines[-2:] == [
        "Event.E0.Suffix=%y-%m-%d_%H-%M-%S-%f",
        "Event.E0.MaxSequenceNumber=-100",
    ]
    assert len(lines) == 31


async def test_event_numbering_wildcard_and_remove(
    simulator: Simulator, http: aiohttp.ClientSession
) -> None:
    for index in range(8):
        _, body = await get(
            http,
            simulator,
            f"/param.cgi?action=add&group=Event&template=event&Event.E.Name=Ev{index}",
        )
        assert body == f"E{index} OK\r\n"
    _, body = await get(http, simulator, "/param.cgi?action=list&group=Event.*.Name")
    assert body.splitlines() == [f"Event.E{i}.Name=Ev{i}" for i in range(8)]
    # spec: "Delete event group E2 and E4"
    _, body = await get(
        http, simulator, "/param.cgi?action=remove&group=Event.E2,Event.E4"
    )
    assert body == "OK\r\n"
    # spec: "Delete an event entry" (E7)
    _, body = await get(http, simulator, "/param.cgi?action=remove&group=Event.E7")
    assert body == "OK\r\n"
    _, body = await get(http, simulator, "/param.cgi?action=list&group=Event.*.Name")
    assert [line.split(".")[1] for line in body.splitlines()] == [
        "E0",
        "E1",
        "E3",
        "E5",
        "E6",
    ]
    _, body = await get(
        http, simulator, "/param.cgi?action=add&group=Event&template=event"
    )
    assert body == "E8 OK\r\n"


async def test_remove_errors(simulator: Simulator, http: aiohttp.ClientSession) -> None:
    _, body = await get(http, simulator, "/param.cgi?action=remove&group=Event.E9")
    assert body.startswith("# Request failed: ")
    assert body.endswith("\r\n")
    _, body = await get(http, simulator, "/param.cgi?action=remove")
    assert body.startswith("# Request failed: ")
    _, body = await get(
        http, simulator, "/param.cgi?action=remove&group=Network.IPAddress"
    )
    assert body.startswith("# Request failed: ")
    assert "Network.IPAddress" in simulator.params


async def test_add_limits_and_force(
    simulator: Simulator, http: aiohttp.ClientSession
) -> None:
    for _ in range(10):
        await get(http, simulator, "/param.cgi?action=add&group=Event&template=event")
    _, body = await get(
        http, simulator, "/param.cgi?action=add&group=Event&template=event"
    )
    assert body == "# Request failed: maximum number of Event groups reached\n"
    _, body = await get(
        http, simulator, "/param.cgi?action=add&group=Event&template=event&force=yes"
    )
    assert body == "E10 OK\r\n"


async def test_add_errors(simulator: Simulator, http: aiohttp.ClientSession) -> None:
    _, body = await get(http, simulator, "/param.cgi?action=add&group=Event")
    assert body.startswith("# Request failed: ")
    _, body = await get(
        http, simulator, "/param.cgi?action=add&group=Event&template=nope"
    )
    assert body == "# Request failed: unknown template 'nope'\n"
    _, body = await get(
        http, simulator, "/param.cgi?action=add&group=Network&template=event"
    )
    assert body.startswith("# Request failed: ")
    # created, but a parameter could not be set
    _, body = await get(
        http,
        simulator,
        "/param.cgi?action=add&group=Event&template=event&Event.E.Enabled=maybe&Motion.M.Name=x",
    )
    assert body.startswith("E0 created\n# Error: ")
    assert body.endswith("\r\n")
    assert simulator.params["Event.E0.Enabled"] == "no"


async def test_motion_spec_examples(
    simulator: Simulator, http: aiohttp.ClientSession
) -> None:
    _, body = await get(
        http, simulator, "/param.cgi?action=add&group=Motion&template=motion"
    )
    assert body == "M0 OK\r\n"
    _, body = await get(
        http,
        simulator,
        "/param.cgi?action=add&group=Motion&template=motion"
        "&Motion.M.Name=Entrance&Motion.M.Top=500&Motion.M.Bottom=7000&Motion.M.Left=5000"
        "&Motion.M.Right=8500",
    )
    assert body == "M1 OK\r\n"
    assert simulator.params["Motion.M1.Name"] == "Entrance"
    assert simulator.params["Motion.M1.Right"] == "8500"
    _, body = await get(
        http,
        simulator,
        "/param.cgi?action=update&Motion.M1.Top=1500&Motion.M1.Bottom=8000",
    )
    assert body == "OK\r\n"
    _, body = await get(
        http, simulator, "/param.cgi?action=list&group=Motion.M1,group=Motion.M2"
    )
    assert "Motion.M1.Top=1500\n" in body
    assert "# Error: Error -1 getting param in group 'Motion.M2'\n" in body
    _, body = await get(http, simulator, "/param.cgi?action=list&group=Motion")
    assert body.count("\n") == 20
    for _ in range(4):
        await get(http, simulator, "/param.cgi?action=add&group=Motion&template=motion")
    _, body = await get(
        http, simulator, "/param.cgi?action=remove&group=Motion.M3,group=Motion.M5"
    )
    assert body == "OK\r\n"
    assert "Motion.M3.Name" not in simulator.params


async def test_secrets_hidden_from_viewers(
    simulator: Simulator, http: aiohttp.ClientSession
) -> None:
    simulator.state.users.add("view", "view1", "axuser", ("axview",), "")
    _, body = await get(
        http,
        simulator,
        "/param.cgi?action=list&group=SMTP",
        headers=basic_auth("view", "view1"),
    )
    assert "SMTP.MailServer1=" in body
    assert "Password" not in body
    _, body = await get(http, simulator, "/param.cgi?action=list&group=SMTP")
    assert "SMTP.Password=" in body


async def test_video_server_params(
    simulator_factory: Factory, http: aiohttp.ClientSession
) -> None:
    sim = await simulator_factory(sources=4, ptz=False, audio=False, sd_card=False)
    _, body = await get(
        http,
        sim,
        "/param.cgi?action=list&group=Brand.ProdType,ImageSource.NbrOfSources",
    )
    assert body == "Brand.ProdType=Video Server\nImageSource.NbrOfSources=4\n"
    _, body = await get(http, sim, "/param.cgi?action=list&group=Image.*.Resolution")
    assert body.count("Resolution=640x480") == 4
    _, body = await get(http, sim, "/param.cgi?action=list&group=Properties.PTZ.PTZ")
    assert body == "Properties.PTZ.PTZ=no\n"
