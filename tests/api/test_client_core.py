"""Transport, auth, encoding, parameters, device info and users over HTTP."""

from __future__ import annotations

import time

from hypothesis import HealthCheck, given, settings, strategies as st
import pytest

from cgi_camera_api import (
    CameraAuthenticationError,
    CameraClient,
    CameraForbiddenError,
    CameraRequestRefusedError,
    CameraValueError,
)
from cgi_camera_api.transport import basic_authorization
from simulator import Simulator

from .conftest import ClientFactory, SimulatorFactory


@pytest.mark.parametrize("scheme", ["basic", "digest", "both"])
async def test_auth_learnt_then_one_request_per_call(
    simulator_factory: SimulatorFactory, client_for: ClientFactory, scheme: str
) -> None:
    """The first 401 teaches the scheme; every later call is one request."""
    sim = await simulator_factory(auth=scheme)
    client = client_for(sim)
    assert client.auth_scheme is None
    await client.params.list(["Brand"])
    assert client.auth_scheme == ("basic" if scheme == "basic" else "digest")
    assert sim.counters.total_requests == 2
    for expected in (3, 4, 5):
        await client.params.list(["Brand.Brand"])
        assert sim.counters.total_requests == expected


async def test_wrong_password_and_update_credentials(
    simulator: Simulator, client_for: ClientFactory
) -> None:
    """401 -> CameraAuthenticationError; new credentials work at once."""
    client = client_for(simulator, password="wrong")
    with pytest.raises(CameraAuthenticationError):
        await client.params.list(["Brand"])
    client.update_credentials("root", "pass")
    assert (await client.params.list(["Brand.Brand"]))["Brand.Brand"] == "CGI"
    simulator.change_password("root", "changed")
    with pytest.raises(CameraAuthenticationError):
        await client.params.list(["Brand.Brand"])
    client.update_credentials("root", "changed")
    await client.params.list(["Brand.Brand"])


async def test_basic_update_credentials(
    simulator_factory: SimulatorFactory, client_for: ClientFactory
) -> None:
    """Basic also takes new credentials."""
    sim = await simulator_factory(auth="basic")
    client = client_for(sim, password="bad")
    with pytest.raises(CameraAuthenticationError):
        await client.params.list(["Brand"])
    client.update_credentials("root", "pass")
    await client.params.list(["Brand"])


async def test_digest_stale_nonce_is_rechallenged(
    simulator_factory: SimulatorFactory, client_for: ClientFactory
) -> None:
    """A stale nonce costs one extra request, then nc restarts."""
    sim = await simulator_factory(auth="digest", nonce_lifetime=60)
    client = client_for(sim)
    await client.params.list(["Brand"])
    before = sim.counters.total_requests
    sim.auth.clock = lambda: time.monotonic() + 1000
    await client.params.list(["Brand"])
    assert sim.counters.total_requests == before + 2
    await client.params.list(["Brand"])
    assert sim.counters.total_requests == before + 3


async def test_nonce_forgotten_after_reboot(
    simulator_factory: SimulatorFactory, client_for: ClientFactory
) -> None:
    """After a reboot the old nonce is unknown: answered once with the new one."""
    sim = await simulator_factory(auth="digest", reboot_seconds=0)
    client = client_for(sim)
    await client.params.list(["Brand"])
    await sim.reboot(0)
    await sim.wait_until_up()
    await client.params.list(["Brand"])


def test_base_url_and_repr(client: CameraClient) -> None:
    """No credentials in base_url or repr."""
    assert client.base_url.startswith("http://127.0.0.1:")
    assert "pass" not in repr(client)
    assert "root" not in client.base_url


@pytest.mark.parametrize(
    ("host", "options", "expected"),
    [
        ("::1", {}, "http://[::1]:80"),
        ("[::1]", {"https": True, "port": 443}, "https://[::1]:443"),
        ("cam.local", {"https": True, "verify_ssl": False}, "https://cam.local:80"),
    ],
)
def test_base_urls(
    session: object, host: str, options: dict[str, object], expected: str
) -> None:
    """IPv6 literals are bracketed; https picks the scheme."""
    client = CameraClient(session, host, username="u", password="p", **options)  # type: ignore[arg-type]
    assert client.base_url == expected


@pytest.mark.parametrize(
    ("host", "options"),
    [
        ("user:pw@cam", {}),
        ("cam/x", {}),
        ("", {}),
        ("cam", {"port": 0}),
        ("cam", {"timeout": 0}),
    ],
)
def test_bad_settings(session: object, host: str, options: dict[str, object]) -> None:
    """Hosts with credentials/paths, bad ports and timeouts are refused."""
    with pytest.raises(CameraValueError):
        CameraClient(session, host, username="u", password="p", **options)  # type: ignore[arg-type]


# -- parameters ---------------------------------------------------------------


async def test_list_params(client: CameraClient, simulator: Simulator) -> None:
    """Groups, several groups with a literal comma, wildcards, everything."""
    brand = await client.params.list(["Brand"])
    assert brand["Brand.ProdNbr"] == "CGI-211"
    both = await client.params.list(["Brand.Brand", "Image.MaxViewers"])
    assert both == {"Brand.Brand": "CGI", "Image.MaxViewers": "10"}
    names = await client.params.list(["Input.*.Name"])
    assert set(names) == {"Input.I0.Name", "Input.I1.Name"}
    everything = await client.params.list()
    assert everything["Brand.Brand"] == "CGI"
    assert len(everything) > 50


async def test_list_unknown_group_is_refused(client: CameraClient) -> None:
    """``# Error:`` keeps the device's text."""
    with pytest.raises(CameraRequestRefusedError) as info:
        await client.params.list(["NoSuchGroup"])
    assert "NoSuchGroup" in info.value.message


async def test_update_params(client: CameraClient, simulator: Simulator) -> None:
    """Several values in one request; bad values are refused."""
    await client.params.update(
        {"Image.I0.Text.String": "a&b=c", "Network.HostName": "front door"}
    )
    assert simulator.params["Image.I0.Text.String"] == "a&b=c"
    assert simulator.params["Network.HostName"] == "front door"
    with pytest.raises(CameraRequestRefusedError, match="expected an integer"):
        await client.params.update({"Image.MaxViewers": "many"})
    with pytest.raises(CameraValueError):
        await client.params.update({})


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(value=st.text(max_size=40).filter(lambda v: "\x00" not in v))
async def test_values_never_inject_parameters(
    client: CameraClient, simulator: Simulator, value: str
) -> None:
    """What the simulator stored equals what was sent; nothing else changed."""
    # the simulator types a value by its current one ("5" makes it an integer)
    simulator.state.params.values["Image.I0.Text.String"] = "text"
    before = dict(simulator.params)
    await client.params.update({"Image.I0.Text.String": value})
    after = dict(simulator.params)
    assert after.pop("Image.I0.Text.String") == value
    before.pop("Image.I0.Text.String")
    assert after == before


async def test_add_and_remove_groups(
    client: CameraClient, simulator: Simulator
) -> None:
    """add returns the id; remove takes several groups in one request."""
    first = await client.params.add_group(
        "Event", "event", {"Event.E.Name": "My, event=1", "Event.E.Enabled": "yes"}
    )
    second = await client.params.add_group("Event", "event", force=True)
    assert first != second
    assert simulator.params[f"Event.{first}.Name"] == "My, event=1"
    await client.params.remove_groups([f"Event.{first}", f"Event.{second}"])
    assert not any(key.startswith(f"Event.{first}.") for key in simulator.params)
    with pytest.raises(CameraRequestRefusedError, match="Request failed"):
        await client.params.remove_groups([f"Event.{first}"])
    with pytest.raises(CameraRequestRefusedError, match="unknown template"):
        await client.params.add_group("Event", "nonsense")
    with pytest.raises(CameraValueError):
        await client.params.remove_groups([])


# -- device info -----------------------------------------------------------------


async def test_device_info_in_one_request(
    client: CameraClient, simulator: Simulator
) -> None:
    """One param.cgi request (after the auth handshake) gives everything.

    Everything but the speaker and how the I/O is pushed: the spec names no
    parameter for them, so one empty audio/transmit.cgi, and io/port.cgi's
    checkdirection and monitor (opened and closed), find them. The port
    counts the parameters hint are checked with one request each.
    """
    await client.params.list(["Brand.Brand"])
    before = simulator.counters.total_requests
    info = await client.get_device_info()
    assert simulator.counters.total_requests == before + 6
    assert simulator.counters.requests["/audio/transmit.cgi"] == 1
    assert simulator.counters.requests["/io/port.cgi"] == 2
    assert simulator.counters.requests["/io/input.cgi"] == 1
    assert simulator.counters.requests["/io/output.cgi"] == 1
    assert (info.brand, info.model, info.firmware) == ("CGI", "CGI-211", "4.40")
    assert info.serial == "00408C123456"
    assert info.mac == "00:40:8c:12:34:56"
    assert info.name == "cgi-camera"
    caps = info.capabilities
    assert (caps.sources, caps.has_quad, caps.inputs, caps.outputs) == (1, False, 2, 2)
    assert caps.ptz_sources == frozenset({1})
    assert caps.sd_card
    assert caps.audio
    assert info.input_names == {1: "", 2: ""}
    assert info.max_viewers == 10
    assert info.default_resolution == "640x480"


async def test_device_info_video_server_without_ptz(
    simulator_factory: SimulatorFactory, client_for: ClientFactory
) -> None:
    """Four sources, no PTZ, SD or audio; other MAC; named inputs."""
    sim = await simulator_factory(
        sources=4,
        ptz=False,
        sd_card=False,
        audio=False,
        inputs=4,
        outputs=0,
        mac="AC:CC:8E:00:00:01",
    )
    client = client_for(sim)
    await client.params.update({"Input.I2.Name": "Gate"})
    info = await client.get_device_info()
    caps = info.capabilities
    assert (caps.sources, caps.has_quad, caps.inputs, caps.outputs) == (4, True, 4, 0)
    assert caps.ptz_sources == frozenset()
    assert not caps.sd_card
    assert not caps.audio
    assert info.mac == "ac:cc:8e:00:00:01"
    assert info.input_names[3] == "Gate"
    assert info.output_names == {}


# -- users -------------------------------------------------------------------------


async def test_users(
    client: CameraClient, simulator: Simulator, client_for: ClientFactory
) -> None:
    """get, add, update, remove; a viewer gets 403 on admin requests."""
    users = await client.users.get()
    assert "root" in users.groups["root"]
    await client.users.add("joe", "foo1", "axuser", ["axview"], comment="Joe & co")
    assert "joe" in (await client.users.get()).groups["axview"]
    viewer = client_for(simulator, username="joe", password="foo1")
    await viewer.params.list(["Brand"])
    with pytest.raises(CameraForbiddenError):
        await viewer.params.update({"Network.HostName": "x"})
    await client.users.update(
        "joe", password="bar2", secondary_groups=["axview", "axoper"]
    )
    await client.users.update("joe", group="axuser", comment="c")
    assert "joe" in (await client.users.get()).groups["axoper"]
    with pytest.raises(CameraAuthenticationError):
        await viewer.params.list(["Brand"])
    await client.users.remove("joe")
    assert "joe" not in (await client.users.get()).groups["axview"]
    with pytest.raises(CameraRequestRefusedError, match="does not exist"):
        await client.users.remove("joe")


@pytest.mark.parametrize(
    ("call", "argument"),
    [
        (lambda c: c.users.add("jo e", "pw", "axuser"), "user"),
        (lambda c: c.users.add("joe", "p&w", "axuser"), "password"),
        (lambda c: c.users.add("joe", "pw", "ax user"), "group"),
        (lambda c: c.users.add("joe", "pw", "axuser", ["a:b"]), "secondary_groups"),
        (lambda c: c.users.update("joe"), "user"),
        (lambda c: c.users.update("joe", password=""), "password"),
        (lambda c: c.users.update("joe", group="x y"), "group"),
        (lambda c: c.users.update("joe", secondary_groups=["x,y"]), "secondary_groups"),
        (lambda c: c.users.remove(""), "user"),
    ],
)
async def test_user_arguments_checked_before_sending(
    client: CameraClient, simulator: Simulator, call: object, argument: str
) -> None:
    """The spec's character rules, checked before any request."""
    with pytest.raises(CameraValueError) as info:
        await call(client)  # type: ignore[operator]
    assert info.value.argument == argument
    assert simulator.counters.total_requests == 0


def test_basic_authorization_matches_rfc_7617() -> None:
    """RFC 7617's example, and UTF-8 for characters beyond ASCII."""
    assert basic_authorization("Aladdin", "open sesame") == (
        "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="
    )
    assert basic_authorization("test", "123\u00a3") == "Basic dGVzdDoxMjPCow=="
